#!/usr/bin/env bash
# Builds the dev runtime (native and wasm) and writes its raw chain spec to
# target/registration-dev-spec.json (or $1). Prepares the wasm toolchain first when needed.
set -euo pipefail
. "$(dirname "$0")/env.sh"
spec="${1:-target/registration-dev-spec.json}"

use_wasm_toolchain
cargo build --locked -p registration-dev-runtime --bin chain-spec
"$CARGO_TARGET_DIR/debug/chain-spec" "$spec"
