//! What the migration and its try-runtime checks share: strict reads of the earlier layouts'
//! values and keys, and the preference rule that decides which of two entries stays.

use crate::{stored::Stored, types::*};
use alloc::{vec, vec::Vec};
use codec::{Decode, DecodeAll, MaxEncodedLen};

/// Length of a storage item's prefix (`twox_128(pallet) ++ twox_128(item)`).
pub(crate) const PREFIX_LEN: usize = 32;

/// Reads the value under `key` strictly, reading at most `V::max_encoded_len()` bytes of it: a
/// longer value does not decode.
pub(crate) fn read_strict<V: Decode + MaxEncodedLen>(key: &[u8]) -> Stored<V> {
	let max = V::max_encoded_len();
	let mut buffer = vec![0u8; max];
	match sp_io::storage::read(key, &mut buffer, 0) {
		None => Stored::Absent,
		Some(len) if len as usize > max => Stored::Undecodable,
		Some(len) => {
			buffer.truncate(len as usize);
			match V::decode_all(&mut buffer.as_slice()) {
				Ok(value) => Stored::Present(value),
				Err(_) => Stored::Undecodable,
			}
		}
	}
}

/// The encoded map key of a `Blake2_128Concat` entry under a storage item's prefix, if its
/// hash matches.
fn blake2_key(key: &[u8]) -> Option<&[u8]> {
	let (hash, encoded) = key.get(PREFIX_LEN..)?.split_at_checked(16)?;
	(sp_io::hashing::blake2_128(encoded).as_slice() == hash).then_some(encoded)
}

/// The map key of a `Blake2_128Concat` entry, decoded exactly.
pub(crate) fn decode_key<K: Decode>(key: &[u8]) -> Option<K> {
	let mut encoded = blake2_key(key)?;
	K::decode_all(&mut encoded).ok()
}

/// The status a node of the reference keeps: only storage miners are ever `Degraded` here, so
/// another degraded node becomes `Online`.
pub(crate) fn effective_status(node_type: NodeType, status: Status) -> Status {
	if status == Status::Degraded && node_type != NodeType::StorageMiner {
		Status::Online
	} else {
		status
	}
}

/// What the preference compares, lower first: not `Online`, `registered_at`, in the raw form,
/// the node id.
pub(crate) fn rank<N: AsRef<[u8]>, A, B: Copy>(
	info: &ColdkeyNodeInfoLite<N, A, B>,
	raw_form: bool,
) -> (bool, B, bool, Vec<u8>) {
	(
		effective_status(info.node_type, info.status) != Status::Online,
		info.registered_at,
		raw_form,
		info.node_id.as_ref().to_vec(),
	)
}
