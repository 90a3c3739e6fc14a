//! The contract's test vectors (RFC 8032 test key 1 signing a challenge for //Alice) and
//! agreement with `libp2p-identity` on PeerIds.

mod common;

use codec::{Decode, Encode};
use common::mock::*;
use frame_support::assert_ok;
use hex_literal::hex;
use pallet_registration::{
	challenge::{challenge_hash, decode_challenge, verify_signature},
	peer_id::{Ed25519PeerId, PeerIdError},
	ColdkeyNodeRegistrationV2, NodeType, RegisterChallenge, REGISTER_DOMAIN,
};
use sp_core::H256;

const NODE_SEED: [u8; 32] =
	hex!("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const NODE_PUBLIC: [u8; 32] =
	hex!("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const NODE_ID_HEX: [u8; 38] =
	hex!("002408011220d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const PEER_ID_BASE58: &str = "12D3KooWQK1wnefoLrcVHbbnf5tLzbopUd3K3bFAoJpA7YJgL5pV";
const OWNER: [u8; 32] = hex!("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");
const NODE_ID_HASH: [u8; 32] =
	hex!("1fa6e3e69a2216390254c9797df9a572994ab2c829bbe21d67588d463a41dc63");
const EMPTY_HASH: [u8; 32] =
	hex!("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
const GENESIS: [u8; 32] = [0x45; 32];

const CHALLENGE_U64: [u8; 200] = hex!("484950504955533a3a52454749535445523a3a76310000004545454545454545454545454545454545454545454545454545454545454545d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d1fa6e3e69a2216390254c9797df9a572994ab2c829bbe21d67588d463a41dc630e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8640000000000000042424242424242424242424242424242424242424242424242424242424242426e00000000000000");
const HASH_U64: [u8; 32] = hex!("a8fa2ff5cccadfa150f345c4fdf79a99bfe32a96dafbffd1194ce88722762ec2");
const SIG_U64: [u8; 64] = hex!("b81c1cfbe2fd3a65514195f6153471f21a902888f7d378386e7190f8efb79651781e6bca5f12de410caa1bd07a0502b9f3ab79b9626be41e1e906020df203b0a");

const CHALLENGE_U32: [u8; 192] = hex!("484950504955533a3a52454749535445523a3a76310000004545454545454545454545454545454545454545454545454545454545454545d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d1fa6e3e69a2216390254c9797df9a572994ab2c829bbe21d67588d463a41dc630e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a86400000042424242424242424242424242424242424242424242424242424242424242426e000000");
const HASH_U32: [u8; 32] = hex!("2430ad48ffb0e637abab16ab07c524c323e6791df85743b9498f1c20617cfa5c");
const SIG_U32: [u8; 64] = hex!("beb448e582695678965b7422123f9bf9383ede76deac3d9a8fe83b7a1c8a69ecce6aeb8b0820c74c51cc518f5899d6b65c39a31818e91b3f779518a5d03f9007");

fn vector_challenge<B: From<u8>>() -> RegisterChallenge<[u8; 32], B> {
	RegisterChallenge {
		domain: REGISTER_DOMAIN,
		genesis_hash: GENESIS,
		account: OWNER,
		node_id_hash: H256(NODE_ID_HASH),
		ipfs_peer_id_hash: H256(EMPTY_HASH),
		block_number: B::from(100),
		nonce: [0x42; 32],
		expires_at: B::from(110),
	}
}

#[test]
fn vector_identities() {
	let peer = Ed25519PeerId::from_public_key(NODE_PUBLIC);
	assert_eq!(peer.to_raw(), NODE_ID_HEX);
	assert_eq!(peer.to_node_id().as_slice(), PEER_ID_BASE58.as_bytes());
	assert_eq!(Ed25519PeerId::parse(PEER_ID_BASE58.as_bytes()), Ok(peer));
	assert_eq!(sp_io::hashing::blake2_256(&NODE_ID_HEX), NODE_ID_HASH);
	assert_eq!(sp_io::hashing::blake2_256(b""), EMPTY_HASH);
	let pair = <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&NODE_SEED);
	assert_eq!(sp_core::Pair::public(&pair).0, NODE_PUBLIC);
	let alice =
		<sp_core::sr25519::Pair as sp_core::Pair>::from_string("//Alice", None).expect("dev seed");
	assert_eq!(sp_core::Pair::public(&alice).0, OWNER);
}

#[test]
fn vector_u64_encoding_hash_and_signature() {
	let challenge = vector_challenge::<u64>();
	assert_eq!(challenge.encode(), CHALLENGE_U64);
	assert_eq!(decode_challenge::<[u8; 32], u64>(&CHALLENGE_U64), Ok(challenge));
	assert_eq!(challenge_hash(&CHALLENGE_U64), H256(HASH_U64));
	assert!(verify_signature(&NODE_PUBLIC, &SIG_U64, &CHALLENGE_U64));
	let pair = <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&NODE_SEED);
	assert_eq!(sp_core::Pair::sign(&pair, &CHALLENGE_U64).0, SIG_U64);
}

#[test]
fn vector_u32_encoding_hash_and_signature() {
	let challenge = vector_challenge::<u32>();
	assert_eq!(challenge.encode(), CHALLENGE_U32);
	assert_eq!(decode_challenge::<[u8; 32], u32>(&CHALLENGE_U32), Ok(challenge));
	assert_eq!(challenge_hash(&CHALLENGE_U32), H256(HASH_U32));
	assert!(verify_signature(&NODE_PUBLIC, &SIG_U32, &CHALLENGE_U32));
	// The u64 signature does not verify the u32 bytes.
	assert!(!verify_signature(&NODE_PUBLIC, &SIG_U64, &CHALLENGE_U32));
}

#[test]
fn vector_registers_on_the_mock_chain() {
	// The mock has 32-byte accounts, u64 blocks and frame_system's default genesis hash, so the
	// vector's own bytes and signature register at block 100..=110.
	new_test_ext(|| {
		assert_eq!(Registration::genesis_hash(), GENESIS);
		System::set_block_number(105);
		let owner = sp_runtime::AccountId32::new(OWNER);
		let node_id = PEER_ID_BASE58.as_bytes().to_vec();
		let registering = Registering {
			signer: owner.clone(),
			node_type: NodeType::StorageMiner,
			node_id: node_id.clone(),
			pay_in_credits: false,
			owner: owner.clone(),
			public_key: NODE_PUBLIC.to_vec(),
			signature: SIG_U64.to_vec(),
			challenge: CHALLENGE_U64.to_vec(),
			node_id_hex: NODE_ID_HEX.to_vec(),
		};
		assert_ok!(registering.submit());
		let stored = ColdkeyNodeRegistrationV2::<Test>::get(
			pallet_registration::NodeId::truncate_from(node_id),
		)
		.expect("registered");
		assert_eq!(stored.owner, owner);
		assert_eq!(pallet_registration::UsedChallenges::<Test>::get(H256(HASH_U64)), Some(110));
	});
}

#[test]
fn peer_ids_agree_with_libp2p_identity() {
	for _ in 0..500 {
		let keypair = libp2p_identity::Keypair::generate_ed25519();
		let peer_id = keypair.public().to_peer_id();
		let public = keypair.public().try_into_ed25519().expect("ed25519").to_bytes();
		let ours = Ed25519PeerId::from_public_key(public);
		assert_eq!(ours.to_raw().to_vec(), peer_id.to_bytes());
		assert_eq!(ours.to_node_id().to_vec(), peer_id.to_base58().into_bytes());
		assert_eq!(Ed25519PeerId::parse(&peer_id.to_bytes()), Ok(ours));
		assert_eq!(Ed25519PeerId::parse(peer_id.to_base58().as_bytes()), Ok(ours));
		// libp2p reads our bytes back as the same PeerId.
		let back = libp2p_identity::PeerId::from_bytes(&ours.to_raw()).expect("valid PeerId");
		assert_eq!(back, peer_id);
		// A libp2p signature over a challenge verifies with the pallet's check.
		let message = [public.as_slice(), b"challenge"].concat();
		let signature: [u8; 64] =
			keypair.sign(&message).expect("signs").try_into().expect("64 bytes");
		assert!(verify_signature(&public, &signature, &message));
	}
}

#[test]
fn non_ed25519_peer_ids_are_refused() {
	for keypair in
		[libp2p_identity::Keypair::generate_secp256k1(), libp2p_identity::Keypair::generate_ecdsa()]
	{
		let peer_id = keypair.public().to_peer_id();
		assert_eq!(Ed25519PeerId::parse(&peer_id.to_bytes()), Err(PeerIdError::Malformed));
		assert_eq!(
			Ed25519PeerId::parse(peer_id.to_base58().as_bytes()),
			Err(PeerIdError::Malformed)
		);
	}
	let random = libp2p_identity::PeerId::random();
	assert_eq!(Ed25519PeerId::parse(&random.to_bytes()), Err(PeerIdError::Malformed));
}

#[test]
fn challenge_decoding_is_exact() {
	let mut long = CHALLENGE_U64.to_vec();
	long.push(0);
	assert!(decode_challenge::<[u8; 32], u64>(&long).is_err());
	assert!(decode_challenge::<[u8; 32], u64>(&CHALLENGE_U64[..199]).is_err());
	// The u32 layout is not a u64 challenge, and the other way round.
	assert!(decode_challenge::<[u8; 32], u64>(&CHALLENGE_U32).is_err());
	assert!(decode_challenge::<[u8; 32], u32>(&CHALLENGE_U64).is_err());
	assert_eq!(
		RegisterChallenge::<[u8; 32], u64>::decode(&mut &CHALLENGE_U64[..]).map(|c| c.expires_at),
		Ok(110)
	);
}
