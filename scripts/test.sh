#!/usr/bin/env bash
# Runs every check and test of the project: formatting, clippy (all features, warnings denied),
# the no_std build, all tests (unit, mock runtime, vectors, departures), and the benchmark test
# suite, then the end-to-end tests: the dev runtime on a local chain (chopsticks) driven through
# @polkadot/api, and the registrar's unit and end-to-end tests (registrar/scripts/test.sh).
# Installs what it needs: rustfmt and clippy, a wasm toolchain (scripts/setup-wasm-toolchain.sh)
# and the pinned npm packages (scripts/setup-node-deps.sh).
# Cold on a fresh 2-core machine: about 25 minutes; warm: about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pallet-registration-target}"
export CARGO_TERM_COLOR=never
# The wasm build of the dev runtime runs in its own cargo; point it at this workspace's lock file.
export WASM_BUILD_WORKSPACE_HINT="$PWD"

step() { printf '\n== %s\n' "$*"; }

for component in rustfmt clippy; do
	rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done

step "format"
cargo fmt --all -- --check

# The pallet alone first (default features), then everything with every feature.
step "clippy (the pallet with default features, then the workspace with every feature)"
cargo clippy --locked -p pallet-registration --all-targets -- -D warnings
SKIP_WASM_BUILD=1 cargo clippy --locked --workspace --all-targets \
	--features pallet-registration/runtime-benchmarks,pallet-registration/try-runtime -- -D warnings

step "no_std build"
cargo check --locked -p pallet-registration --no-default-features
# runtime-benchmarks without std only builds for wasm (frame-benchmarking's host functions)
cargo check --locked -p pallet-registration --no-default-features --features try-runtime

step "tests"
cargo test --locked -p pallet-registration
SKIP_WASM_BUILD=1 cargo test --locked -p registration-dev-runtime --lib

step "benchmark test suite"
cargo test --locked -p pallet-registration --features runtime-benchmarks --lib benchmarking

step "end-to-end: dev runtime on a local chain"
scripts/build-chain-spec.sh target/registration-dev-spec.json
scripts/setup-node-deps.sh
(cd e2e && REGISTRATION_SPEC="$PWD/../target/registration-dev-spec.json" npm test)

step "registrar: unit tests and end-to-end tests against the dev chain"
registrar/scripts/test.sh --skip-chain-setup
