//! `rotate_node_key` (21): a node moves to a new key and keeps its history; every refusal.

use crate::common::mock::*;
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use pallet_registration::{
	ColdkeyNodeRegistrationV2, Error, Event, Libp2pMainIdentity, NodeCountByType, NodeKeyRotatedAt,
	NodeLastDeregisteredAt, NodeOwnershipOffers, NodeType, NodesByType, OwnerToNode, Status,
	UsedChallenges,
};

fn fails(rotating: &Rotating, error: Error<Test>) {
	assert_noop!(rotating.submit(), error);
}

#[test]
fn rotate_node_key_works_and_keeps_the_nodes_history() {
	new_test_ext(|| {
		let (owner, old, new) = (account(1), NodeKey::new(1), NodeKey::new(2));
		register(&owner, &old, NodeType::StorageMiner);
		// A degraded storage miner stays degraded.
		assert_ok!(Registration::set_node_status_to_degraded(
			RuntimeOrigin::root(),
			node_param(old.raw())
		));
		run_to_block(5);
		registration_events();
		let rotating = Rotating::new(&owner, &old, &new);
		assert_ok!(rotating.submit());

		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&old)));
		let info = ColdkeyNodeRegistrationV2::<Test>::get(node_id(&new)).expect("moved");
		assert_eq!(info.node_id, node_id(&new));
		assert_eq!(info.owner, owner);
		assert_eq!(info.node_type, NodeType::StorageMiner);
		assert_eq!(info.status, Status::Degraded);
		assert_eq!(info.registered_at, 1);
		assert_eq!(
			OwnerToNode::<Test>::get(&owner).map(|ids| ids.into_inner()),
			Some(vec![node_id(&new)])
		);
		assert!(!Libp2pMainIdentity::<Test>::contains_key(node_id(&old)));
		assert_eq!(
			Libp2pMainIdentity::<Test>::get(node_id(&new)).map(|(_, key)| key.into_inner()),
			Some(new.public().to_vec())
		);
		assert!(!NodesByType::<Test>::contains_key(NodeType::StorageMiner, node_id(&old)));
		assert!(NodesByType::<Test>::contains_key(NodeType::StorageMiner, node_id(&new)));
		assert_eq!(NodeCountByType::<Test>::get(NodeType::StorageMiner), 1);
		let challenge_hash = sp_core::H256(sp_io::hashing::blake2_256(&rotating.challenge));
		assert!(UsedChallenges::<Test>::contains_key(challenge_hash));
		assert_eq!(NodeLastDeregisteredAt::<Test>::get(node_id(&old)), Some(5));
		assert_eq!(NodeKeyRotatedAt::<Test>::get(node_id(&new)), Some(5));
		assert_eq!(
			registration_events(),
			vec![Event::NodeKeyRotated {
				old_node_id: node_id(&old),
				new_node_id: node_id(&new),
				owner: owner.clone(),
			}]
		);
		// The old PeerId cools down: nobody registers it at once.
		run_to_block(6);
		assert_noop!(
			Registering::new(&account(3), &old, NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
		// The new key is the node's now: its owner unregisters it by the new id.
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(owner),
			node_param(new.raw())
		));
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&new)));
	});
}

#[test]
fn a_consent_that_allows_it_lets_another_account_rotate() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let (old, new) = (NodeKey::new(1), NodeKey::new(2));
		register(&owner.account(), &old, NodeType::ComputeMiner);
		let mut allowed = consent(&owner.account(), &new, NodeType::ComputeMiner, 50);
		allowed.may_rotate = true;
		let signature = owner.sign_wrapped(&allowed.encode());
		let mut rotating = Rotating::new(&owner.account(), &old, &new);
		rotating.signer = account(30);
		rotating.consent = Some((allowed, signature));
		assert_ok!(rotating.submit());
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&new)).map(|info| info.owner),
			Some(owner.account())
		);
	});
}

#[test]
fn rotate_node_key_fails_for_each_consent_reason() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let (old, new) = (NodeKey::new(1), NodeKey::new(2));
		register(&owner.account(), &old, NodeType::ComputeMiner);
		let by_submitter = |change: &dyn Fn(&mut pallet_registration::OwnerConsentOf<Test>),
		                    signer: &OwnerKey| {
			let mut c = consent(&owner.account(), &new, NodeType::ComputeMiner, 50);
			c.may_rotate = true;
			change(&mut c);
			let signature = signer.sign(&c.encode());
			let mut rotating = Rotating::new(&owner.account(), &old, &new);
			rotating.signer = account(30);
			rotating.consent = Some((c, signature));
			rotating
		};
		// Without a consent only the owner may.
		let mut stranger = Rotating::new(&owner.account(), &old, &new);
		stranger.signer = account(30);
		fails(&stranger, Error::NotNodeOwner);
		fails(&by_submitter(&|c| c.may_rotate = false, &owner), Error::ConsentForbidsRotation);
		fails(
			&by_submitter(&|c| c.peer_id = NodeKey::new(3).peer().to_raw(), &owner),
			Error::ConsentNodeMismatch,
		);
		fails(
			&by_submitter(&|c| c.node_type = NodeType::GpuMiner, &owner),
			Error::ConsentNodeTypeMismatch,
		);
		fails(&by_submitter(&|c| c.valid_until = 0, &owner), Error::ConsentExpired);
		// Another owner's consent does not move this owner's node.
		let other = OwnerKey::new(8);
		fails(&by_submitter(&|c| c.owner = other.account(), &other), Error::NotNodeOwner);
		fails(&by_submitter(&|_| {}, &other), Error::InvalidOwnerSignature);
	});
}

#[test]
fn rotate_node_key_fails_for_each_proof_reason() {
	new_test_ext(|| {
		let (owner, old, new) = (account(1), NodeKey::new(1), NodeKey::new(2));
		register(&owner, &old, NodeType::GpuMiner);
		let valid = Rotating::new(&owner, &old, &new);

		let mut unknown = valid.clone();
		unknown.node_id = NodeKey::new(5).raw();
		fails(&unknown, Error::NodeNotFound);
		let mut bad_id = valid.clone();
		bad_id.node_id = b"not a peer id".to_vec();
		fails(&bad_id, Error::InvalidNodeId);
		let mut short_key = valid.clone();
		short_key.new_public_key.pop();
		fails(&short_key, Error::PublicKeyMismatch);
		let mut small = valid.clone();
		small.new_public_key = vec![0; 32];
		fails(&small, Error::SmallOrderNodeKey);

		// The new key's challenge: for this owner and the new PeerId, signed by the new key.
		let mut foreign_challenge = valid.clone();
		let now = System::block_number();
		foreign_challenge.challenge = challenge(&owner, &old, now, now + 10, 9).encode();
		foreign_challenge.new_key_sig = new.sign(&foreign_challenge.challenge);
		fails(&foreign_challenge, Error::ChallengeMismatch);
		let mut forged = valid.clone();
		forged.new_key_sig[0] ^= 1;
		fails(&forged, Error::InvalidSignature);

		// The old key's statement: naming this chain, owner, both PeerIds and the challenge.
		for change in [
			&(|r: &mut pallet_registration::KeyRotationOf<Test>| r.domain = [0; 24])
				as &dyn Fn(&mut pallet_registration::KeyRotationOf<Test>),
			&|r| r.genesis_hash = [3; 32],
			&|r| r.owner = account(2),
			&|r| r.old_peer_id = NodeKey::new(3).peer().to_raw(),
			&|r| r.new_peer_id = NodeKey::new(3).peer().to_raw(),
			&|r| r.challenge_hash = sp_core::H256([4; 32]),
		] {
			let mut wrong = valid.clone();
			change(&mut wrong.rotation);
			wrong.resign(&old);
			fails(&wrong, Error::InvalidRotationStatement);
		}
		let mut signed_by_new = valid.clone();
		signed_by_new.old_key_sig = new.sign(&valid.rotation.encode());
		fails(&signed_by_new, Error::InvalidRotationSignature);
		let mut short_sig = valid.clone();
		short_sig.old_key_sig.pop();
		fails(&short_sig, Error::InvalidSignatureLength);
		assert_ok!(valid.submit());
	});
}

#[test]
fn rotate_node_key_fails_for_each_policy_reason() {
	new_test_ext(|| {
		let (owner, old, new) = (account(1), NodeKey::new(1), NodeKey::new(2));
		register(&owner, &old, NodeType::GpuMiner);
		let valid = Rotating::new(&owner, &old, &new);

		// The new PeerId is registered, or cooling down.
		register(&account(2), &new, NodeType::GpuMiner);
		fails(&valid, Error::NodeAlreadyRegistered);
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(new.raw())
		));
		fails(&valid, Error::NodeCooldownPeriodNotExpired);
		let fresh = NodeKey::new(3);
		let valid = Rotating::new(&owner, &old, &fresh);

		// A banned owner.
		assert_ok!(Registration::set_account_ban_status(
			RuntimeOrigin::root(),
			owner.clone(),
			true
		));
		fails(&valid, Error::AccountBanned);
		assert_ok!(Registration::set_account_ban_status(
			RuntimeOrigin::root(),
			owner.clone(),
			false
		));

		// Validators voted against the node in the open round.
		register_validator(&account(10), &NodeKey::new(10));
		assert_ok!(report(10, &[&old]));
		fails(&valid, Error::NodeUnderReport);
	});
}

#[test]
fn a_node_rotates_at_most_once_per_cooldown_period() {
	new_test_ext(|| {
		let owner = account(1);
		let keys: Vec<NodeKey> = (1..=3).map(NodeKey::new).collect();
		register(&owner, &keys[0], NodeType::GpuMiner);
		assert_ok!(Rotating::new(&owner, &keys[0], &keys[1]).submit());
		run_to_block(COOLDOWN);
		fails(&Rotating::new(&owner, &keys[1], &keys[2]), Error::KeyRotationTooSoon);
		run_to_block(1 + COOLDOWN);
		assert_ok!(Rotating::new(&owner, &keys[1], &keys[2]).submit());
		// The first anchor went with the node; the queue removes the second after its period.
		assert!(!NodeKeyRotatedAt::<Test>::contains_key(node_id(&keys[1])));
		run_to_block(2 + 2 * COOLDOWN);
		assert!(!NodeKeyRotatedAt::<Test>::contains_key(node_id(&keys[2])));
	});
}

#[test]
fn a_rotation_withdraws_a_pending_ownership_offer() {
	new_test_ext(|| {
		let (owner, old, new) = (account(1), NodeKey::new(1), NodeKey::new(2));
		register(&owner, &old, NodeType::GpuMiner);
		assert_ok!(Registration::swap_node_owner(
			RuntimeOrigin::signed(owner.clone()),
			node_param(old.raw()),
			account(2)
		));
		registration_events();
		assert_ok!(Rotating::new(&owner, &old, &new).submit());
		assert!(!NodeOwnershipOffers::<Test>::contains_key(node_id(&old)));
		assert!(registration_events().contains(&Event::NodeOwnershipOfferCancelled {
			node_id: node_id(&old),
			owner,
			new_owner: account(2),
		}));
		assert_noop!(
			Registration::accept_node_ownership(
				RuntimeOrigin::signed(account(2)),
				node_param(new.raw())
			),
			Error::<Test>::NoOwnershipOffer
		);
	});
}
