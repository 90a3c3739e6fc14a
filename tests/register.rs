//! `register_node_with_coldkey`: success in both id forms, fees, and every error it returns.

use crate::common::mock::*;
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use pallet_registration::{
	ColdkeyNodeRegistrationV2, CurrentNodeTypeFee, Error, Event, Libp2pKeyType, Libp2pMainIdentity,
	NodeCountByType, NodeId, NodeType, NodesByType, OwnerToNode, Status, UsedChallenges,
};
use sp_runtime::DispatchError;

fn fails(registering: Registering, error: Error<Test>) {
	assert_noop!(registering.submit(), error);
}

#[docify::export]
#[test]
fn register_node_with_coldkey_works_with_base58_node_id() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let registering = Registering::new(&owner, &key, NodeType::StorageMiner);
		assert_ok!(registering.submit());

		let info = ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).expect("registered");
		assert_eq!(info.owner, owner);
		assert_eq!(info.node_type, NodeType::StorageMiner);
		assert_eq!(info.status, Status::Online);
		assert_eq!(info.registered_at, 1);
		assert_eq!(
			OwnerToNode::<Test>::get(&owner).map(|v| v.into_inner()),
			Some(vec![node_id(&key)])
		);
		let (key_type, public) = Libp2pMainIdentity::<Test>::get(node_id(&key)).expect("identity");
		assert_eq!(key_type, Libp2pKeyType::Ed25519);
		assert_eq!(public.as_slice(), key.public());
		assert!(NodesByType::<Test>::contains_key(NodeType::StorageMiner, node_id(&key)));
		assert_eq!(NodeCountByType::<Test>::get(NodeType::StorageMiner), 1);
		let hash = sp_core::H256(sp_io::hashing::blake2_256(&registering.challenge));
		assert_eq!(UsedChallenges::<Test>::get(hash), Some(11));
		assert_eq!(
			registration_events(),
			vec![Event::MainNodeRegistered {
				node_id: node_id(&key),
				owner,
				node_type: NodeType::StorageMiner
			}]
		);
	});
}

#[test]
fn register_node_with_coldkey_works_with_raw_node_id_and_stores_base58() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let mut registering = Registering::new(&owner, &key, NodeType::ComputeMiner);
		registering.node_id = key.raw();
		assert_ok!(registering.submit());
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&key)));
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(NodeId::truncate_from(key.raw())));
	});
}

#[test]
fn register_node_with_coldkey_charges_the_fee_and_doubles_it() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		let (owner, key) = (account(1), NodeKey::new(1));
		register(&owner, &key, NodeType::GpuMiner);
		assert_eq!(Balances::free_balance(&owner), FUNDS - INITIAL_FEE);
		assert_eq!(Balances::free_balance(Registration::account_id()), INITIAL_FEE);
		assert_eq!(CurrentNodeTypeFee::<Test>::get(NodeType::GpuMiner), Some(2 * INITIAL_FEE));
		assert!(registration_events().contains(&Event::RegistrationFeePaid {
			owner,
			node_type: NodeType::GpuMiner,
			amount: INITIAL_FEE,
			in_credits: false,
		}));
		register(&account(2), &NodeKey::new(2), NodeType::GpuMiner);
		assert_eq!(Balances::free_balance(account(2)), FUNDS - 2 * INITIAL_FEE);
		// Other types are untouched.
		assert_eq!(Registration::current_fee(NodeType::StorageMiner), INITIAL_FEE);
	});
}

#[test]
fn register_node_with_coldkey_takes_credits_when_asked() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		Credits::set(Some(vec![(account(1), 1_000)]));
		let mut registering = Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageS3);
		registering.pay_in_credits = true;
		assert_ok!(registering.submit());
		assert_eq!(Credits::get(), Some(vec![(account(1), 1_000 - INITIAL_FEE)]));
		assert_eq!(Balances::free_balance(account(1)), FUNDS);
	});
}

#[test]
fn register_node_with_coldkey_fails_unsigned() {
	new_test_ext(|| {
		use frame_support::traits::UnfilteredDispatchable;
		let call = Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner).call();
		assert_noop!(
			call.dispatch_bypass_filter(RuntimeOrigin::none()).map_err(|e| e.error),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_signer_not_owner() {
	new_test_ext(|| {
		let mut registering =
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		registering.signer = account(2);
		fails(registering, Error::SignerNotOwner);
	});
}

#[test]
fn register_node_with_coldkey_fails_invalid_node_id() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		let mut bad_hex = Registering::new(&account(1), &key, NodeType::StorageMiner);
		bad_hex.node_id_hex[2] = 0x09; // not the Ed25519 protobuf key type
		fails(bad_hex, Error::InvalidNodeId);
		let mut bad_id = Registering::new(&account(1), &key, NodeType::StorageMiner);
		bad_id.node_id = b"not a peer id".to_vec();
		fails(bad_id, Error::InvalidNodeId);
		let mut base58_hex = Registering::new(&account(1), &key, NodeType::StorageMiner);
		base58_hex.node_id_hex = key.base58(); // node_id_hex must be the raw bytes
		fails(base58_hex, Error::InvalidNodeId);
	});
}

#[test]
fn register_node_with_coldkey_fails_public_key_mismatch() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		let mut other_key = Registering::new(&account(1), &key, NodeType::StorageMiner);
		other_key.public_key = NodeKey::new(2).public().to_vec();
		fails(other_key, Error::PublicKeyMismatch);
		let mut short_key = Registering::new(&account(1), &key, NodeType::StorageMiner);
		short_key.public_key.pop();
		fails(short_key, Error::PublicKeyMismatch);
	});
}

#[test]
fn register_node_with_coldkey_fails_node_id_mismatch() {
	new_test_ext(|| {
		let mut registering =
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		registering.node_id = NodeKey::new(2).base58();
		fails(registering, Error::NodeIdMismatch);
	});
}

#[test]
fn register_node_with_coldkey_fails_invalid_challenge() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let good = challenge(&owner, &key, 1, 11, 1).encode();
		for bytes in [vec![], good[..good.len() - 1].to_vec(), [good.clone(), vec![0]].concat()] {
			fails(
				Registering::with_bytes(&owner, &key, NodeType::StorageMiner, bytes),
				Error::InvalidChallenge,
			);
		}
	});
}

#[test]
fn register_node_with_coldkey_fails_invalid_challenge_domain() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let mut c = challenge(&owner, &key, 1, 11, 1);
		c.domain[0] = b'X';
		fails(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, c),
			Error::InvalidChallengeDomain,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_genesis_mismatch() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let mut c = challenge(&owner, &key, 1, 11, 1);
		c.genesis_hash = [0x46; 32];
		fails(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, c),
			Error::GenesisMismatch,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_invalid_account_id() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let c = challenge(&account(2), &key, 1, 11, 1);
		fails(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, c),
			Error::InvalidAccountId,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_challenge_mismatch() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let c = challenge(&owner, &NodeKey::new(2), 1, 11, 1);
		fails(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, c),
			Error::ChallengeMismatch,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_challenge_from_future() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let c = challenge(&owner, &key, 2, 11, 1);
		fails(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, c),
			Error::ChallengeFromFuture,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_challenge_expired() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let c = challenge(&owner, &key, 1, 5, 1);
		System::set_block_number(6);
		fails(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, c),
			Error::ChallengeExpired,
		);
	});
}

#[test]
fn register_node_with_coldkey_accepts_the_expiry_block_itself() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let c = challenge(&owner, &key, 1, 5, 1);
		System::set_block_number(5);
		assert_ok!(Registering::with_challenge(&owner, &key, NodeType::StorageMiner, c).submit());
	});
}

#[test]
fn register_node_with_coldkey_fails_challenge_lifetime_too_long() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let longest = challenge(&owner, &key, 1, 1 + MAX_LIFETIME, 1);
		let too_long = challenge(&owner, &key, 1, 2 + MAX_LIFETIME, 2);
		fails(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, too_long),
			Error::ChallengeLifetimeTooLong,
		);
		assert_ok!(
			Registering::with_challenge(&owner, &key, NodeType::StorageMiner, longest).submit()
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_challenge_reused() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let registering = Registering::new(&owner, &key, NodeType::StorageMiner);
		assert_ok!(registering.submit());
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(owner.clone()),
			key.base58().try_into().unwrap()
		));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(owner.clone()),
			key.base58().try_into().unwrap()
		));
		fails(registering, Error::ChallengeReused);
	});
}

#[test]
fn register_node_with_coldkey_fails_invalid_signature_length() {
	new_test_ext(|| {
		let mut registering =
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		registering.signature.pop();
		fails(registering, Error::InvalidSignatureLength);
	});
}

#[test]
fn register_node_with_coldkey_fails_invalid_signature() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let mut other_signer = Registering::new(&owner, &key, NodeType::StorageMiner);
		other_signer.signature = NodeKey::new(2).sign(&other_signer.challenge);
		fails(other_signer, Error::InvalidSignature);
		let mut other_bytes = Registering::new(&owner, &key, NodeType::StorageMiner);
		other_bytes.signature = key.sign(b"something else");
		fails(other_bytes, Error::InvalidSignature);
		let mut flipped = Registering::new(&owner, &key, NodeType::StorageMiner);
		flipped.signature[10] ^= 1;
		fails(flipped, Error::InvalidSignature);
	});
}

#[test]
fn register_node_with_coldkey_fails_node_type_disabled() {
	new_test_ext(|| {
		assert_ok!(Registration::set_node_type_disabled(
			RuntimeOrigin::root(),
			NodeType::GpuMiner,
			true
		));
		fails(
			Registering::new(&account(1), &NodeKey::new(1), NodeType::GpuMiner),
			Error::NodeTypeDisabled,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_account_banned() {
	new_test_ext(|| {
		assert_ok!(Registration::set_account_ban_status(RuntimeOrigin::root(), account(1), true));
		fails(
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner),
			Error::AccountBanned,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_not_eligible() {
	new_test_ext(|| {
		Ineligible::set(vec![account(1)]);
		fails(
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner),
			Error::NotEligible,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_owner_already_registered() {
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		fails(
			Registering::new(&account(1), &NodeKey::new(2), NodeType::StorageMiner),
			Error::OwnerAlreadyRegistered,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_node_already_registered() {
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		fails(
			Registering::new(&account(2), &NodeKey::new(1), NodeType::StorageMiner),
			Error::NodeAlreadyRegistered,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_node_cooldown_period_not_expired() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::ComputeMiner);
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			key.base58().try_into().unwrap()
		));
		// The node under another owner, and the owner with another node, both wait.
		fails(
			Registering::new(&account(2), &key, NodeType::ComputeMiner),
			Error::NodeCooldownPeriodNotExpired,
		);
		fails(
			Registering::new(&account(1), &NodeKey::new(2), NodeType::ComputeMiner),
			Error::NodeCooldownPeriodNotExpired,
		);
		// The cooldown ends exactly COOLDOWN blocks after the removal.
		run_to_block(1 + COOLDOWN - 1);
		fails(
			Registering::new(&account(2), &key, NodeType::ComputeMiner),
			Error::NodeCooldownPeriodNotExpired,
		);
		run_to_block(1 + COOLDOWN);
		register(&account(2), &key, NodeType::ComputeMiner);
		register(&account(1), &NodeKey::new(2), NodeType::ComputeMiner);
	});
}

#[test]
fn register_node_with_coldkey_fails_insufficient_stake() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		fails(Registering::new(&owner, &key, NodeType::Validator), Error::InsufficientStake);
		bond(&owner, STAKE_THRESHOLD - 1);
		fails(Registering::new(&owner, &key, NodeType::Validator), Error::InsufficientStake);
		assert_ok!(Staking::bond_extra(RuntimeOrigin::signed(owner.clone()), 1));
		register(&owner, &key, NodeType::Validator);
	});
}

#[test]
fn register_node_with_coldkey_fails_insufficient_balance_for_fee() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		let poor = account(99); // unfunded
		fails(
			Registering::new(&poor, &NodeKey::new(1), NodeType::StorageMiner),
			Error::InsufficientBalanceForFee,
		);
	});
}

#[test]
fn register_node_with_coldkey_fails_credits_not_supported() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		let mut registering =
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		registering.pay_in_credits = true;
		fails(registering, Error::CreditsNotSupported);
	});
}

#[test]
fn register_node_with_coldkey_fails_insufficient_credits_for_fee() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		Credits::set(Some(vec![(account(1), INITIAL_FEE - 1)]));
		let mut registering =
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		registering.pay_in_credits = true;
		fails(registering, Error::InsufficientCreditsForFee);
	});
}

#[test]
fn pay_in_credits_is_ignored_while_fee_charging_is_off() {
	new_test_ext(|| {
		let mut registering =
			Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		registering.pay_in_credits = true;
		assert_ok!(registering.submit());
		assert_eq!(Balances::free_balance(account(1)), FUNDS);
	});
}

#[test]
fn oversize_parameters_are_refused_when_decoding_the_call() {
	use codec::Decode;
	new_test_ext(|| {
		let r = Registering::new(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		// The call encoded by hand with plain vectors, as the reference's clients send it.
		let encode = |signature: &Vec<u8>, node_id: &Vec<u8>, challenge: &Vec<u8>| {
			let mut call = vec![4u8, 1u8]; // Registration, register_node_with_coldkey
			call.extend(
				(
					r.node_type,
					node_id,
					r.pay_in_credits,
					&r.owner,
					Libp2pKeyType::Ed25519,
					&r.public_key,
					signature,
					challenge,
					&r.node_id_hex,
				)
					.encode(),
			);
			call
		};
		let good = encode(&r.signature, &r.node_id, &r.challenge);
		assert_eq!(good, RuntimeCall::Registration(r.call()).encode(), "same bytes on the wire");
		assert!(RuntimeCall::decode(&mut &good[..]).is_ok());
		let long_signature = [r.signature.clone(), vec![0]].concat();
		assert!(RuntimeCall::decode(&mut &encode(&long_signature, &r.node_id, &r.challenge)[..])
			.is_err());
		let long_node_id = vec![b'1'; 65];
		assert!(RuntimeCall::decode(&mut &encode(&r.signature, &long_node_id, &r.challenge)[..])
			.is_err());
		let long_challenge = vec![0u8; 300];
		assert!(RuntimeCall::decode(&mut &encode(&r.signature, &r.node_id, &long_challenge)[..])
			.is_err());
	});
}
