#!/usr/bin/env bash
# Builds and runs the performance harness (release, native); writes benchmarks/results/.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
mkdir -p benchmarks/results
SKIP_WASM_BUILD=1 cargo run --release --locked -p registration-harness -- --csv benchmarks/results \
	| tee benchmarks/results/harness.txt
