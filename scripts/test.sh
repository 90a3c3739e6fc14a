#!/usr/bin/env bash
# Runs every check and test of the project: formatting, clippy (every crate and target, all
# features, warnings denied), the pallet's no_std build, the pallet's and the registrar's
# rustdoc (warnings and broken intra-doc links denied), all tests (the pallet's unit and
# mock-runtime tests and its benchmark test suite, the dev runtime's, the registrar's unit and
# end-to-end tests; the pallet's and the runtime's again without the bare fee-less path), the
# README's quick start (scripts/quickstart.sh), the JS client's unit tests (js/client, no
# chain), then the JS end-to-end tests: the dev runtime on a local chain
# (chopsticks) driven through the JS client on @polkadot/api, including a runtime upgrade from
# the reference pallet's layout after which the reference chain's Python SDK registers a node,
# and the registry console (js/console) in headless chromium with a wallet shim.
# Installs what it needs: rustfmt and clippy, a wasm toolchain (scripts/setup-wasm-toolchain.sh),
# the pinned npm packages (scripts/setup-node-deps.sh), Debian's chromium
# (scripts/setup-browser.sh) and the pinned Python SDK (scripts/setup-python-sdk.sh). Measured
# times: docs/development.md, "Timings".
#
# Everything Rust is compiled once, in one feature set: clippy is the compiler of the workspace's
# own crates during the one build (RUSTC_WORKSPACE_WRAPPER, as `cargo clippy` itself does), and
# the tests reuse that build. The plain no_std build of the pallet is the dev runtime's wasm.
set -euo pipefail
. "$(dirname "$0")/env.sh"
export CARGO_TERM_COLOR=never

FEATURES=pallet-registration/runtime-benchmarks,pallet-registration/try-runtime
LOGS="$CARGO_TARGET_DIR/ci-logs"
mkdir -p "$LOGS" target

# Background jobs (the downloads) do not outlive a failed step.
trap 'jobs -p | xargs -r kill 2>/dev/null' EXIT

started=$SECONDS
# A TCP port free on 127.0.0.1 now.
free_port() {
	node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}
step() { printf '\n== [%4ss] %s\n' "$((SECONDS - started))" "$*"; }
# A background job's log is shown when it fails.
finish() {
	local pid=$1 log=$2
	if ! wait "$pid"; then
		cat "$log" >&2
		return 1
	fi
}

need_rust_components rustfmt clippy

step "format"
cargo fmt --all -- --check

step "polkadot-sdk release: every SDK crate at the release Cargo.toml names (scripts/sdk-release.py)"
python3 scripts/sdk-release.py check

# Downloads and the wasm toolchain run beside the first cargo job.
scripts/setup-node-deps.sh >"$LOGS/node-deps.log" 2>&1 &
node_deps=$!
scripts/setup-python-sdk.sh >"$LOGS/python-sdk.log" 2>&1 &
python_sdk=$!
scripts/setup-browser.sh >"$LOGS/browser.log" 2>&1 &
browser=$!
scripts/setup-wasm-toolchain.sh >"$LOGS/wasm-toolchain.out" 2>"$LOGS/wasm-toolchain.log" &
wasm_toolchain=$!

step "no_std build of the pallet with try-runtime (the plain one is the runtime's wasm)"
cargo check --locked -p pallet-registration --no-default-features --features try-runtime

# Beside the downloads too; rustdoc checks the dependencies in a mode of its own (metadata only).
step "docs: rustdoc of the pallet and the registrar, warnings and broken intra-doc links denied"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p pallet-registration -p registrar

finish "$wasm_toolchain" "$LOGS/wasm-toolchain.log"
toolchain=$(tail -n 1 "$LOGS/wasm-toolchain.out")
[ -n "$toolchain" ] && export WASM_BUILD_TOOLCHAIN="$toolchain"

step "build everything once, linted: clippy -D warnings on every crate and target of the workspace"
export RUSTC_WORKSPACE_WRAPPER
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo build --locked --workspace --all-targets --features "$FEATURES"

step "chain spec of the dev runtime, and its wasm with spec_version 2 (the upgrade test's)"
"$CARGO_TARGET_DIR/debug/chain-spec" target/registration-dev-spec.json
"$CARGO_TARGET_DIR/debug/chain-spec" --next-spec-wasm target/registration-dev-next-spec.wasm
finish "$node_deps" "$LOGS/node-deps.log"

# After the build: the package's own build reuses its dependencies (the same features).
step "the pallet as crates.io gets it: its file list, and cargo publish --dry-run (scripts/check-package.sh)"
scripts/check-package.sh

# Four at a time: each registrar end-to-end test runs its own chain on its own port.
step "tests: pallet, benchmark suite, dev runtime, registrar (unit and end-to-end against the dev chain)"
REGISTRAR_E2E_REQUIRED=1 REGISTRATION_SPEC="$PWD/target/registration-dev-spec.json" \
	cargo test --locked --workspace --features "$FEATURES" -- --test-threads=4

# FRAME removes the bare (ValidateUnsigned) path after April 2027: the pallet's suite (with the
# benchmark tests) and the dev runtime's tests pass without it, fee-less calls going as general
# transactions. Native only: the chain's wasm keeps the default.
step "tests without the bare fee-less path: pallet and dev runtime, feature bare-fee-less off"
SKIP_WASM_BUILD=1 cargo test --locked -p pallet-registration -p registration-dev-runtime --no-default-features \
	--features pallet-registration/std,registration-dev-runtime/std,"$FEATURES" -- --test-threads=4

# The README's quick start, as written, with the registrar just built on the PATH and the chain
# on a free port (scripts/quickstart.sh checks first that it runs every command of the README).
step "the README's quick start (scripts/quickstart.sh) on the dev chain"
PATH="$CARGO_TARGET_DIR/debug:$PATH" PORT="$(free_port)" REGISTRAR_HTTP_ADDR="127.0.0.1:$(free_port)" CONSOLE_PORT="$(free_port)" \
	REGISTRATION_SPEC="$PWD/target/registration-dev-spec.json" scripts/quickstart.sh

step "JS client (js/client): unit tests, no chain"
(cd js/client && npm test)

# After the Rust tests, not beside them: both suites are CPU-bound on two cores (run together,
# the JS suite took 193 s instead of 84 s and the registrar's 164 s instead of 91 s).
finish "$python_sdk" "$LOGS/python-sdk.log"
finish "$browser" "$LOGS/browser.log"
# The console's test has the registrar just built sign on the node's host and check the consent
# file the page writes; its screenshots go to target/e2e/console-screenshots.
step "end-to-end: dev runtime on a local chain, through @polkadot/api; a runtime upgrade; the console in chromium"
(cd e2e && REGISTRATION_SPEC="$PWD/../target/registration-dev-spec.json" \
	REGISTRATION_NEXT_SPEC_WASM="$PWD/../target/registration-dev-next-spec.wasm" \
	REGISTRAR_BIN="$CARGO_TARGET_DIR/debug/registrar" npm test)

step "all passed"
