//! Weights of the calls and hook steps. PROVISIONAL: replaced by measured numbers.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by the pallet.
pub trait WeightInfo {
	fn force_register_coldkey_node() -> Weight;
	fn register_node_with_coldkey() -> Weight;
	fn set_node_status_to_degraded() -> Weight;
	fn set_fee_charging() -> Weight;
	fn set_node_type_fee() -> Weight;
	fn set_node_type_disabled() -> Weight;
	fn force_unregister_coldkey_node() -> Weight;
	fn unregister_main_node() -> Weight;
	fn swap_node_owner() -> Weight;
	fn submit_deregistration_report(n: u32) -> Weight;
	fn set_account_ban_status() -> Weight;
	fn set_whitelisted_validators(n: u32) -> Weight;
	fn set_deregistration_enabled() -> Weight;
	fn on_initialize_base() -> Weight;
	fn tally_reports(n: u32) -> Weight;
	fn prune_expired_item() -> Weight;
	fn prune_expired_block() -> Weight;
}

impl WeightInfo for () {
	fn force_register_coldkey_node() -> Weight {
		Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(3, 5))
	}
	fn register_node_with_coldkey() -> Weight {
		Weight::from_parts(150_000_000, 9000)
			.saturating_add(RocksDbWeight::get().reads_writes(16, 12))
	}
	fn set_node_status_to_degraded() -> Weight {
		Weight::from_parts(30_000_000, 3000).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn set_fee_charging() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn set_node_type_fee() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(2))
	}
	fn set_node_type_disabled() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn force_unregister_coldkey_node() -> Weight {
		Weight::from_parts(60_000_000, 5000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 14))
	}
	fn unregister_main_node() -> Weight {
		Weight::from_parts(60_000_000, 5000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 14))
	}
	fn swap_node_owner() -> Weight {
		Weight::from_parts(60_000_000, 5000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 7))
	}
	fn submit_deregistration_report(n: u32) -> Weight {
		Weight::from_parts(60_000_000, 8000)
			.saturating_add(Weight::from_parts(10_000_000, 2600).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(6, 3))
			.saturating_add(RocksDbWeight::get().reads(n.into()))
	}
	fn set_account_ban_status() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn set_whitelisted_validators(n: u32) -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(Weight::from_parts(100_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	fn set_deregistration_enabled() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn on_initialize_base() -> Weight {
		Weight::from_parts(5_000_000, 1500).saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn tally_reports(n: u32) -> Weight {
		Weight::from_parts(10_000_000, 8000)
			.saturating_add(Weight::from_parts(60_000_000, 5000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1))
			.saturating_add(RocksDbWeight::get().reads_writes(5, 14).saturating_mul(n.into()))
	}
	fn prune_expired_item() -> Weight {
		Weight::from_parts(20_000_000, 3000).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn prune_expired_block() -> Weight {
		Weight::from_parts(5_000_000, 1500).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
}
