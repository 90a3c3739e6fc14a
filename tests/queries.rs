//! What clients and other pallets read: the view functions (through the runtime API too, and
//! their pinned ids) and the `NodeRegistry` trait.

use crate::common::mock::*;
use codec::Encode;
use pallet_registration::{
	ColdkeyNodeInfoLite, NodeId, NodeRegistry, NodeType, Status, REGISTER_DOMAIN,
};

#[test]
fn view_functions_answer_clients() {
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageS3);
		let expected = ColdkeyNodeInfoLite {
			node_id: NodeId::truncate_from(key.base58()),
			node_type: NodeType::StorageS3,
			status: Status::Online,
			registered_at: 1,
			owner: account(1),
		};
		assert_eq!(Registration::node_by_id(key.raw()), Some(expected.clone()));
		assert_eq!(Registration::node_by_id(key.base58()), Some(expected.clone()));
		assert_eq!(Registration::node_by_id(b"nonsense".to_vec()), None);
		assert_eq!(Registration::node_of_owner(account(1)), Some(expected));
		assert_eq!(Registration::node_of_owner(account(2)), None);
		assert_eq!(Registration::current_fee(NodeType::Validator), INITIAL_VALIDATOR_FEE);
		run_to_block(7);
		let fields = Registration::challenge_fields();
		assert_eq!(fields.domain, REGISTER_DOMAIN);
		assert_eq!(fields.genesis_hash, [0x45; 32]);
		assert_eq!(fields.current_block, 7);
		assert_eq!(fields.latest_expires_at, 7 + MAX_LIFETIME);
	});
}

#[test]
fn view_functions_are_reachable_through_the_runtime_api_dispatch() {
	use frame_support::view_functions::ViewFunction;
	new_test_ext(|| {
		let key = NodeKey::new(1);
		register(&account(1), &key, NodeType::StorageS3);
		let output = Test::execute_view_function(
			pallet_registration::NodeByIdViewFunction::<Test>::id(),
			key.raw().encode(),
		)
		.expect("dispatches");
		let decoded: Option<pallet_registration::NodeInfoOf<Test>> =
			codec::Decode::decode(&mut &output[..]).expect("decodes");
		assert_eq!(decoded.map(|i| i.owner), Some(account(1)));
	});
}

#[test]
fn node_registry_trait_pages_nodes_by_type() {
	new_test_ext(|| {
		for i in 1..=5u8 {
			register(&account(i), &NodeKey::new(i), NodeType::GpuMiner);
		}
		register(&account(6), &NodeKey::new(6), NodeType::StorageS3);
		assert!(Registration::is_owner_registered(&account(1)));
		assert!(!Registration::is_owner_registered(&account(7)));
		assert_eq!(Registration::node_count(NodeType::GpuMiner), 5);
		let first = Registration::nodes_of_type(NodeType::GpuMiner, None, 3).unwrap();
		assert_eq!(first.len(), 3);
		let last = first.last().map(|i| i.node_id.to_vec());
		let rest = Registration::nodes_of_type(NodeType::GpuMiner, last.as_deref(), 3).unwrap();
		assert_eq!(rest.len(), 2);
		let mut all: Vec<_> = first.iter().chain(rest.iter()).map(|i| i.owner.clone()).collect();
		all.sort();
		assert_eq!(all, (1..=5u8).map(account).collect::<Vec<_>>());
		assert_eq!(Registration::nodes_of_type(NodeType::StorageS3, None, 10).unwrap().len(), 1);
	});
}

#[test]
fn view_function_ids_are_the_documented_signatures() {
	use frame_support::view_functions::{ViewFunction, ViewFunctionId};
	use sp_io::hashing::twox_128;
	// Clients compute these ids themselves (see the README): they must never change.
	let id = |signature: &str| {
		ViewFunctionId { prefix: twox_128(b"Registration"), suffix: twox_128(signature.as_bytes()) }
			.encode()
	};
	assert_eq!(
		pallet_registration::NodeByIdViewFunction::<Test>::id().encode(),
		id("node_by_id(Vec<u8>) -> Option<NodeInfoOf<T>>")
	);
	assert_eq!(
		pallet_registration::NodeOfOwnerViewFunction::<Test>::id().encode(),
		id("node_of_owner(T::AccountId) -> Option<NodeInfoOf<T>>")
	);
	assert_eq!(
		pallet_registration::CurrentFeeViewFunction::<Test>::id().encode(),
		id("current_fee(NodeType) -> BalanceOf<T>")
	);
	assert_eq!(
		pallet_registration::ChallengeFieldsViewFunction::<Test>::id().encode(),
		id("challenge_fields() -> ChallengeFields<BlockNumberFor<T>>")
	);
	assert_eq!(
		pallet_registration::ConsentPayloadViewFunction::<Test>::id().encode(),
		id("consent_payload(T::AccountId,Vec<u8>,NodeType,BalanceOf<T>,BalanceOf<T>,BlockNumberFor<T>,u64,bool) -> Option<ConsentPayload<OwnerConsentOf<T>>>")
	);
	assert_eq!(
		pallet_registration::ConsentStatusViewFunction::<Test>::id().encode(),
		id("consent_status(OwnerConsentOf<T>,T::OwnerSignature) -> ConsentStatus")
	);
	assert_eq!(
		pallet_registration::NodesByTypeViewFunction::<Test>::id().encode(),
		id("nodes_by_type(NodeType,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>")
	);
	assert_eq!(
		pallet_registration::NodesByStatusViewFunction::<Test>::id().encode(),
		id("nodes_by_status(Status,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>")
	);
	assert_eq!(
		pallet_registration::NodesByCapabilityViewFunction::<Test>::id().encode(),
		id("nodes_by_capability(Vec<u8>,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>")
	);
	assert_eq!(
		pallet_registration::NodeViewViewFunction::<Test>::id().encode(),
		id("node_view(Vec<u8>) -> Option<NodeView<T>>")
	);
	assert_eq!(
		pallet_registration::NodeCountsViewFunction::<Test>::id().encode(),
		id("node_counts() -> NodeCounts")
	);
	assert_eq!(
		pallet_registration::CurrentDepositViewFunction::<Test>::id().encode(),
		id("current_deposit(NodeType) -> BalanceOf<T>")
	);
	assert_eq!(
		pallet_registration::NodesOfOwnerViewFunction::<Test>::id().encode(),
		id("nodes_of_owner(T::AccountId,Option<Vec<u8>>,u32) -> Result<NodePage<T>,PageError>")
	);
	assert_eq!(
		pallet_registration::OwnerNodeCountViewFunction::<Test>::id().encode(),
		id("owner_node_count(T::AccountId) -> u32")
	);
}
