//! One test (or more) per departure D1–D13 from the reference pallet. Each fails on the
//! reference's behaviour.

use crate::common::mock::*;
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{GetDispatchInfo, Pays},
	traits::Hooks,
};
use pallet_registration::{
	Call, ColdkeyNodeRegistrationV2, CurrentNodeTypeFee, Error, Event, Libp2pMainIdentity,
	NodeType, OwnerLastDeregisteredAt, OwnerToNode, Status, UsedChallenges,
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
		assert_ok!(report(2, &[&keys[0], &keys[1]]));
		assert_ok!(report(3, &[&keys[2], &keys[3]]));
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
		for v in 1..=5u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		// ceil(50% of 5) = 3 votes, above the fixed minimum of 2.
		assert_eq!(Registration::required_votes(), 3);
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
			(Call::accept_node_ownership { node_id: node() }, true),
			(Call::cancel_node_ownership_offer { node_id: node() }, true),
		];
		assert_eq!(calls.len(), 15, "all calls of the contract, and those added since");
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
		assert_ok!(hand_over(&account(3), &keys[2], &account(4)));
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

#[docify::export]
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
		// Alice offers it to Bob, who accepts.
		assert_ok!(hand_over(&alice, &node, &bob));
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

// Departures found by the second review (D14–D20): defects the reference shares with the first
// version of this pallet.

#[test]
fn d14_a_swap_needs_the_new_owners_consent() {
	new_test_ext(|| {
		let (attacker, victim) = (account(1), account(2));
		register(&attacker, &NodeKey::new(1), NodeType::GpuMiner);
		// Pushing a node onto the victim only offers it.
		assert_ok!(Registration::swap_node_owner(
			RuntimeOrigin::signed(attacker.clone()),
			node_param(NodeKey::new(1).raw()),
			victim.clone()
		));
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&NodeKey::new(1))).map(|i| i.owner),
			Some(attacker)
		);
		assert!(!OwnerToNode::<Test>::contains_key(&victim));
		// The victim registers its own node as if nothing had happened.
		register(&victim, &NodeKey::new(2), NodeType::GpuMiner);
		assert_eq!(
			OwnerToNode::<Test>::get(&victim).map(|ids| ids.into_inner()),
			Some(vec![node_id(&NodeKey::new(2))])
		);
	});
}

#[test]
fn d15_a_swap_starts_the_old_owners_cooldown() {
	new_test_ext(|| {
		let (owner, throwaway) = (account(1), account(2));
		register(&owner, &NodeKey::new(1), NodeType::GpuMiner);
		assert_ok!(hand_over(&owner, &NodeKey::new(1), &throwaway));
		// Handing the node to a throwaway account is no hop to a fresh node id.
		assert_noop!(
			Registering::new(&owner, &NodeKey::new(3), NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
		run_to_block(1 + COOLDOWN);
		register(&owner, &NodeKey::new(3), NodeType::GpuMiner);
	});
}

#[test]
fn d15_a_node_with_votes_against_it_cannot_change_hands() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		// Swapping just before the tally would escape the removal's cooldown.
		assert_noop!(
			Registration::swap_node_owner(
				RuntimeOrigin::signed(account(20)),
				node_param(target.raw()),
				account(21)
			),
			Error::<Test>::NodeUnderReport
		);
		run_to_block(CONSENSUS_PERIOD);
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		assert!(OwnerLastDeregisteredAt::<Test>::contains_key(account(20)));
	});
}

#[test]
fn d16_stake_is_checked_when_reporting_and_when_tallying() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		// Validator 2 unbonds everything before the round ends: its vote no longer counts, nor
		// does it count among those who may vote (2 of 3 could; 2 are needed; 1 counts).
		assert_ok!(Staking::unbond(RuntimeOrigin::signed(account(2)), STAKE_THRESHOLD));
		registration_events();
		run_to_block(CONSENSUS_PERIOD);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		assert_eq!(
			registration_events(),
			vec![
				Event::DeregistrationConsensusFailed {
					node_id: node_id(&target),
					votes: 1,
					required: 2
				},
				// And its node gives its place back (D26).
				Event::NodeUnregistered {
					node_id: node_id(&NodeKey::new(2)),
					owner: account(2),
					reason: pallet_registration::UnregisterReason::InsufficientStake,
				},
			]
		);
		// Without stake, a validator cannot report at all.
		assert_ok!(Staking::unbond(RuntimeOrigin::signed(account(3)), STAKE_THRESHOLD));
		assert_noop!(report(3, &[&target]), Error::<Test>::InsufficientStake);
	});
}

#[test]
fn d17_one_validator_cannot_crowd_the_others_out_of_a_round() {
	new_test_ext(|| {
		for v in 1..=MAX_VALIDATORS as u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		let innocent = gpu_miners(21..=21 + MAX_REPORTED_NODES as u8);
		// The attacker may be the first to report its share of the round's list only.
		let share = Registration::report_share() as usize;
		for chunk in innocent[..share].chunks(2) {
			assert_ok!(report(1, &chunk.iter().collect::<Vec<_>>()));
		}
		assert_noop!(report(1, &[&innocent[share]]), Error::<Test>::ReportShareExhausted);
		// Every other validator can still report its own share of fresh nodes.
		for v in 2..=MAX_VALIDATORS as u8 {
			let start = share * usize::from(v - 1);
			let mine: Vec<&NodeKey> = innocent[start..start + share].iter().collect();
			assert_ok!(report(v, &mine));
		}
	});
}

#[test]
fn d18_the_threshold_is_a_share_of_those_who_may_vote() {
	new_test_ext(|| {
		let target = validators_and_target(5);
		// Only validators 1 and 2 may vote: a share of all five (3) would make removal
		// impossible; the share of the two who may vote is 1, so the fixed minimum of 2 applies.
		assert_ok!(Registration::set_whitelisted_validators(
			RuntimeOrigin::root(),
			vec![account(1), account(2)].try_into().unwrap()
		));
		assert_eq!(Registration::required_votes(), 2);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		run_to_block(CONSENSUS_PERIOD);
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
	});
}

#[test]
fn d19_one_owner_one_vote_per_round_whatever_it_does_with_its_node() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		// Even with a cooldown shorter than a round (which `integrity_test` now refuses), an
		// owner that unregisters and returns cannot vote twice or reset its rate limit.
		CooldownParam::set(1);
		assert_ok!(report(1, &[&target]));
		let validator = NodeKey::new(1);
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(validator.raw())
		));
		run_to_block(3);
		register(&account(1), &validator, NodeType::Validator);
		assert_noop!(report(1, &[&target]), Error::<Test>::AlreadyReported);
		let others = gpu_miners(21..=22);
		assert_ok!(report(1, &[&others[0]]));
		assert_ok!(report(2, &[&others[1]]));
		assert_ok!(report(1, &[&others[1]]));
		assert_noop!(report(1, &[&target]), Error::<Test>::TooManyRequests);
		run_to_block(CONSENSUS_PERIOD);
		// One vote: the target stays.
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		CooldownParam::set(COOLDOWN);
	});
}

#[test]
#[should_panic(expected = "NodeCooldownPeriod must be at least ConsensusPeriod")]
fn d19_integrity_test_refuses_a_cooldown_shorter_than_a_round() {
	new_test_ext(|| {
		CooldownParam::set(CONSENSUS_PERIOD - 1);
		Registration::integrity_test();
	});
}

#[test]
fn d20_small_order_keys_cannot_be_registered_with_a_constant_signature() {
	new_test_ext(|| {
		let owner = account(1);
		// The identity point (y = 1): R = identity, S = 0 verifies over any message.
		let mut key = [0u8; 32];
		key[0] = 1;
		let peer = pallet_registration::peer_id::Ed25519PeerId::from_public_key(key);
		let mut forged = [0u8; 64];
		forged[0] = 1;
		let bytes = pallet_registration::RegisterChallenge {
			domain: pallet_registration::REGISTER_DOMAIN,
			genesis_hash: Registration::genesis_hash(),
			account: owner.clone(),
			node_id_hash: sp_core::H256(sp_io::hashing::blake2_256(&peer.to_raw())),
			ipfs_peer_id_hash: sp_core::H256(sp_io::hashing::blake2_256(b"")),
			block_number: 1,
			nonce: [9; 32],
			expires_at: 11,
		}
		.encode();
		// The forgery verifies: such a key proves nothing.
		assert!(pallet_registration::challenge::verify_signature(&key, &forged, &bytes));
		let forgery = Registering {
			signer: owner.clone(),
			node_type: NodeType::GpuMiner,
			node_id: peer.to_node_id().to_vec(),
			pay_in_credits: false,
			owner: owner.clone(),
			public_key: key.to_vec(),
			signature: forged.to_vec(),
			challenge: bytes,
			node_id_hex: peer.to_raw().to_vec(),
		};
		assert_noop!(forgery.submit(), Error::<Test>::SmallOrderNodeKey);
		let mut raw = forgery.clone();
		raw.node_id = peer.to_raw().to_vec();
		assert_noop!(raw.submit(), Error::<Test>::SmallOrderNodeKey);
		assert_noop!(
			force_register(&owner, NodeType::GpuMiner, peer.to_node_id().to_vec()),
			Error::<Test>::SmallOrderNodeKey
		);
	});
}
