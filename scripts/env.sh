# The environment every script of this repository shares. Source it, do not run it:
#   . "$(dirname "$0")/../scripts/env.sh"
# It moves to the repository root and sets:
#   CARGO_TARGET_DIR            outside the clone, so clean clones reuse one build (override freely)
#   WASM_BUILD_WORKSPACE_HINT   the dev runtime's wasm is built by a nested cargo: use this
#                               workspace's Cargo.lock
#   HIPPIUS_VENV                the virtualenv with the reference chain's Python SDK, outside the
#                               clone (scripts/setup-python-sdk.sh; override freely)
# and defines:
#   need_rust_components NAME…  adds rustup components (rustfmt, clippy) that are missing
#   use_wasm_toolchain          makes wasm runtime builds possible (scripts/setup-wasm-toolchain.sh)
#                               and exports WASM_BUILD_TOOLCHAIN when a linked toolchain is needed
#   apt_install PACKAGE…        installs Debian packages, one apt at a time (the setup scripts run
#                               side by side, and apt takes one lock)
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pallet-registration-target}"
export WASM_BUILD_WORKSPACE_HINT="$REPO_ROOT"
export HIPPIUS_VENV="${HIPPIUS_VENV:-$HOME/.cache/pallet-registration-hippius-venv}"

need_rust_components() {
	local installed component
	installed=$(rustup component list --installed 2>/dev/null)
	for component in "$@"; do
		grep -q "^$component" <<<"$installed" || rustup component add "$component"
	done
}

use_wasm_toolchain() {
	local toolchain
	toolchain=$("$REPO_ROOT/scripts/setup-wasm-toolchain.sh" | tail -n 1)
	if [ -n "$toolchain" ]; then
		export WASM_BUILD_TOOLCHAIN="$toolchain"
	fi
}

apt_install() {
	local lock="${XDG_RUNTIME_DIR:-/tmp}/pallet-registration-apt.lock"
	(
		flock 9
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq "$@" >/dev/null
	) 9>"$lock"
}
