//! Genesis presets: `development` (also what frame-omni-bencher asks for) and `local_testnet`.
//!
//! Both fund the well-known dev accounts, make Alice the sudo key and switch fee charging and
//! deregistration by validators on.

use crate::{
	registration::{DEPOSIT, INITIAL_FEE},
	AccountId, BalancesConfig, RegistrationConfig, RuntimeGenesisConfig, SudoConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use pallet_registration::NodeType;
use sp_genesis_builder::PresetId;
use sp_keyring::Sr25519Keyring;

/// Each dev account's starting balance: a million units.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// The well-known dev accounts (Alice, Bob, Charlie, Dave, Eve, Ferdie, One, Two).
pub fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

/// The genesis of the development chain.
pub fn development() -> serde_json::Value {
	frame_support::build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: dev_accounts().into_iter().map(|a| (a, ENDOWMENT)).collect(),
		},
		sudo: SudoConfig { key: Some(Sr25519Keyring::Alice.to_account_id()) },
		registration: RegistrationConfig {
			fee_charging_enabled: true,
			deregistration_enabled: true,
			initial_fees: NodeType::ALL.iter().map(|t| (*t, INITIAL_FEE)).collect(),
			// Compute and GPU miners, the fleets' types, are bonded; the others keep the
			// reference's rule (no deposit), so both are on one chain.
			deposits: [NodeType::ComputeMiner, NodeType::GpuMiner]
				.into_iter()
				.filter(|_| DEPOSIT > 0)
				.map(|t| (t, DEPOSIT))
				.collect(),
		},
	})
}

/// The genesis preset named `id`, as JSON.
pub fn preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET
		| sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => development(),
		_ => return None,
	};
	Some(serde_json::to_string(&patch).ok()?.into_bytes())
}

/// The names of the presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
