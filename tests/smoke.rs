mod common;
use common::mock::*;
use pallet_registration::NodeType;

#[test]
fn smoke() {
	new_test_ext(|| {
		register(&account(1), &NodeKey::new(1), NodeType::StorageMiner);
	});
}
