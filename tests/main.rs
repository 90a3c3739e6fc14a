//! The pallet's mock-runtime tests: one test binary, one module per concern.
//!
//! `common` holds the mock runtime (real pallet-balances and pallet-staking) and the state
//! machine's model; the benchmark test suite (`src/benchmarking.rs`), the fuzz targets and the
//! performance harness include the same files.

// `try_state` is compiled only with `try-runtime` (or in the pallet's own unit tests), and these
// tests check it after every test: say so instead of failing on a missing function.
#[cfg(not(feature = "try-runtime"))]
compile_error!(
	"the mock-runtime tests check the pallet's invariants (`try_state`) after every test: \
	 run them with `--features try-runtime` (scripts/test.sh does)"
);

mod common;

mod consent;
mod departures;
mod deregistration;
// The bare (`ValidateUnsigned`) path is tested until FRAME removes it.
#[allow(deprecated)]
mod discovery;
mod governance;
mod hooks;
mod hostile;
mod lifecycle;
mod migration;
mod register;
// The bare path is tested until FRAME removes it.
#[allow(deprecated)]
mod review3;
mod rotation;
mod state_machine;
mod upgrade;
mod vectors;
