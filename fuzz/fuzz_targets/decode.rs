//! Decoding never panics, and the PeerId parser agrees with libp2p-identity both ways: whatever
//! it accepts, libp2p reads as the same Ed25519 PeerId, and every Ed25519 PeerId libp2p makes
//! (here from a fuzzed seed) is accepted in both forms. The multiaddr check never panics and
//! accepts every multiaddr that the `multiaddr` crate (rust-libp2p's) reads, unless it is of a
//! protocol the pallet refuses, has an empty length-prefixed value, or names another node.
#![no_main]

#[path = "../../tests/common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod common;

use codec::Decode;
use common::mock::RuntimeCall;
use libfuzzer_sys::fuzz_target;
use pallet_registration::{challenge::decode_challenge, peer_id::Ed25519PeerId};

/// The raw Ed25519 PeerId a multiaddr without a `/p2p/` component is checked against.
const PEER: [u8; 38] = {
	let mut peer = [7u8; 38];
	let prefix = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
	let mut i = 0;
	while i < prefix.len() {
		peer[i] = prefix[i];
		i += 1;
	}
	peer
};

/// `multiaddr` crate reads `data` ⇒ the pallet's check agrees, as the module docs say.
fn multiaddr_agrees(data: &[u8]) {
	use pallet_registration::multiaddr::{check, read_varint, value_of, MultiaddrError, Value};
	let Ok(theirs) = multiaddr::Multiaddr::try_from(data.to_vec()) else {
		// Refused by the crate: the pallet may accept it (it checks structure, not the values of
		// DNS names or certificate hashes), but must not panic.
		let _ = check(data, &PEER);
		return;
	};
	if data.is_empty() {
		assert_eq!(check(data, &PEER), Err(MultiaddrError::Empty));
		return;
	}
	let mut refused = false;
	let mut peers = Vec::new();
	for protocol in theirs.iter() {
		let component = multiaddr::Multiaddr::empty().with(protocol).to_vec();
		let (code, value) = read_varint(&component).expect("the crate writes minimal varints");
		match value_of(code) {
			None => refused = true,
			Some(Value::Prefixed) => {
				let (len, bytes) = read_varint(value).expect("a length prefix");
				refused |= len == 0;
				if code == 0x01a5 {
					peers.push(bytes.to_vec());
				}
			}
			Some(Value::Fixed(len)) => assert_eq!(value.len(), len, "protocol {code:#x}"),
		}
	}
	// The first `/p2p/` component names the node; any other must name it too.
	let peer = peers.first().cloned().unwrap_or(PEER.to_vec());
	let ours = check(data, &peer);
	if refused {
		assert!(ours.is_err(), "a refused protocol or an empty value passed: {theirs}");
	} else if peers.iter().all(|p| *p == peer) {
		assert_eq!(ours, Ok(()), "{theirs}");
	} else {
		assert_eq!(ours, Err(MultiaddrError::ForeignPeerId), "{theirs}");
	}
}

fuzz_target!(|data: &[u8]| {
	multiaddr_agrees(data);
	let _ = decode_challenge::<sp_runtime::AccountId32, u64>(data);
	let _ = decode_challenge::<sp_runtime::AccountId32, u32>(data);
	let _ = RuntimeCall::decode(&mut &data[..]);

	if let Ok(ours) = Ed25519PeerId::parse(data) {
		let theirs = libp2p_identity::PeerId::from_bytes(&ours.to_raw()).expect("libp2p reads it");
		assert_eq!(theirs.to_bytes(), ours.to_raw().to_vec());
		assert_eq!(theirs.to_base58().into_bytes(), ours.to_node_id().to_vec());
		let public = libp2p_identity::PublicKey::try_decode_protobuf(&ours.to_raw()[2..])
			.expect("an Ed25519 key");
		assert_eq!(public.to_peer_id(), theirs);
		let (peer, node_id) = Ed25519PeerId::parse_canonical(data).expect("parse accepted it");
		assert_eq!((peer, node_id.to_vec()), (ours, ours.to_node_id().to_vec()));
	}

	if let Some(seed) = data.get(..32) {
		let mut seed = seed.to_vec();
		if let Ok(keypair) = libp2p_identity::Keypair::ed25519_from_bytes(&mut seed) {
			let peer_id = keypair.public().to_peer_id();
			let raw = peer_id.to_bytes();
			let ours = Ed25519PeerId::parse(&raw).expect("raw form accepted");
			assert_eq!(Ed25519PeerId::parse(peer_id.to_base58().as_bytes()), Ok(ours));
		}
	}
});
