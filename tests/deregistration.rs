//! Deregistration reports and their tally in `on_initialize`.

use crate::common::mock::*;
use frame_support::{assert_noop, assert_ok};
use pallet_registration::{
	ColdkeyNodeRegistrationV2, Error, Event, NodeType, ReportSubmissionCount, ReportedNodes,
	Status, TemporaryDeregistrationReports, UnregisterReason,
};

#[test]
fn submit_deregistration_report_works() {
	new_test_ext(|| {
		let target = validators_and_target(2);
		assert_ok!(report(1, &[&target]));
		assert_eq!(
			registration_events(),
			vec![Event::DeregistrationReported {
				reporter: account(1),
				node_id: node_id(&target),
				votes: 1
			}]
		);
		assert_ok!(report(2, &[&target]));
		let round = ReportedNodes::<Test>::get().expect("votes");
		assert_eq!(round.nodes[0].votes, 2);
		assert_eq!(ReportSubmissionCount::<Test>::get(account(1)).map(|s| s.count), Some(1));
		assert_eq!(
			TemporaryDeregistrationReports::<Test>::get(account(1))
				.map(|r| r.node_ids.into_inner()),
			Some(vec![node_id(&target)])
		);
	});
}

#[test]
fn submit_deregistration_report_through_a_resolved_proxy() {
	new_test_ext(|| {
		let target = validators_and_target(1);
		ReporterProxies::set(vec![(account(30), account(1))]);
		assert_ok!(report(30, &[&target]));
		assert_eq!(
			registration_events(),
			vec![Event::DeregistrationReported {
				reporter: account(1),
				node_id: node_id(&target),
				votes: 1
			}]
		);
		// The proxy speaks for validator 1: the same validator cannot vote twice.
		assert_noop!(report(1, &[&target]), Error::<Test>::AlreadyReported);
	});
}

#[test]
fn submit_deregistration_report_fails_deregistration_disabled() {
	new_test_ext(|| {
		let target = validators_and_target(1);
		assert_ok!(Registration::set_deregistration_enabled(RuntimeOrigin::root(), false));
		assert_noop!(report(1, &[&target]), Error::<Test>::DeregistrationDisabled);
	});
}

#[test]
fn submit_deregistration_report_fails_empty_report() {
	new_test_ext(|| {
		validators_and_target(1);
		assert_noop!(report(1, &[]), Error::<Test>::EmptyReport);
	});
}

#[test]
fn submit_deregistration_report_fails_account_banned() {
	new_test_ext(|| {
		let target = validators_and_target(1);
		assert_ok!(Registration::set_account_ban_status(RuntimeOrigin::root(), account(1), true));
		assert_noop!(report(1, &[&target]), Error::<Test>::AccountBanned);
	});
}

#[test]
fn submit_deregistration_report_fails_account_not_registered() {
	new_test_ext(|| {
		let target = validators_and_target(1);
		assert_noop!(report(9, &[&target]), Error::<Test>::AccountNotRegistered);
	});
}

#[test]
fn submit_deregistration_report_fails_not_a_validator() {
	new_test_ext(|| {
		let target = validators_and_target(1);
		assert_noop!(report(20, &[&NodeKey::new(1)]), Error::<Test>::NotAValidator);
		let _ = target;
	});
}

#[test]
fn submit_deregistration_report_fails_node_not_whitelisted() {
	new_test_ext(|| {
		let target = validators_and_target(2);
		assert_ok!(Registration::set_whitelisted_validators(
			RuntimeOrigin::root(),
			vec![account(2)].try_into().unwrap()
		));
		assert_noop!(report(1, &[&target]), Error::<Test>::NodeNotWhitelisted);
		assert_ok!(report(2, &[&target]));
	});
}

#[test]
fn submit_deregistration_report_fails_too_many_requests_exactly_at_the_limit() {
	new_test_ext(|| {
		validators_and_target(3);
		let targets = gpu_miners(21..=24);
		// Validators 2 and 3 list the nodes, so validator 1's share does not limit it first.
		assert_ok!(report(2, &[&targets[0], &targets[1]]));
		assert_ok!(report(3, &[&targets[2], &targets[3]]));
		for key in targets.iter().take(MAX_REPORT_CALLS as usize) {
			assert_ok!(report(1, &[key]));
		}
		assert_noop!(report(1, &[&targets[3]]), Error::<Test>::TooManyRequests);
		// A new window restores the allowance.
		run_to_block(REPORT_WINDOW);
		assert_ok!(report(1, &[&targets[3]]));
	});
}

#[test]
fn submit_deregistration_report_fails_node_not_registered() {
	new_test_ext(|| {
		validators_and_target(1);
		assert_noop!(report(1, &[&NodeKey::new(33)]), Error::<Test>::NodeNotRegistered);
		assert_noop!(
			Registration::submit_deregistration_report(
				RuntimeOrigin::signed(account(1)),
				vec![node_param(b"junk".to_vec())].try_into().unwrap()
			),
			Error::<Test>::InvalidNodeId
		);
	});
}

#[test]
fn submit_deregistration_report_fails_already_reported() {
	new_test_ext(|| {
		let target = validators_and_target(1);
		assert_noop!(report(1, &[&target, &target]), Error::<Test>::AlreadyReported);
		assert_ok!(report(1, &[&target]));
		assert_noop!(report(1, &[&target]), Error::<Test>::AlreadyReported);
		// Next round the validator may vote again.
		run_to_block(CONSENSUS_PERIOD);
		assert_ok!(report(1, &[&target]));
	});
}

#[test]
fn submit_deregistration_report_fails_too_many_reports_in_round() {
	new_test_ext(|| {
		validators_and_target(3);
		let keys = gpu_miners(21..=27);
		// Validators 2 and 3 are the first to report four nodes; validator 1 adds its share of
		// two and votes for the other four: MaxReportsPerRound = 6 across calls, a 7th is refused.
		assert_ok!(report(2, &[&keys[0], &keys[1]]));
		assert_ok!(report(3, &[&keys[2], &keys[3]]));
		assert_ok!(report(1, &[&keys[0], &keys[1], &keys[2], &keys[3]]));
		assert_ok!(report(1, &[&keys[4], &keys[5]]));
		assert_noop!(report(1, &[&keys[6]]), Error::<Test>::TooManyReportsInRound);
	});
}

#[test]
fn submit_deregistration_report_fails_report_share_exhausted() {
	new_test_ext(|| {
		validators_and_target(2);
		let keys = gpu_miners(21..=24);
		assert_eq!(Registration::report_share(), MAX_REPORTED_NODES / MAX_VALIDATORS);
		assert_ok!(report(1, &[&keys[0], &keys[1]]));
		assert_noop!(report(1, &[&keys[2]]), Error::<Test>::ReportShareExhausted);
		// Voting for nodes others were the first to report is not limited by the share.
		assert_ok!(report(2, &[&keys[3]]));
		assert_ok!(report(1, &[&keys[3]]));
	});
}

#[test]
fn submit_deregistration_report_fails_insufficient_stake() {
	new_test_ext(|| {
		let target = validators_and_target(1);
		assert_ok!(Staking::unbond(RuntimeOrigin::signed(account(1)), 1));
		assert_noop!(report(1, &[&target]), Error::<Test>::InsufficientStake);
	});
}

#[test]
fn submit_deregistration_report_fails_too_many_reported_nodes_after_a_lowered_bound() {
	new_test_ext(|| {
		validators_and_target(2);
		let keys = gpu_miners(21..=23);
		assert_ok!(report(1, &[&keys[0], &keys[1]]));
		// An upgrade lowers the list's bound to what it holds: the list still decodes, and a
		// node no one reported yet no longer fits.
		MaxReportedNodesParam::set(2);
		assert_noop!(report(2, &[&keys[2]]), Error::<Test>::TooManyReportedNodes);
		assert_ok!(report(2, &[&keys[0]]));
		MaxReportedNodesParam::set(MAX_REPORTED_NODES);
	});
}

#[test]
fn consensus_removes_a_node_when_the_round_ends() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		// Threshold: max(2, ceil(50% of 3 validators)) = 2.
		assert_eq!(Registration::required_votes(), 2);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		run_to_block(CONSENSUS_PERIOD - 1);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		registration_events();
		run_to_block(CONSENSUS_PERIOD);
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		assert_eq!(
			registration_events(),
			vec![
				Event::DeregistrationConsensusReached { node_id: node_id(&target), votes: 2 },
				Event::NodeUnregistered {
					node_id: node_id(&target),
					owner: account(20),
					reason: UnregisterReason::Consensus
				},
			]
		);
		assert!(ReportedNodes::<Test>::get().is_none(), "votes cleared when tallied");
	});
}

#[test]
fn consensus_fails_below_the_threshold_and_votes_are_cleared() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(report(1, &[&target]));
		registration_events();
		run_to_block(CONSENSUS_PERIOD);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		assert_eq!(
			registration_events(),
			vec![Event::DeregistrationConsensusFailed {
				node_id: node_id(&target),
				votes: 1,
				required: 2
			}]
		);
		// Votes do not carry over into the next round.
		assert_ok!(report(2, &[&target]));
		run_to_block(2 * CONSENSUS_PERIOD);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
	});
}

#[test]
fn consensus_threshold_follows_the_share_of_validators() {
	new_test_ext(|| {
		let target = validators_and_target(5);
		// ceil(50% of 5) = 3 > the fixed threshold of 2.
		assert_eq!(Registration::required_votes(), 3);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		run_to_block(CONSENSUS_PERIOD);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		assert_ok!(report(3, &[&target]));
		run_to_block(2 * CONSENSUS_PERIOD);
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
	});
}

#[test]
fn consensus_degrades_an_online_storage_miner() {
	new_test_ext(|| {
		validators_and_target(2);
		let miner = NodeKey::new(21);
		register(&account(21), &miner, NodeType::StorageMiner);
		assert_ok!(report(1, &[&miner]));
		assert_ok!(report(2, &[&miner]));
		run_to_block(CONSENSUS_PERIOD);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&miner)).map(|i| i.status),
			Some(Status::Degraded)
		);
	});
}

#[test]
fn consensus_is_void_when_switched_off_during_the_round() {
	new_test_ext(|| {
		let target = validators_and_target(2);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		assert_ok!(Registration::set_deregistration_enabled(RuntimeOrigin::root(), false));
		registration_events();
		run_to_block(CONSENSUS_PERIOD);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		assert!(registration_events().is_empty());
		assert!(ReportedNodes::<Test>::get().is_none());
	});
}

#[test]
fn consensus_skips_a_node_that_left_during_the_round() {
	new_test_ext(|| {
		let target = validators_and_target(2);
		assert_ok!(report(1, &[&target]));
		assert_ok!(report(2, &[&target]));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(20)),
			node_param(target.raw())
		));
		registration_events();
		run_to_block(CONSENSUS_PERIOD);
		assert!(registration_events().is_empty());
	});
}

#[test]
fn a_removed_validator_keeps_its_report_state_until_its_round_and_window_end() {
	new_test_ext(|| {
		let target = validators_and_target(2);
		assert_ok!(report(1, &[&target]));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(NodeKey::new(1).raw())
		));
		assert!(TemporaryDeregistrationReports::<Test>::contains_key(account(1)));
		assert!(ReportSubmissionCount::<Test>::contains_key(account(1)));
		// The ballot goes when its round is over, the count when its window is.
		run_to_block(CONSENSUS_PERIOD + 1);
		assert!(!TemporaryDeregistrationReports::<Test>::contains_key(account(1)));
		assert!(ReportSubmissionCount::<Test>::contains_key(account(1)));
		run_to_block(REPORT_WINDOW + 1);
		assert!(!ReportSubmissionCount::<Test>::contains_key(account(1)));
	});
}

#[test]
fn a_validator_that_claimed_a_share_and_left_keeps_its_place_until_the_round_ends() {
	new_test_ext(|| {
		let target = validators_and_target(MAX_VALIDATORS as u8);
		// Validator 1 is the first to report a node: it holds part of the round's list.
		assert_ok!(report(1, &[&target]));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(NodeKey::new(1).raw())
		));
		// Its place stays taken, so a newcomer cannot claim a share the list has no room for.
		bond(&account(30), STAKE_THRESHOLD);
		assert_noop!(
			Registering::new(&account(30), &NodeKey::new(30), NodeType::Validator).submit(),
			Error::<Test>::TooManyValidators
		);
		assert_noop!(
			force_register(&account(30), NodeType::Validator, NodeKey::new(30).raw()),
			Error::<Test>::TooManyValidators
		);
		// Validator 2 only voted for a listed node: it holds no share, so its leaving frees a place.
		assert_ok!(report(2, &[&target]));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(2)),
			node_param(NodeKey::new(2).raw())
		));
		register(&account(30), &NodeKey::new(30), NodeType::Validator);
		// Once the round is over, validator 1's place is free again.
		run_to_block(CONSENSUS_PERIOD);
		register_validator(&account(31), &NodeKey::new(31));
	});
}
