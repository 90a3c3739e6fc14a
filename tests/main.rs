//! The pallet's mock-runtime tests: one test binary, one module per concern.
//!
//! `common` holds the mock runtime (real pallet-balances and pallet-staking) and the state
//! machine's model; the benchmark test suite (`src/benchmarking.rs`), the fuzz targets and the
//! performance harness include the same files.

// `try_state`'s checks (`Pallet::do_try_state`) are compiled with or without `try-runtime`:
// plain `cargo test` runs these tests and checks the invariants after each of them.

mod common;

mod consent;
mod departures;
mod deregistration;
// The bare (`ValidateUnsigned`) path is tested until FRAME removes it.
#[allow(deprecated)]
mod discovery;
mod fleets;
mod genesis;
mod governance;
mod hooks;
mod hostile;
mod lifecycle;
mod migration;
mod queries;
mod register;
// The bare path is tested until FRAME removes it.
#[allow(deprecated)]
mod review3;
mod rotation;
mod state_machine;
mod upgrade;
mod vectors;
