//! Upgrade safety: the call indices and names of the contract never change.

mod common;

use common::mock::*;
use frame_support::traits::{GetCallIndex, GetCallName};
use pallet_registration::Call;

#[test]
fn call_indices_and_names_are_the_contracts() {
	let contract: [(u8, &str); 13] = [
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
		let call = Registering::new(
			&account(1),
			&NodeKey::new(1),
			pallet_registration::NodeType::GpuMiner,
		)
		.call();
		assert_eq!(call.encode()[0], 1);
		let call = Call::<Test>::set_deregistration_enabled { enabled: true };
		assert_eq!(call.encode(), vec![15, 1]);
	});
}
