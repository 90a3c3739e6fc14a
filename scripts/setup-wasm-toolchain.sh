#!/usr/bin/env bash
# Makes WebAssembly runtime builds possible on this machine; idempotent.
#
# Where rustup can download targets, it adds `wasm32v1-none` and exits. Otherwise (the project's
# build machines reach only crates.io, PyPI, Debian and npm) it installs Debian's `rustc-web`
# toolchain, links it into rustup as `debian-web`, and builds its wasm standard library once with
# `-Z build-std` (embed-bitcode is required: the runtime links with LTO). Prints the toolchain
# name to use as WASM_BUILD_TOOLCHAIN on its last line ("" when rustup's own target works).
set -euo pipefail

log() { printf '[wasm-toolchain] %s\n' "$*" >&2; }

if rustup target list --installed 2>/dev/null | grep -qx wasm32v1-none; then
	echo ""
	exit 0
fi
if rustup target add wasm32v1-none >/dev/null 2>&1; then
	log "added rustup target wasm32v1-none"
	echo ""
	exit 0
fi

SYSROOT_LIB=/usr/lib/rustlib/wasm32v1-none/lib
if ! command -v rustc-web >/dev/null 2>&1 && ! [ -x /usr/bin/rustc-web ] && ! dpkg -s rustc-web >/dev/null 2>&1; then
	log "installing Debian's rustc-web toolchain"
	# shellcheck source=scripts/env.sh
	(. "$(dirname "$0")/env.sh" && apt_install rustc-web cargo-web rust-web-src lld-22)
fi
if ! rustup toolchain list | grep -q '^debian-web'; then
	rustup toolchain link debian-web /usr
fi

if ! ls "$SYSROOT_LIB"/libcore-*.rlib >/dev/null 2>&1; then
	log "building the wasm32v1-none standard library"
	work=$(mktemp -d)
	mkdir -p "$work/src"
	cat > "$work/Cargo.toml" <<'TOML'
[package]
name = "wasm-std-builder"
version = "0.0.0"
edition = "2021"
[lib]
path = "src/lib.rs"
[profile.release]
panic = "abort"
TOML
	echo '#![no_std]' > "$work/src/lib.rs"
	(
		cd "$work"
		RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C embed-bitcode=yes" CARGO_TARGET_DIR="$work/target" \
			cargo +debian-web build --release -Z build-std=core,alloc --target wasm32v1-none -q
	)
	mkdir -p "$SYSROOT_LIB"
	cp "$work"/target/wasm32v1-none/release/deps/lib{core,alloc,compiler_builtins}-*.rlib "$SYSROOT_LIB"/
	rm -rf "$work"
	log "installed the wasm standard library into $SYSROOT_LIB"
fi
echo "debian-web"
