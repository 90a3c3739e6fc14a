//! Arbitrary sequences of calls and block advances (five bytes an operation, up to 64) against
//! the model of `tests/common/state_machine.rs`: any disagreement, a failed call that changed
//! storage or a broken invariant aborts. Prints the number of steps run every 10,000 steps (so
//! that a run's count is known to within 10,000 when libFuzzer stops it).
#![no_main]

#[path = "../../tests/common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod common;

use common::state_machine::{run, Op};
use libfuzzer_sys::fuzz_target;
use std::sync::atomic::{AtomicU64, Ordering};

static STEPS: AtomicU64 = AtomicU64::new(0);

fuzz_target!(|data: &[u8]| {
	let steps = match run(Op::sequence_from_bytes(data)) {
		Ok(outcomes) => outcomes.len() as u64,
		Err(disagreement) => panic!("{disagreement}"),
	};
	let before = STEPS.fetch_add(steps, Ordering::Relaxed);
	if (before + steps) / 10_000 > before / 10_000 {
		eprintln!("state machine steps: {}", before + steps);
	}
});
