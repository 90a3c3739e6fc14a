//! A property test of the call state machine (`tests/common/state_machine.rs`): random sequences
//! of registrations (valid and corrupted), unregistrations, forced removals, owner swaps, bans,
//! disabled types and block advances, checked against a plain model of the registry after every
//! step. A call the model refuses must fail and leave the storage root unchanged; one it accepts
//! must succeed; the registry must equal the model; `try_state` must hold.

mod common;

use common::state_machine::*;
use pallet_registration::NodeType;
use proptest::prelude::*;

fn node_type() -> impl Strategy<Value = NodeType> {
	prop_oneof![Just(NodeType::StorageMiner), Just(NodeType::GpuMiner), Just(NodeType::Validator)]
}

fn op() -> impl Strategy<Value = Op> {
	let owner = 1..=OWNERS;
	let key = 1..=KEYS;
	prop_oneof![
		4 => (owner.clone(), key.clone(), node_type(), prop::bool::weighted(0.15), any::<bool>())
			.prop_map(|(owner, key, node_type, corrupt, raw)| Op::Register { owner, key, node_type, corrupt, raw }),
		2 => (owner.clone(), key.clone()).prop_map(|(signer, key)| Op::Unregister { signer, key }),
		1 => key.clone().prop_map(|key| Op::ForceUnregister { key }),
		1 => (owner.clone(), key, owner.clone()).prop_map(|(signer, key, new_owner)| Op::Swap { signer, key, new_owner }),
		1 => (owner, prop::bool::weighted(0.3)).prop_map(|(owner, banned)| Op::Ban { owner, banned }),
		1 => (node_type(), prop::bool::weighted(0.3)).prop_map(|(node_type, disabled)| Op::Disable { node_type, disabled }),
		2 => (1u64..=25).prop_map(|blocks| Op::Advance { blocks }),
	]
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn calls_agree_with_the_model(ops in prop::collection::vec(op(), 1..60)) {
		let mut steps = 0;
		run(ops, &mut steps).map_err(TestCaseError::fail)?;
	}
}
