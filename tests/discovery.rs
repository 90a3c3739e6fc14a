//! Discovery: `publish_node_record` (22), `heartbeat` (23), the liveness sweep, the fee-less
//! pool paths (bare and authorized), the paged view functions, and every refusal.

use crate::common::mock::*;
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{
		Authorize, InvalidTransaction, TransactionSource, UnknownTransaction, ValidateUnsigned,
	},
};
use pallet_registration::{
	Call, ColdkeyNodeRegistrationV2, Error, Event, NodeCountByStatus, NodeLiveness, NodeRecords,
	NodeType, NodesByCapability, NodesByStatus, Status,
};
use sp_runtime::{traits::Dispatchable, DispatchError};

/// Publishes `record` for `key` (registered at block 1) with the given origin.
fn publish_as(
	origin: RuntimeOrigin,
	key: &NodeKey,
	record: pallet_registration::NodeRecord<Test>,
) -> sp_runtime::DispatchResult {
	let signature = record_signature(key, 1, &record);
	Registration::publish_node_record(
		origin,
		node_param(key.raw()),
		Box::new(record),
		signature.try_into().expect("64 bytes"),
	)
	.map(|_| ())
	.map_err(|e| e.error)
}

/// The `publish_node_record` call of `record` for `key` (registered at block 1).
fn publish_call_of(key: &NodeKey, record: &pallet_registration::NodeRecord<Test>) -> Call<Test> {
	Call::<Test>::publish_node_record {
		node_id: node_param(key.raw()),
		record: Box::new(record.clone()),
		signature: record_signature(key, 1, record).try_into().expect("64 bytes"),
	}
}

fn publish(
	key: &NodeKey,
	record: pallet_registration::NodeRecord<Test>,
) -> sp_runtime::DispatchResult {
	publish_as(fee_less_origin(), key, record)
}

fn capability(text: &str) -> pallet_registration::CapabilityOf<Test> {
	text.as_bytes().to_vec().try_into().expect("short")
}

fn period() -> u32 {
	(System::block_number() / HeartbeatPeriodParam::get()) as u32
}

#[test]
fn publish_node_record_works_from_any_submitter() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		registration_events();
		// Fee-less (bare, or authorized without the bare path), by the owner, by a stranger,
		// authorized: one per period each.
		let origins = [
			fee_less_origin(),
			RuntimeOrigin::signed(account(1)),
			RuntimeOrigin::signed(account(9)),
			RuntimeOrigin::from(frame_system::RawOrigin::Authorized),
		];
		for (seq, origin) in origins.into_iter().enumerate() {
			assert_ok!(heartbeat_call(&key, period(), b"v"));
			let record = node_record(seq as u64 + 1, &key, &["/storage/v1"]);
			assert_ok!(publish_as(origin, &key, record.clone()));
			let stored = NodeRecords::<Test>::get(node_id(&key)).expect("stored");
			assert_eq!(stored.record, record);
			assert_eq!(stored.signature.to_vec(), record_signature(&key, 1, &record));
			assert_eq!(stored.published_at, System::block_number());
			assert_eq!(
				registration_events(),
				vec![Event::NodeRecordPublished { node_id: node_id(&key), seq: seq as u64 + 1 }]
			);
			run_to_block(System::block_number() + HEARTBEAT_PERIOD);
		}
		assert!(NodesByCapability::<Test>::contains_key(capability("/storage/v1"), node_id(&key)));
		// Root is no submitter.
		assert_noop!(
			publish_as(RuntimeOrigin::root(), &key, node_record(9, &key, &[])),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_new_record_replaces_the_capability_index() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		assert_ok!(publish(&key, node_record(1, &key, &["/a/v1", "/b/v1"])));
		run_to_block(1 + HEARTBEAT_PERIOD);
		assert_ok!(publish(&key, node_record(2, &key, &["/b/v1", "/c/v1"])));
		assert!(!NodesByCapability::<Test>::contains_key(capability("/a/v1"), node_id(&key)));
		assert!(NodesByCapability::<Test>::contains_key(capability("/b/v1"), node_id(&key)));
		assert!(NodesByCapability::<Test>::contains_key(capability("/c/v1"), node_id(&key)));
	});
}

#[test]
fn publish_node_record_fails_for_each_reason() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		let fails = |record: pallet_registration::NodeRecord<Test>, error: Error<Test>| {
			assert_noop!(publish(&key, record), error);
		};
		// A node not in the registry.
		let other = NodeKey::new(2);
		assert_noop!(publish(&other, node_record(1, &other, &[])), Error::<Test>::NodeNotFound);
		// Malformed addresses, and one naming another node.
		let mut bad = node_record(1, &key, &[]);
		bad.addresses[0].truncate(8);
		bad.addresses[0].try_push(0x7f).expect("room");
		fails(bad, Error::InvalidAddress);
		let mut truncated = node_record(1, &key, &[]);
		truncated.addresses[0].pop();
		fails(truncated, Error::InvalidAddress);
		fails(node_record(1, &NodeKey::new(2), &[]), Error::ForeignPeerIdInAddress);
		// Text that is not printable, a capability with a space, an empty version, twice the
		// same capability.
		let mut version = node_record(1, &key, &[]);
		version.version = b"v1\n".to_vec().try_into().expect("short");
		fails(version, Error::InvalidRecordText);
		let mut empty = node_record(1, &key, &[]);
		empty.version = Default::default();
		fails(empty, Error::InvalidRecordText);
		fails(node_record(1, &key, &["/a b"]), Error::InvalidRecordText);
		fails(node_record(1, &key, &["/a/v1", "/a/v1"]), Error::DuplicateCapability);
		// A signature of another record, or by another key.
		let record = node_record(1, &key, &[]);
		let mut forged = record_signature(&key, 1, &record);
		forged[0] ^= 1;
		assert_noop!(
			Registration::publish_node_record(
				fee_less_origin(),
				node_param(key.raw()),
				Box::new(record.clone()),
				forged.try_into().expect("64 bytes"),
			),
			Error::<Test>::InvalidRecordSignature
		);
		assert_noop!(
			Registration::publish_node_record(
				fee_less_origin(),
				node_param(key.raw()),
				Box::new(record.clone()),
				vec![0; 63].try_into().expect("short"),
			),
			Error::<Test>::InvalidSignatureLength
		);
		assert_noop!(
			Registration::publish_node_record(
				fee_less_origin(),
				node_param(b"not a node".to_vec()),
				Box::new(record.clone()),
				record_signature(&key, 1, &record).try_into().expect("64 bytes"),
			),
			Error::<Test>::InvalidNodeId
		);
		// Then one record; a second in the same period, and a stale one in the next.
		assert_ok!(publish(&key, record));
		fails(node_record(2, &key, &[]), Error::RecordRateLimited);
		run_to_block(1 + HEARTBEAT_PERIOD);
		fails(node_record(1, &key, &[]), Error::StaleRecord);
		assert_ok!(publish(&key, node_record(2, &key, &[])));
	});
}

#[test]
fn a_record_of_an_earlier_registration_cannot_be_replayed() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		let record = node_record(5, &key, &["/old/v1"]);
		let signature = record_signature(&key, 1, &record);
		assert_ok!(publish(&key, record.clone()));
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(1)),
			node_param(key.raw())
		));
		assert!(NodeRecords::<Test>::get(node_id(&key)).is_none());
		run_to_block(1 + COOLDOWN);
		register(&account(1), &key, NodeType::GpuMiner);
		// The old statement named registration block 1: it does not verify for the new one.
		assert_noop!(
			Registration::publish_node_record(
				fee_less_origin(),
				node_param(key.raw()),
				Box::new(record),
				signature.try_into().expect("64 bytes"),
			),
			Error::<Test>::InvalidRecordSignature
		);
	});
}

#[test]
fn heartbeat_works_once_per_period() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::ComputeMiner);
		// Registered in this period and no heartbeat yet: one is welcome.
		assert_ok!(heartbeat_call(&key, period(), b"node/1.0"));
		let liveness = NodeLiveness::<Test>::get(node_id(&key)).expect("registered");
		assert!(liveness.heartbeat_sent);
		assert_eq!(liveness.version.to_vec(), b"node/1.0".to_vec());
		assert_noop!(
			heartbeat_call(&key, period(), b"node/1.0"),
			Error::<Test>::HeartbeatAlreadySent
		);
		run_to_block(HEARTBEAT_PERIOD);
		assert_ok!(heartbeat_call(&key, period(), b"node/1.1"));
		assert_eq!(
			NodeLiveness::<Test>::get(node_id(&key)).map(|l| l.last_seen),
			Some(HEARTBEAT_PERIOD)
		);
	});
}

#[test]
fn heartbeat_fails_for_each_reason() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		assert_noop!(heartbeat_call(&key, period(), b"v"), Error::<Test>::NodeNotFound);
		register(&account(1), &key, NodeType::ComputeMiner);
		assert_noop!(
			heartbeat_call(&key, period() + 1, b"v"),
			Error::<Test>::HeartbeatForAnotherPeriod
		);
		assert_noop!(heartbeat_call(&key, period(), b"v\t"), Error::<Test>::InvalidRecordText);
		let version: pallet_registration::VersionOf<Test> = b"v".to_vec().try_into().expect("1");
		let statement = pallet_registration::HeartbeatStatement::<Test> {
			domain: pallet_registration::HEARTBEAT_DOMAIN,
			genesis_hash: Registration::genesis_hash(),
			peer_id: key.peer().to_raw(),
			period: period(),
			version: version.clone(),
		};
		// Signed by another key.
		assert_noop!(
			Registration::heartbeat(
				fee_less_origin(),
				node_param(key.raw()),
				period(),
				version.clone(),
				NodeKey::new(2).sign(&statement.encode()).try_into().expect("64 bytes"),
			),
			Error::<Test>::InvalidHeartbeatSignature
		);
		assert_noop!(
			Registration::heartbeat(
				RuntimeOrigin::root(),
				node_param(key.raw()),
				period(),
				version,
				key.sign(&statement.encode()).try_into().expect("64 bytes"),
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_silent_node_goes_offline_and_comes_back_with_its_next_heartbeat() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::ComputeMiner);
		registration_events();
		// Registered in period 0: silent from the first block of period 0 + OFFLINE_AFTER + 1.
		let silent_from = (u64::from(OFFLINE_AFTER) + 1) * HEARTBEAT_PERIOD;
		run_to_block(silent_from);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Online)
		);
		run_to_block(silent_from + 1);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Offline)
		);
		assert!(NodesByStatus::<Test>::contains_key(Status::Offline, node_id(&key)));
		assert_eq!(NodeCountByStatus::<Test>::get(Status::Online), 0);
		assert_eq!(
			registration_events(),
			vec![Event::NodeWentOffline { node_id: node_id(&key), last_seen: 1 }]
		);
		assert_eq!(
			OFFLINE.with(|o| o.borrow().clone()),
			vec![(key.base58(), account(1), NodeType::ComputeMiner)]
		);
		// Its next heartbeat brings it back, and costs the declared weight.
		let call = heartbeat_dispatch(&key);
		let info = call.dispatch(fee_less_origin()).expect("a valid heartbeat");
		assert_eq!(
			info.actual_weight,
			Some(
				<() as pallet_registration::WeightInfo>::heartbeat_back_online()
					+ in_block_check(<() as pallet_registration::WeightInfo>::authorize_heartbeat())
			)
		);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Online)
		);
		assert_eq!(
			registration_events(),
			vec![Event::NodeBackOnline { node_id: node_id(&key), period: period() }]
		);
		// An ordinary heartbeat in a later period refunds down to its own weight (and, bare,
		// its check in the block).
		run_to_block(System::block_number() + HEARTBEAT_PERIOD);
		let info = heartbeat_dispatch(&key).dispatch(fee_less_origin()).expect("valid");
		assert_eq!(
			info.actual_weight,
			Some(
				<() as pallet_registration::WeightInfo>::heartbeat()
					+ in_block_check(<() as pallet_registration::WeightInfo>::authorize_heartbeat())
			)
		);
	});
}

/// The `heartbeat` call of `key` for the current period.
fn heartbeat_dispatch(key: &NodeKey) -> RuntimeCall {
	RuntimeCall::Registration(heartbeat_of(key, period(), b"v"))
}

#[test]
fn a_node_that_keeps_beating_stays_online_and_costs_the_sweep_one_entry() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::ComputeMiner);
		for _ in 0..10 {
			assert_ok!(heartbeat_call(&key, period(), b"v"));
			run_to_block(System::block_number() + HEARTBEAT_PERIOD);
		}
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Online)
		);
		let entries = pallet_registration::ExpiryQueue::<Test>::iter_keys()
			.filter(|(_, item)| matches!(item, pallet_registration::Expiring::Liveness(_)))
			.count();
		assert_eq!(entries, 1);
	});
}

/// Each queue entry is charged its own kind's step. A liveness check that finds its node alive
/// used to be charged the pruning slope, whose worst case reads a reporter's report list: more
/// than twice the check's proof size, which put 100,000 beating nodes over their share of a
/// block.
#[test]
fn a_liveness_check_is_charged_the_sweeps_step_and_not_the_pruning_slope() {
	use frame_support::traits::Hooks;
	use pallet_registration::WeightInfo;
	new_test_ext(|| {
		let (alive, silent) = (NodeKey::new(1), NodeKey::new(2));
		register(&account(1), &alive, NodeType::ComputeMiner);
		register(&account(2), &silent, NodeType::ComputeMiner);
		// Both were registered in period 0; their checks are queued for the same block.
		let check_at = (u64::from(OFFLINE_AFTER) + 1) * HEARTBEAT_PERIOD;
		run_to_block(check_at - HEARTBEAT_PERIOD);
		assert_ok!(heartbeat_call(&alive, period(), b"v"));
		run_to_block(check_at);
		let weights = <() as WeightInfo>::sweep_offline_items;
		let check = weights(1) - weights(0);
		let marked =
			check + <RecordOffline as pallet_registration::OnNodeOffline<AccountId>>::weight();
		let prune =
			<() as WeightInfo>::prune_expired_items(1) - <() as WeightInfo>::prune_expired_items(0);
		assert!(check.proof_size() < prune.proof_size(), "the case this test is about");
		System::set_block_number(check_at + 1);
		let used = Registration::on_initialize(check_at + 1);
		assert_eq!(
			used,
			<() as WeightInfo>::on_initialize_base()
				+ <() as WeightInfo>::prune_expired_block()
				+ check + marked
		);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&alive)).map(|i| i.status),
			Some(Status::Online)
		);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&silent)).map(|i| i.status),
			Some(Status::Offline)
		);
	});
}

#[test]
fn a_silent_degraded_miner_stays_degraded_and_is_marked() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		assert_ok!(Registration::set_node_status_to_degraded(
			RuntimeOrigin::root(),
			node_param(key.raw())
		));
		run_to_block((u64::from(OFFLINE_AFTER) + 1) * HEARTBEAT_PERIOD + 1);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Degraded)
		);
		assert!(NodeLiveness::<Test>::get(node_id(&key)).is_some_and(|l| l.silent));
		assert_eq!(OFFLINE.with(|o| o.borrow().len()), 1);
		assert_ok!(heartbeat_call(&key, period(), b"v"));
		assert!(NodeLiveness::<Test>::get(node_id(&key)).is_some_and(|l| !l.silent));
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Degraded)
		);
	});
}

#[test]
fn removing_a_node_removes_its_record_and_liveness_and_rotating_moves_the_liveness() {
	new_test_ext(|| {
		let (old, new) = (NodeKey::new(1), NodeKey::new(2));
		register(&account(1), &old, NodeType::GpuMiner);
		assert_ok!(publish(&old, node_record(1, &old, &["/gpu/v1"])));
		assert_ok!(heartbeat_call(&old, period(), b"v"));
		let liveness = NodeLiveness::<Test>::get(node_id(&old)).expect("registered");
		registration_events();
		assert_ok!(Rotating::new(&account(1), &old, &new).submit());
		assert!(NodeRecords::<Test>::get(node_id(&old)).is_none());
		assert!(NodeRecords::<Test>::get(node_id(&new)).is_none());
		assert!(!NodesByCapability::<Test>::contains_key(capability("/gpu/v1"), node_id(&old)));
		assert_eq!(NodeLiveness::<Test>::get(node_id(&new)), Some(liveness));
		assert!(NodeLiveness::<Test>::get(node_id(&old)).is_none());
		assert!(NodesByStatus::<Test>::contains_key(Status::Online, node_id(&new)));
		assert!(registration_events()
			.contains(&Event::NodeRecordRemoved { node_id: node_id(&old), seq: 1 }));
		// The new key publishes and beats; its node leaves with both.
		run_to_block(1 + HEARTBEAT_PERIOD);
		assert_ok!(heartbeat_call(&new, period(), b"v"));
		assert_ok!(Registration::force_unregister_coldkey_node(
			RuntimeOrigin::root(),
			node_param(new.raw())
		));
		assert!(NodeLiveness::<Test>::get(node_id(&new)).is_none());
		assert_eq!(NodeCountByStatus::<Test>::get(Status::Online), 0);
	});
}

#[test]
fn the_pool_checks_fee_less_records_and_heartbeats_completely_and_once_per_period() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		let record = node_record(1, &key, &[]);
		let publish_call = publish_call_of(&key, &record);
		// Valid, tagged per node and sequence and per node and period, until the period ends.
		let valid = validate_fee_less(&publish_call).expect("valid");
		assert_eq!(valid.provides.len(), 2);
		assert_eq!(valid.longevity, HEARTBEAT_PERIOD - 1);
		// Records rank below paid transactions (D21).
		assert_eq!(valid.priority, 0);
		// A forged one is refused before it reaches a block.
		let forged = Call::<Test>::publish_node_record {
			node_id: node_param(key.raw()),
			record: Box::new(node_record(1, &key, &[])),
			signature: vec![7; 64].try_into().expect("64 bytes"),
		};
		assert_eq!(validate_fee_less(&forged), Err(InvalidTransaction::BadProof.into()));
		// Once the record is in, the pool refuses a second one in the period.
		assert_ok!(publish(&key, record));
		let second = publish_call_of(&key, &node_record(2, &key, &[]));
		assert!(validate_fee_less(&second).is_err());

		// Heartbeats: one tag per node and period; another period is stale.
		let beat = heartbeat_dispatch(&key);
		let RuntimeCall::Registration(beat) = beat else { unreachable!() };
		let valid = validate_fee_less(&beat).expect("valid");
		assert_eq!(valid.provides.len(), 1);
		assert_ok!(heartbeat_call(&key, period(), b"v"));
		assert!(validate_fee_less(&beat).is_err());
		let stale = Call::<Test>::heartbeat {
			node_id: node_param(key.raw()),
			period: period() + 1,
			version: Default::default(),
			signature: vec![0; 64].try_into().expect("64 bytes"),
		};
		assert_eq!(validate_fee_less(&stale), Err(InvalidTransaction::Stale.into()));
		// Other calls have no fee-less path.
		let other = Call::<Test>::set_fee_charging { enabled: true };
		assert_eq!(validate_fee_less(&other), Err(InvalidTransaction::Call.into()));
		assert!(other.authorize(TransactionSource::External).is_none());
	});
}

/// The bare path follows the feature `bare-fee-less` (run both ways by `scripts/test.sh`): with
/// it, the pool's two paths agree and a bare call dispatches; without it, the pallet validates
/// no unsigned transaction and the call refuses the origin, while the authorized path, the
/// same check, stays.
#[test]
fn the_bare_path_is_there_exactly_with_its_feature() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageMiner);
		let record = node_record(1, &key, &[]);
		let publish_call = publish_call_of(&key, &record);
		let beat = heartbeat_of(&key, period(), b"v");
		let (authorized, _) = publish_call
			.authorize(TransactionSource::External)
			.expect("the call authorizes")
			.expect("valid");
		assert_eq!(Registration::BareFeeLessPath(), cfg!(feature = "bare-fee-less"));
		for call in [&publish_call, &beat] {
			let bare = Registration::validate_unsigned(TransactionSource::External, call);
			if cfg!(feature = "bare-fee-less") {
				assert!(bare.is_ok());
			} else {
				assert_eq!(bare, Err(UnknownTransaction::NoUnsignedValidator.into()));
				assert_eq!(
					Registration::pre_dispatch(call),
					Err(UnknownTransaction::NoUnsignedValidator.into())
				);
			}
		}
		let bare = Registration::validate_unsigned(TransactionSource::External, &publish_call);
		if let Ok(bare) = bare {
			assert_eq!(bare, authorized);
		}
		// Dispatched bare: taken with the feature, refused as an origin without it.
		let bare_beat = || {
			use frame_support::traits::UnfilteredDispatchable;
			beat.clone()
				.dispatch_bypass_filter(RuntimeOrigin::none())
				.map(|_| ())
				.map_err(|e| e.error)
		};
		if cfg!(feature = "bare-fee-less") {
			assert_ok!(publish_as(RuntimeOrigin::none(), &key, record));
			assert_ok!(bare_beat());
		} else {
			assert_noop!(
				publish_as(RuntimeOrigin::none(), &key, record.clone()),
				DispatchError::BadOrigin
			);
			assert_noop!(bare_beat(), DispatchError::BadOrigin);
			// The authorized path takes what the bare one would have.
			assert_ok!(publish_as(frame_system::RawOrigin::Authorized.into(), &key, record));
			assert_ok!(heartbeat_call(&key, period(), b"v"));
		}
	});
}

#[test]
fn paged_view_functions_find_nodes_by_type_status_and_capability() {
	new_test_ext(|| {
		let keys: Vec<NodeKey> = (1..=7).map(NodeKey::new).collect();
		for (i, key) in keys.iter().enumerate() {
			register(&account(i as u8 + 1), key, NodeType::GpuMiner);
			let capabilities: &[&str] = if i % 2 == 0 { &["/even/v1"] } else { &[] };
			assert_ok!(publish(key, node_record(1, key, capabilities)));
		}
		// Pages of at most MAX_PAGE, whatever the limit asked; the cursor walks them all.
		let first = Registration::nodes_by_type(NodeType::GpuMiner, None, 100).unwrap();
		assert_eq!(first.nodes.len(), MAX_PAGE as usize);
		let next = first.next.clone().expect("more");
		let second =
			Registration::nodes_by_type(NodeType::GpuMiner, Some(next.to_vec()), 100).unwrap();
		assert_eq!(second.nodes.len(), 2);
		assert_eq!(second.next, None);
		let mut seen: Vec<_> =
			first.nodes.iter().chain(second.nodes.iter()).map(|v| v.info.node_id.clone()).collect();
		seen.sort();
		seen.dedup();
		assert_eq!(seen.len(), 7);
		assert!(first.nodes.iter().all(|view| view.record.is_some() && view.liveness.is_some()));
		// By capability: the four even ones, with their records to check.
		let even = Registration::nodes_by_capability(b"/even/v1".to_vec(), None, 10).unwrap();
		assert_eq!(even.nodes.len(), 4);
		for view in even.nodes {
			let record = view.record.expect("published").record;
			assert!(record.capabilities.iter().any(|c| c.as_slice() == b"/even/v1"));
		}
		// By status, and counts.
		assert_eq!(Registration::nodes_by_status(Status::Online, None, 3).unwrap().nodes.len(), 3);
		assert!(Registration::nodes_by_status(Status::Offline, None, 3).unwrap().nodes.is_empty());
		let counts = Registration::node_counts();
		assert!(counts.by_type.contains(&(NodeType::GpuMiner, 7)));
		assert!(counts.by_status.contains(&(Status::Online, 7)));
		// One node by either id form (refused pages: `review3::d29_…`).
		let view = Registration::node_view(keys[0].raw()).expect("registered");
		assert_eq!(view.info.node_id, node_id(&keys[0]));
	});
}

#[test]
fn a_longer_heartbeat_period_after_an_upgrade_keeps_nodes_beating() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::GpuMiner);
		run_to_block(25);
		assert_ok!(heartbeat_call(&key, period(), b"v"));
		// The upgrade triples the period: period indexes shrink, the node beats on.
		HeartbeatPeriodParam::set(3 * HEARTBEAT_PERIOD);
		run_to_block(3 * HEARTBEAT_PERIOD);
		assert_ok!(heartbeat_call(&key, period(), b"v"));
		run_to_block(8 * HEARTBEAT_PERIOD);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Online)
		);
		// And silence still turns it Offline, judged with the new period.
		run_to_block(4 * 3 * HEARTBEAT_PERIOD + 1);
		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::get(node_id(&key)).map(|i| i.status),
			Some(Status::Offline)
		);
	});
}
