#!/usr/bin/env bash
# Measures the pallet's benchmarks natively on the mock runtime and rewrites src/weights.rs.
#
# The interim weight source until the dev runtime's wasm is benchmarked with frame-omni-bencher:
# see the header of src/weights.rs for what is measured and how. Takes about 5 minutes on a
# 2-core machine after a release build of the workspace (about 6 minutes cold).
#
# Usage: benchmarks/native-weights.sh [--steps N] [--repeat N]   (defaults: 10 steps, 20 repeats)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pallet-registration-target}"
cargo run --release --locked -p registration-native-weights -- --output src/weights.rs "$@" \
	| tee benchmarks/native-results.txt
cargo fmt --all
