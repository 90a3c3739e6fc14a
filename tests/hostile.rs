//! Hostile inputs: every challenge length, every corrupted byte, non-canonical signatures,
//! malformed PeerIds and oversize parameters. Each is refused with its error and changes no state.

use crate::common::mock::*;
use codec::{Decode, Encode};
use frame_support::{assert_noop, assert_ok};
use pallet_registration::{Error, Libp2pKeyType, NodeType};

/// The encoded `RuntimeCall` of a registration, with plain vectors as a hostile client sends.
fn raw_call(r: &Registering) -> Vec<u8> {
	let mut call = vec![4u8, 1u8];
	call.extend(
		(
			r.node_type,
			&r.node_id,
			r.pay_in_credits,
			&r.owner,
			Libp2pKeyType::Ed25519,
			&r.public_key,
			&r.signature,
			&r.challenge,
			&r.node_id_hex,
		)
			.encode(),
	);
	call
}

/// Decodes and submits a registration the way the chain receives it.
fn submit_raw(r: &Registering) -> Result<(), &'static str> {
	use frame_support::traits::UnfilteredDispatchable;
	let call = RuntimeCall::decode(&mut &raw_call(r)[..]).map_err(|_| "call does not decode")?;
	call.dispatch_bypass_filter(RuntimeOrigin::signed(r.signer.clone())).map(|_| ()).map_err(|e| {
		match e.error {
			sp_runtime::DispatchError::Module(m) => m.message.unwrap_or("module error"),
			_ => "other error",
		}
	})
}

#[test]
fn every_challenge_length_from_0_to_400_is_refused_but_the_exact_one() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let good = challenge(&owner, &key, 1, 11, 7).encode();
		assert_eq!(good.len(), 200);
		let bound = 264; // the encoded challenge plus 64 bytes
		for len in 0..=400usize {
			if len == good.len() {
				continue;
			}
			let mut bytes = good.clone();
			bytes.resize(len, 0);
			let r = Registering::with_bytes(&owner, &key, NodeType::GpuMiner, bytes);
			if len > bound {
				let call = raw_call(&r);
				assert!(RuntimeCall::decode(&mut &call[..]).is_err(), "length {len} decodes");
			} else {
				assert_noop!(r.submit(), Error::<Test>::InvalidChallenge);
			}
		}
		assert_ok!(Registering::with_bytes(&owner, &key, NodeType::GpuMiner, good).submit());
	});
}

#[test]
fn every_corrupted_byte_is_refused_when_the_signature_is_not_renewed() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let good = Registering::new(&owner, &key, NodeType::GpuMiner);
		for position in 0..good.challenge.len() {
			for bit in 0..8 {
				let mut r = good.clone();
				r.challenge[position] ^= 1 << bit;
				let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
				let result = submit_raw(&r);
				assert!(result.is_err(), "byte {position} bit {bit} accepted");
				assert_eq!(
					root,
					sp_io::storage::root(sp_runtime::StateVersion::V1),
					"state changed"
				);
			}
		}
		assert_ok!(good.submit());
	});
}

#[test]
fn each_field_corrupted_and_signed_gives_that_fields_error() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		System::set_block_number(50);
		let expect =
			|corrupt: &dyn Fn(&mut pallet_registration::RegisterChallenge<AccountId, u64>),
			 error: Error<Test>| {
				let mut c = challenge(&owner, &key, 50, 60, 9);
				corrupt(&mut c);
				assert_noop!(
					Registering::with_challenge(&owner, &key, NodeType::GpuMiner, c).submit(),
					error
				);
			};
		expect(&|c| c.domain[23] = 1, Error::InvalidChallengeDomain);
		expect(&|c| c.genesis_hash[31] ^= 1, Error::GenesisMismatch);
		expect(&|c| c.account = account(2), Error::InvalidAccountId);
		expect(&|c| c.node_id_hash.0[0] ^= 1, Error::ChallengeMismatch);
		expect(&|c| c.block_number = 51, Error::ChallengeFromFuture);
		expect(&|c| c.expires_at = 49, Error::ChallengeExpired);
		expect(&|c| c.expires_at = 50 + MAX_LIFETIME + 1, Error::ChallengeLifetimeTooLong);
		// The legacy IPFS hash and the nonce are not checked: a changed one still registers.
		let mut c = challenge(&owner, &key, 50, 60, 9);
		c.ipfs_peer_id_hash.0[0] ^= 1;
		assert_ok!(Registering::with_challenge(&owner, &key, NodeType::GpuMiner, c).submit());
	});
}

/// The order of the Ed25519 group, little-endian.
const GROUP_ORDER: [u8; 32] = [
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

#[test]
fn non_canonical_and_degenerate_signatures_are_refused() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let good = Registering::new(&owner, &key, NodeType::GpuMiner);
		// S + L: the same point equation, but S is not reduced.
		let mut malleated = good.clone();
		let mut carry = 0u16;
		for (byte, order) in malleated.signature[32..].iter_mut().zip(GROUP_ORDER) {
			let sum = *byte as u16 + order as u16 + carry;
			*byte = sum as u8;
			carry = sum >> 8;
		}
		assert_noop!(malleated.submit(), Error::<Test>::InvalidSignature);
		for signature in [vec![0u8; 64], vec![0xff; 64]] {
			let mut r = good.clone();
			r.signature = signature;
			assert_noop!(r.submit(), Error::<Test>::InvalidSignature);
		}
		assert_ok!(good.submit());
	});
}

#[test]
fn malformed_peer_ids_are_refused_in_either_parameter() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let raw = key.raw();
		let mut variants: Vec<Vec<u8>> = Vec::new();
		for (position, value) in
			[(0, 0x12u8), (1, 0x25), (2, 0x0a), (3, 0x02), (4, 0x1a), (5, 0x21)]
		{
			let mut bad = raw.clone();
			bad[position] = value;
			variants.push(bad);
		}
		variants.push(raw[..37].to_vec());
		variants.push([raw.clone(), vec![0]].concat());
		variants.push(vec![]);
		for bad in variants {
			let mut as_hex = Registering::new(&owner, &key, NodeType::GpuMiner);
			as_hex.node_id_hex = bad.clone();
			assert_noop!(as_hex.submit(), Error::<Test>::InvalidNodeId);
			let mut as_id = Registering::new(&owner, &key, NodeType::GpuMiner);
			as_id.node_id = pallet_registration::peer_id::Ed25519PeerId::parse(&bad)
				.map(|p| p.to_node_id().to_vec())
				.unwrap_or_else(|_| bad.clone());
			assert_noop!(as_id.submit(), Error::<Test>::InvalidNodeId);
		}
		// Base58 text that is not a PeerId: bad digits, wrong length, padding.
		for text in [&b"12D3KooW0OIl"[..], b"12D3KooW", &[b'1'; 53][..]] {
			let mut r = Registering::new(&owner, &key, NodeType::GpuMiner);
			r.node_id = text.to_vec();
			assert_noop!(r.submit(), Error::<Test>::InvalidNodeId);
		}
	});
}

#[test]
fn oversize_lists_are_refused_when_decoding_the_call() {
	new_test_ext(|| {
		// submit_deregistration_report (12) with MaxNodesPerReport + 1 ids.
		let ids: Vec<Vec<u8>> = (0..5u8).map(|i| NodeKey::new(i).raw()).collect();
		let call = [vec![4u8, 12u8], ids.encode()].concat();
		assert!(RuntimeCall::decode(&mut &call[..]).is_err());
		let call = [vec![4u8, 12u8], ids[..4].to_vec().encode()].concat();
		assert!(RuntimeCall::decode(&mut &call[..]).is_ok());
		// set_whitelisted_validators (14) with MaxWhitelistedValidators + 1 accounts.
		let accounts: Vec<AccountId> = (0..9u8).map(account).collect();
		let call = [vec![4u8, 14u8], accounts.encode()].concat();
		assert!(RuntimeCall::decode(&mut &call[..]).is_err());
		// A 33-byte public key and a 65-byte node_id_hex.
		let mut r = Registering::new(&account(1), &NodeKey::new(1), NodeType::GpuMiner);
		r.public_key.push(0);
		assert!(RuntimeCall::decode(&mut &raw_call(&r)[..]).is_err());
		let mut r = Registering::new(&account(1), &NodeKey::new(1), NodeType::GpuMiner);
		r.node_id_hex = vec![0; 65];
		assert!(RuntimeCall::decode(&mut &raw_call(&r)[..]).is_err());
	});
}

/// Every encoding of every point of the Ed25519 torsion subgroup, derived with curve25519-dalek:
/// the eight points (checked to form a group of order 8), each with either sign bit, and the
/// non-canonical encodings `y + p` of those whose `y` is below 19 (`y + p` fits in 255 bits).
fn small_order_encodings() -> Vec<[u8; 32]> {
	use curve25519_dalek::{edwards::CompressedEdwardsY, EdwardsPoint, Scalar};
	let identity = EdwardsPoint::default();
	// A point's torsion component: the point minus its prime-order part [8⁻¹ mod ℓ]·[8]P.
	let eight_inverse = Scalar::from(8u64).invert();
	let generator = (2u8..=255)
		.filter_map(|y| {
			let mut bytes = [0u8; 32];
			bytes[0] = y;
			CompressedEdwardsY(bytes).decompress()
		})
		.map(|point| point - point.mul_by_cofactor() * eight_inverse)
		.find(|torsion| torsion + torsion + torsion + torsion != identity)
		.expect("some point has a torsion component of order 8");
	let points: Vec<EdwardsPoint> = (0..8)
		.scan(identity, |next, _| {
			let point = *next;
			*next = point + generator;
			Some(point)
		})
		.collect();
	for a in &points {
		assert!(a.is_small_order());
		for b in &points {
			assert!(points.contains(&(a + b)), "the eight points form a group");
		}
	}
	let mut encodings = Vec::new();
	for point in points {
		let mut y = point.compress().0;
		y[31] &= 0x7f;
		let mut variants = vec![y];
		if y[0] < 19 && y[1..].iter().all(|b| *b == 0) {
			// y + p, with p = 2²⁵⁵ − 19 = ed ff … ff 7f (little-endian).
			let mut shifted = [0xff; 32];
			shifted[0] = 0xed + y[0];
			shifted[31] = 0x7f;
			variants.push(shifted);
		}
		for variant in variants {
			for sign in [0u8, 0x80] {
				let mut encoding = variant;
				encoding[31] |= sign;
				encodings.push(encoding);
			}
		}
	}
	encodings.sort();
	encodings.dedup();
	encodings
}

#[test]
fn small_order_keys_are_refused_in_both_forms_and_the_list_is_complete() {
	use pallet_registration::peer_id::{is_small_order, Ed25519PeerId, PeerIdError, SMALL_ORDER_Y};
	let encodings = small_order_encodings();
	assert_eq!(encodings.len(), 14);
	for encoding in &encodings {
		assert!(is_small_order(encoding), "{encoding:02x?} is refused");
		let id = Ed25519PeerId::from_public_key(*encoding);
		assert_eq!(Ed25519PeerId::parse(&id.to_raw()), Err(PeerIdError::SmallOrderKey));
		assert_eq!(Ed25519PeerId::parse(&id.to_node_id()), Err(PeerIdError::SmallOrderKey));
	}
	// No false positives: every listed y, with either sign, is one of the derived encodings.
	for y in SMALL_ORDER_Y {
		assert!(encodings.contains(&y));
	}
	// Ordinary keys pass.
	for n in 1..=50u8 {
		assert!(!is_small_order(&NodeKey::new(n).public()));
	}
}
