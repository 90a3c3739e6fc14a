//! libp2p PeerIds of Ed25519 keys, in both of their forms, without storage access.
//!
//! An Ed25519 PeerId is the identity multihash of the protobuf-encoded public key: the 38 bytes
//! `00 24 08 01 12 20 ‖ key`. Its base58btc text (52 characters) starts with `12D3KooW`. Because
//! the key is embedded, the PeerId alone says which key must sign for the node.

use crate::types::{NodeId, BASE58_PEER_ID_MAX_LEN, RAW_PEER_ID_LEN};

/// The `b` component of the weights of calls taking one node id: 1 for base58 text, 0 for the
/// raw form.
pub fn base58_form(node_id: &[u8]) -> u32 {
	u32::from(node_id.len() != RAW_PEER_ID_LEN as usize)
}

/// The six bytes before the key in a raw Ed25519 PeerId: identity multihash (code `0x00`, length
/// `0x24`), then protobuf `KeyType = Ed25519` (`08 01`) and `Data` of 32 bytes (`12 20`).
pub const ED25519_PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/// A well-formed libp2p PeerId of an Ed25519 key.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ed25519PeerId {
	public_key: [u8; 32],
}

impl Ed25519PeerId {
	/// The PeerId of `public_key`.
	pub fn from_public_key(public_key: [u8; 32]) -> Self {
		Self { public_key }
	}

	/// Reads the raw binary form; `None` unless it is exactly an Ed25519 PeerId.
	pub fn from_raw(bytes: &[u8]) -> Option<Self> {
		let (prefix, key) = bytes.split_at_checked(ED25519_PEER_ID_PREFIX.len())?;
		if prefix != ED25519_PEER_ID_PREFIX {
			return None;
		}
		Some(Self { public_key: key.try_into().ok()? })
	}

	/// Reads the base58btc text form; `None` unless it decodes to exactly an Ed25519 PeerId.
	///
	/// Base58 maps byte strings to texts one to one, so the accepted text is the canonical one.
	pub fn from_base58(text: &[u8]) -> Option<Self> {
		if text.len() > BASE58_PEER_ID_MAX_LEN as usize {
			return None;
		}
		let mut raw = [0u8; 38];
		let len = bs58::decode(text).onto(&mut raw[..]).ok()?;
		if len != raw.len() {
			return None;
		}
		Self::from_raw(&raw)
	}

	/// Reads either form and returns the PeerId with its canonical node id (base58 text).
	///
	/// Base58 is a bijection between texts and byte strings (leading `1`s stand for leading zero
	/// bytes), so accepted text already is the canonical form and is not encoded again.
	pub fn parse_canonical(bytes: &[u8]) -> Option<(Self, NodeId)> {
		if bytes.len() == RAW_PEER_ID_LEN as usize {
			let peer = Self::from_raw(bytes)?;
			Some((peer, peer.to_node_id()))
		} else {
			let peer = Self::from_base58(bytes)?;
			Some((peer, NodeId::try_from(bytes.to_vec()).ok()?))
		}
	}

	/// Reads either form: 38 bytes are the raw form (base58 text is never that short), anything
	/// else is base58 text.
	pub fn parse(bytes: &[u8]) -> Option<Self> {
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
		assert_eq!(Ed25519PeerId::from_raw(&raw), Some(id));
		assert_eq!(Ed25519PeerId::from_raw(&raw[..37]), None);
		let mut longer = raw.to_vec();
		longer.push(0);
		assert_eq!(Ed25519PeerId::from_raw(&longer), None);
		for i in 0..6 {
			let mut bad = raw;
			bad[i] ^= 1;
			assert_eq!(Ed25519PeerId::from_raw(&bad), None, "prefix byte {i}");
		}
	}

	#[test]
	fn accepted_text_is_the_canonical_node_id() {
		let alphabet = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
		for seed in 0..64u8 {
			let id = Ed25519PeerId::from_public_key([seed.wrapping_mul(37); 32]);
			let text = id.to_node_id();
			assert_eq!(Ed25519PeerId::parse_canonical(&id.to_raw()), Some((id, text.clone())));
			// Every one-character change that still parses names its own canonical text.
			for position in 0..text.len() {
				for &c in alphabet {
					let mut changed = text.to_vec();
					changed[position] = c;
					if let Some((peer, node_id)) = Ed25519PeerId::parse_canonical(&changed) {
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
		assert_eq!(Ed25519PeerId::from_base58(&text), Some(id));
		assert_eq!(Ed25519PeerId::parse(&text), Some(id));
		assert_eq!(Ed25519PeerId::parse(&id.to_raw()), Some(id));
		// A leading '1' is an extra zero byte: a different (longer) byte string.
		let mut padded = b"1".to_vec();
		padded.extend_from_slice(&text);
		assert_eq!(Ed25519PeerId::from_base58(&padded), None);
		// '0' is not a base58 digit.
		let mut bad = text.to_vec();
		bad[10] = b'0';
		assert_eq!(Ed25519PeerId::from_base58(&bad), None);
		assert_eq!(Ed25519PeerId::from_base58(b""), None);
		assert_eq!(Ed25519PeerId::parse(&[0u8; 200]), None);
	}
}
