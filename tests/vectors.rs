//! The contract's test vectors (RFC 8032 test key 1 signing a challenge for //Alice) and
//! agreement with `libp2p-identity` on PeerIds.

use crate::common::mock::*;
use codec::{Decode, Encode};
use frame_support::assert_ok;
use pallet_registration::{
	challenge::{challenge_hash, decode_challenge, verify_signature},
	peer_id::{Ed25519PeerId, PeerIdError},
	ColdkeyNodeRegistrationV2, NodeType, RegisterChallenge, REGISTER_DOMAIN,
};
use sp_core::{crypto::Ss58Codec, H256};

/// The contract's vectors: `spec/vectors.json`, the one copy that the registrar's and the JS
/// end-to-end tests read too.
struct Vectors {
	node_seed: [u8; 32],
	node_public: [u8; 32],
	node_id_hex: Vec<u8>,
	peer_id_base58: String,
	node_id_base58_utf8: Vec<u8>,
	owner: [u8; 32],
	owner_ss58: String,
	node_id_hash: [u8; 32],
	empty_hash: [u8; 32],
	genesis: [u8; 32],
	block_number: u32,
	expires_at: u32,
	nonce: [u8; 32],
	u64: Case,
	u32: Case,
}

/// One block-number width's challenge.
struct Case {
	challenge: Vec<u8>,
	hash: [u8; 32],
	signature: [u8; 64],
}

fn vectors() -> Vectors {
	let json: serde_json::Value =
		serde_json::from_str(include_str!("../spec/vectors.json")).expect("valid JSON");
	let text = |key: &str| json[key].as_str().unwrap_or_else(|| panic!("{key}")).to_owned();
	let bytes = |key: &str| hex::decode(text(key)).unwrap_or_else(|_| panic!("{key} is hex"));
	let array = |key: &str| bytes(key).try_into().unwrap_or_else(|_| panic!("{key}: 32 bytes"));
	let number = |key: &str| json[key].as_u64().and_then(|n| n.try_into().ok()).expect("u32");
	let case = |width: &str| {
		let case = json["cases"]
			.as_array()
			.and_then(|cases| cases.iter().find(|c| c["block_number_type"] == width))
			.unwrap_or_else(|| panic!("a {width} case"));
		let field = |key: &str| hex::decode(case[key].as_str().expect(key)).expect("hex");
		let challenge = field("challenge_bytes");
		assert_eq!(case["length"].as_u64(), u64::try_from(challenge.len()).ok());
		Case {
			challenge,
			hash: field("challenge_hash").try_into().expect("32 bytes"),
			signature: field("signature").try_into().expect("64 bytes"),
		}
	};
	Vectors {
		node_seed: array("node_seed"),
		node_public: array("node_public_key"),
		node_id_hex: bytes("node_id_hex"),
		peer_id_base58: text("peer_id_base58"),
		node_id_base58_utf8: bytes("node_id_base58_utf8"),
		owner: array("owner_account"),
		owner_ss58: text("owner_ss58"),
		node_id_hash: array("node_id_hash"),
		empty_hash: array("empty_hash"),
		genesis: array("genesis_hash"),
		block_number: number("block_number"),
		expires_at: number("expires_at"),
		nonce: array("nonce"),
		u64: case("u64"),
		u32: case("u32"),
	}
}

fn vector_challenge<B: From<u32>>(v: &Vectors) -> RegisterChallenge<[u8; 32], B> {
	RegisterChallenge {
		domain: REGISTER_DOMAIN,
		genesis_hash: v.genesis,
		account: v.owner,
		node_id_hash: H256(v.node_id_hash),
		ipfs_peer_id_hash: H256(v.empty_hash),
		block_number: B::from(v.block_number),
		nonce: v.nonce,
		expires_at: B::from(v.expires_at),
	}
}

#[test]
fn vector_identities() {
	let v = vectors();
	let peer = Ed25519PeerId::from_public_key(v.node_public);
	assert_eq!(peer.to_raw().to_vec(), v.node_id_hex);
	assert_eq!(peer.to_node_id().as_slice(), v.peer_id_base58.as_bytes());
	assert_eq!(v.node_id_base58_utf8, v.peer_id_base58.as_bytes());
	assert_eq!(Ed25519PeerId::parse(v.peer_id_base58.as_bytes()), Ok(peer));
	assert_eq!(sp_io::hashing::blake2_256(&v.node_id_hex), v.node_id_hash);
	assert_eq!(sp_io::hashing::blake2_256(b""), v.empty_hash);
	let pair = <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&v.node_seed);
	assert_eq!(sp_core::Pair::public(&pair).0, v.node_public);
	let alice =
		<sp_core::sr25519::Pair as sp_core::Pair>::from_string("//Alice", None).expect("dev seed");
	assert_eq!(sp_core::Pair::public(&alice).0, v.owner);
	assert_eq!(sp_runtime::AccountId32::new(v.owner).to_ss58check(), v.owner_ss58);
}

#[test]
fn vector_u64_encoding_hash_and_signature() {
	let v = vectors();
	let (challenge, bytes) = (vector_challenge::<u64>(&v), &v.u64.challenge[..]);
	assert_eq!(bytes.len(), 200);
	assert_eq!(challenge.encode(), bytes);
	assert_eq!(decode_challenge::<[u8; 32], u64>(bytes), Ok(challenge));
	assert_eq!(challenge_hash(bytes), H256(v.u64.hash));
	assert!(verify_signature(&v.node_public, &v.u64.signature, bytes));
	let pair = <sp_core::ed25519::Pair as sp_core::Pair>::from_seed(&v.node_seed);
	assert_eq!(sp_core::Pair::sign(&pair, bytes).0, v.u64.signature);
}

#[test]
fn vector_u32_encoding_hash_and_signature() {
	let v = vectors();
	let (challenge, bytes) = (vector_challenge::<u32>(&v), &v.u32.challenge[..]);
	assert_eq!(bytes.len(), 192);
	assert_eq!(challenge.encode(), bytes);
	assert_eq!(decode_challenge::<[u8; 32], u32>(bytes), Ok(challenge));
	assert_eq!(challenge_hash(bytes), H256(v.u32.hash));
	assert!(verify_signature(&v.node_public, &v.u32.signature, bytes));
	// The u64 signature does not verify the u32 bytes.
	assert!(!verify_signature(&v.node_public, &v.u64.signature, bytes));
}

#[test]
fn vector_registers_on_the_mock_chain() {
	// The mock has 32-byte accounts, u64 blocks and frame_system's default genesis hash, so the
	// vector's own bytes and signature register at block 100..=110.
	let v = vectors();
	new_test_ext(|| {
		assert_eq!(Registration::genesis_hash(), v.genesis);
		System::set_block_number(105);
		let owner = sp_runtime::AccountId32::new(v.owner);
		let node_id = v.peer_id_base58.as_bytes().to_vec();
		let registering = Registering {
			signer: owner.clone(),
			node_type: NodeType::StorageMiner,
			node_id: node_id.clone(),
			pay_in_credits: false,
			owner: owner.clone(),
			public_key: v.node_public.to_vec(),
			signature: v.u64.signature.to_vec(),
			challenge: v.u64.challenge.clone(),
			node_id_hex: v.node_id_hex.clone(),
		};
		assert_ok!(registering.submit());
		let stored = ColdkeyNodeRegistrationV2::<Test>::get(
			pallet_registration::NodeId::truncate_from(node_id),
		)
		.expect("registered");
		assert_eq!(stored.owner, owner);
		assert_eq!(
			pallet_registration::UsedChallenges::<Test>::get(H256(v.u64.hash)),
			Some(v.expires_at.into())
		);
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
	let v = vectors();
	let (u64_bytes, u32_bytes) = (&v.u64.challenge[..], &v.u32.challenge[..]);
	let mut long = u64_bytes.to_vec();
	long.push(0);
	assert!(decode_challenge::<[u8; 32], u64>(&long).is_err());
	assert!(decode_challenge::<[u8; 32], u64>(&u64_bytes[..199]).is_err());
	// The u32 layout is not a u64 challenge, and the other way round.
	assert!(decode_challenge::<[u8; 32], u64>(u32_bytes).is_err());
	assert!(decode_challenge::<[u8; 32], u32>(u64_bytes).is_err());
	assert_eq!(
		RegisterChallenge::<[u8; 32], u64>::decode(&mut &u64_bytes[..]).map(|c| c.expires_at),
		Ok(110)
	);
}
