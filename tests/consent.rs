//! Owner consent: `register_node_with_consent` (18), `register_node_with_max_fee` (19),
//! `revoke_consent` (20), the `consent_payload` and `consent_status` view functions, and every
//! refusal.

use crate::common::mock::*;
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use pallet_registration::{
	consent::consent_hash, ColdkeyNodeRegistrationV2, ConsentStatus, Error, Event, Expiring,
	ExpiryQueue, NodeType, RevokedConsentCount, RevokedConsents, CONSENT_DOMAIN,
};
use sp_core::Pair;

/// Fee charging on, and an owner with an sr25519 account.
fn charging_owner() -> OwnerKey {
	assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
	registration_events();
	OwnerKey::new(7)
}

fn fails(consenting: &Consenting, error: Error<Test>) {
	assert_noop!(consenting.submit(), error);
}

#[docify::export]
#[test]
fn register_node_with_consent_works_and_the_owner_pays() {
	new_test_ext(|| {
		let owner = charging_owner();
		let key = NodeKey::new(1);
		let consenting = Consenting::new(&owner, &key, NodeType::StorageMiner);
		let submitter_before = Balances::free_balance(&consenting.submitter);
		assert_ok!(consenting.submit());

		let info = ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).expect("registered");
		assert_eq!(info.owner, owner.account());
		assert_eq!(info.node_type, NodeType::StorageMiner);
		assert_eq!(Balances::free_balance(owner.account()), FUNDS - INITIAL_FEE);
		assert_eq!(Balances::free_balance(&consenting.submitter), submitter_before);
		assert_eq!(
			registration_events(),
			vec![
				Event::RegistrationFeePaid {
					owner: owner.account(),
					node_type: NodeType::StorageMiner,
					amount: INITIAL_FEE,
					in_credits: false,
				},
				Event::MainNodeRegistered {
					node_id: node_id(&key),
					owner: owner.account(),
					node_type: NodeType::StorageMiner,
				},
				Event::ConsentUsed {
					owner: owner.account(),
					submitter: consenting.submitter.clone(),
					consent_hash: consent_hash(&consenting.consent),
					node_id: node_id(&key),
				},
			]
		);
	});
}

#[test]
fn every_account_scheme_signs_consents_bare_and_wrapped() {
	new_test_ext(|| {
		let owners = [
			OwnerKey::Sr25519(sp_core::sr25519::Pair::from_seed(&[11; 32])),
			OwnerKey::Ed25519(sp_core::ed25519::Pair::from_seed(&[12; 32])),
			OwnerKey::Ecdsa(sp_core::ecdsa::Pair::from_seed(&[13; 32])),
		];
		let mut n = 1;
		for owner in owners {
			owner.fund();
			for wrapped in [false, true] {
				// One node per owner: unregister the bare one before the wrapped one.
				let key = NodeKey::new(n);
				n += 1;
				let c = consent(&owner.account(), &key, NodeType::GpuMiner, 50);
				let signature =
					if wrapped { owner.sign_wrapped(&c.encode()) } else { owner.sign(&c.encode()) };
				assert_ok!(
					Consenting::with_consent(c, signature, &key, NodeType::GpuMiner).submit()
				);
				assert_eq!(
					ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.owner),
					Some(owner.account())
				);
				assert_ok!(Registration::force_unregister_coldkey_node(
					RuntimeOrigin::root(),
					node_param(key.raw())
				));
				run_to_block(System::block_number() + COOLDOWN);
			}
		}
	});
}

#[test]
fn a_consent_brings_a_removed_node_back_without_the_owner() {
	new_test_ext(|| {
		let owner = charging_owner();
		let key = NodeKey::new(1);
		let first = Consenting::new(&owner, &key, NodeType::StorageS3);
		assert_ok!(first.submit());
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(key.raw())
		));
		// During the cooldown the consent cannot override it.
		run_to_block(2);
		let again = Consenting::with_consent(
			first.consent.clone(),
			first.owner_signature.clone(),
			&key,
			NodeType::StorageS3,
		);
		fails(&again, Error::NodeCooldownPeriodNotExpired);
		run_to_block(1 + COOLDOWN);
		// The same consent and signature, a fresh node-key challenge: registered again.
		let again = Consenting::with_consent(
			first.consent.clone(),
			first.owner_signature,
			&key,
			NodeType::StorageS3,
		);
		assert_ok!(again.submit());
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&key)));
		// The fee doubled after the first registration and decayed no day since.
		assert_eq!(Balances::free_balance(owner.account()), FUNDS - 3 * INITIAL_FEE);
	});
}

#[test]
fn register_node_with_consent_fails_for_each_consent_refusal() {
	new_test_ext(|| {
		let owner = charging_owner();
		let key = NodeKey::new(1);
		let with = |change: &dyn Fn(&mut pallet_registration::OwnerConsentOf<Test>)| {
			let mut c = consent(&owner.account(), &key, NodeType::GpuMiner, 100);
			change(&mut c);
			let signature = owner.sign(&c.encode());
			Consenting::with_consent(c, signature, &key, NodeType::GpuMiner)
		};

		fails(&with(&|c| c.domain = *b"HIPPIUS::REGISTER::v1\0\0\0"), Error::InvalidConsentDomain);
		fails(&with(&|c| c.genesis_hash = [9; 32]), Error::ConsentGenesisMismatch);
		fails(&with(&|c| c.valid_until = System::block_number() - 1), Error::ConsentExpired);
		fails(
			&with(&|c| c.valid_until = System::block_number() + MAX_CONSENT_LIFETIME + 1),
			Error::ConsentLifetimeTooLong,
		);
		fails(&with(&|c| c.peer_id[0] = 1), Error::InvalidNodeId);
		fails(&with(&|c| c.peer_id[6..].copy_from_slice(&[0; 32])), Error::SmallOrderNodeKey);
		// Another PeerId than the node key's.
		fails(&with(&|c| c.peer_id = NodeKey::new(2).peer().to_raw()), Error::ConsentNodeMismatch);
		// Another node type than the one registered.
		fails(&with(&|c| c.node_type = NodeType::StorageMiner), Error::ConsentNodeTypeMismatch);
		// A fee limit below the current fee.
		fails(&with(&|c| c.max_fee = INITIAL_FEE - 1), Error::FeeAboveMaximum);

		// A signature by any other key, or of other terms.
		let valid = Consenting::new(&owner, &key, NodeType::GpuMiner);
		let mut other_key = valid.clone();
		other_key.owner_signature = OwnerKey::new(8).sign(&valid.consent.encode());
		fails(&other_key, Error::InvalidOwnerSignature);
		let mut other_terms = valid.clone();
		other_terms.consent.max_fee += 1;
		fails(&other_terms, Error::InvalidOwnerSignature);
		// A consent for another owner than the node key's challenge names.
		let mut other_owner = valid.clone();
		let now = System::block_number();
		other_owner.challenge = challenge(&account(9), &key, now, now + 10, 1).encode();
		other_owner.signature = key.sign(&other_owner.challenge);
		fails(&other_owner, Error::InvalidAccountId);
		// A revoked consent.
		assert_ok!(Registration::revoke_consent(
			RuntimeOrigin::signed(owner.account()),
			Box::new(valid.consent.clone())
		));
		fails(&valid, Error::ConsentRevoked);
	});
}

#[test]
fn register_node_with_consent_applies_every_check_of_the_owner_path() {
	new_test_ext(|| {
		let owner = charging_owner();
		let key = NodeKey::new(1);
		let valid = Consenting::new(&owner, &key, NodeType::Validator);
		// A validator owner needs stake.
		fails(&valid, Error::InsufficientStake);
		bond(&owner.account(), STAKE_THRESHOLD);
		// A banned owner cannot register through a consent either.
		assert_ok!(Registration::set_account_ban_status(
			RuntimeOrigin::root(),
			owner.account(),
			true
		));
		fails(&valid, Error::AccountBanned);
		assert_ok!(Registration::set_account_ban_status(
			RuntimeOrigin::root(),
			owner.account(),
			false
		));
		// The node key must sign the challenge.
		let mut forged = valid.clone();
		forged.signature[0] ^= 1;
		fails(&forged, Error::InvalidSignature);
		let mut short = valid.clone();
		short.public_key.pop();
		fails(&short, Error::PublicKeyMismatch);
		assert_ok!(valid.submit());
		// Its challenge is used up; the owner has a node.
		fails(&valid, Error::ChallengeReused);
		let second = Consenting::new(&owner, &NodeKey::new(2), NodeType::Validator);
		fails(&second, Error::OwnerAlreadyRegistered);
	});
}

#[test]
fn register_node_with_max_fee_caps_what_the_owner_pays() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		let quote = Registration::current_fee(NodeType::GpuMiner);
		// Someone else registers first in the same block: the fee doubled since the quote.
		register(&account(2), &NodeKey::new(2), NodeType::GpuMiner);
		let (owner, key) = (account(1), NodeKey::new(1));
		let registering = Registering::new(&owner, &key, NodeType::GpuMiner);
		let submit = |max_fee| {
			Registration::register_node_with_max_fee(
				RuntimeOrigin::signed(owner.clone()),
				NodeType::GpuMiner,
				node_param(key.base58()),
				false,
				owner.clone(),
				pallet_registration::Libp2pKeyType::Ed25519,
				registering.public_key.clone().try_into().expect("32 bytes"),
				registering.signature.clone().try_into().expect("64 bytes"),
				registering.challenge.clone().try_into().expect("within bound"),
				node_param(key.raw()),
				max_fee,
			)
		};
		assert_noop!(submit(quote), Error::<Test>::FeeAboveMaximum);
		assert_ok!(submit(2 * quote));
		assert_eq!(Balances::free_balance(&owner), FUNDS - 2 * quote);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&key)));
	});
}

#[test]
fn register_node_with_max_fee_fails_when_the_signer_is_not_the_owner() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		let registering = Registering::new(&account(1), &key, NodeType::GpuMiner);
		assert_noop!(
			Registration::register_node_with_max_fee(
				RuntimeOrigin::signed(account(2)),
				NodeType::GpuMiner,
				node_param(key.base58()),
				false,
				account(1),
				pallet_registration::Libp2pKeyType::Ed25519,
				registering.public_key.clone().try_into().expect("32 bytes"),
				registering.signature.clone().try_into().expect("64 bytes"),
				registering.challenge.clone().try_into().expect("within bound"),
				node_param(key.raw()),
				MAX_FEE,
			),
			Error::<Test>::SignerNotOwner
		);
	});
}

#[test]
fn revoke_consent_works_and_the_revocation_is_pruned_after_the_consent_expires() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let c = consent(&owner.account(), &NodeKey::new(1), NodeType::GpuMiner, 30);
		let hash = consent_hash(&c);
		assert_ok!(Registration::revoke_consent(
			RuntimeOrigin::signed(owner.account()),
			Box::new(c.clone())
		));
		assert_eq!(RevokedConsents::<Test>::get(owner.account(), hash), Some(31));
		assert_eq!(RevokedConsentCount::<Test>::get(owner.account()), 1);
		assert!(ExpiryQueue::<Test>::contains_key(
			31,
			Expiring::RevokedConsent(owner.account(), hash)
		));
		assert_eq!(
			registration_events(),
			vec![Event::ConsentRevoked {
				owner: owner.account(),
				consent_hash: hash,
				valid_until: 31
			}]
		);
		// Kept while the consent could be used, gone after.
		run_to_block(31);
		assert!(RevokedConsents::<Test>::contains_key(owner.account(), hash));
		run_to_block(32);
		assert!(!RevokedConsents::<Test>::contains_key(owner.account(), hash));
		assert!(!RevokedConsentCount::<Test>::contains_key(owner.account()));
	});
}

#[test]
fn revoke_consent_fails_for_each_reason() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let c = |nonce| {
			let mut c = consent(&owner.account(), &NodeKey::new(1), NodeType::GpuMiner, 30);
			c.nonce = nonce;
			c
		};
		let revoke = |who: AccountId, consent| {
			Registration::revoke_consent(RuntimeOrigin::signed(who), Box::new(consent))
		};
		assert_noop!(revoke(account(2), c(1)), Error::<Test>::NotConsentOwner);
		let mut expired = c(1);
		expired.valid_until = 0;
		assert_noop!(revoke(owner.account(), expired), Error::<Test>::ConsentExpired);
		let mut other_chain = c(1);
		other_chain.genesis_hash = [5; 32];
		assert_noop!(revoke(owner.account(), other_chain), Error::<Test>::ConsentGenesisMismatch);
		let mut other_domain = c(1);
		other_domain.domain = [0; 24];
		assert_noop!(revoke(owner.account(), other_domain), Error::<Test>::InvalidConsentDomain);
		// No revocation is kept longer than twice the consent lifetime.
		let mut far = c(1);
		far.valid_until = u64::MAX;
		assert_noop!(revoke(owner.account(), far), Error::<Test>::ConsentLifetimeTooLong);
		assert_ok!(revoke(owner.account(), c(1)));
		assert_noop!(revoke(owner.account(), c(1)), Error::<Test>::ConsentRevoked);
		for nonce in 2..=u64::from(MAX_REVOKED_CONSENTS) {
			assert_ok!(revoke(owner.account(), c(nonce)));
		}
		assert_noop!(
			revoke(owner.account(), c(u64::from(MAX_REVOKED_CONSENTS) + 1)),
			Error::<Test>::TooManyRevokedConsents
		);
		// Once they expire, their places are free again.
		run_to_block(33);
		assert_ok!(revoke(owner.account(), {
			let mut later = c(99);
			later.valid_until = 60;
			later
		}));
	});
}

/// A consent lying further ahead than `MaxConsentLifetime` cannot be used yet; it can be
/// revoked while it lies up to twice as far ahead, so before it becomes usable.
#[test]
fn a_consent_not_yet_usable_can_be_revoked_before_it_is() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let key = NodeKey::new(1);
		let mut c = consent(&owner.account(), &key, NodeType::GpuMiner, 0);
		c.valid_until = 1 + 2 * MAX_CONSENT_LIFETIME;
		let signature = owner.sign(&c.encode());
		assert_noop!(
			Consenting::with_consent(c.clone(), signature.clone(), &key, NodeType::GpuMiner)
				.submit(),
			Error::<Test>::ConsentLifetimeTooLong
		);
		assert_ok!(Registration::revoke_consent(
			RuntimeOrigin::signed(owner.account()),
			Box::new(c.clone())
		));
		run_to_block(1 + MAX_CONSENT_LIFETIME);
		assert_noop!(
			Consenting::with_consent(c, signature, &key, NodeType::GpuMiner).submit(),
			Error::<Test>::ConsentRevoked
		);
	});
}

#[test]
fn consent_payload_gives_the_bytes_to_sign() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let key = NodeKey::new(1);
		let payload = Registration::consent_payload(
			owner.account(),
			key.base58(),
			NodeType::ComputeMiner,
			500,
			300,
			50,
			4,
			true,
		)
		.expect("a valid PeerId");
		assert_eq!(payload.bytes, payload.consent.encode());
		assert_eq!(payload.consent.domain, CONSENT_DOMAIN);
		assert_eq!(payload.consent.genesis_hash, Registration::genesis_hash());
		assert_eq!(payload.consent.peer_id, key.peer().to_raw());
		assert_eq!(payload.consent.valid_until, 51);
		assert_eq!((payload.consent.max_fee, payload.consent.nonce), (500, 4));
		assert_eq!(payload.consent.max_deposit, 300);
		assert!(payload.consent.may_rotate);
		// The raw form gives the same consent; the lifetime is capped; bad ids give nothing.
		let raw = Registration::consent_payload(
			owner.account(),
			key.raw(),
			NodeType::ComputeMiner,
			500,
			300,
			MAX_CONSENT_LIFETIME * 2,
			4,
			true,
		)
		.expect("a valid PeerId");
		assert_eq!(raw.consent.valid_until, 1 + MAX_CONSENT_LIFETIME);
		assert!(Registration::consent_payload(
			owner.account(),
			b"12D3KooWnot".to_vec(),
			NodeType::ComputeMiner,
			500,
			300,
			50,
			4,
			true
		)
		.is_none());
		// Signed as it comes, it registers.
		let signature = owner.sign(&payload.bytes);
		assert_eq!(
			Registration::consent_status(payload.consent.clone(), signature.clone()),
			ConsentStatus::Valid
		);
		assert_ok!(Consenting::with_consent(
			payload.consent,
			signature,
			&key,
			NodeType::ComputeMiner
		)
		.submit());
	});
}

#[test]
fn consent_status_names_each_refusal() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let base = consent(&owner.account(), &NodeKey::new(1), NodeType::GpuMiner, 30);
		let status = |change: &dyn Fn(&mut pallet_registration::OwnerConsentOf<Test>)| {
			let mut c = base.clone();
			change(&mut c);
			let signature = owner.sign(&c.encode());
			Registration::consent_status(c, signature)
		};
		assert_eq!(status(&|_| {}), ConsentStatus::Valid);
		assert_eq!(status(&|c| c.domain = [0; 24]), ConsentStatus::WrongDomain);
		assert_eq!(status(&|c| c.genesis_hash = [1; 32]), ConsentStatus::WrongChain);
		assert_eq!(status(&|c| c.peer_id = [0; 38]), ConsentStatus::InvalidPeerId);
		assert_eq!(status(&|c| c.valid_until = 0), ConsentStatus::Expired);
		assert_eq!(
			status(&|c| c.valid_until = 2 + MAX_CONSENT_LIFETIME),
			ConsentStatus::LifetimeTooLong
		);
		assert_eq!(
			Registration::consent_status(base.clone(), OwnerKey::new(8).sign(&base.encode())),
			ConsentStatus::BadSignature
		);
		assert_ok!(Registration::revoke_consent(
			RuntimeOrigin::signed(owner.account()),
			Box::new(base.clone())
		));
		assert_eq!(status(&|_| {}), ConsentStatus::Revoked);
		// The wrapped form is a valid signature too.
		let mut other = base.clone();
		other.nonce = 2;
		assert_eq!(
			Registration::consent_status(other.clone(), owner.sign_wrapped(&other.encode())),
			ConsentStatus::Valid
		);
	});
}
