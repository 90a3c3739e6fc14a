//! The migration to storage version 2 (`LazyMigrationToV3`): from the reference pallet's
//! layout (version 0), written here with raw keys and values from the contract's description,
//! and from this pallet's version 1 layout. Every rule, every malformed case, step by step.

use crate::common::mock::*;
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	migrations::{SteppedMigration, SteppedMigrationError},
	storage::unhashed,
	traits::{Hooks, StorageVersion},
	weights::{Weight, WeightMeter},
};
use pallet_registration::{
	migrations::{LazyMigrationToV3, MigrationCursor},
	BannedAccounts, ColdkeyNodeInfoLite, ColdkeyNodeRegistrationV2, CurrentNodeTypeFee,
	DeregistrationEnabled, DisabledNodeTypes, Error, Event, Expiring, ExpiryQueue,
	FeeChargingEnabled, LastRegistrationBlock, Libp2pKeyType, Libp2pMainIdentity,
	MigrationDropReason, MigrationItem, NodeCountByStatus, NodeCountByType, NodeId, NodeIdParam,
	NodeLastDeregisteredAt, NodeLiveness, NodeType, NodesByStatus, NodesByType, OwnerToNode,
	Status, UsedChallenges, WeightInfo, WhitelistedValidators,
};
use sp_core::H256;

/// The migration with the mock's weights.
type Migration = LazyMigrationToV3<Test, ()>;

/// The reference's registry record (`ColdkeyNodeInfoLite`), fields in the contract's order.
#[derive(Encode, Clone)]
struct V0Node {
	node_id: Vec<u8>,
	node_type: NodeType,
	status: Status,
	registered_at: u64,
	owner: AccountId,
}

/// One of the reference's deregistration reports.
#[derive(Encode)]
struct V0Report {
	node_id: Vec<u8>,
	created_at: u64,
}

/// `twox_128("Registration") ++ twox_128(item)`.
fn prefix(item: &str) -> Vec<u8> {
	frame_support::storage::storage_prefix(b"Registration", item.as_bytes()).to_vec()
}

/// The final key of a `Blake2_128Concat` map entry.
fn map_key(item: &str, key: &impl Encode) -> Vec<u8> {
	let encoded = key.encode();
	[prefix(item), sp_io::hashing::blake2_128(&encoded).to_vec(), encoded].concat()
}

/// Writes `value` under `key` of the `Blake2_128Concat` map `item`.
fn put(item: &str, key: impl Encode, value: impl Encode) {
	unhashed::put_raw(&map_key(item, &key), &value.encode());
}

/// Writes a storage value `item`.
fn put_value(item: &str, value: impl Encode) {
	unhashed::put_raw(&prefix(item), &value.encode());
}

/// The bytes of `key`'s node id in the raw or the base58 form.
fn form(key: &NodeKey, raw: bool) -> Vec<u8> {
	if raw {
		key.raw()
	} else {
		key.base58()
	}
}

/// Writes a registry entry of the reference: node `key` in the given form (key and record).
fn v0_node(key: &NodeKey, raw: bool, owner: u8, node_type: NodeType, status: Status, at: u64) {
	let node_id = form(key, raw);
	put(
		"ColdkeyNodeRegistrationV2",
		node_id.clone(),
		V0Node { node_id, node_type, status, registered_at: at, owner: account(owner) },
	);
}

/// Every key and value under the pallet's prefix.
fn pallet_storage() -> Vec<(Vec<u8>, Vec<u8>)> {
	let prefix = sp_io::hashing::twox_128(b"Registration").to_vec();
	let mut entries = Vec::new();
	let mut from = prefix.clone();
	while let Some(key) = sp_io::storage::next_key(&from).filter(|key| key.starts_with(&prefix)) {
		entries.push((key.clone(), unhashed::get_raw(&key).expect("listed")));
		from = key;
	}
	entries
}

/// Runs `test` on externalities holding nothing of the pallet (no storage version either: the
/// reference stored none), then checks every invariant.
fn v0_ext(test: impl FnOnce()) {
	ExtBuilder::default().build().execute_with(|| {
		let _ = unhashed::clear_prefix(&sp_io::hashing::twox_128(b"Registration"), None, None);
		assert_eq!(StorageVersion::get::<Registration>(), StorageVersion::new(0));
		test();
		assert_ok!(Registration::do_try_state());
	});
}

/// Runs the migration to its end, each step given `limit`, in the current block (`advance`:
/// one block per step). Checks every step stays within `limit` and its cursor round-trips
/// through its encoding (`pallet-migrations` stores it). Returns the number of steps.
fn migrate_in_steps(limit: Weight, advance: bool) -> u32 {
	let mut cursor = None;
	let mut steps = 0;
	loop {
		let mut meter = WeightMeter::with_limit(limit);
		cursor = Migration::step(cursor, &mut meter).expect("every step makes progress");
		assert!(meter.consumed().all_lte(limit), "a step used more than it was given");
		steps += 1;
		let Some(next) = &cursor else { return steps };
		assert_eq!(MigrationCursor::decode(&mut &next.encode()[..]).as_ref(), Ok(next));
		if advance {
			run_to_block(System::block_number() + 1);
		}
	}
}

/// Runs the migration in one step.
fn migrate() {
	assert_eq!(migrate_in_steps(Weight::MAX, false), 1);
}

/// The migration events, and the pallet's status and fee events, since the last call.
fn migration_events() -> Vec<Event<Test>> {
	registration_events()
		.into_iter()
		.filter(|event| {
			matches!(
				event,
				Event::MigrationEntryDropped { .. }
					| Event::MigrationUndecodable { .. }
					| Event::MigrationEntriesRemoved { .. }
					| Event::MigrationCompleted { .. }
					| Event::NodeStatusUpdated { .. }
					| Event::NodeTypeFeeUpdated { .. }
			)
		})
		.collect()
}

fn dropped(key: &NodeKey, raw: bool, owner: u8, reason: MigrationDropReason) -> Event<Test> {
	Event::MigrationEntryDropped {
		node_id: NodeIdParam::truncate_from(form(key, raw)),
		owner: account(owner),
		reason,
	}
}

/// The reference's identity of `key`: (key type, public key bytes).
fn identity(key: &NodeKey) -> (Libp2pKeyType, Vec<u8>) {
	(Libp2pKeyType::Ed25519, key.public().to_vec())
}

/// The node registered for `key`, if any.
fn node(key: &NodeKey) -> Option<pallet_registration::NodeInfoOf<Test>> {
	ColdkeyNodeRegistrationV2::<Test>::get(node_id(key))
}

/// The liveness check block of a node heard from in block 1: the start of period 0 + 2 + 1.
const CHECK_AT: u64 = (1 + OFFLINE_AFTER as u64) * HEARTBEAT_PERIOD;

#[test]
fn the_registry_moves_to_canonical_ids_with_every_index() {
	v0_ext(|| {
		let keys: Vec<NodeKey> = (1..=4).map(NodeKey::new).collect();
		v0_node(&keys[0], true, 1, NodeType::StorageMiner, Status::Online, 5);
		v0_node(&keys[1], false, 2, NodeType::Validator, Status::Offline, 3);
		v0_node(&keys[2], false, 3, NodeType::GpuMiner, Status::Degraded, 7);
		v0_node(&keys[3], true, 4, NodeType::StorageMiner, Status::Degraded, 2);
		// The owner index disagrees with the registry (the reference's drift).
		put("OwnerToNode", account(1), vec![keys[0].raw(), NodeKey::new(9).base58()]);
		put("OwnerToNode", account(5), vec![b"gone".to_vec()]);
		// Identities: in either form, one of a node that left, one of a registered node in the
		// other form than its registry key.
		for (i, key) in keys.iter().enumerate() {
			put("Libp2pMainIdentity", form(key, i % 2 == 0), identity(key));
		}
		put("Libp2pMainIdentity", NodeKey::new(9).base58(), identity(&NodeKey::new(9)));
		put("Libp2pMainIdentity", keys[1].raw(), identity(&keys[1]));

		migrate();

		assert_eq!(StorageVersion::get::<Registration>(), StorageVersion::new(3));
		let expected = [
			(NodeType::StorageMiner, Status::Online, 5),
			(NodeType::Validator, Status::Offline, 3),
			(NodeType::GpuMiner, Status::Online, 7),
			(NodeType::StorageMiner, Status::Degraded, 2),
		];
		for (i, (key, (node_type, status, at))) in keys.iter().zip(expected).enumerate() {
			let owner = account(i as u8 + 1);
			assert_eq!(
				node(key),
				Some(ColdkeyNodeInfoLite {
					node_id: node_id(key),
					node_type,
					status,
					registered_at: at,
					owner: owner.clone()
				})
			);
			assert_eq!(OwnerToNode::<Test>::get(&owner).unwrap().into_inner(), vec![node_id(key)]);
			assert_eq!(
				Libp2pMainIdentity::<Test>::get(node_id(key)).unwrap().1.into_inner(),
				key.public().to_vec()
			);
			assert!(NodesByType::<Test>::contains_key(node_type, node_id(key)));
			assert!(NodesByStatus::<Test>::contains_key(status, node_id(key)));
			let liveness = NodeLiveness::<Test>::get(node_id(key)).unwrap();
			assert_eq!(liveness.last_seen, 1, "heard from at the migration");
			assert_eq!(liveness.silent, status == Status::Offline);
			if !liveness.silent {
				assert!(ExpiryQueue::<Test>::contains_key(
					CHECK_AT,
					Expiring::Liveness(node_id(key))
				));
			}
		}
		assert!(!ColdkeyNodeRegistrationV2::<Test>::contains_key(NodeId::truncate_from(
			keys[0].raw()
		)));
		assert_eq!(OwnerToNode::<Test>::iter().count(), 4, "owner 5's stale list is gone");
		assert_eq!(Libp2pMainIdentity::<Test>::iter().count(), 4);
		assert_eq!(NodeCountByType::<Test>::get(NodeType::StorageMiner), 2);
		assert_eq!(NodeCountByType::<Test>::get(NodeType::Validator), 1);
		assert_eq!(NodeCountByType::<Test>::get(NodeType::GpuMiner), 1);
		assert_eq!(NodeCountByStatus::<Test>::get(Status::Online), 2);
		assert_eq!(NodeCountByStatus::<Test>::get(Status::Degraded), 1);
		assert_eq!(NodeCountByStatus::<Test>::get(Status::Offline), 1);
		assert_eq!(
			migration_events(),
			vec![
				Event::MigrationEntriesRemoved { item: MigrationItem::OwnerToNode, count: 2 },
				Event::NodeStatusUpdated { node_id: node_id(&keys[2]), status: Status::Online },
				Event::MigrationEntriesRemoved {
					item: MigrationItem::Libp2pMainIdentity,
					count: 4
				},
				Event::MigrationCompleted { from_version: 0, nodes: 4 },
			]
		);
		assert_ok!(Registration::do_try_state());

		// The registry works as ever: the degraded miner is removed by its owner, the offline
		// validator comes back with a heartbeat.
		assert_ok!(Registration::unregister_main_node(
			RuntimeOrigin::signed(account(4)),
			node_param(keys[3].raw())
		));
		assert!(node(&keys[3]).is_none());
		assert_ok!(heartbeat_call(&keys[1], 0, b"v2"));
		assert_eq!(node(&keys[1]).unwrap().status, Status::Online);
	});
}

#[test]
fn a_peer_id_in_both_forms_keeps_the_preferred_entry() {
	v0_ext(|| {
		let (first, second, third) = (NodeKey::new(1), NodeKey::new(2), NodeKey::new(3));
		// Online beats Degraded, even registered later.
		v0_node(&first, true, 1, NodeType::StorageMiner, Status::Online, 10);
		v0_node(&first, false, 2, NodeType::StorageMiner, Status::Degraded, 5);
		// Both online: the earlier registration.
		v0_node(&second, true, 3, NodeType::GpuMiner, Status::Online, 5);
		v0_node(&second, false, 4, NodeType::GpuMiner, Status::Online, 7);
		// The same in every way: the base58 form, which clients look up.
		v0_node(&third, true, 5, NodeType::ComputeMiner, Status::Online, 5);
		v0_node(&third, false, 6, NodeType::ComputeMiner, Status::Online, 5);

		migrate();

		assert_eq!(node(&first).unwrap().owner, account(1));
		assert_eq!(node(&first).unwrap().status, Status::Online);
		assert_eq!(node(&second).unwrap().owner, account(3));
		assert_eq!(node(&third).unwrap().owner, account(6));
		assert_eq!(ColdkeyNodeRegistrationV2::<Test>::iter().count(), 3);
		for owner in [2, 4, 5] {
			assert!(!OwnerToNode::<Test>::contains_key(account(owner)));
		}
		let events = migration_events();
		for event in [
			dropped(&first, false, 2, MigrationDropReason::DuplicatePeerId),
			dropped(&second, false, 4, MigrationDropReason::DuplicatePeerId),
			dropped(&third, true, 5, MigrationDropReason::DuplicatePeerId),
		] {
			assert!(events.contains(&event), "{event:?} missing from {events:?}");
		}
		assert_eq!(events.len(), 4, "three drops and the completion: {events:?}");
	});
}

#[test]
fn an_owner_keeps_its_earliest_online_node() {
	v0_ext(|| {
		let keys: Vec<NodeKey> = (1..=6).map(NodeKey::new).collect();
		v0_node(&keys[0], false, 1, NodeType::GpuMiner, Status::Offline, 1);
		v0_node(&keys[1], false, 1, NodeType::GpuMiner, Status::Online, 8);
		v0_node(&keys[2], true, 1, NodeType::Validator, Status::Online, 4);
		v0_node(&keys[3], false, 1, NodeType::StorageMiner, Status::Degraded, 2);
		// Alike but for their ids: the smaller canonical id stays.
		v0_node(&keys[4], false, 2, NodeType::ComputeMiner, Status::Online, 3);
		v0_node(&keys[5], false, 2, NodeType::ComputeMiner, Status::Online, 3);
		// The reference's list for owner 1 names only its first node.
		put("OwnerToNode", account(1), vec![keys[0].base58()]);

		migrate();

		assert_eq!(
			OwnerToNode::<Test>::get(account(1)).unwrap().into_inner(),
			vec![node_id(&keys[2])]
		);
		let (small, large) = if node_id(&keys[4]) < node_id(&keys[5]) {
			(&keys[4], &keys[5])
		} else {
			(&keys[5], &keys[4])
		};
		assert_eq!(
			OwnerToNode::<Test>::get(account(2)).unwrap().into_inner(),
			vec![node_id(small)]
		);
		assert_eq!(ColdkeyNodeRegistrationV2::<Test>::iter().count(), 2);
		assert_eq!(Libp2pMainIdentity::<Test>::iter().count(), 2, "the kept nodes'");
		let events = migration_events();
		for event in [
			dropped(&keys[0], false, 1, MigrationDropReason::DuplicateOwner),
			dropped(&keys[1], false, 1, MigrationDropReason::DuplicateOwner),
			dropped(&keys[3], false, 1, MigrationDropReason::DuplicateOwner),
			dropped(large, false, 2, MigrationDropReason::DuplicateOwner),
		] {
			assert!(events.contains(&event), "{event:?} missing from {events:?}");
		}
		// The dropped nodes left nothing behind (try_state), and may register again.
		assert_eq!(NodeCountByType::<Test>::get(NodeType::GpuMiner), 0);
		assert_ok!(Registration::do_try_state());
		register(&account(7), &keys[0], NodeType::GpuMiner);
	});
}

#[test]
fn validators_beyond_max_validators_keep_the_preferred() {
	v0_ext(|| {
		let count = MAX_VALIDATORS as u8 + 2;
		let keys: Vec<NodeKey> = (1..=count).map(NodeKey::new).collect();
		for (i, key) in keys.iter().enumerate() {
			// Later keys registered earlier; the earliest is offline.
			let status = if i + 1 == keys.len() { Status::Offline } else { Status::Online };
			v0_node(key, i % 2 == 1, i as u8 + 1, NodeType::Validator, status, 100 - i as u64);
		}

		migrate();

		assert_eq!(NodeCountByType::<Test>::get(NodeType::Validator), MAX_VALIDATORS);
		// Dropped: the offline one and the latest registered online one.
		for (i, key) in keys.iter().enumerate() {
			let kept = i != 0 && i + 1 != keys.len();
			assert_eq!(node(key).is_some(), kept, "validator {i}");
		}
		let events = migration_events();
		assert!(events.contains(&dropped(
			&keys[0],
			false,
			1,
			MigrationDropReason::TooManyValidators
		)));
		// Named by its canonical id, though stored in the raw form.
		let last = keys.len() - 1;
		assert!(events.contains(&dropped(
			&keys[last],
			false,
			last as u8 + 1,
			MigrationDropReason::TooManyValidators
		)));
	});
}

#[test]
fn malformed_entries_are_counted_reported_and_removed() {
	v0_ext(|| {
		let good = NodeKey::new(1);
		v0_node(&good, false, 1, NodeType::GpuMiner, Status::Online, 1);
		let record = |node_id: Vec<u8>, owner: u8| V0Node {
			node_id,
			node_type: NodeType::GpuMiner,
			status: Status::Online,
			registered_at: 1,
			owner: account(owner),
		};
		// Not a PeerId: text, and the raw PeerId of a small-order key.
		put("ColdkeyNodeRegistrationV2", b"not-a-peer-id".to_vec(), record(b"x".to_vec(), 2));
		let small = [[0u8, 0x24, 8, 1, 0x12, 0x20].as_slice(), &[0u8; 32]].concat();
		put("ColdkeyNodeRegistrationV2", small.clone(), record(small.clone(), 3));
		// Records naming another PeerId than their key, in both forms.
		let (k4, k5, k6) = (NodeKey::new(4), NodeKey::new(5), NodeKey::new(6));
		put("ColdkeyNodeRegistrationV2", k4.base58(), record(k6.base58(), 4));
		put("ColdkeyNodeRegistrationV2", k5.raw(), record(k6.raw(), 5));
		// Values that do not decode: garbage, a node id too long, trailing bytes.
		put("ColdkeyNodeRegistrationV2", NodeKey::new(7).base58(), [0xffu8; 3]);
		put("ColdkeyNodeRegistrationV2", NodeKey::new(8).raw(), record(vec![b'1'; 65], 8));
		let mut trailing = record(NodeKey::new(10).base58(), 10).encode();
		trailing.push(0);
		unhashed::put_raw(
			&map_key("ColdkeyNodeRegistrationV2", &NodeKey::new(10).base58()),
			&trailing,
		);
		// Keys that do not decode: a wrong hash, trailing bytes after the encoded id.
		let id = NodeKey::new(11).base58().encode();
		unhashed::put_raw(
			&[prefix("ColdkeyNodeRegistrationV2"), vec![0; 16], id.clone()].concat(),
			&record(NodeKey::new(11).base58(), 11).encode(),
		);
		let long = [id, vec![0]].concat();
		unhashed::put_raw(
			&[
				prefix("ColdkeyNodeRegistrationV2"),
				sp_io::hashing::blake2_128(&long).to_vec(),
				long,
			]
			.concat(),
			&record(NodeKey::new(11).base58(), 11).encode(),
		);
		// Identities: an unregistered node's value that does not decode.
		put("Libp2pMainIdentity", NodeKey::new(12).base58(), [9u8; 2]);
		// Used challenges: a key of another length, a value that does not decode.
		unhashed::put_raw(&[prefix("UsedChallenges"), vec![1; 7]].concat(), &5u64.encode());
		put("UsedChallenges", H256([2; 32]), [1u8, 2, 3]);
		// Cooldowns: a value that does not decode, and an id that is no PeerId.
		put("NodeLastDeregisteredAt", NodeKey::new(13).base58(), [1u8]);
		put("NodeLastDeregisteredAt", b"nope".to_vec(), 5u64);
		// Node type maps: an unknown node type, values that do not decode.
		put("DisabledNodeTypes", 9u8, true);
		put("CurrentNodeTypeFee", NodeType::GpuMiner, [1u8; 3]);
		put("LastRegistrationBlock", NodeType::GpuMiner, [1u8; 3]);
		// Bans: a value that does not decode, a key that does not decode.
		put("BannedAccounts", account(14), 2u8);
		put("BannedAccounts", [1u8; 5], true);
		// Values: a whitelist, two switches.
		put_value("WhitelistedValidators", [3u8; 5]);
		put_value("FeeChargingEnabled", 7u8);
		put_value("DeregistrationEnabled", [0u8, 0]);

		migrate();

		assert_eq!(
			ColdkeyNodeRegistrationV2::<Test>::iter_keys().collect::<Vec<_>>(),
			vec![node_id(&good)]
		);
		let events = migration_events();
		for event in [
			Event::MigrationEntryDropped {
				node_id: NodeIdParam::truncate_from(b"not-a-peer-id".to_vec()),
				owner: account(2),
				reason: MigrationDropReason::InvalidNodeId,
			},
			Event::MigrationEntryDropped {
				node_id: NodeIdParam::truncate_from(small),
				owner: account(3),
				reason: MigrationDropReason::InvalidNodeId,
			},
			dropped(&k4, false, 4, MigrationDropReason::RecordMismatch),
			dropped(&k5, true, 5, MigrationDropReason::RecordMismatch),
		] {
			assert!(events.contains(&event), "{event:?} missing from {events:?}");
		}
		for (item, count) in [
			(MigrationItem::ColdkeyNodeRegistrationV2, 5),
			(MigrationItem::Libp2pMainIdentity, 1),
			(MigrationItem::UsedChallenges, 2),
			(MigrationItem::NodeLastDeregisteredAt, 1),
			(MigrationItem::DisabledNodeTypes, 1),
			(MigrationItem::CurrentNodeTypeFee, 1),
			(MigrationItem::LastRegistrationBlock, 1),
			(MigrationItem::BannedAccounts, 2),
			(MigrationItem::WhitelistedValidators, 1),
			(MigrationItem::FeeChargingEnabled, 1),
			(MigrationItem::DeregistrationEnabled, 1),
		] {
			let event = Event::MigrationUndecodable { item, count };
			assert!(events.contains(&event), "{event:?} missing from {events:?}");
		}
		assert!(events.contains(&Event::MigrationEntriesRemoved {
			item: MigrationItem::NodeLastDeregisteredAt,
			count: 1
		}));
		// Nothing of it is left: every item holds only what the new layout wrote.
		assert_eq!(Libp2pMainIdentity::<Test>::iter().count(), 1);
		assert_eq!(UsedChallenges::<Test>::iter().count(), 0);
		assert_eq!(NodeLastDeregisteredAt::<Test>::iter().count(), 0);
		assert_eq!(DisabledNodeTypes::<Test>::iter().count(), 0);
		assert_eq!(CurrentNodeTypeFee::<Test>::iter().count(), 0);
		assert_eq!(LastRegistrationBlock::<Test>::iter().count(), 0);
		assert_eq!(BannedAccounts::<Test>::iter().count(), 0);
		for item in ["WhitelistedValidators", "FeeChargingEnabled", "DeregistrationEnabled"] {
			assert!(unhashed::get_raw(&prefix(item)).is_none(), "{item}");
		}
		for item in [
			"UsedChallenges",
			"NodeLastDeregisteredAt",
			"DisabledNodeTypes",
			"CurrentNodeTypeFee",
			"LastRegistrationBlock",
			"BannedAccounts",
		] {
			let p = prefix(item);
			assert!(
				sp_io::storage::next_key(&p).is_none_or(|key| !key.starts_with(&p)),
				"{item} still holds entries"
			);
		}
	});
}

#[test]
fn a_challenge_used_before_the_upgrade_is_refused_after_it() {
	v0_ext(|| {
		let (owner, key) = (account(1), NodeKey::new(1));
		// Used on the old chain, expiring at block 11 (the reference's hasher).
		let used = Registering::new(&owner, &key, NodeType::GpuMiner);
		let hash = H256(sp_io::hashing::blake2_256(&used.challenge));
		put("UsedChallenges", hash, 11u64);
		// One that guards far ahead, one already expired.
		put("UsedChallenges", H256([7; 32]), 1_000u64);
		run_to_block(3);
		put("UsedChallenges", H256([8; 32]), 2u64);

		migrate();

		assert_eq!(UsedChallenges::<Test>::get(hash), Some(11));
		assert_eq!(UsedChallenges::<Test>::get(H256([7; 32])), Some(1_000));
		assert_eq!(UsedChallenges::<Test>::get(H256([8; 32])), None);
		assert!(ExpiryQueue::<Test>::contains_key(11, Expiring::Challenge(hash)));
		assert!(migration_events().contains(&Event::MigrationEntriesRemoved {
			item: MigrationItem::UsedChallenges,
			count: 1
		}));
		assert_noop!(used.submit(), Error::<Test>::ChallengeReused);
		// The hash guards through block 11, and goes after it.
		run_to_block(11);
		assert_noop!(used.submit(), Error::<Test>::ChallengeReused);
		run_to_block(12);
		assert_eq!(UsedChallenges::<Test>::get(hash), None);
		assert_noop!(used.submit(), Error::<Test>::ChallengeExpired);
		// A fresh challenge registers the node.
		register(&owner, &key, NodeType::GpuMiner);
	});
}

#[test]
fn cooldown_anchors_move_to_canonical_ids_and_end_on_time() {
	v0_ext(|| {
		run_to_block(25);
		let keys: Vec<NodeKey> = (1..=4).map(NodeKey::new).collect();
		put("NodeLastDeregisteredAt", keys[0].raw(), 8u64);
		// Both forms: the later anchor holds.
		put("NodeLastDeregisteredAt", keys[1].base58(), 6u64);
		put("NodeLastDeregisteredAt", keys[1].raw(), 9u64);
		// The reference's "never" and an anchor whose cooldown is over.
		put("NodeLastDeregisteredAt", keys[2].base58(), 0u64);
		put("NodeLastDeregisteredAt", keys[3].raw(), 25u64 - COOLDOWN);

		migrate();

		assert_eq!(NodeLastDeregisteredAt::<Test>::get(node_id(&keys[0])), Some(8));
		assert_eq!(NodeLastDeregisteredAt::<Test>::get(node_id(&keys[1])), Some(9));
		assert_eq!(NodeLastDeregisteredAt::<Test>::iter().count(), 2);
		assert!(ExpiryQueue::<Test>::contains_key(
			8 + COOLDOWN,
			Expiring::NodeCooldown(node_id(&keys[0]))
		));
		assert!(migration_events().contains(&Event::MigrationEntriesRemoved {
			item: MigrationItem::NodeLastDeregisteredAt,
			count: 2
		}));
		assert_noop!(
			Registering::new(&account(1), &keys[0], NodeType::GpuMiner).submit(),
			Error::<Test>::NodeCooldownPeriodNotExpired
		);
		register(&account(3), &keys[2], NodeType::GpuMiner);
		register(&account(4), &keys[3], NodeType::GpuMiner);
		run_to_block(9 + COOLDOWN + 1);
		assert_eq!(NodeLastDeregisteredAt::<Test>::iter().count(), 0, "pruned at their end");
		register(&account(1), &keys[0], NodeType::GpuMiner);
		register(&account(2), &keys[1], NodeType::GpuMiner);
	});
}

#[test]
fn fees_types_bans_switches_and_the_whitelist_carry_over() {
	v0_ext(|| {
		put("DisabledNodeTypes", NodeType::ComputeMiner, true);
		put("DisabledNodeTypes", NodeType::GpuMiner, false);
		put("CurrentNodeTypeFee", NodeType::StorageMiner, 0u128);
		put("CurrentNodeTypeFee", NodeType::Validator, 50_000u128);
		put("CurrentNodeTypeFee", NodeType::GpuMiner, 200u128);
		put("LastRegistrationBlock", NodeType::GpuMiner, 1u64);
		put_value("FeeChargingEnabled", true);
		put_value("DeregistrationEnabled", false);
		put("BannedAccounts", account(7), true);
		put("BannedAccounts", account(8), false);
		// Ten distinct accounts and a duplicate: the first eight distinct ones stay.
		let listed: Vec<AccountId> =
			[1u8, 2, 1, 3, 4, 5, 6, 7, 8, 9, 10].into_iter().map(account).collect();
		put_value("WhitelistedValidators", listed);

		migrate();

		assert!(DisabledNodeTypes::<Test>::get(NodeType::ComputeMiner));
		assert_eq!(DisabledNodeTypes::<Test>::iter().count(), 1);
		assert_eq!(CurrentNodeTypeFee::<Test>::get(NodeType::StorageMiner), Some(MIN_FEE));
		assert_eq!(CurrentNodeTypeFee::<Test>::get(NodeType::Validator), Some(MAX_FEE));
		assert_eq!(CurrentNodeTypeFee::<Test>::get(NodeType::GpuMiner), Some(200));
		assert_eq!(LastRegistrationBlock::<Test>::get(NodeType::GpuMiner), Some(1));
		assert_eq!(Registration::current_fee(NodeType::GpuMiner), 200);
		assert!(FeeChargingEnabled::<Test>::get());
		assert!(!DeregistrationEnabled::<Test>::get());
		assert_eq!(BannedAccounts::<Test>::iter_keys().collect::<Vec<_>>(), vec![account(7)]);
		assert_eq!(
			WhitelistedValidators::<Test>::get().into_inner(),
			(1..=8).map(account).collect::<Vec<_>>()
		);
		let events = migration_events();
		for event in [
			Event::NodeTypeFeeUpdated { node_type: NodeType::StorageMiner, fee: MIN_FEE },
			Event::NodeTypeFeeUpdated { node_type: NodeType::Validator, fee: MAX_FEE },
			Event::MigrationEntriesRemoved { item: MigrationItem::DisabledNodeTypes, count: 1 },
			Event::MigrationEntriesRemoved { item: MigrationItem::BannedAccounts, count: 1 },
			Event::MigrationEntriesRemoved { item: MigrationItem::WhitelistedValidators, count: 3 },
		] {
			assert!(events.contains(&event), "{event:?} missing from {events:?}");
		}
		// They apply: the disabled type, the ban, the fee.
		assert_noop!(
			Registering::new(&account(1), &NodeKey::new(1), NodeType::ComputeMiner).submit(),
			Error::<Test>::NodeTypeDisabled
		);
		assert_noop!(
			Registering::new(&account(7), &NodeKey::new(7), NodeType::GpuMiner).submit(),
			Error::<Test>::AccountBanned
		);
		let before = Balances::free_balance(account(2));
		register(&account(2), &NodeKey::new(2), NodeType::GpuMiner);
		assert_eq!(before - Balances::free_balance(account(2)), 200);
	});
}

#[test]
fn report_state_and_legacy_items_are_cleared() {
	v0_ext(|| {
		put("ReportSubmissionCount", NodeKey::new(1).base58(), 3u32);
		put("ReportSubmissionCount", NodeKey::new(2).raw(), 1u32);
		for reporter in [1, 2] {
			put(
				"TemporaryDeregistrationReports",
				account(reporter),
				vec![V0Report { node_id: NodeKey::new(5).base58(), created_at: 4 }],
			);
		}
		put("ColdkeyNodeRegistration", b"a".to_vec(), 1u8);
		put("ColdkeyNodeRegistration", b"b".to_vec(), 2u8);
		put("NodeRegistration", b"c".to_vec(), 3u8);
		put("Libp2pIpfsIdentity", b"d".to_vec(), 4u8);
		put_value("ValidatorWhitelistEnabled", true);
		// Whatever the hasher: every key under the prefix goes.
		for i in 0..3u32 {
			unhashed::put_raw(
				&[prefix("LinkedNodes"), sp_io::hashing::twox_64(&i.encode()).to_vec()].concat(),
				&i.encode(),
			);
		}

		migrate();

		let events = migration_events();
		for (item, count) in [
			(MigrationItem::ColdkeyNodeRegistration, 2),
			(MigrationItem::NodeRegistration, 1),
			(MigrationItem::Libp2pIpfsIdentity, 1),
			(MigrationItem::ValidatorWhitelistEnabled, 1),
			(MigrationItem::LinkedNodes, 3),
			(MigrationItem::ReportSubmissionCount, 2),
			(MigrationItem::TemporaryDeregistrationReports, 2),
		] {
			let event = Event::MigrationEntriesRemoved { item, count };
			assert!(events.contains(&event), "{event:?} missing from {events:?}");
		}
		for item in [
			"ColdkeyNodeRegistration",
			"NodeRegistration",
			"Libp2pIpfsIdentity",
			"ValidatorWhitelistEnabled",
			"LinkedNodes",
			"ReportSubmissionCount",
			"TemporaryDeregistrationReports",
		] {
			let p = prefix(item);
			assert!(unhashed::get_raw(&p).is_none());
			assert!(
				sp_io::storage::next_key(&p).is_none_or(|key| !key.starts_with(&p)),
				"{item} still holds entries"
			);
		}
	});
}

/// A reference state with some of everything: nodes in both forms with duplicates of both
/// kinds, identities, an owner index, used challenges, cooldowns, fees, bans, a whitelist,
/// report state and legacy items.
fn rich_v0_state() {
	for i in 1..=30u8 {
		let key = NodeKey::new(i);
		let status = [Status::Online, Status::Degraded, Status::Offline][i as usize % 3];
		let node_type = NodeType::ALL[i as usize % 5];
		// Owners 1..=20: some own two nodes.
		v0_node(&key, i % 4 == 0, (i - 1) % 20 + 1, node_type, status, u64::from(i % 7));
		put("Libp2pMainIdentity", form(&key, i % 3 == 0), identity(&key));
		put("OwnerToNode", account(i), vec![key.base58()]);
		put("UsedChallenges", H256([i; 32]), u64::from(i) * 5);
		put("NodeLastDeregisteredAt", form(&NodeKey::new(100 + i), i % 2 == 0), u64::from(i));
	}
	// The same PeerId in its other form.
	v0_node(&NodeKey::new(5), true, 25, NodeType::GpuMiner, Status::Online, 0);
	v0_node(&NodeKey::new(8), false, 26, NodeType::GpuMiner, Status::Online, 9);
	put("CurrentNodeTypeFee", NodeType::GpuMiner, 300u128);
	put("BannedAccounts", account(3), true);
	put("BannedAccounts", account(4), false);
	put_value("WhitelistedValidators", vec![account(1), account(2)]);
	put_value("FeeChargingEnabled", true);
	put_value("DeregistrationEnabled", true);
	put("ReportSubmissionCount", NodeKey::new(1).base58(), 3u32);
	put("NodeRegistration", b"c".to_vec(), 3u8);
}

#[test]
fn steps_of_any_size_leave_the_same_state() {
	let one_go = {
		let mut state = Vec::new();
		v0_ext(|| {
			rich_v0_state();
			migrate();
			state = pallet_storage();
		});
		state
	};
	// Just enough for the step and its costliest unit: one or two units a step.
	let limit = <() as WeightInfo>::migration_step()
		+ <() as WeightInfo>::migration_registry_node()
		+ <() as WeightInfo>::migration_drop_node()
		+ <() as WeightInfo>::migration_validator_scan(MAX_VALIDATORS);
	v0_ext(|| {
		rich_v0_state();
		let steps = migrate_in_steps(limit, false);
		println!("{steps} steps");
		assert!(steps > 20, "{steps} steps");
		assert_eq!(pallet_storage(), one_go);
	});
}

#[test]
fn the_hooks_wait_while_the_migration_runs() {
	v0_ext(|| {
		rich_v0_state();
		let limit = <() as WeightInfo>::migration_step()
			+ <() as WeightInfo>::migration_registry_node()
			+ <() as WeightInfo>::migration_drop_node()
			+ <() as WeightInfo>::migration_validator_scan(MAX_VALIDATORS);
		let mut cursor = None;
		let mut blocks = 0;
		loop {
			let mut meter = WeightMeter::with_limit(limit);
			cursor = Migration::step(cursor, &mut meter).unwrap();
			if cursor.is_none() {
				break;
			}
			// A block passes: the hook does nothing while storage is at version 0.
			let before = pallet_storage();
			let next = System::block_number() + 1;
			System::set_block_number(next);
			assert_eq!(Registration::on_initialize(next), Weight::zero());
			assert_eq!(pallet_storage(), before);
			blocks += 1;
		}
		assert!(blocks > 10);
		// Everything queued during the migration is pruned once the hook runs again.
		assert_eq!(pallet_registration::NextExpiryToPrune::<Test>::get(), Some(1));
		run_to_block(System::block_number() + 1);
		assert_eq!(
			pallet_registration::NextExpiryToPrune::<Test>::get(),
			Some(System::block_number())
		);
		assert_eq!(UsedChallenges::<Test>::iter_values().filter(|at| *at < 10).count(), 0);
	});
}

#[test]
fn a_step_without_enough_weight_changes_nothing() {
	v0_ext(|| {
		rich_v0_state();
		let before = pallet_storage();
		for limit in [Weight::zero(), <() as WeightInfo>::migration_step()] {
			let result = Migration::step(None, &mut WeightMeter::with_limit(limit));
			assert!(
				matches!(result, Err(SteppedMigrationError::InsufficientWeight { .. })),
				"{result:?}"
			);
			assert_eq!(pallet_storage(), before);
		}
		migrate();
	});
}

#[test]
fn a_version_1_chain_gets_its_status_index_and_liveness() {
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		register(&account(2), &NodeKey::new(2), NodeType::GpuMiner);
		assert_ok!(force_register(&account(3), NodeType::ComputeMiner, NodeKey::new(3).raw()));
		assert_ok!(Registration::set_node_status_to_degraded(
			RuntimeOrigin::root(),
			node_param(NodeKey::new(1).raw())
		));
		// What version 1 lacked.
		let _ = pallet_registration::NodesByOwner::<Test>::clear(u32::MAX, None);
		let _ = pallet_registration::OwnerNodeCount::<Test>::clear(u32::MAX, None);
		let _ = pallet_registration::OwnerValidatorNode::<Test>::clear(u32::MAX, None);
		let _ = NodesByStatus::<Test>::clear(u32::MAX, None);
		let _ = NodeCountByStatus::<Test>::clear(u32::MAX, None);
		let _ = NodeLiveness::<Test>::clear(u32::MAX, None);
		for (at, item) in ExpiryQueue::<Test>::iter_keys().collect::<Vec<_>>() {
			if matches!(item, Expiring::Liveness(_)) {
				ExpiryQueue::<Test>::remove(at, item);
			}
		}
		StorageVersion::new(1).put::<Registration>();
		assert!(Registration::do_try_state().is_err());
		registration_events();
		run_to_block(4);

		migrate();

		assert_eq!(StorageVersion::get::<Registration>(), StorageVersion::new(3));
		assert_eq!(NodeCountByStatus::<Test>::get(Status::Online), 2);
		assert_eq!(NodeCountByStatus::<Test>::get(Status::Degraded), 1);
		assert!(NodesByStatus::<Test>::contains_key(Status::Degraded, node_id(&NodeKey::new(1))));
		assert_eq!(NodeLiveness::<Test>::get(node_id(&NodeKey::new(2))).unwrap().last_seen, 4);
		assert_eq!(
			migration_events(),
			vec![Event::MigrationCompleted { from_version: 1, nodes: 3 }]
		);
	});
}

#[test]
fn a_version_2_chain_gets_its_owner_index() {
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		register_validator(&account(2), &NodeKey::new(2));
		// What version 2 lacked: the owner index of fleets.
		let _ = pallet_registration::NodesByOwner::<Test>::clear(u32::MAX, None);
		let _ = pallet_registration::OwnerNodeCount::<Test>::clear(u32::MAX, None);
		let _ = pallet_registration::OwnerValidatorNode::<Test>::clear(u32::MAX, None);
		StorageVersion::new(2).put::<Registration>();
		assert!(Registration::do_try_state().is_err());
		registration_events();

		migrate();

		assert_eq!(StorageVersion::get::<Registration>(), StorageVersion::new(3));
		for owner in [1, 2] {
			assert_eq!(pallet_registration::OwnerNodeCount::<Test>::get(account(owner)), 1);
			assert!(pallet_registration::NodesByOwner::<Test>::contains_key(
				account(owner),
				node_id(&NodeKey::new(owner))
			));
		}
		assert_eq!(
			pallet_registration::OwnerValidatorNode::<Test>::get(account(2)),
			Some(node_id(&NodeKey::new(2)))
		);
		assert_eq!(
			migration_events(),
			vec![Event::MigrationCompleted { from_version: 2, nodes: 2 }]
		);
	});
}

#[test]
fn a_chain_at_version_3_is_left_alone() {
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		registration_events();
		let before = pallet_storage();
		assert_eq!(Migration::step(None, &mut WeightMeter::new()), Ok(None));
		assert_eq!(pallet_storage(), before);
		assert!(registration_events().is_empty());
	});
}

#[cfg(feature = "try-runtime")]
#[test]
fn the_try_runtime_checks_pass_and_catch_a_loss() {
	v0_ext(|| {
		rich_v0_state();
		let state = Migration::pre_upgrade().unwrap();
		migrate_in_steps(<() as WeightInfo>::migration_step() * 50, true);
		assert_ok!(Migration::post_upgrade(state));
	});
	v0_ext(|| {
		rich_v0_state();
		let state = Migration::pre_upgrade().unwrap();
		migrate();
		BannedAccounts::<Test>::remove(account(3));
		assert!(Migration::post_upgrade(state).is_err(), "a lost ban");
	});
	// From version 2 nothing changes, and the checks say so.
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
		let state = Migration::pre_upgrade().unwrap();
		assert_eq!(Migration::step(None, &mut WeightMeter::new()), Ok(None));
		assert_ok!(Migration::post_upgrade(state));
	});
}

#[test]
fn the_identifier_is_the_pallets_own() {
	let id = Migration::id();
	assert_eq!(&id.pallet_id, b"pallet-registration");
	assert_eq!((id.version_from, id.version_to), (0, 3));
	assert_eq!(Migration::max_steps(), None, "any registry size");
	// What `pallet-migrations`' `CursorMaxLen` and `IdentifierMaxLen` must hold (the dev runtime's
	// `pallet_migrations::Config` says it).
	use codec::MaxEncodedLen;
	assert_eq!(MigrationCursor::max_encoded_len(), 275);
	assert_eq!(id.encode().len(), 21);
}

/// The dev runtime's block: 2 s of compute, a 5 MiB proof; `pallet-migrations` is given 80%
/// of it (`MaxServiceWeight`).
fn dev_migration_weight_per_block() -> Weight {
	Weight::from_parts(2_000_000_000_000, 5 * 1024 * 1024) * 8 / 10
}

/// Writes `count` reference nodes (a tenth in the raw form), each with its identity and owner
/// list, and a thousand used challenges and cooldown anchors (the reference prunes expired
/// challenges: only those of the last `MaxChallengeLifetime` blocks are left).
fn many_v0_nodes(count: u32) {
	for i in 0..count {
		let mut public = [0x5a; 32];
		public[..4].copy_from_slice(&i.to_le_bytes());
		let peer = pallet_registration::peer_id::Ed25519PeerId::from_public_key(public);
		let node_id =
			if i % 10 == 0 { peer.to_raw().to_vec() } else { peer.to_node_id().into_inner() };
		let mut owner = [0xa5; 32];
		owner[..4].copy_from_slice(&i.to_le_bytes());
		let owner = AccountId::new(owner);
		put(
			"ColdkeyNodeRegistrationV2",
			node_id.clone(),
			V0Node {
				node_id: node_id.clone(),
				node_type: NodeType::ALL[1 + i as usize % 4],
				status: Status::Online,
				registered_at: 1,
				owner: owner.clone(),
			},
		);
		put("Libp2pMainIdentity", node_id.clone(), (Libp2pKeyType::Ed25519, public.to_vec()));
		put("OwnerToNode", owner, vec![node_id]);
	}
	for i in 0..1_000u32 {
		put("UsedChallenges", H256(sp_io::hashing::blake2_256(&i.encode())), 1_000u64);
		let mut public = [0x6b; 32];
		public[..4].copy_from_slice(&i.to_le_bytes());
		let peer = pallet_registration::peer_id::Ed25519PeerId::from_public_key(public);
		put("NodeLastDeregisteredAt", peer.to_node_id().into_inner(), 1u64);
	}
}

/// Migrates `count` nodes with `per_block` weight per block; returns the blocks it took.
fn blocks_for(count: u32, per_block: Weight) -> u32 {
	let mut blocks = 0;
	v0_ext(|| {
		many_v0_nodes(count);
		blocks = migrate_in_steps(per_block, true);
		assert_eq!(ColdkeyNodeRegistrationV2::<Test>::iter_keys().count(), count as usize);
		assert_eq!(UsedChallenges::<Test>::iter_keys().count(), 1_000);
	});
	blocks
}

#[test]
fn two_thousand_nodes_migrate_within_the_weight_per_block() {
	let blocks = blocks_for(2_000, dev_migration_weight_per_block());
	println!("2,000 nodes migrate in {blocks} blocks");
	// About 400 blocks per 100,000 nodes (see the ignored test below).
	assert!((5..=15).contains(&blocks), "{blocks} blocks");
}

/// Run it with `cargo test -p pallet-registration --features runtime-benchmarks,try-runtime
/// --test mock_runtime -- --ignored hundred_thousand --nocapture` (a few minutes).
#[test]
#[ignore = "slow: 100,000 nodes"]
fn hundred_thousand_nodes_migrate_within_the_weight_per_block() {
	let blocks = blocks_for(100_000, dev_migration_weight_per_block());
	println!("100,000 nodes migrate in {blocks} blocks at the dev runtime's weight per block");
	// The weights' proof sizes bind; with compute alone:
	let per_block = dev_migration_weight_per_block().set_proof_size(u64::MAX);
	let compute_only = blocks_for(100_000, per_block);
	println!("{compute_only} blocks with the compute limit alone");
}
