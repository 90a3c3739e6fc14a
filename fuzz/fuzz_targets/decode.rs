//! Decoding never panics, and the PeerId parser agrees with libp2p-identity both ways: whatever
//! it accepts, libp2p reads as the same Ed25519 PeerId, and every Ed25519 PeerId libp2p makes
//! (here from a fuzzed seed) is accepted in both forms.
#![no_main]

#[path = "../../tests/common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod common;

use codec::Decode;
use common::mock::RuntimeCall;
use libfuzzer_sys::fuzz_target;
use pallet_registration::{challenge::decode_challenge, peer_id::Ed25519PeerId};

fuzz_target!(|data: &[u8]| {
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
