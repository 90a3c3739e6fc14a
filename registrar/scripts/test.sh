#!/usr/bin/env bash
# The registrar's checks and tests: formatting, clippy (warnings denied), unit tests, and the
# end-to-end tests that run the registrar against the dev chain (chopsticks serving the dev
# runtime's raw chain spec). Prepares what the end-to-end tests need first: the chain spec
# (scripts/build-chain-spec.sh, which builds the runtime and its wasm toolchain when needed)
# and the pinned npm packages (scripts/setup-node-deps.sh). The end-to-end tests must run
# here: a missing prerequisite fails them instead of skipping them. Each end-to-end test runs
# its own chain on its own port, so they run in parallel: REGISTRAR_TEST_THREADS at a time
# (default 4: on 2 cores more gain nothing, the chains' CPU is the limit).
#
# Usage: registrar/scripts/test.sh [--skip-chain-setup]
#   --skip-chain-setup  the spec and node_modules are already prepared (e.g. by scripts/test.sh)
#
# The project's CI (scripts/test.sh) does not call this: it lints and tests the registrar with
# the rest of the workspace, in one build. This is the registrar's own loop for its developers.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
export CARGO_TERM_COLOR=never

step() { printf '\n== registrar: %s\n' "$*"; }

need_rust_components rustfmt clippy

step "format"
cargo fmt -p registrar -- --check

step "clippy (warnings denied)"
cargo clippy --locked -p registrar --no-deps --all-targets -- -D warnings

spec="$PWD/target/registration-dev-spec.json"
if [ "${1:-}" != "--skip-chain-setup" ]; then
	step "dev chain: chain spec and chopsticks"
	scripts/build-chain-spec.sh target/registration-dev-spec.json
	scripts/setup-node-deps.sh
fi

step "tests: unit, then end-to-end against the dev chain (one chain per test, in parallel)"
REGISTRAR_E2E_REQUIRED=1 REGISTRATION_SPEC="${REGISTRATION_SPEC:-$spec}" \
	cargo test --locked -p registrar -- --test-threads="${REGISTRAR_TEST_THREADS:-4}"
