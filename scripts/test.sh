#!/usr/bin/env bash
# Runs every check and test of the project: formatting, clippy (all features, warnings denied),
# the no_std build, all tests (unit, mock runtime, vectors, departures), and the benchmark test
# suite. Installs nothing beyond what rustup already provides: rustfmt and clippy components.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pallet-registration-target}"
export CARGO_TERM_COLOR=never

step() { printf '\n== %s\n' "$*"; }

for component in rustfmt clippy; do
	rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done

step "format"
cargo fmt --all -- --check

# The pallet alone first: in a workspace build the weight runner turns on runtime-benchmarks.
step "clippy (the pallet with default features, then the workspace with every feature)"
cargo clippy --locked -p pallet-registration --all-targets -- -D warnings
cargo clippy --locked --workspace --all-targets \
	--features pallet-registration/runtime-benchmarks,pallet-registration/try-runtime -- -D warnings

step "no_std build"
cargo check --locked -p pallet-registration --no-default-features
# runtime-benchmarks without std only builds for wasm (frame-benchmarking's host functions)
cargo check --locked -p pallet-registration --no-default-features --features try-runtime

step "tests"
cargo test --locked -p pallet-registration

step "benchmark test suite"
cargo test --locked -p pallet-registration --features runtime-benchmarks --lib benchmarking
