//! The third review's findings (issue 24), one regression test or more per item, each named
//! after its item and, where a client sees the change, its departure (D21 onwards). Each was
//! checked to fail with its fix reverted.

use crate::common::mock::*;
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{Hooks, StorageVersion, UnfilteredDispatchable},
};
use pallet_registration::{
	Call, ColdkeyNodeRegistrationV2, ConsentNonceFloor, ConsentStatus, Error, Event, NodeKeyEpoch,
	NodeLiveness, NodeRecords, NodeRegistry, NodeType, NodesByCapability, PageError, Status,
	UnregisterReason, WeightInfo,
};
use sp_runtime::{
	traits::Verify,
	transaction_validity::{TransactionValidityError, UnknownTransaction},
	AccountId32, DispatchError, MultiSignature,
};

fn period() -> u32 {
	(System::block_number() / HeartbeatPeriodParam::get()) as u32
}

/// `key`'s record `record` as a call, signed for its node registered at block 1.
fn record_call(key: &NodeKey, record: pallet_registration::NodeRecord<Test>) -> Call<Test> {
	let signature = record_signature(key, 1, &record);
	Call::publish_node_record {
		node_id: node_param(key.raw()),
		record: Box::new(record),
		signature: signature.try_into().expect("64 bytes"),
	}
}

/// `key`'s heartbeat for the current period as a call.
fn beat_now(key: &NodeKey) -> Call<Test> {
	crate::common::mock::heartbeat_of(key, period(), b"v")
}

// Item 2: a bare fee-less call runs its check twice (pool and `pre_dispatch`), and pays for it.
#[cfg(feature = "bare-fee-less")]
#[test]
fn item02_a_bare_heartbeat_or_record_is_charged_its_check_in_the_block() {
	use frame_support::dispatch::GetDispatchInfo;
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		let heartbeat = beat_now(&key);
		let declared = heartbeat.get_dispatch_info().call_weight;
		let check = <() as WeightInfo>::authorize_heartbeat();
		assert_eq!(declared, <() as WeightInfo>::heartbeat_back_online() + check);
		// Bare: the call's work and the check `pre_dispatch` ran.
		let bare = heartbeat.clone().dispatch_bypass_filter(fee_less_origin()).unwrap();
		assert_eq!(bare.actual_weight, Some(<() as WeightInfo>::heartbeat() + check));

		let record = node_record(1, &key, &["/a"]);
		let call = record_call(&key, record.clone());
		let check = <() as WeightInfo>::authorize_publish_node_record();
		let work = <() as WeightInfo>::publish_node_record(1, 1);
		assert_eq!(call.get_dispatch_info().call_weight, work + check);
		let bare = call.dispatch_bypass_filter(RuntimeOrigin::none()).unwrap();
		assert_eq!(bare.actual_weight, Some(work + check));

		// Signed (and authorized, which pays the check as its authorization): the work only.
		run_to_block(System::block_number() + HEARTBEAT_PERIOD);
		let signed =
			beat_now(&key).dispatch_bypass_filter(RuntimeOrigin::signed(account(9))).unwrap();
		assert_eq!(signed.actual_weight, Some(<() as WeightInfo>::heartbeat()));
		let authorized = record_call(&key, node_record(2, &key, &["/a"]))
			.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
			.unwrap();
		assert_eq!(authorized.actual_weight, Some(work));
	});
}

// Item 4 (D21): records rank below paid transactions, heartbeats may rank high.
#[test]
fn d21_records_and_heartbeats_take_their_own_priorities() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		let record = validate_fee_less(&record_call(&key, node_record(1, &key, &[]))).unwrap();
		let heartbeat = validate_fee_less(&beat_now(&key)).unwrap();
		assert_eq!(record.priority, 0);
		assert_eq!(heartbeat.priority, 1_000);
	});
}

// Item 5: lowering a discovery bound in an upgrade fails closed.
#[test]
fn item05_a_liveness_over_a_lowered_version_bound_is_rebounded_not_dropped() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		assert_ok!(heartbeat_call(&key, period(), b"node/1.0.0-long-version"));
		MaxVersionLenParam::set(4);
		// Undecodable now: it is read re-bounded (version cleared), not as absent.
		assert!(NodeLiveness::<Test>::get(node_id(&key)).is_none());
		let view = Registration::node_view(key.base58()).expect("registered");
		assert_eq!(view.liveness.expect("kept").version.len(), 0);
		// Heartbeats go on...
		run_to_block(System::block_number() + HEARTBEAT_PERIOD);
		assert_ok!(heartbeat_call(&key, period(), b"v2"));
		assert_eq!(
			NodeLiveness::<Test>::get(node_id(&key)).expect("decodes again").version.to_vec(),
			b"v2"
		);
		// ...and the sweep still finds the node silent when it stops.
		assert_ok!(heartbeat_call_at_next_period_with_long_version(&key));
		run_to_block(System::block_number() + HEARTBEAT_PERIOD * (u64::from(OFFLINE_AFTER) + 2));
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|info| info.status),
			Some(Status::Offline)
		);
		assert_ok!(Registration::do_try_state());
	});
}

/// Sends a heartbeat with a version longer than a later lowered bound (raised for the call).
fn heartbeat_call_at_next_period_with_long_version(key: &NodeKey) -> sp_runtime::DispatchResult {
	let bound = MaxVersionLenParam::get();
	MaxVersionLenParam::set(32);
	run_to_block(System::block_number() + HEARTBEAT_PERIOD);
	let result = heartbeat_call(key, period(), b"a-long-version-string");
	MaxVersionLenParam::set(bound);
	result
}

#[test]
fn item05_a_record_over_lowered_bounds_keeps_its_floor_and_leaves_nothing_behind() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		let record = node_record(5, &key, &["/storage/v1", "/compute/v1", "/gpu/v1"]);
		assert_ok!(publish_record(&key, record));
		// An upgrade lowers the capability bounds below the stored record's.
		MaxCapabilitiesParam::set(2);
		MaxCapabilityLenParam::set(4);
		assert!(NodeRecords::<Test>::get(node_id(&key)).is_none(), "no longer decodes");
		assert!(Registration::node_view(key.base58()).unwrap().record.is_none());
		assert_ok!(Registration::do_try_state());
		// Its sequence number still sets the floor: an older record is stale.
		run_to_block(System::block_number() + HEARTBEAT_PERIOD);
		let stale = node_record(4, &key, &["/a"]);
		assert_noop!(publish_record(&key, stale), Error::<Test>::StaleRecord);
		// Removing the node removes the record and every index entry, however long.
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(key.raw())
		));
		MaxCapabilitiesParam::set(MAX_CAPABILITIES);
		MaxCapabilityLenParam::set(48);
		assert!(NodeRecords::<Test>::iter_keys().next().is_none());
		assert_eq!(NodesByCapability::<Test>::iter_keys().count(), 0);
		assert_ok!(Registration::do_try_state());
	});
}

#[test]
fn item05_a_new_record_replaces_an_undecodable_one_and_its_index_entries() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		let record = node_record(1, &key, &["/storage/v1", "/compute/v1"]);
		assert_ok!(publish_record(&key, record));
		MaxCapabilityLenParam::set(4);
		run_to_block(System::block_number() + HEARTBEAT_PERIOD);
		let record = node_record(2, &key, &["/a"]);
		assert_ok!(publish_record(&key, record));
		MaxCapabilityLenParam::set(48);
		let left: Vec<_> = NodesByCapability::<Test>::iter_keys().collect();
		assert_eq!(left, vec![(b"/a".to_vec().try_into().unwrap(), node_id(&key))]);
		assert_ok!(Registration::do_try_state());
	});
}

// Item 6 (D22): nothing runs on storage behind its version.
#[test]
fn d22_calls_and_fee_less_transactions_wait_while_storage_is_behind() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		StorageVersion::new(1).put::<Registration>();
		assert_noop!(
			Registering::new(&account(2), &NodeKey::new(2), NodeType::GpuMiner).submit(),
			Error::<Test>::StorageMigrationPending
		);
		assert_noop!(
			Registration::set_fee_charging(RuntimeOrigin::root(), true),
			Error::<Test>::StorageMigrationPending
		);
		assert_noop!(
			Registration::unregister_main_node(
				RuntimeOrigin::signed(account(1)),
				node_param(key.raw())
			),
			Error::<Test>::StorageMigrationPending
		);
		assert_noop!(
			Registration::revoke_consents_below(RuntimeOrigin::signed(account(1)), 5),
			Error::<Test>::StorageMigrationPending
		);
		assert_noop!(heartbeat_call(&key, period(), b"v"), Error::<Test>::StorageMigrationPending);
		let pending = TransactionValidityError::Unknown(UnknownTransaction::Custom(
			pallet_registration::STORAGE_MIGRATION_PENDING,
		));
		assert_eq!(validate_fee_less(&beat_now(&key)), Err(pending));
		assert_eq!(validate_fee_less(&record_call(&key, node_record(1, &key, &[]))), Err(pending));
		pallet_registration::STORAGE_VERSION.put::<Registration>();
	});
}

#[test]
fn d22_try_state_fails_on_storage_behind_with_no_migration_running() {
	new_test_ext(|| {
		assert_ok!(Registration::try_state_of_version());
		StorageVersion::new(1).put::<Registration>();
		assert!(Registration::try_state_of_version().is_err());
		MigrationOngoing::set(true);
		assert_ok!(Registration::try_state_of_version());
		MigrationOngoing::set(false);
		pallet_registration::STORAGE_VERSION.put::<Registration>();
	});
}

// Item 7 (D23): a small-order owner's "signature" proves nothing.
#[test]
fn d23_a_small_order_owner_cannot_consent() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		// R = identity (y = 1), S = 0: verifies for a key of small order over any message.
		let mut forged = [0u8; 64];
		forged[0] = 1;
		let forged = MultiSignature::Ed25519(sp_core::ed25519::Signature::from_raw(forged));
		for y in pallet_registration::peer_id::SMALL_ORDER_Y {
			for sign in [0u8, 0x80] {
				let mut bytes = y;
				bytes[31] |= sign;
				let owner = AccountId32::new(bytes);
				let consent = consent(&owner, &key, NodeType::GpuMiner, 100);
				if forged.verify(&consent.encode()[..], &owner) {
					// The forgery verifies: without D23 it would register the node.
					let consenting = Consenting::with_consent(
						consent.clone(),
						forged.clone(),
						&key,
						NodeType::GpuMiner,
					);
					assert_noop!(consenting.submit(), Error::<Test>::SmallOrderOwner);
				}
				assert_eq!(
					Registration::consent_status(consent, forged.clone()),
					ConsentStatus::SmallOrderOwner
				);
			}
		}
		// The all-zero account is among them, and its forgery verifies.
		let zero = AccountId32::new([0; 32]);
		assert!(forged.verify(&b"anything"[..], &zero));
	});
}

// Item 8 (D24): a record signed before a rotation never verifies after it.
#[test]
fn d24_a_record_signed_before_a_rotation_does_not_replay_after_rotating_back() {
	new_test_ext(|| {
		let owner = account(1);
		let (a, b) = (NodeKey::new(1), NodeKey::new(2));
		register(&owner, &a, NodeType::GpuMiner);
		let old = node_record(7, &a, &["/old"]);
		let old_signature = record_signature_at(&a, 1, 0, &old);
		let publish =
			|key: &NodeKey, record: &pallet_registration::NodeRecord<Test>, signature: Vec<u8>| {
				Registration::publish_node_record(
					fee_less_origin(),
					node_param(key.raw()),
					Box::new(record.clone()),
					signature.try_into().unwrap(),
				)
			};
		assert_ok!(publish(&a, &old, old_signature.clone()));
		// A -> B -> A, each after the rotation cooldown.
		assert_ok!(Rotating::new(&owner, &a, &b).submit());
		assert_eq!(NodeKeyEpoch::<Test>::get(node_id(&b)), 1);
		run_to_block(System::block_number() + COOLDOWN);
		assert_ok!(Rotating::new(&owner, &b, &a).submit());
		assert_eq!(NodeKeyEpoch::<Test>::get(node_id(&a)), 2);
		// Same PeerId, same registered_at, no stored record: only the epoch tells them apart.
		assert!(NodeRecords::<Test>::get(node_id(&a)).is_none());
		assert_noop!(publish(&a, &old, old_signature), Error::<Test>::InvalidRecordSignature);
		let fresh = node_record(8, &a, &["/new"]);
		assert_ok!(publish(&a, &fresh, record_signature_at(&a, 1, 2, &fresh)));
		assert_eq!(Registration::node_view(a.base58()).unwrap().key_epoch, 2);
		// Removal forgets the epoch with the node.
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(a.raw())
		));
		assert_eq!(NodeKeyEpoch::<Test>::iter_keys().count(), 0);
	});
}

#[test]
fn d24_a_heartbeat_replayed_in_its_period_after_rotating_back_is_refused() {
	new_test_ext(|| {
		HeartbeatPeriodParam::set(1_000);
		let owner = account(1);
		let (a, b) = (NodeKey::new(1), NodeKey::new(2));
		register(&owner, &a, NodeType::StorageMiner);
		let beat = beat_now(&a);
		assert_ok!(beat.clone().dispatch_bypass_filter(fee_less_origin()));
		assert_ok!(Rotating::new(&owner, &a, &b).submit());
		run_to_block(System::block_number() + COOLDOWN);
		assert_ok!(Rotating::new(&owner, &b, &a).submit());
		// The liveness moved with both rotations: the period's heartbeat was sent.
		assert_noop!(
			beat.dispatch_bypass_filter(fee_less_origin()).map_err(|e| e.error),
			Error::<Test>::HeartbeatAlreadySent
		);
	});
}

// Item 9 (D25): a node that left or rotated does not void the rest of a report.
#[test]
fn d25_a_report_skips_nodes_no_longer_registered() {
	new_test_ext(|| {
		let target = validators_and_target(2);
		let rotating = NodeKey::new(21);
		register(&account(21), &rotating, NodeType::GpuMiner);
		assert_ok!(Rotating::new(&account(21), &rotating, &NodeKey::new(22)).submit());
		registration_events();
		assert_ok!(report(1, &[&rotating, &target]));
		assert_eq!(
			registration_events(),
			vec![
				Event::DeregistrationReported {
					reporter: account(1),
					node_id: node_id(&target),
					votes: 1
				},
				Event::DeregistrationReportSkipped {
					reporter: account(1),
					node_id: node_id(&rotating)
				},
			]
		);
		// A report of nothing registered changes nothing.
		assert_noop!(report(2, &[&rotating]), Error::<Test>::NodeNotRegistered);
	});
}

// Item 10 (D26): a validator that lost its stake gives its place back.
#[test]
fn d26_a_validator_without_stake_is_removed_at_the_tally() {
	new_test_ext(|| {
		for v in 1..=MAX_VALIDATORS as u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		// At the bound: no place left.
		bond(&account(30), STAKE_THRESHOLD);
		assert_noop!(
			Registering::new(&account(30), &NodeKey::new(30), NodeType::Validator).submit(),
			Error::<Test>::TooManyValidators
		);
		// Validator 1 unbonds everything.
		assert_ok!(Staking::unbond(RuntimeOrigin::signed(account(1)), STAKE_THRESHOLD));
		registration_events();
		run_to_block(CONSENSUS_PERIOD);
		assert!(registration_events().contains(&Event::NodeUnregistered {
			node_id: node_id(&NodeKey::new(1)),
			owner: account(1),
			reason: UnregisterReason::InsufficientStake,
		}));
		assert!(ColdkeyNodeRegistrationV2::<Test>::get(node_id(&NodeKey::new(1))).is_none());
		// Its place is free; staked validators stay.
		assert_ok!(Registering::new(&account(30), &NodeKey::new(30), NodeType::Validator).submit());
		assert!(ColdkeyNodeRegistrationV2::<Test>::get(node_id(&NodeKey::new(2))).is_some());
	});
}

// Item 11 (D27): the registry's size is bounded by what the sweep can check in time.
#[test]
fn d27_registration_is_refused_at_max_nodes() {
	new_test_ext(|| {
		MaxNodesParam::set(2);
		register(&account(1), &NodeKey::new(1), NodeType::GpuMiner);
		assert_ok!(force_register(&account(2), NodeType::StorageS3, NodeKey::new(2).raw()));
		assert_noop!(
			Registering::new(&account(3), &NodeKey::new(3), NodeType::GpuMiner).submit(),
			Error::<Test>::RegistryFull
		);
		assert_noop!(
			force_register(&account(3), NodeType::GpuMiner, NodeKey::new(3).raw()),
			Error::<Test>::RegistryFull
		);
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(NodeKey::new(2).raw())
		));
		register(&account(3), &NodeKey::new(3), NodeType::GpuMiner);
	});
}

#[test]
#[should_panic(expected = "MaxNodes")]
fn d27_integrity_test_refuses_more_nodes_than_the_sweep_checks_in_time() {
	new_test_ext(|| {
		let capacity = Registration::sweep_capacity();
		assert!(u64::from(MAX_NODES) <= capacity);
		MaxNodesParam::set(u32::try_from(capacity + 1).unwrap_or(u32::MAX));
		<Registration as Hooks<u64>>::integrity_test();
	});
}

// Item 12 (D28): an owner revokes every consent below a nonce at once.
#[test]
fn d28_revoke_consents_below_works() {
	new_test_ext(|| {
		let owner = OwnerKey::new(7);
		let key = NodeKey::new(1);
		let signed = |nonce: u64| {
			let mut consent = consent(&owner.account(), &key, NodeType::GpuMiner, 100);
			consent.nonce = nonce;
			let signature = owner.sign(&consent.encode());
			(consent, signature)
		};
		assert_ok!(Registration::revoke_consents_below(RuntimeOrigin::signed(owner.account()), 10));
		assert_eq!(ConsentNonceFloor::<Test>::get(owner.account()), 10);
		assert_eq!(
			registration_events(),
			vec![Event::ConsentsRevokedBelow { owner: owner.account(), nonce: 10 }]
		);
		for nonce in [0, 1, 9] {
			let (consent, signature) = signed(nonce);
			assert_eq!(
				Registration::consent_status(consent.clone(), signature.clone()),
				ConsentStatus::Revoked
			);
			assert_noop!(
				Consenting::with_consent(consent, signature, &key, NodeType::GpuMiner).submit(),
				Error::<Test>::ConsentRevoked
			);
		}
		let (consent, signature) = signed(10);
		assert_eq!(
			Registration::consent_status(consent.clone(), signature.clone()),
			ConsentStatus::Valid
		);
		assert_ok!(Consenting::with_consent(consent, signature, &key, NodeType::GpuMiner).submit());
		// The floor only rises.
		for nonce in [0, 10] {
			assert_noop!(
				Registration::revoke_consents_below(RuntimeOrigin::signed(owner.account()), nonce),
				Error::<Test>::NonceFloorNotRaised
			);
		}
		assert_noop!(
			Registration::revoke_consents_below(RuntimeOrigin::none(), 11),
			DispatchError::BadOrigin
		);
	});
}

// Item 13 (D29): a refused page is an error, never a silent end.
#[test]
fn d29_paging_refuses_a_zero_limit_and_a_bad_cursor() {
	new_test_ext(|| {
		gpu_miners(1..=3);
		assert_eq!(
			Registration::nodes_by_type(NodeType::GpuMiner, None, 0),
			Err(PageError::ZeroLimit)
		);
		assert_eq!(
			Registration::nodes_by_type(NodeType::GpuMiner, Some(b"x".to_vec()), 5),
			Err(PageError::InvalidCursor)
		);
		assert_eq!(
			Registration::nodes_by_status(Status::Online, Some(b"x".to_vec()), 5),
			Err(PageError::InvalidCursor)
		);
		assert_eq!(
			Registration::nodes_by_capability(vec![b'x'; 100], None, 5),
			Err(PageError::InvalidCapability)
		);
		use pallet_registration::NodeRegistry;
		assert_eq!(
			Registration::nodes_of_type(NodeType::GpuMiner, Some(b"bad"), 3),
			Err(PageError::InvalidCursor)
		);
		assert_eq!(
			Registration::nodes_of_type(NodeType::GpuMiner, None, 0),
			Err(PageError::ZeroLimit)
		);
		// A cursor that names no registered node still pages (by its position).
		let gone = NodeKey::new(99).base58();
		assert!(Registration::nodes_by_type(NodeType::GpuMiner, Some(gone), 5).is_ok());
	});
}

// Item 14 (D30): the migration refuses a version-1 layout it cannot read, losing nothing.
#[test]
fn d30_an_earlier_version_1_layout_is_refused_and_left_as_it_is() {
	use frame_support::{
		migrations::{SteppedMigration, SteppedMigrationError},
		weights::WeightMeter,
	};
	type Migration = pallet_registration::migrations::LazyMigrationToV3<Test, ()>;
	let pallet_storage = || {
		let prefix = sp_io::hashing::twox_128(b"Registration").to_vec();
		let mut entries = Vec::new();
		let mut from = prefix.clone();
		while let Some(key) = sp_io::storage::next_key(&from).filter(|key| key.starts_with(&prefix))
		{
			entries.push((key.clone(), frame_support::storage::unhashed::get_raw(&key)));
			from = key;
		}
		entries
	};
	// A counted expiry queue (`ExpiryQueueLen`), and then no deregistration round: both are
	// layouts of version 1 before the one the migration reads.
	for earlier in [true, false] {
		new_test_ext(|| {
			register(&account(1), &NodeKey::new(1), NodeType::GpuMiner);
			if earlier {
				let key = [
					frame_support::storage::storage_prefix(b"Registration", b"ExpiryQueueLen")
						.to_vec(),
					sp_io::hashing::twox_64(&7u64.encode()).to_vec(),
					7u64.encode(),
				]
				.concat();
				frame_support::storage::unhashed::put_raw(&key, &3u32.encode());
			} else {
				pallet_registration::DeregistrationRound::<Test>::kill();
			}
			StorageVersion::new(1).put::<Registration>();
			registration_events();
			let before = pallet_storage();

			let cursor = Migration::step(None, &mut WeightMeter::new()).expect("announced");
			assert!(cursor.is_some(), "the refusal is announced in a step of its own");
			assert_eq!(
				registration_events(),
				vec![Event::MigrationRefused {
					from_version: 1,
					reason: pallet_registration::MigrationRefusal::EarlierVersion1Layout,
				}]
			);
			assert_eq!(
				Migration::step(cursor, &mut WeightMeter::new()),
				Err(SteppedMigrationError::Failed)
			);
			// Nothing was read into the new layout, nothing dropped.
			assert_eq!(pallet_storage(), before);
			assert_eq!(StorageVersion::get::<Registration>(), StorageVersion::new(1));
			// The test's own invariants check needs storage at the code's version again.
			pallet_registration::DeregistrationRound::<Test>::put(pallet_registration::RoundInfo {
				index: 0,
				ends_at: CONSENSUS_PERIOD - 1,
			});
			let _ = frame_support::storage::unhashed::clear_prefix(
				&frame_support::storage::storage_prefix(b"Registration", b"ExpiryQueueLen"),
				None,
				None,
			);
			pallet_registration::STORAGE_VERSION.put::<Registration>();
		});
	}
}

#[test]
fn d26_removals_for_lost_stake_wait_for_the_next_round_when_the_budget_is_short() {
	new_test_ext(|| {
		for v in 1..=3u8 {
			register_validator(&account(v), &NodeKey::new(v));
		}
		for v in 1..=2u8 {
			assert_ok!(Staking::unbond(RuntimeOrigin::signed(account(v)), STAKE_THRESHOLD));
		}
		// Room for the base, the tally of three validators and one removal.
		HookBudget::set(
			<() as WeightInfo>::on_initialize_base()
				+ <() as WeightInfo>::tally_reports(3, 0)
				+ <() as WeightInfo>::remove_unstaked_validators(1),
		);
		run_to_block(CONSENSUS_PERIOD);
		assert_eq!(Registration::node_count(NodeType::Validator), 2);
		run_to_block(2 * CONSENSUS_PERIOD);
		assert_eq!(Registration::node_count(NodeType::Validator), 1);
		assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(node_id(&NodeKey::new(3))));
		HookBudget::set(frame_support::weights::Weight::from_parts(
			2_000_000_000_000,
			10 * 1024 * 1024,
		));
	});
}

/// Item 15: the whitelist's migration step is charged the proof of the reference's whitelist at
/// its longest (16,384 accounts of 32 bytes), measured, not today's bound's `MaxEncodedLen`.
#[test]
fn item15_the_whitelist_step_is_charged_the_proof_of_the_longest_reference_whitelist() {
	const REFERENCE_MAX_WHITELIST: u32 = 16_384;
	let weight = <() as WeightInfo>::migration_whitelist(REFERENCE_MAX_WHITELIST);
	assert!(
		weight.proof_size() >= u64::from(REFERENCE_MAX_WHITELIST) * 32,
		"proof {} B for {REFERENCE_MAX_WHITELIST} accounts",
		weight.proof_size()
	);
}
