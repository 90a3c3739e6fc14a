//! Strict reads of stored values whose bounds are runtime constants.
//!
//! FRAME's typed getters read a value that no longer decodes as absent (or as the default). A
//! bounded list that an upgrade made too long for a lowered bound would then read as an empty
//! list: an empty whitelist means "every validator may report", an empty ballot "this owner has
//! not voted yet". Reads here tell an undecodable value apart from a missing one, so that every
//! caller can fail closed, and `try_state` can report it.

use codec::Decode;

/// A stored value, read strictly.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Stored<V> {
	/// Nothing is stored under the key.
	Absent,
	/// The value, decoded within its bounds.
	Present(V),
	/// Something is stored that does not decode: in practice a list longer than its bound.
	Undecodable,
}

impl<V> Stored<V> {
	/// The value if present; `undecodable` when it does not decode; `None` when absent.
	pub fn or_undecodable<E>(self, undecodable: E) -> Result<Option<V>, E> {
		match self {
			Stored::Absent => Ok(None),
			Stored::Present(value) => Ok(Some(value)),
			Stored::Undecodable => Err(undecodable),
		}
	}
}

/// Reads the value stored under the final storage `key`.
pub fn read<V: Decode>(key: &[u8]) -> Stored<V> {
	match frame_support::storage::unhashed::get_raw(key) {
		None => Stored::Absent,
		Some(bytes) => match V::decode(&mut &bytes[..]) {
			Ok(value) => Stored::Present(value),
			Err(_) => Stored::Undecodable,
		},
	}
}
