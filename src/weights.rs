//! Weights of the registration pallet's calls and hook steps.
//!
//! MEASURED NATIVELY, as an interim until the dev runtime's wasm is benchmarked with
//! frame-omni-bencher: every benchmark of `src/benchmarking.rs` ran through frame-benchmarking's
//! own `run_benchmark` on the shared mock runtime (native code, release build) and
//! `Analysis::median_slopes` fitted the results. Storage reads and writes are counted per distinct
//! key by the runner's counting externalities (as the bencher's database backend does); proof
//! sizes are the bencher's default `MaxEncodedLen` estimate (trie path for a 1,000,000-entry map
//! plus 2 extra layers per prefix, plus the item's largest value). Native code usually runs faster
//! than wasm, so treat the ref_time here as a lower bound.
//!
//! DATE: 2026-11-25, MACHINE: AMD EPYC (2 cores)
//! STEPS: 20, REPEAT: 50
//! COMMAND: `cargo run --release -p registration-native-weights -- --steps 20 --repeat 50`
//!          (script: `benchmarks/native-weights.sh`)

#![allow(unused_parens, unused_imports, unused_variables)]
#![allow(clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed by the pallet.
pub trait WeightInfo {
	/// Weight of `force_register_coldkey_node`.
	fn force_register_coldkey_node() -> Weight;
	/// Weight of `register_node_with_coldkey`.
	fn register_node_with_coldkey() -> Weight;
	/// Weight of `set_node_status_to_degraded`.
	fn set_node_status_to_degraded() -> Weight;
	/// Weight of `set_fee_charging`.
	fn set_fee_charging() -> Weight;
	/// Weight of `set_node_type_fee`.
	fn set_node_type_fee() -> Weight;
	/// Weight of `set_node_type_disabled`.
	fn set_node_type_disabled() -> Weight;
	/// Weight of `force_unregister_coldkey_node`.
	fn force_unregister_coldkey_node() -> Weight;
	/// Weight of `unregister_main_node`.
	fn unregister_main_node() -> Weight;
	/// Weight of `swap_node_owner`.
	fn swap_node_owner() -> Weight;
	/// Weight of `submit_deregistration_report`.
	fn submit_deregistration_report(n: u32) -> Weight;
	/// Weight of `set_account_ban_status`.
	fn set_account_ban_status() -> Weight;
	/// Weight of `set_whitelisted_validators`.
	fn set_whitelisted_validators(n: u32) -> Weight;
	/// Weight of `set_deregistration_enabled`.
	fn set_deregistration_enabled() -> Weight;
	/// Weight of `on_initialize_base`.
	fn on_initialize_base() -> Weight;
	/// Weight of `tally_reports`.
	fn tally_reports(n: u32) -> Weight;
	/// Weight of `prune_expired_item`.
	fn prune_expired_item() -> Weight;
	/// Weight of `prune_expired_block`.
	fn prune_expired_block() -> Weight;
}

/// Weights for the pallet, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Measured over 50 runs.
	fn force_register_coldkey_node() -> Weight {
		Weight::from_parts(9424000, 14191)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Measured over 50 runs.
	fn register_node_with_coldkey() -> Weight {
		Weight::from_parts(69324000, 57485)
			.saturating_add(T::DbWeight::get().reads(17))
			.saturating_add(T::DbWeight::get().writes(12))
	}
	/// Measured over 50 runs.
	fn set_node_status_to_degraded() -> Weight {
		Weight::from_parts(4787000, 3631)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn set_fee_charging() -> Weight {
		Weight::from_parts(2914000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn set_node_type_fee() -> Weight {
		Weight::from_parts(3455000, 0).saturating_add(T::DbWeight::get().writes(2))
	}
	/// Measured over 50 runs.
	fn set_node_type_disabled() -> Weight {
		Weight::from_parts(2954000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn force_unregister_coldkey_node() -> Weight {
		Weight::from_parts(12188000, 10594)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(12))
	}
	/// Measured over 50 runs.
	fn unregister_main_node() -> Weight {
		Weight::from_parts(12209000, 10594)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(12))
	}
	/// Measured over 50 runs.
	fn swap_node_owner() -> Weight {
		Weight::from_parts(11808000, 29690)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	/// Measured over 203 runs.
	/// The range of component `n` is `[1, 4]`.
	fn submit_deregistration_report(n: u32) -> Weight {
		Weight::from_parts(10265333, 21773)
			.saturating_add(Weight::from_parts(2814333, 2641).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().reads((1 as u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Measured over 50 runs.
	fn set_account_ban_status() -> Weight {
		Weight::from_parts(3075000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
	/// Measured over 458 runs.
	/// The range of component `n` is `[0, 8]`.
	fn set_whitelisted_validators(n: u32) -> Weight {
		Weight::from_parts(2944000, 0)
			.saturating_add(Weight::from_parts(3666, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn set_deregistration_enabled() -> Weight {
		Weight::from_parts(2884000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn on_initialize_base() -> Weight {
		Weight::from_parts(280000, 998)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Measured over 458 runs.
	/// The range of component `n` is `[0, 8]`.
	fn tally_reports(n: u32) -> Weight {
		Weight::from_parts(1000, 10403)
			.saturating_add(Weight::from_parts(9831500, 2641).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().reads((1 as u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(3))
			.saturating_add(T::DbWeight::get().writes((10 as u64).saturating_mul(n.into())))
	}
	/// Measured over 50 runs.
	fn prune_expired_item() -> Weight {
		Weight::from_parts(2023000, 11574)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Measured over 50 runs.
	fn prune_expired_block() -> Weight {
		Weight::from_parts(1102000, 4483)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

/// For tests and the mock: RocksDB database weights.
impl WeightInfo for () {
	/// Measured over 50 runs.
	fn force_register_coldkey_node() -> Weight {
		Weight::from_parts(9424000, 14191)
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(5))
	}
	/// Measured over 50 runs.
	fn register_node_with_coldkey() -> Weight {
		Weight::from_parts(69324000, 57485)
			.saturating_add(RocksDbWeight::get().reads(17))
			.saturating_add(RocksDbWeight::get().writes(12))
	}
	/// Measured over 50 runs.
	fn set_node_status_to_degraded() -> Weight {
		Weight::from_parts(4787000, 3631)
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn set_fee_charging() -> Weight {
		Weight::from_parts(2914000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn set_node_type_fee() -> Weight {
		Weight::from_parts(3455000, 0).saturating_add(RocksDbWeight::get().writes(2))
	}
	/// Measured over 50 runs.
	fn set_node_type_disabled() -> Weight {
		Weight::from_parts(2954000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn force_unregister_coldkey_node() -> Weight {
		Weight::from_parts(12188000, 10594)
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().writes(12))
	}
	/// Measured over 50 runs.
	fn unregister_main_node() -> Weight {
		Weight::from_parts(12209000, 10594)
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().writes(12))
	}
	/// Measured over 50 runs.
	fn swap_node_owner() -> Weight {
		Weight::from_parts(11808000, 29690)
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().writes(7))
	}
	/// Measured over 203 runs.
	/// The range of component `n` is `[1, 4]`.
	fn submit_deregistration_report(n: u32) -> Weight {
		Weight::from_parts(10265333, 21773)
			.saturating_add(Weight::from_parts(2814333, 2641).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().reads((1 as u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	/// Measured over 50 runs.
	fn set_account_ban_status() -> Weight {
		Weight::from_parts(3075000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	/// Measured over 458 runs.
	/// The range of component `n` is `[0, 8]`.
	fn set_whitelisted_validators(n: u32) -> Weight {
		Weight::from_parts(2944000, 0)
			.saturating_add(Weight::from_parts(3666, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn set_deregistration_enabled() -> Weight {
		Weight::from_parts(2884000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	/// Measured over 50 runs.
	fn on_initialize_base() -> Weight {
		Weight::from_parts(280000, 998)
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	/// Measured over 458 runs.
	/// The range of component `n` is `[0, 8]`.
	fn tally_reports(n: u32) -> Weight {
		Weight::from_parts(1000, 10403)
			.saturating_add(Weight::from_parts(9831500, 2641).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().reads((1 as u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(3))
			.saturating_add(RocksDbWeight::get().writes((10 as u64).saturating_mul(n.into())))
	}
	/// Measured over 50 runs.
	fn prune_expired_item() -> Weight {
		Weight::from_parts(2023000, 11574)
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(4))
	}
	/// Measured over 50 runs.
	fn prune_expired_block() -> Weight {
		Weight::from_parts(1102000, 4483)
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().writes(2))
	}
}
