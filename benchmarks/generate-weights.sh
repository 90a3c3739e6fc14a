#!/usr/bin/env bash
# Generates src/weights.rs with frame-omni-bencher, the way chains measure weights: the dev
# runtime's wasm is built with `runtime-benchmarks` and every benchmark of the pallet runs in it.
#
# The bencher is installed when missing into $BENCHER_ROOT (default $HOME/.cache/frame-omni-bencher):
# a release build of about 975 crates (RocksDB and wasmtime among them), 2.8 GiB peak; start it
# early, in the background. Measured times: docs/development.md, "Weights".
#
# Two runs, one file: the benchmarks on a filled registry (FILLED below: 100,000 nodes, used
# challenges and liveness entries, set up again for every run of the benchmark) run with fewer
# steps and repeats than the rest, since each of their runs costs seconds of set-up while the
# call itself varies by a few percent between runs. Each run renders its benchmarks through
# benchmarks/weight-template.hbs, and benchmarks/merge-weights.py joins the two files into one
# (the bencher's own re-rendering of saved JSON results would drop the proof sizes).
#
# Usage: benchmarks/generate-weights.sh [--steps N] [--repeat N] [--filled-steps N]
#        [--filled-repeat N] [--extrinsic A,B,… --output FILE]
# (defaults: 50 steps and 20 repeats, 10 and 5 on a filled registry, every benchmark into
# src/weights.rs). A subset goes to its own file, whose functions then replace their namesakes:
# `benchmarks/merge-weights.py --replace src/weights.rs src/weights.rs FILE`. The bencher's own
# output goes to benchmarks/results/: omni-results.txt, or FILE's name with .txt for a subset.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
BENCHER_ROOT="${BENCHER_ROOT:-$HOME/.cache/frame-omni-bencher}"
BENCHER="$BENCHER_ROOT/bin/frame-omni-bencher"
STEPS=50
REPEAT=20
FILLED_STEPS=10
FILLED_REPEAT=5
FILLED=register_node_with_coldkey,register_node_with_consent,register_node_with_max_fee,rotate_node_key,heartbeat,heartbeat_back_online,authorize_heartbeat,sweep_offline_items
EXTRINSIC='*'
OUTPUT=src/weights.rs
RESULTS=benchmarks/results/omni-results.txt
while [ $# -gt 0 ]; do
	case "$1" in
		--steps) STEPS="$2"; shift 2 ;;
		--repeat) REPEAT="$2"; shift 2 ;;
		--filled-steps) FILLED_STEPS="$2"; shift 2 ;;
		--filled-repeat) FILLED_REPEAT="$2"; shift 2 ;;
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

raw=target/weights-raw
rm -rf "$raw" && mkdir -p "$raw"
bench() { # bench STEPS REPEAT FILE ARGS…: one run of the bencher, its weights into FILE
	local steps="$1" repeat="$2" file="$3"
	shift 3
	"$BENCHER" v1 benchmark pallet --runtime "$wasm" --pallet pallet_registration \
		--steps "$steps" --repeat "$repeat" --min-duration 0 \
		--template benchmarks/weight-template.hbs --output "$file" "$@"
}
filled_pattern="^(${FILLED//,/|})$"
if [ "$EXTRINSIC" = '*' ]; then
	bench "$STEPS" "$REPEAT" "$raw/plain.rs" --extrinsic '*' \
		--exclude-extrinsics "$(sed 's/\([^,]*\)/pallet_registration::\1/g' <<<"$FILLED")" | tee "$RESULTS"
	bench "$FILLED_STEPS" "$FILLED_REPEAT" "$raw/filled.rs" --extrinsic "$FILLED" | tee -a "$RESULTS"
else
	# A subset: each of its benchmarks with the steps and repeats of its kind.
	plain=() filled=()
	for name in ${EXTRINSIC//,/ }; do
		if [[ "$name" =~ $filled_pattern ]]; then filled+=("$name"); else plain+=("$name"); fi
	done
	: >"$RESULTS"
	if [ ${#plain[@]} -gt 0 ]; then
		list="${plain[*]}"
		bench "$STEPS" "$REPEAT" "$raw/plain.rs" --extrinsic "${list// /,}" | tee -a "$RESULTS"
	fi
	if [ ${#filled[@]} -gt 0 ]; then
		list="${filled[*]}"
		bench "$FILLED_STEPS" "$FILLED_REPEAT" "$raw/filled.rs" --extrinsic "${list// /,}" | tee -a "$RESULTS"
	fi
fi
files=()
for run in plain filled; do
	if [ -f "$raw/$run.rs" ]; then files+=("$raw/$run.rs"); fi
done
python3 benchmarks/merge-weights.py "$OUTPUT" "${files[@]}"
