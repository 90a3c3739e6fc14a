//! One test (or more) per departure D1–D13 from the reference pallet. Each fails on the
//! reference's behaviour.

mod common;

use codec::Encode;
use common::mock::*;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{GetDispatchInfo, Pays},
	traits::Hooks,
};
use pallet_registration::{
	Call, ColdkeyNodeRegistrationV2, CurrentNodeTypeFee, Error, Event, Libp2pMainIdentity,
	NodeType, OwnerToNode, Status, UsedChallenges,
};

#[test]
fn d1_owner_must_sign_and_pays_nothing_otherwise() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		let (victim, attacker) = (account(1), account(2));
		let mut registering = Registering::new(&victim, &NodeKey::new(1), NodeType::GpuMiner);
		registering.signer = attacker;
		assert_noop!(registering.submit(), Error::<Test>::SignerNotOwner);
		assert_eq!(Balances::free_balance(&victim), FUNDS);
	});
}

#[test]
fn d2_node_id_must_be_the_signed_peer_id() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let mut squat = Registering::new(&owner, &key, NodeType::GpuMiner);
		squat.node_id = b"12D3KooWsomeoneelsesnodeid".to_vec();
		assert_noop!(squat.submit(), Error::<Test>::InvalidNodeId);
		squat.node_id = NodeKey::new(2).base58();
		assert_noop!(squat.submit(), Error::<Test>::NodeIdMismatch);
	});
}

#[test]
fn d2_one_entry_per_peer_id_whatever_its_form() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		let mut raw = Registering::new(&account(1), &key, NodeType::GpuMiner);
		raw.node_id = key.raw();
		assert_ok!(raw.submit());
		assert_eq!(ColdkeyNodeRegistrationV2::<Test>::iter().count(), 1);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&key)), "stored as base58");
		// The same PeerId in base58 form, by another owner, is the same node.
		assert_noop!(
			Registering::new(&account(2), &key, NodeType::GpuMiner).submit(),
			Error::<Test>::NodeAlreadyRegistered
		);
	});
}

#[test]
fn d3_trailing_bytes_after_the_challenge_are_rejected() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let mut bytes = challenge(&owner, &key, 1, 11, 1).encode();
		bytes.extend_from_slice(b"extra");
		assert_noop!(
			Registering::with_bytes(&owner, &key, NodeType::GpuMiner, bytes).submit(),
			Error::<Test>::InvalidChallenge
		);
	});
}

#[test]
fn d4_a_used_challenge_is_refused_through_its_last_valid_block() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let registering = Registering::new(&owner, &key, NodeType::GpuMiner); // expires at 11
		assert_ok!(registering.submit());
		// Free the node and the owner so only replay protection stands in the way.
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(key.raw())
		));
		pallet_registration::NodeLastDeregisteredAt::<Test>::remove(node_id(&key));
		pallet_registration::OwnerLastDeregisteredAt::<Test>::remove(&owner);
		run_to_block(11);
		assert_noop!(registering.submit(), Error::<Test>::ChallengeReused);
		run_to_block(12);
		assert_noop!(registering.submit(), Error::<Test>::ChallengeExpired);
		let hash = sp_core::H256(sp_io::hashing::blake2_256(&registering.challenge));
		assert!(!UsedChallenges::<Test>::contains_key(hash), "dropped only once useless");
		// Keep try_state's cooldown bookkeeping consistent with the manual removals above.
		run_to_block(1 + COOLDOWN + 1);
	});
}

#[test]
fn d5_challenge_lifetime_is_bounded_and_not_from_the_future() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let far = challenge(&owner, &key, 1, u64::MAX, 1);
		assert_noop!(
			Registering::with_challenge(&owner, &key, NodeType::GpuMiner, far).submit(),
			Error::<Test>::ChallengeLifetimeTooLong
		);
		let future = challenge(&owner, &key, 5, 11, 2);
		assert_noop!(
			Registering::with_challenge(&owner, &key, NodeType::GpuMiner, future).submit(),
			Error::<Test>::ChallengeFromFuture
		);
	});
}

#[test]
fn d6_never_deregistered_nodes_register_before_the_cooldown_period() {
	new_test_ext(|| {
		assert!(System::block_number() < COOLDOWN);
		register(&account(1), &NodeKey::new(1), NodeType::GpuMiner);
	});
}

#[test]
fn d6_an_owner_cannot_hop_to_a_fresh_node_id() {
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::GpuMiner);
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(NodeKey::new(1).raw())
		));
		assert_noop!(
			Registering::new(&account(1), &NodeKey::new(2), NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
	});
}

#[test]
fn d7_a_degraded_storage_miner_can_leave_and_its_owner_return() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(key.raw())
		));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(key.raw())
		));
		assert!(!OwnerToNode::<Test>::contains_key(account(1)));
		run_to_block(1 + COOLDOWN);
		register(&account(1), &key, NodeType::StorageMiner);
	});
}

#[test]
fn d8_one_vote_per_validator_per_node_per_round() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(report(1, &[&target]));
		assert_noop!(report(1, &[&target]), Error::<Test>::AlreadyReported);
		run_to_block(CONSENSUS_PERIOD);
		// One validator alone never reaches the threshold of two.
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
	});
}

#[test]
fn d8_reports_are_cleared_when_tallied_so_a_node_is_removed_once() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		run_to_block(5 * CONSENSUS_PERIOD);
		let removals = registration_events()
			.into_iter()
			.filter(|e| matches!(e, Event::DeregistrationConsensusReached { .. }))
			.count();
		assert_eq!(removals, 1);
	});
}

#[test]
fn d8_only_registered_nodes_can_be_reported() {
	new_test_ext(|| {
		validators_and_target(3);
		assert_noop!(report(1, &[&NodeKey::new(30)]), Error::<Test>::NodeNotRegistered);
	});
}

#[test]
fn d8_the_switch_is_honoured_at_tally_time() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		assert_ok!(Registration::set_deregistration_enabled(RuntimeOrigin::root(), false));
		run_to_block(CONSENSUS_PERIOD);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
	});
}

#[test]
fn d8_the_rate_limit_is_exact() {
	new_test_ext(|| {
		validators_and_target(3);
		let keys = gpu_miners(21..=24);
		for key in &keys[..MAX_REPORT_CALLS as usize] {
			assert_ok!(report(1, &[key]));
		}
		assert_noop!(
			report(1, &[&keys[MAX_REPORT_CALLS as usize]]),
			Error::<Test>::TooManyRequests
		);
	});
}

#[test]
fn d8_every_report_emits_an_event() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(report(3, &[&target]));
		assert_eq!(
			registration_events(),
			vec![Event::DeregistrationReported {
				reporter: account(3),
				node_id: node_id(&target),
				votes: 1
			}]
		);
	});
}

#[test]
fn d8_the_threshold_can_be_a_share_of_registered_validators() {
	new_test_ext(|| {
		for v in 1..=7u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		// ceil(50% of 7) = 4 votes, above the fixed minimum of 2.
		assert_eq!(Registration::required_votes(), 4);
	});
}

#[test]
fn d9_hook_cost_does_not_grow_with_the_registry_and_stays_in_budget() {
	let hook_weight = |nodes: u8| {
		let mut weight = frame_support::weights::Weight::zero();
		ExtBuilder::default().build_and_execute(|| {
			for i in 1..=nodes {
				register(&account(i), &NodeKey::new(i), NodeType::GpuMiner);
			}
			run_to_block(3 * CONSENSUS_PERIOD - 1);
			System::set_block_number(3 * CONSENSUS_PERIOD);
			weight = Registration::on_initialize(3 * CONSENSUS_PERIOD);
			assert!(weight.all_lte(HookBudget::get()));
		});
		weight
	};
	assert_eq!(hook_weight(2), hook_weight(40));
}

#[test]
#[should_panic(expected = "ConsensusPeriod must not be zero")]
fn d9_integrity_test_rejects_a_zero_period() {
	new_test_ext(|| {
		ConsensusPeriodParam::set(0);
		Registration::integrity_test();
	});
}

#[test]
fn d10_every_call_is_weighed_and_user_calls_pay_fees() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		let node = || node_param(key.raw());
		let calls: Vec<(Call<Test>, bool)> = vec![
			(
				Call::force_register_coldkey_node {
					owner: account(1),
					node_type: NodeType::GpuMiner,
					node_id: node(),
				},
				false,
			),
			(Registering::new(&account(1), &key, NodeType::GpuMiner).call(), true),
			(Call::set_node_status_to_degraded { node_id: node() }, false),
			(Call::set_fee_charging { enabled: true }, false),
			(Call::set_node_type_fee { node_type: NodeType::GpuMiner, fee: 100 }, false),
			(Call::set_node_type_disabled { node_type: NodeType::GpuMiner, disabled: true }, false),
			(Call::force_unregister_coldkey_node { node_id: node() }, false),
			(Call::unregister_main_node { node_id: node() }, true),
			(Call::swap_node_owner { node_id: node(), new_owner: account(2) }, true),
			(
				Call::submit_deregistration_report { node_ids: vec![node()].try_into().unwrap() },
				true,
			),
			(Call::set_account_ban_status { account: account(2), banned: true }, false),
			(
				Call::set_whitelisted_validators {
					validators: vec![account(2)].try_into().unwrap(),
				},
				false,
			),
			(Call::set_deregistration_enabled { enabled: true }, false),
		];
		assert_eq!(calls.len(), 13, "all calls of the contract");
		for (call, user) in calls {
			let info = call.get_dispatch_info();
			assert!(info.call_weight.ref_time() > 0, "{call:?} has no weight");
			if user {
				assert_eq!(info.pays_fee, Pays::Yes, "{call:?} must pay fees");
			}
		}
	});
}

#[test]
fn d11_fee_halves_per_quiet_period_with_floor_and_cap() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		assert_ok!(Registration::set_node_type_fee(RuntimeOrigin::root(), NodeType::GpuMiner, 800));
		run_to_block(1 + 3 * BLOCKS_PER_DAY);
		assert_eq!(Registration::current_fee(NodeType::GpuMiner), 100, "halved three times");
		// The table itself changes only when a registration pays.
		assert_eq!(CurrentNodeTypeFee::<Test>::get(NodeType::GpuMiner), Some(800));
		run_to_block(1 + 40 * BLOCKS_PER_DAY);
		assert_eq!(Registration::current_fee(NodeType::GpuMiner), MIN_FEE, "never below the floor");
		register(&account(1), &NodeKey::new(1), NodeType::GpuMiner);
		assert_eq!(Balances::free_balance(account(1)), FUNDS - MIN_FEE);
		assert_eq!(
			Registration::current_fee(NodeType::GpuMiner),
			2 * MIN_FEE,
			"doubling leaves the floor"
		);
		assert_ok!(Registration::set_node_type_fee(
			RuntimeOrigin::root(),
			NodeType::GpuMiner,
			MAX_FEE
		));
		register(&account(2), &NodeKey::new(2), NodeType::GpuMiner);
		assert_eq!(Registration::current_fee(NodeType::GpuMiner), MAX_FEE, "capped");
	});
}

#[test]
fn d12_stake_threshold_is_a_balance_of_active_stake_in_pallet_staking() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		bond(&owner, 2 * STAKE_THRESHOLD);
		assert_ok!(Staking::unbond(
			RuntimeOrigin::signed(owner.clone()),
			2 * STAKE_THRESHOLD - 500
		));
		// Total stake is still 2,000 but only 500 is active.
		assert_noop!(
			Registering::new(&owner, &key, NodeType::Validator).submit(),
			Error::<Test>::InsufficientStake
		);
		assert_ok!(Staking::rebond(RuntimeOrigin::signed(owner.clone()), STAKE_THRESHOLD));
		register(&owner, &key, NodeType::Validator);
	});
}

#[test]
fn d13_registry_owner_index_and_identities_agree_after_every_path() {
	new_test_ext(|| {
		let keys: Vec<NodeKey> = (1..=4).map(NodeKey::new).collect();
		register(&account(1), &keys[0], NodeType::StorageMiner);
		assert_ok!(force_register(&account(2), NodeType::GpuMiner, keys[1].raw()));
		register(&account(3), &keys[2], NodeType::ComputeMiner);
		assert_ok!(Registration::do_try_state());
		assert_ok!(Registration::swap_node_owner(
			RuntimeOrigin::signed(account(3)),
			node_param(keys[2].raw()),
			account(4)
		));
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(keys[1].raw())
		));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(keys[0].raw())
		));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(keys[0].raw())
		));
		assert!(
			!Libp2pMainIdentity::<Test>::contains_key(node_id(&keys[0])),
			"identity removed with the node"
		);
		assert!(!Libp2pMainIdentity::<Test>::contains_key(node_id(&keys[1])));
		assert_eq!(Libp2pMainIdentity::<Test>::iter().count(), 1);
		assert_ok!(Registration::do_try_state());
	});
}

#[test]
fn story_of_a_node_from_registration_to_return() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		let (alice, bob) = (account(1), account(2));
		let node = NodeKey::new(1);
		// Alice registers a storage miner and pays the fee.
		register(&alice, &node, NodeType::StorageMiner);
		assert_eq!(Balances::free_balance(&alice), FUNDS - INITIAL_FEE);
		assert_eq!(Registration::node_by_id(node.raw()).map(|i| i.status), Some(Status::Online));
		// Two validators report it; consensus degrades it at the end of the round.
		for v in 10..=11u8 {
			register_validator(&account(v), &NodeKey::new(v));
			assert_ok!(report(v, &[&node]));
		}
		run_to_block(CONSENSUS_PERIOD);
		assert_eq!(Registration::node_by_id(node.raw()).map(|i| i.status), Some(Status::Degraded));
		// Alice hands it to Bob.
		assert_ok!(Registration::swap_node_owner(
			RuntimeOrigin::signed(alice.clone()),
			node_param(node.raw()),
			bob.clone()
		));
		assert_eq!(
			Registration::node_of_owner(bob.clone()).map(|i| i.node_id),
			Some(node_id(&node))
		);
		// Bob unregisters the degraded node: it is removed and cools down.
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(bob.clone()),
			node_param(node.base58())
		));
		assert_eq!(Registration::node_by_id(node.raw()), None);
		run_to_block(CONSENSUS_PERIOD + 1);
		assert_noop!(
			Registering::new(&bob, &node, NodeType::StorageMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
		// After the cooldown Bob registers it again; the fee has doubled since Alice paid.
		run_to_block(CONSENSUS_PERIOD + COOLDOWN);
		let before = Balances::free_balance(&bob);
		register(&bob, &node, NodeType::StorageMiner);
		assert_eq!(Balances::free_balance(&bob), before - 2 * INITIAL_FEE);
		assert_eq!(Registration::node_of_owner(bob).map(|i| i.status), Some(Status::Online));
	});
}
