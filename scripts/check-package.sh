#!/usr/bin/env bash
# The pallet as crates.io would receive it: `cargo publish --dry-run` packages it and builds the
# package on its own (in the features CI builds, so the dependencies' build is reused), and the
# packaged file list holds only what a user needs (Cargo.toml's `include`): the pallet's source,
# its tests and their vectors, the README and the changelog.
set -euo pipefail
. "$(dirname "$0")/env.sh"
FEATURES="${FEATURES:-runtime-benchmarks,try-runtime}"

allowed='^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|CHANGELOG\.md|spec/vectors\.json|src/.*\.rs|tests/.*\.rs)$'
# --allow-dirty: a developer's uncommitted changes are checked too (CI's tree is clean).
files=$(cargo package --list --locked --allow-dirty -p pallet-registration)
if unexpected=$(grep -Ev "$allowed" <<<"$files"); then
	echo "the package holds files a user does not need:" >&2
	echo "$unexpected" >&2
	exit 1
fi
for needed in src/lib.rs tests/main.rs spec/vectors.json README.md CHANGELOG.md; do
	grep -qx "$needed" <<<"$files" || { echo "the package lacks $needed" >&2; exit 1; }
done
echo "package: $(wc -l <<<"$files") files"
cargo publish --dry-run --locked --allow-dirty -p pallet-registration --features "$FEATURES"
