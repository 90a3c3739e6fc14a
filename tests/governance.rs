//! The governance calls: switches, fees, disabled types, bans and the whitelist.

use crate::common::mock::*;
use frame_support::{assert_noop, assert_ok};
use pallet_registration::{
	BannedAccounts, CurrentNodeTypeFee, DeregistrationEnabled, DisabledNodeTypes, Error, Event,
	FeeChargingEnabled, LastRegistrationBlock, NodeType, WhitelistedValidators,
};
use sp_runtime::DispatchError;

#[test]
fn set_fee_charging_works() {
	new_test_ext(|| {
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), true));
		assert!(FeeChargingEnabled::<Test>::get());
		assert_ok!(Registration::set_fee_charging(RuntimeOrigin::root(), false));
		assert!(!FeeChargingEnabled::<Test>::get());
		assert_eq!(
			registration_events(),
			vec![
				Event::FeeChargingStatusChanged { enabled: true },
				Event::FeeChargingStatusChanged { enabled: false }
			]
		);
	});
}

#[test]
fn set_fee_charging_fails_bad_origin() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_fee_charging(RuntimeOrigin::signed(account(1)), true),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_node_type_fee_works_for_root_and_the_fee_authority() {
	new_test_ext(|| {
		run_to_block(7);
		assert_ok!(Registration::set_node_type_fee(RuntimeOrigin::root(), NodeType::GpuMiner, 700));
		assert_eq!(CurrentNodeTypeFee::<Test>::get(NodeType::GpuMiner), Some(700));
		assert_eq!(LastRegistrationBlock::<Test>::get(NodeType::GpuMiner), Some(7));
		assert_ok!(Registration::set_node_type_fee(
			RuntimeOrigin::signed(FEE_AUTHORITY),
			NodeType::GpuMiner,
			MAX_FEE
		));
		assert_ok!(Registration::set_node_type_fee(
			RuntimeOrigin::signed(FEE_AUTHORITY),
			NodeType::GpuMiner,
			MIN_FEE
		));
		assert_eq!(Registration::current_fee(NodeType::GpuMiner), MIN_FEE);
		assert_eq!(
			registration_events(),
			vec![
				Event::NodeTypeFeeUpdated { node_type: NodeType::GpuMiner, fee: 700 },
				Event::NodeTypeFeeUpdated { node_type: NodeType::GpuMiner, fee: MAX_FEE },
				Event::NodeTypeFeeUpdated { node_type: NodeType::GpuMiner, fee: MIN_FEE },
			]
		);
	});
}

#[test]
fn set_node_type_fee_fails_bad_origin() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_node_type_fee(
				RuntimeOrigin::signed(account(1)),
				NodeType::GpuMiner,
				700
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_node_type_fee_fails_fee_too_high() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_node_type_fee(RuntimeOrigin::root(), NodeType::GpuMiner, MAX_FEE + 1),
			Error::<Test>::FeeTooHigh
		);
	});
}

#[test]
fn set_node_type_fee_fails_fee_too_low() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_node_type_fee(RuntimeOrigin::root(), NodeType::GpuMiner, MIN_FEE - 1),
			Error::<Test>::FeeTooLow
		);
	});
}

#[test]
fn set_node_type_disabled_works() {
	new_test_ext(|| {
		assert_ok!(Registration::set_node_type_disabled(
			RuntimeOrigin::root(),
			NodeType::StorageS3,
			true
		));
		assert!(DisabledNodeTypes::<Test>::get(NodeType::StorageS3));
		assert!(!DisabledNodeTypes::<Test>::get(NodeType::GpuMiner));
		assert_ok!(Registration::set_node_type_disabled(
			RuntimeOrigin::root(),
			NodeType::StorageS3,
			false
		));
		assert!(!DisabledNodeTypes::<Test>::contains_key(NodeType::StorageS3));
		register(&account(1), &NodeKey::new(1), NodeType::StorageS3);
		assert!(registration_events().starts_with(&[
			Event::NodeTypeDisabledChanged { node_type: NodeType::StorageS3, disabled: true },
			Event::NodeTypeDisabledChanged { node_type: NodeType::StorageS3, disabled: false },
		]));
	});
}

#[test]
fn set_node_type_disabled_fails_bad_origin() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_node_type_disabled(
				RuntimeOrigin::signed(account(1)),
				NodeType::StorageS3,
				true
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_account_ban_status_works() {
	new_test_ext(|| {
		assert_ok!(Registration::set_account_ban_status(RuntimeOrigin::root(), account(5), true));
		assert!(BannedAccounts::<Test>::get(account(5)));
		assert_ok!(Registration::set_account_ban_status(RuntimeOrigin::root(), account(5), false));
		assert!(!BannedAccounts::<Test>::contains_key(account(5)));
		assert_eq!(
			registration_events(),
			vec![
				Event::AccountBanStatusChanged { account: account(5), banned: true },
				Event::AccountBanStatusChanged { account: account(5), banned: false },
			]
		);
	});
}

#[test]
fn set_account_ban_status_fails_bad_origin() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_account_ban_status(
				RuntimeOrigin::signed(account(1)),
				account(5),
				true
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_whitelisted_validators_works() {
	new_test_ext(|| {
		let list = vec![account(1), account(2)];
		assert_ok!(Registration::set_whitelisted_validators(
			RuntimeOrigin::root(),
			list.clone().try_into().unwrap()
		));
		assert_eq!(WhitelistedValidators::<Test>::get().into_inner(), list);
		assert_ok!(Registration::set_whitelisted_validators(
			RuntimeOrigin::root(),
			Default::default()
		));
		assert!(WhitelistedValidators::<Test>::get().is_empty());
		assert_eq!(
			registration_events(),
			vec![Event::WhitelistUpdated { count: 2 }, Event::WhitelistUpdated { count: 0 }]
		);
	});
}

#[test]
fn set_whitelisted_validators_fails_duplicate_validator() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_whitelisted_validators(
				RuntimeOrigin::root(),
				vec![account(1), account(2), account(1)].try_into().unwrap()
			),
			Error::<Test>::DuplicateValidator
		);
	});
}

#[test]
fn set_whitelisted_validators_fails_bad_origin() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_whitelisted_validators(
				RuntimeOrigin::signed(account(1)),
				Default::default()
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_deregistration_enabled_works() {
	new_test_ext(|| {
		assert_ok!(Registration::set_deregistration_enabled(RuntimeOrigin::root(), false));
		assert!(!DeregistrationEnabled::<Test>::get());
		assert_ok!(Registration::set_deregistration_enabled(RuntimeOrigin::root(), true));
		assert!(DeregistrationEnabled::<Test>::get());
		assert_eq!(
			registration_events(),
			vec![
				Event::DeregistrationStatusChanged { enabled: false },
				Event::DeregistrationStatusChanged { enabled: true }
			]
		);
	});
}

#[test]
fn set_deregistration_enabled_fails_bad_origin() {
	new_test_ext(|| {
		assert_noop!(
			Registration::set_deregistration_enabled(RuntimeOrigin::signed(account(1)), true),
			DispatchError::BadOrigin
		);
	});
}
