#!/usr/bin/env bash
# Builds the dev runtime (native and wasm) and writes its raw chain spec to
# target/registration-dev-spec.json (or $1). Prepares the wasm toolchain first when needed.
# Cold: about 12-15 minutes on 2 cores; after an edit: about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pallet-registration-target}"
# The wasm build runs in its own cargo; point it at this workspace's lock file.
export WASM_BUILD_WORKSPACE_HINT="$PWD"
spec="${1:-target/registration-dev-spec.json}"

toolchain=$(scripts/setup-wasm-toolchain.sh | tail -n 1)
if [ -n "$toolchain" ]; then
	export WASM_BUILD_TOOLCHAIN="$toolchain"
fi
cargo build --locked -p registration-dev-runtime --bin chain-spec
"$CARGO_TARGET_DIR/debug/chain-spec" "$spec"
