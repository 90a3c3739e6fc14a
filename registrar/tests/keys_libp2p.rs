//! The registrar's node key formats checked against rust-libp2p (`libp2p-identity`): the same
//! key gives the same PeerId (raw bytes and base58), libp2p verifies the registrar's
//! signatures, and libp2p's protobuf encoding (go-libp2p's format) loads.

use base64::Engine as _;
use libp2p_identity::{ed25519, Keypair, PeerId};
use registrar::keys::{NodeKey, NodeKeyFormat};

fn libp2p_peer(keypair: &Keypair) -> PeerId {
	keypair.public().to_peer_id()
}

fn assert_same_node(ours: &NodeKey, theirs: &Keypair) {
	let peer = libp2p_peer(theirs);
	assert_eq!(ours.peer_id_base58(), peer.to_base58());
	assert_eq!(ours.peer_id_raw().to_vec(), peer.to_bytes());
	let message = b"registration challenge bytes";
	assert!(theirs.public().verify(message, &ours.sign(message)));
}

#[test]
fn protobuf_base64_and_raw_match_libp2p() {
	for _ in 0..20 {
		let keypair = Keypair::generate_ed25519();
		let protobuf = keypair.to_protobuf_encoding().unwrap();
		let base64 = base64::engine::general_purpose::STANDARD.encode(&protobuf);
		let from_text =
			NodeKey::parse(format!("{base64}\n").as_bytes(), NodeKeyFormat::Protobuf).unwrap();
		assert_same_node(&from_text, &keypair);
		let from_raw = NodeKey::parse(&protobuf, NodeKeyFormat::Protobuf).unwrap();
		assert_same_node(&from_raw, &keypair);
		let detected = NodeKey::parse(base64.as_bytes(), NodeKeyFormat::Auto).unwrap();
		assert_same_node(&detected, &keypair);
	}
}

#[test]
fn protobuf_from_libp2p_decodes_back_in_libp2p() {
	// And the other way: libp2p reads the key the registrar read, to the same PeerId.
	let keypair = Keypair::generate_ed25519();
	let protobuf = keypair.to_protobuf_encoding().unwrap();
	let ours = NodeKey::from_protobuf_bytes(&protobuf).unwrap();
	let back = Keypair::from_protobuf_encoding(&protobuf).unwrap();
	assert_eq!(ours.peer_id_base58(), libp2p_peer(&back).to_base58());
}

#[test]
fn go_libp2p_legacy_96_byte_data_is_accepted() {
	let keypair = Keypair::generate_ed25519().try_into_ed25519().unwrap();
	let bytes = keypair.to_bytes();
	// go-libp2p once wrote the public key twice: seed ‖ public ‖ public.
	let mut data = bytes.to_vec();
	data.extend_from_slice(&bytes[32..]);
	let mut protobuf = vec![0x08, 0x01, 0x12, 96];
	protobuf.extend_from_slice(&data);
	let ours = NodeKey::from_protobuf_bytes(&protobuf).unwrap();
	assert_same_node(&ours, &Keypair::from(keypair));
	// A repeated key that differs is refused.
	let last = protobuf.len() - 1;
	protobuf[last] ^= 1;
	assert!(NodeKey::from_protobuf_bytes(&protobuf).is_err());
}

#[test]
fn seeds_and_substrate_node_key_files_match_libp2p() {
	for _ in 0..20 {
		let seed: [u8; 32] = rand::random();
		let secret = ed25519::SecretKey::try_from_bytes(seed).unwrap();
		let keypair = Keypair::from(ed25519::Keypair::from(secret));
		// A Substrate node-key file: hex, or the raw 32 bytes.
		let hex_file = hex::encode(seed);
		assert_same_node(
			&NodeKey::parse(hex_file.as_bytes(), NodeKeyFormat::Substrate).unwrap(),
			&keypair,
		);
		assert_same_node(&NodeKey::parse(&seed, NodeKeyFormat::Substrate).unwrap(), &keypair);
		// A hex seed of 32 bytes, or libp2p's 64-byte keypair (seed ‖ public).
		assert_same_node(
			&NodeKey::parse(hex_file.as_bytes(), NodeKeyFormat::Hex).unwrap(),
			&keypair,
		);
		let pair_bytes = keypair.clone().try_into_ed25519().unwrap().to_bytes();
		let pair_hex = format!("0x{}", hex::encode(pair_bytes));
		assert_same_node(
			&NodeKey::parse(pair_hex.as_bytes(), NodeKeyFormat::Hex).unwrap(),
			&keypair,
		);
		assert_same_node(
			&NodeKey::parse(pair_hex.as_bytes(), NodeKeyFormat::Auto).unwrap(),
			&keypair,
		);
	}
}

#[test]
fn other_key_types_are_refused() {
	let secp = Keypair::generate_secp256k1().to_protobuf_encoding().unwrap();
	let err = NodeKey::parse(&secp, NodeKeyFormat::Protobuf).unwrap_err();
	assert!(err.to_string().contains("not Ed25519"), "{err}");
	assert!(err.to_string().contains("key type 2 is not Ed25519 (1)"), "{err}");
	let ecdsa = Keypair::generate_ecdsa().to_protobuf_encoding().unwrap();
	let err = NodeKey::parse(&ecdsa, NodeKeyFormat::Protobuf).unwrap_err();
	assert!(err.to_string().contains("key type 3 is not Ed25519 (1)"), "{err}");
	// An RSA key (old IPFS configs): the key type, not a decoding failure, is what is wrong.
	let rsa = base64::engine::general_purpose::STANDARD.decode(RSA_KEY.trim()).unwrap();
	let err = NodeKey::parse(&rsa, NodeKeyFormat::Protobuf).unwrap_err();
	assert!(err.to_string().contains("key type 0 is not Ed25519 (1)"), "{err}");
}

/// An RSA libp2p key in the protobuf encoding, as old IPFS configs hold them (generated for this
/// test: `openssl genrsa -traditional 2048`, its PKCS#1 DER as `PrivateKey { Type: RSA, Data }`).
const RSA_KEY: &str = "\
CAASqAkwggSkAgEAAoIBAQDfoylO8iPq6/pDxUxqE2h0UDfFdw4H+pw2vQDemW+QHpTeE5fqWDsyqaryChOTKGHvEKcs\
25VEgrWHM1ZrSmkPZ1vOqhmb8yTc8tkftsw8Z+erUwWdZ36fwnzYgf+l44oCSurBJcXLMViwNSPLUaLhyEbPWgd2TALm\
qbPW93R1z1BJV1hcQflHlrxtdQCbrpaetvgIQ1iFzOM5Dp5TsGdvMYNYI4KKdDNAZM2u5OZoU3CBviD0+8LE9s9/CmFM\
IjsYZDo6szfUB8wyFFMDRCGTySi4kCelYdPLbzNqUS8HVrWR4+pmOkal7YThBuRLMpl1OebpBa8XOdXdli4sdaW7AgMB\
AAECggEAYnBP/QuRqtUfbphYl/KeDmDHA9jxaKqz+1Y7nUAdvurvLUejnYgj2pubfvnXfvWOEiya4aBwNl1wqSf8WLLC\
xwCAhVoTdrVSmx0cXJzajpZP//ZF6PDG6Gy0BptGXA9pzrOKXOWTCGtatglWDaeMEmVVYe0njrdLqZu2aR+4eCgrpmDm\
QgP0E6y9ekcfGxUn7U/3uY7WBdwou+alKSM80EL6QnXr5US8V5io2OFniGiuzJzoz32sL9bpZB13eLeM3GXVlbgt82Vs\
YpvCyhDqyfc6bJ4E6+Erq9ZGOCTj+PMtfTin5GU9K21g5O1+b1n0HQKgK0S8Ogk3bYon6LFDuQKBgQD8UmCQq50+upPN\
Pno0Fp3DNeUJInOkIjCFzgisJKAm7xWAteRYPO8EqqTxucDt7RwVNePTzv3UM0V64z/hNP6FUQ1u+zHJmjFQ2NPcoaQ9\
jAwe4k04Rj3nCcRxFUtujQTVZaMSPMTymnMsM5p/QkSb90JgHVRxiJqwmrGBh+3hYwKBgQDi5b0WWiYQ0PjcVZ4HS+0w\
8J6GOcUl45kcljBMQCSUMGcZfpDye2mKyRZEr8yfRAMUvAfCqYIsqF/ZeT/O7psssI6eGY6ThhPgN7FJQLwZTav8znYk\
wW9ngnFh00nuhNNbIqnTZoQ1uFSGomy98ogyyogmDc+ReV0oLJmzYlBFyQKBgCRx2ZTL1OiMlnCcx5XidmMN08kf+sgI\
UC3jdok2uRMmkVqH6zV7h6KK60wm4mD7UIUXxZKAYVVXGoAHduCWgPTMoj4XdjeCWAEvcFp71nc1VULYuQKZ0rMeTAtx\
YfXT1JDmH0mxEVlhSaVmxrf+4F4Otr2fPuUvL/i2P1FQSuG1AoGBALoHzNmXviAJhhD47aFj4iw/DGpW0Up4ah/jD+Rk\
rtkFOnLPr73v65/LsUNNtAJc+/2zENXMrxs4TaX74JIkVfv1ImmD4L8ZrhAm+Wdq+Q3x/fI/wOPv6QxACgBAARzbsILH\
T+Aw7HMzF7JvV6MBSCQEpE43AplunS+EKdzG3bPpAoGBAKOmiRKLbMP6ZZzfgVUrveSz2zk4OmQaQJR3bB+uK1Ug+HZ3\
++qFA/UpuELgP6Fyhr9jelohFThm+ZAepf+oQTrj4ekdC7JNoEqt/TO4rllpNpzm/z+FPZgToUOqNH3k4pAvOMBvOIgk\
4pU1Ydaj78ay0xmaqvDB+pAeOls/8iIE";
