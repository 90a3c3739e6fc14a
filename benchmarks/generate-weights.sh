#!/usr/bin/env bash
# Generates src/weights.rs with frame-omni-bencher, the way chains measure weights: the dev
# runtime's wasm is built with `runtime-benchmarks` and every benchmark of the pallet runs in it.
#
# The bencher is installed when missing into $BENCHER_ROOT (default $HOME/.cache/frame-omni-bencher):
# a release build of about 975 crates (RocksDB and wasmtime among them), 2.8 GiB peak; start it
# early, in the background. Registration is measured with 100,000 nodes and used challenges
# stored, and that state is set up again for each of its 21 runs. Measured times:
# docs/development.md, "Weights".
#
# Usage: benchmarks/generate-weights.sh [--steps N] [--repeat N] [--extrinsic A,B,… --output FILE]
# (defaults: 50 steps, 20 repeats, every benchmark into src/weights.rs). A subset goes to its own
# file, whose functions then replace their namesakes in src/weights.rs by hand. The bencher's own
# output goes to benchmarks/results/: omni-results.txt, or FILE's name with .txt for a subset.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
BENCHER_ROOT="${BENCHER_ROOT:-$HOME/.cache/frame-omni-bencher}"
BENCHER="$BENCHER_ROOT/bin/frame-omni-bencher"
STEPS=50
REPEAT=20
EXTRINSIC='*'
OUTPUT=src/weights.rs
RESULTS=benchmarks/results/omni-results.txt
while [ $# -gt 0 ]; do
	case "$1" in
		--steps) STEPS="$2"; shift 2 ;;
		--repeat) REPEAT="$2"; shift 2 ;;
		--extrinsic) EXTRINSIC="$2"; shift 2 ;;
		--output) OUTPUT="$2"; RESULTS="benchmarks/results/$(basename "${2%.rs}").txt"; shift 2 ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done

if [ ! -x "$BENCHER" ]; then
	if ! command -v protoc >/dev/null || ! dpkg -s libclang-dev >/dev/null 2>&1; then
		apt-get update -qq && apt-get install -y -qq protobuf-compiler libclang-dev >/dev/null
	fi
	echo "installing frame-omni-bencher 0.28.0 into $BENCHER_ROOT (a long release build)" >&2
	SKIP_WASM_BUILD=1 CARGO_TARGET_DIR="$HOME/.cache/omni-target" \
		cargo install frame-omni-bencher --version 0.28.0 --locked --root "$BENCHER_ROOT"
fi

use_wasm_toolchain
mkdir -p benchmarks/results
cargo build --release --locked -p registration-dev-runtime --features runtime-benchmarks
# A normal build writes the same path: keep this wasm aside.
wasm=target/registration-dev-runtime-benchmarks.wasm
mkdir -p target
cp "$CARGO_TARGET_DIR/release/wbuild/registration-dev-runtime/registration_dev_runtime.compact.compressed.wasm" "$wasm"

"$BENCHER" v1 benchmark pallet \
	--runtime "$wasm" \
	--pallet pallet_registration \
	--extrinsic "$EXTRINSIC" \
	--steps "$STEPS" \
	--repeat "$REPEAT" \
	--min-duration 0 \
	--template benchmarks/weight-template.hbs \
	--output "$OUTPUT" \
	| tee "$RESULTS"
