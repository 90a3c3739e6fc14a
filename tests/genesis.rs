//! The genesis config and the storage version written at genesis.

use crate::common::mock::*;
use frame_support::traits::StorageVersion;
use pallet_registration::{
	ColdkeyNodeRegistrationV2, CurrentNodeTypeFee, DisabledNodeTypes, NodeId, NodeRegistry,
	NodeType, WhitelistedValidators,
};

#[test]
fn storage_version_in_code_is_written_at_genesis() {
	new_test_ext(|| {
		assert_eq!(StorageVersion::get::<Registration>(), pallet_registration::STORAGE_VERSION);
		assert_eq!(pallet_registration::STORAGE_VERSION, StorageVersion::new(3));
	});
}

#[test]
fn genesis_config_builds_the_registry() {
	let validator = NodeKey::new(1);
	let miner = NodeKey::new(2);
	ExtBuilder::default()
		.genesis(|g| {
			g.fee_charging_enabled = true;
			g.initial_fees = vec![(NodeType::GpuMiner, 777)];
			g.disabled_node_types = vec![NodeType::StorageS3];
			g.banned_accounts = vec![account(9)];
			g.whitelisted_validators = vec![account(1)];
			g.nodes = vec![
				(account(1), NodeType::Validator, validator.raw()),
				(account(2), NodeType::StorageMiner, miner.base58()),
			];
		})
		.build_and_execute(|| {
			assert_eq!(CurrentNodeTypeFee::<Test>::get(NodeType::GpuMiner), Some(777));
			assert!(DisabledNodeTypes::<Test>::get(NodeType::StorageS3));
			assert!(pallet_registration::BannedAccounts::<Test>::get(account(9)));
			assert_eq!(WhitelistedValidators::<Test>::get().into_inner(), vec![account(1)]);
			assert_eq!(Registration::node_count(NodeType::Validator), 1);
			let info = Registration::node(&validator.base58()).expect("pre-registered");
			assert_eq!((info.owner, info.registered_at), (account(1), 0));
			assert!(ColdkeyNodeRegistrationV2::<Test>::contains_key(NodeId::truncate_from(
				miner.base58()
			)));
		});
}

#[test]
#[should_panic(expected = "has more than MaxNodesPerOwner nodes")]
fn genesis_config_refuses_two_nodes_for_one_owner() {
	ExtBuilder::default()
		.genesis(|g| {
			g.nodes = vec![
				(account(1), NodeType::GpuMiner, NodeKey::new(1).raw()),
				(account(1), NodeType::GpuMiner, NodeKey::new(2).raw()),
			];
		})
		.build();
}
