//! Upgrade safety: the call indices and names of the contract never change; new calls take
//! new indices (16 and up; 2, 4 and 5 are never reused). And constants a runtime upgrade changes
//! (periods, bounds, the existential deposit) leave nothing stored to rot or to fail open.

use crate::common::mock::*;
use frame_support::{
	assert_noop, assert_ok,
	traits::{GetCallIndex, GetCallName, Hooks},
};
use pallet_registration::{
	Call, ColdkeyNodeRegistrationV2, Error, NodeLastDeregisteredAt, NodeType,
	OwnerLastDeregisteredAt, ReportedNodes, TemporaryDeregistrationReports, WhitelistedValidators,
};

#[test]
fn call_indices_and_names_are_the_contracts() {
	let contract: [(u8, &str); 25] = [
		(0, "force_register_coldkey_node"),
		(1, "register_node_with_coldkey"),
		(3, "set_node_status_to_degraded"),
		(6, "set_fee_charging"),
		(7, "set_node_type_fee"),
		(8, "set_node_type_disabled"),
		(9, "force_unregister_coldkey_node"),
		(10, "unregister_main_node"),
		(11, "swap_node_owner"),
		(12, "submit_deregistration_report"),
		(13, "set_account_ban_status"),
		(14, "set_whitelisted_validators"),
		(15, "set_deregistration_enabled"),
		(16, "accept_node_ownership"),
		(17, "cancel_node_ownership_offer"),
		(18, "register_node_with_consent"),
		(19, "register_node_with_max_fee"),
		(20, "revoke_consent"),
		(21, "rotate_node_key"),
		(22, "publish_node_record"),
		(23, "heartbeat"),
		(24, "revoke_consents_below"),
		(25, "unregister_node"),
		(26, "set_node_type_deposit"),
		(27, "force_remove_node"),
	];
	let names = Call::<Test>::get_call_names();
	let indices = Call::<Test>::get_call_indices();
	let ours: Vec<(u8, &str)> = indices.iter().copied().zip(names.iter().copied()).collect();
	assert_eq!(ours, contract);
}

#[test]
fn encoded_calls_start_with_their_index() {
	use codec::Encode;
	new_test_ext(|| {
		let call = Registering::new(&account(1), &NodeKey::new(1), NodeType::GpuMiner).call();
		assert_eq!(call.encode()[0], 1);
		let call = Call::<Test>::set_deregistration_enabled { enabled: true };
		assert_eq!(call.encode(), vec![15, 1]);
	});
}

#[test]
fn raising_the_cooldown_requeues_anchors_instead_of_leaving_them_forever() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(key.raw())
		));
		// Queued for block 1 + COOLDOWN; an upgrade doubles the cooldown before then.
		CooldownParam::set(2 * COOLDOWN);
		run_to_block(2 + COOLDOWN);
		assert!(NodeLastDeregisteredAt::<Test>::contains_key(node_id(&key)), "still cooling");
		assert_ok!(Registration::do_try_state());
		assert_noop!(
			Registering::new(&account(1), &key, NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
		run_to_block(2 + 2 * COOLDOWN);
		assert!(!NodeLastDeregisteredAt::<Test>::contains_key(node_id(&key)), "gone at its end");
		assert!(!OwnerLastDeregisteredAt::<Test>::contains_key(account(1)));
		register(&account(1), &key, NodeType::GpuMiner);
		CooldownParam::set(COOLDOWN);
	});
}

#[test]
fn changing_the_consensus_period_keeps_the_open_rounds_end() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		run_to_block(15);
		assert_ok!(report(1, &[&target]));
		// An upgrade makes rounds ten times longer while the round of block 15 is open: it
		// still ends with block 19, and a report in between lands in it.
		ConsensusPeriodParam::set(10 * CONSENSUS_PERIOD);
		run_to_block(17);
		assert_ok!(report(2, &[&target]));
		run_to_block(20);
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		// The next round has the new length: block 20 starts the span 0..=99, so it ends at 99.
		assert_eq!(pallet_registration::DeregistrationRound::<Test>::get().ends_at, 99);
		ConsensusPeriodParam::set(CONSENSUS_PERIOD);
	});
}

#[test]
fn a_whitelist_longer_than_a_lowered_bound_fails_closed() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		assert_ok!(Registration::set_whitelisted_validators(
			RuntimeOrigin::root(),
			(1..=4).map(account).collect::<Vec<_>>().try_into().unwrap()
		));
		// An upgrade lowers MaxWhitelistedValidators below the stored list's length: the list
		// no longer decodes. It must not read as "no whitelist: everyone may report".
		MaxWhitelistedParam::set(2);
		assert_eq!(WhitelistedValidators::<Test>::get().len(), 0, "FRAME reads it as empty");
		assert_noop!(report(1, &[&target]), Error::<Test>::StoredListOverBound);
		assert!(Registration::do_try_state().is_err(), "try_state reports the undecodable list");
		// Governance replaces the list within the new bound.
		assert_ok!(Registration::set_whitelisted_validators(
			RuntimeOrigin::root(),
			vec![account(1)].try_into().unwrap()
		));
		assert_ok!(report(1, &[&target]));
		MaxWhitelistedParam::set(MAX_WHITELISTED);
	});
}

#[test]
fn a_ballot_longer_than_a_lowered_bound_fails_closed() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		let others = gpu_miners(21..=22);
		assert_ok!(report(2, &[&others[0], &others[1]]));
		assert_ok!(report(1, &[&target, &others[0], &others[1]]));
		MaxReportsPerRoundParam::set(2);
		// Read as "no ballot", the owner could vote again for the same nodes.
		assert!(TemporaryDeregistrationReports::<Test>::get(account(1)).is_none());
		assert_noop!(report(1, &[&target]), Error::<Test>::StoredListOverBound);
		assert!(Registration::do_try_state().is_err());
		// The tally cannot read the ballot: its votes count for nothing (the node stays), and
		// the ballot is removed once its round is over.
		assert_ok!(report(3, &[&target]));
		run_to_block(CONSENSUS_PERIOD + 1);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		assert!(!TemporaryDeregistrationReports::<Test>::contains_key(account(1)));
		MaxReportsPerRoundParam::set(MAX_REPORTS_PER_ROUND);
	});
}

#[test]
fn a_round_list_longer_than_a_lowered_bound_fails_closed() {
	new_test_ext(|| {
		let target = validators_and_target(3);
		let others = gpu_miners(21..=22);
		assert_ok!(report(1, &[&target, &others[0]]));
		assert_ok!(report(2, &[&target, &others[1]]));
		MaxReportedNodesParam::set(2);
		assert!(ReportedNodes::<Test>::get().is_none(), "FRAME reads it as no votes");
		assert_noop!(report(3, &[&target]), Error::<Test>::StoredListOverBound);
		// Nothing changes hands while the list cannot be read.
		assert_noop!(
			Registration::swap_node_owner(
				RuntimeOrigin::signed(account(21)),
				node_param(others[0].raw()),
				account(30)
			),
			Error::<Test>::NodeUnderReport
		);
		assert!(Registration::do_try_state().is_err());
		// The tally drops the unreadable votes; nobody is removed.
		run_to_block(CONSENSUS_PERIOD);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&target)));
		MaxReportedNodesParam::set(MAX_REPORTED_NODES);
	});
}

#[test]
#[should_panic(expected = "MinNodeTypeFee must be at least the currency's existential deposit")]
fn integrity_test_refuses_a_fee_floor_below_the_existential_deposit() {
	new_test_ext(|| {
		// A first fee below the deposit cannot create the pallet account: every paid
		// registration would fail with InsufficientBalanceForFee.
		ExistentialDeposit::set(MIN_FEE + 1);
		Registration::integrity_test();
	});
}
