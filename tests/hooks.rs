//! `on_initialize` (bounded, metered, resuming), `integrity_test` and `try_state`.

use crate::common::mock::*;
use frame_support::{assert_ok, traits::Hooks, weights::Weight};
use pallet_registration::{
	ExpiryQueue, NextExpiryToPrune, NodeId, NodeType, UsedChallenges, WeightInfo,
};

/// The weight of one pruned entry: the slope of `prune_expired_items`.
fn item() -> Weight {
	<() as WeightInfo>::prune_expired_items(1) - <() as WeightInfo>::prune_expired_items(0)
}

/// The weight of the costliest queue entry: a node the liveness sweep finds silent (with the
/// mock's `OnNodeOffline` weight).
fn worst_item() -> Weight {
	let sweep = <() as WeightInfo>::sweep_offline_items(1)
		- <() as WeightInfo>::sweep_offline_items(0)
		+ <RecordOffline as pallet_registration::OnNodeOffline<AccountId>>::weight();
	item().max(sweep)
}

/// The weight of opening one block of the queue.
fn block() -> Weight {
	<() as WeightInfo>::prune_expired_block()
}

#[test]
fn on_initialize_removes_used_challenges_only_after_expiry() {
	new_test_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		let registering = Registering::new(&owner, &key, NodeType::ComputeMiner); // expires at 11
		assert_ok!(registering.submit());
		let hash = sp_core::H256(sp_io::hashing::blake2_256(&registering.challenge));
		run_to_block(11);
		assert_eq!(
			UsedChallenges::<Test>::get(hash),
			Some(11),
			"kept through its last valid block"
		);
		run_to_block(12);
		assert_eq!(UsedChallenges::<Test>::get(hash), None);
		assert!(ExpiryQueue::<Test>::iter_prefix(11).next().is_none());
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(12));
	});
}

/// Found by the `state_machine` fuzz target (`fuzz/regressions/state_machine/`): a challenge
/// used in block 1 and expiring there was queued before the first `on_initialize`, which started
/// its cursor at block 2 and never pruned it; `try_state` caught the queue entry behind the
/// cursor. The cursor now starts at the genesis block.
#[test]
fn state_queued_before_the_first_hook_is_pruned() {
	new_test_ext(|| {
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(0), "genesis sets the cursor");
		let (owner, key) = (account(1), NodeKey::new(1));
		let registering = Registering::with_challenge(
			&owner,
			&key,
			NodeType::StorageMiner,
			challenge(&owner, &key, 1, 1, 1),
		);
		assert_ok!(registering.submit());
		let hash = sp_core::H256(sp_io::hashing::blake2_256(&registering.challenge));
		assert_eq!(UsedChallenges::<Test>::get(hash), Some(1));
		run_to_block(2);
		assert_eq!(UsedChallenges::<Test>::get(hash), None);
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(2));
	});
}

#[test]
fn on_initialize_prunes_within_the_budget_and_resumes_next_block() {
	new_test_ext(|| {
		// 30 registrations whose challenges all expire at block 11.
		for i in 1..=30u8 {
			register(&account(i), &NodeKey::new(i), NodeType::GpuMiner);
		}
		assert_eq!(UsedChallenges::<Test>::iter().count(), 30);
		run_to_block(11);
		// Room for the base, opening the block and ten items: the hook takes an entry only with
		// room left for the costliest kind (a node found silent), so the tenth needs that much.
		let base = <() as WeightInfo>::on_initialize_base();
		HookBudget::set(base + block() + item() * 9 + worst_item());
		System::set_block_number(12);
		let used = Registration::on_initialize(12);
		assert!(used.all_lte(HookBudget::get()), "stays within its budget");
		assert_eq!(used, base + block() + item() * 10);
		assert_eq!(UsedChallenges::<Test>::iter().count(), 20);
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(11), "resumes where it stopped");
		run_to_block(14);
		assert_eq!(UsedChallenges::<Test>::iter().count(), 0);
		// The last item used the budget up; the drained block is passed next block.
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(11));
		run_to_block(15);
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(15));
	});
}

#[test]
fn on_initialize_costs_the_same_whatever_the_registry_size() {
	let weight_with = |nodes: u8| {
		let mut weight = Weight::zero();
		ExtBuilder::default().build_and_execute(|| {
			for i in 1..=nodes {
				assert_ok!(force_register(&account(i), NodeType::GpuMiner, NodeKey::new(i).raw()));
			}
			run_to_block(5);
			System::set_block_number(6);
			weight = Registration::on_initialize(6);
		});
		weight
	};
	assert_eq!(weight_with(1), weight_with(40));
	// The base plus the cursor passing one block with nothing queued.
	assert_eq!(
		weight_with(1),
		<() as WeightInfo>::on_initialize_base() + <() as WeightInfo>::prune_expired_block()
	);
}

#[test]
fn on_initialize_weighs_the_tally_at_a_round_boundary() {
	new_test_ext(|| {
		for v in 1..=2u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		let target = NodeKey::new(20);
		register(&account(20), &target, NodeType::GpuMiner);
		assert_ok!(Registration::submit_deregistration_report(
			RuntimeOrigin::signed(account(1)),
			vec![target.raw().try_into().unwrap()].try_into().unwrap()
		));
		run_to_block(CONSENSUS_PERIOD - 1);
		// A budget of the base and the tally only: nothing is left for pruning.
		let tally = <() as WeightInfo>::tally_reports(2, 1);
		HookBudget::set(<() as WeightInfo>::on_initialize_base() + tally);
		System::set_block_number(CONSENSUS_PERIOD);
		let used = Registration::on_initialize(CONSENSUS_PERIOD);
		// Two validators walked, one reported node tallied.
		assert_eq!(
			used,
			<() as WeightInfo>::on_initialize_base() + <() as WeightInfo>::tally_reports(2, 1)
		);
	});
}

#[test]
fn on_initialize_starts_its_cursor_at_the_current_block() {
	new_test_ext(|| {
		NextExpiryToPrune::<Test>::kill();
		// Inside an open round, so the hook has no round to tally.
		pallet_registration::DeregistrationRound::<Test>::mutate(|r| r.ends_at = 1_000_001);
		System::set_block_number(1_000_001);
		let used = Registration::on_initialize(1_000_001);
		assert_eq!(used, <() as WeightInfo>::on_initialize_base());
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(1_000_001));
	});
}

#[test]
fn integrity_test_accepts_the_mock() {
	new_test_ext(Registration::integrity_test);
}

#[test]
#[should_panic(expected = "HookWeightBudget must cover")]
fn integrity_test_rejects_a_budget_below_a_full_tally() {
	new_test_ext(|| {
		HookBudget::set(<() as WeightInfo>::on_initialize_base());
		Registration::integrity_test();
	});
}

#[test]
#[should_panic(expected = "MaxConsentLifetime must not be zero")]
fn integrity_test_rejects_a_zero_consent_lifetime() {
	new_test_ext(|| {
		MaxConsentLifetimeParam::set(0);
		Registration::integrity_test();
	});
}

#[test]
#[should_panic(expected = "MaxRevokedConsents must be > 0")]
fn integrity_test_rejects_no_room_for_revocations() {
	new_test_ext(|| {
		MaxRevokedConsentsParam::set(0);
		Registration::integrity_test();
	});
}

#[test]
fn try_state_detects_drift_between_registry_and_indexes() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		assert_ok!(Registration::do_try_state());
		pallet_registration::Libp2pMainIdentity::<Test>::remove(NodeId::truncate_from(
			key.base58(),
		));
		assert!(Registration::do_try_state().is_err());
		// Put it back so the check after the test passes.
		pallet_registration::Libp2pMainIdentity::<Test>::insert(
			NodeId::truncate_from(key.base58()),
			(
				pallet_registration::Libp2pKeyType::Ed25519,
				pallet_registration::PublicKeyParam::truncate_from(key.public().to_vec()),
			),
		);
		pallet_registration::OwnerToNode::<Test>::remove(account(1));
		assert!(Registration::do_try_state().is_err());
		pallet_registration::OwnerToNode::<Test>::insert(
			account(1),
			pallet_registration::OwnerNodes::truncate_from(vec![NodeId::truncate_from(
				key.base58(),
			)]),
		);
		pallet_registration::NodeCountByType::<Test>::insert(NodeType::GpuMiner, 2);
		assert!(Registration::do_try_state().is_err());
		pallet_registration::NodeCountByType::<Test>::insert(NodeType::GpuMiner, 1);
		UsedChallenges::<Test>::insert(sp_core::H256::repeat_byte(1), 5);
		assert!(Registration::do_try_state().is_err(), "a used hash nobody will prune");
		UsedChallenges::<Test>::remove(sp_core::H256::repeat_byte(1));
	});
}

/// Pruning k entries of one block opens one iterator for the block: it is charged as one block
/// and k times the measured slope, and the harness (`benchmarks/`) shows time ÷ weight stays
/// flat from k = 1 to 1,000. It used to open a prefix iterator per entry, each stepping over the
/// keys already removed in the block: about k²/2 trie seeks, charged as k one-entry lookups.
#[test]
fn pruning_one_crowded_block_is_one_iterator_charged_linearly() {
	new_test_ext(|| {
		// 40 registrations whose challenges all expire at block 11 (every registration may
		// choose the same expiry: one block can be crowded at will).
		for i in 1..=40u8 {
			let (owner, key) = (account(i), NodeKey::new(i));
			assert_ok!(Registering::with_challenge(
				&owner,
				&key,
				NodeType::GpuMiner,
				challenge(&owner, &key, 1, 11, i)
			)
			.submit());
		}
		run_to_block(11);
		NextExpiryToPrune::<Test>::put(11);
		System::set_block_number(12);
		let used = Registration::on_initialize(12);
		assert_eq!(UsedChallenges::<Test>::iter().count(), 0);
		// One block opened for the 40 entries, then the drained block 11 passed... and the
		// cursor stops at the current block.
		assert_eq!(used, <() as WeightInfo>::on_initialize_base() + block() + item() * 40);
		assert_eq!(NextExpiryToPrune::<Test>::get(), Some(12));
	});
}

/// `try_state` checks the prune cursor is not in the future, a round's list names each node
/// once, and no report state belongs to a future round or window.
#[test]
fn try_state_detects_future_state_and_duplicate_votes() {
	use pallet_registration::{
		NodeVotes, ReportSubmissionCount, ReportedNodes, RoundReports, SubmissionWindow,
		TemporaryDeregistrationReports,
	};
	new_test_ext(|| {
		let target = validators_and_target(2);
		assert_ok!(report(1, &[&target]));
		assert_ok!(Registration::do_try_state());

		NextExpiryToPrune::<Test>::put(5);
		assert!(Registration::do_try_state().is_err(), "cursor in the future");
		NextExpiryToPrune::<Test>::put(1);

		let listed = ReportedNodes::<Test>::get().unwrap();
		let mut doubled = listed.clone();
		doubled.nodes.try_push(NodeVotes { node_id: node_id(&target), votes: 1 }).unwrap();
		ReportedNodes::<Test>::put(doubled);
		assert!(Registration::do_try_state().is_err(), "a node listed twice");
		ReportedNodes::<Test>::put(RoundReports { round: 7, ..listed.clone() });
		assert!(Registration::do_try_state().is_err(), "votes of a future round");
		ReportedNodes::<Test>::put(listed);

		let ballot = TemporaryDeregistrationReports::<Test>::get(account(1)).unwrap();
		TemporaryDeregistrationReports::<Test>::insert(
			account(1),
			pallet_registration::ReporterRound { round: 3, ..ballot.clone() },
		);
		assert!(Registration::do_try_state().is_err(), "a ballot of a future round");
		TemporaryDeregistrationReports::<Test>::insert(account(1), ballot);

		let window = ReportSubmissionCount::<Test>::get(account(1)).unwrap();
		ReportSubmissionCount::<Test>::insert(
			account(1),
			SubmissionWindow { started_at: 9, ..window },
		);
		assert!(Registration::do_try_state().is_err(), "a window starting in the future");
		ReportSubmissionCount::<Test>::insert(account(1), window);
		assert_ok!(Registration::do_try_state());
	});
}
