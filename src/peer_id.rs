//! libp2p PeerIds of Ed25519 keys, in both of their forms, without storage access.
//!
//! An Ed25519 PeerId is the identity multihash of the protobuf-encoded public key: the 38 bytes
//! `00 24 08 01 12 20 ‖ key`. Its base58btc text (52 characters) starts with `12D3KooW`. Because
//! the key is embedded, the PeerId alone says which key must sign for the node.
//!
//! Keys of small order (the eight points of the curve's torsion subgroup, in any of their
//! fourteen encodings) are refused: with such a key `R = identity, S = 0` verifies for every
//! message, so whoever names such a PeerId could "prove" control of it without a secret.

use crate::types::{NodeId, BASE58_PEER_ID_MAX_LEN, RAW_PEER_ID_LEN};

/// The `b` component of the weights of calls taking one node id: 1 for base58 text, 0 for the
/// raw form.
pub fn base58_form(node_id: &[u8]) -> u32 {
	u32::from(node_id.len() != RAW_PEER_ID_LEN as usize)
}

/// The six bytes before the key in a raw Ed25519 PeerId: identity multihash (code `0x00`, length
/// `0x24`), then protobuf `KeyType = Ed25519` (`08 01`) and `Data` of 32 bytes (`12 20`).
pub const ED25519_PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/// The `y` coordinates (little-endian, sign bit clear) of the Ed25519 points of small order,
/// including the two non-canonical encodings `p` and `p + 1` of 0 and 1. A key whose encoding
/// equals one of these once its sign bit (bit 255) is cleared has small order; `tests/hostile.rs`
/// derives the list from the torsion subgroup and checks it is complete.
pub const SMALL_ORDER_Y: [[u8; 32]; 7] = [
	// 0: the two points of order 4.
	[0; 32],
	// 1: the identity.
	[
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0,
	],
	// Two of the points of order 8 (with either sign of x: four points).
	[
		0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
		0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
		0xfc, 0x05,
	],
	[
		0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
		0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
		0x03, 0x7a,
	],
	// p - 1: the point of order 2.
	[
		0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0x7f,
	],
	// p and p + 1: non-canonical encodings of 0 and 1.
	[
		0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0x7f,
	],
	[
		0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0x7f,
	],
];

/// Whether the Ed25519 public key `key` has small order.
pub fn is_small_order(key: &[u8; 32]) -> bool {
	let mut y = *key;
	if let Some(last) = y.last_mut() {
		*last &= 0x7f;
	}
	SMALL_ORDER_Y.contains(&y)
}

/// Why bytes are not an acceptable Ed25519 PeerId.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PeerIdError {
	/// Not the raw form or the base58 text of an Ed25519 PeerId.
	Malformed,
	/// The PeerId of an Ed25519 key of small order, for which no proof of control means anything.
	SmallOrderKey,
}

/// A well-formed libp2p PeerId of an Ed25519 key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ed25519PeerId {
	public_key: [u8; 32],
}

impl Ed25519PeerId {
	/// The PeerId of `public_key` (not checked: for keys the caller made or already checked).
	pub fn from_public_key(public_key: [u8; 32]) -> Self {
		Self { public_key }
	}

	/// Reads the raw binary form: exactly an Ed25519 PeerId, of a key not of small order.
	pub fn from_raw(bytes: &[u8]) -> Result<Self, PeerIdError> {
		let (prefix, key) =
			bytes.split_at_checked(ED25519_PEER_ID_PREFIX.len()).ok_or(PeerIdError::Malformed)?;
		if prefix != ED25519_PEER_ID_PREFIX {
			return Err(PeerIdError::Malformed);
		}
		let public_key: [u8; 32] = key.try_into().map_err(|_| PeerIdError::Malformed)?;
		if is_small_order(&public_key) {
			return Err(PeerIdError::SmallOrderKey);
		}
		Ok(Self { public_key })
	}

	/// Reads the base58btc text form: it must decode to exactly an acceptable raw form.
	///
	/// Base58 maps byte strings to texts one to one, so the accepted text is the canonical one.
	pub fn from_base58(text: &[u8]) -> Result<Self, PeerIdError> {
		if text.len() > BASE58_PEER_ID_MAX_LEN as usize {
			return Err(PeerIdError::Malformed);
		}
		let mut raw = [0u8; 38];
		let len = bs58::decode(text).onto(&mut raw[..]).map_err(|_| PeerIdError::Malformed)?;
		if len != raw.len() {
			return Err(PeerIdError::Malformed);
		}
		Self::from_raw(&raw)
	}

	/// Reads either form and returns the PeerId with its canonical node id (base58 text).
	///
	/// Base58 is a bijection between texts and byte strings (leading `1`s stand for leading zero
	/// bytes), so accepted text already is the canonical form and is not encoded again.
	pub fn parse_canonical(bytes: &[u8]) -> Result<(Self, NodeId), PeerIdError> {
		if bytes.len() == RAW_PEER_ID_LEN as usize {
			let peer = Self::from_raw(bytes)?;
			Ok((peer, peer.to_node_id()))
		} else {
			let peer = Self::from_base58(bytes)?;
			let node_id = NodeId::try_from(bytes.to_vec()).map_err(|_| PeerIdError::Malformed)?;
			Ok((peer, node_id))
		}
	}

	/// Reads either form: 38 bytes are the raw form (base58 text is never that short), anything
	/// else is base58 text.
	pub fn parse(bytes: &[u8]) -> Result<Self, PeerIdError> {
		if bytes.len() == RAW_PEER_ID_LEN as usize {
			Self::from_raw(bytes)
		} else {
			Self::from_base58(bytes)
		}
	}

	/// The embedded Ed25519 public key.
	pub fn public_key(&self) -> &[u8; 32] {
		&self.public_key
	}

	/// The raw 38-byte form.
	pub fn to_raw(&self) -> [u8; 38] {
		let mut raw = [0u8; 38];
		let (prefix, key) = raw.split_at_mut(ED25519_PEER_ID_PREFIX.len());
		prefix.copy_from_slice(&ED25519_PEER_ID_PREFIX);
		key.copy_from_slice(&self.public_key);
		raw
	}

	/// The base58btc text form: the canonical node id the registry is keyed by.
	pub fn to_node_id(&self) -> NodeId {
		let mut text = [0u8; BASE58_PEER_ID_MAX_LEN as usize];
		// 38 bytes never need more than 52 base58 digits, so the buffer always suffices.
		let len = bs58::encode(self.to_raw()).onto(&mut text[..]).unwrap_or_default();
		let used = text.get(..len).unwrap_or_default();
		NodeId::truncate_from(used.to_vec())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn raw_form_needs_exact_prefix_and_length() {
		let id = Ed25519PeerId::from_public_key([7; 32]);
		let raw = id.to_raw();
		assert_eq!(Ed25519PeerId::from_raw(&raw), Ok(id));
		assert_eq!(Ed25519PeerId::from_raw(&raw[..37]), Err(PeerIdError::Malformed));
		let mut longer = raw.to_vec();
		longer.push(0);
		assert_eq!(Ed25519PeerId::from_raw(&longer), Err(PeerIdError::Malformed));
		for i in 0..6 {
			let mut bad = raw;
			bad[i] ^= 1;
			assert_eq!(
				Ed25519PeerId::from_raw(&bad),
				Err(PeerIdError::Malformed),
				"prefix byte {i}"
			);
		}
	}

	#[test]
	fn accepted_text_is_the_canonical_node_id() {
		let alphabet = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
		// Seeds from 1: the all-zero key has small order.
		for seed in 1..=64u8 {
			let id = Ed25519PeerId::from_public_key([seed.wrapping_mul(37); 32]);
			let text = id.to_node_id();
			assert_eq!(Ed25519PeerId::parse_canonical(&id.to_raw()), Ok((id, text.clone())));
			// Every one-character change that still parses names its own canonical text.
			for position in 0..text.len() {
				for &c in alphabet {
					let mut changed = text.to_vec();
					changed[position] = c;
					if let Ok((peer, node_id)) = Ed25519PeerId::parse_canonical(&changed) {
						assert_eq!(node_id, peer.to_node_id());
					}
				}
			}
		}
	}

	#[test]
	fn base58_round_trips_and_rejects_garbage() {
		let id = Ed25519PeerId::from_public_key([0xab; 32]);
		let text = id.to_node_id();
		assert_eq!(text.len(), 52);
		assert!(text.starts_with(b"12D3KooW"));
		assert_eq!(Ed25519PeerId::from_base58(&text), Ok(id));
		assert_eq!(Ed25519PeerId::parse(&text), Ok(id));
		assert_eq!(Ed25519PeerId::parse(&id.to_raw()), Ok(id));
		// A leading '1' is an extra zero byte: a different (longer) byte string.
		let mut padded = b"1".to_vec();
		padded.extend_from_slice(&text);
		assert_eq!(Ed25519PeerId::from_base58(&padded), Err(PeerIdError::Malformed));
		// '0' is not a base58 digit.
		let mut bad = text.to_vec();
		bad[10] = b'0';
		assert_eq!(Ed25519PeerId::from_base58(&bad), Err(PeerIdError::Malformed));
		assert_eq!(Ed25519PeerId::from_base58(b""), Err(PeerIdError::Malformed));
		assert_eq!(Ed25519PeerId::parse(&[0u8; 200]), Err(PeerIdError::Malformed));
	}

	#[test]
	fn small_order_keys_are_refused_in_both_forms() {
		for y in SMALL_ORDER_Y {
			for sign in [0u8, 0x80] {
				let mut key = y;
				key[31] |= sign;
				let id = Ed25519PeerId::from_public_key(key);
				assert_eq!(Ed25519PeerId::from_raw(&id.to_raw()), Err(PeerIdError::SmallOrderKey));
				assert_eq!(
					Ed25519PeerId::parse_canonical(&id.to_node_id()),
					Err(PeerIdError::SmallOrderKey)
				);
			}
		}
		assert!(!is_small_order(&[2; 32]));
	}
}
