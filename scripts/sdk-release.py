#!/usr/bin/env python3
"""The polkadot-sdk release every crate of this repository builds on, named in one place.

The root Cargo.toml's `[workspace.metadata.polkadot-sdk]` names the release (`release`, e.g.
stable2609) and its umbrella crate's version (`umbrella`, e.g. 2609.2.0). The umbrella crate
`polkadot-sdk` lists the version of every SDK crate of that release; every SDK crate a manifest
here depends on (the pallet, the dev runtime, the registrar, the harness, the fuzz targets) must
be at that version.

  scripts/sdk-release.py check                   every SDK pin is the named release's (CI runs it)
  scripts/sdk-release.py move 2612.1.0 stable2612   moves every pin and the name to that release,
                                                  then prints what else the move takes

The umbrella's manifest comes from cargo's registry cache, or from static.crates.io.
"""
import glob
import io
import os
import re
import sys
import tarfile
import tomllib
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFESTS = ["Cargo.toml", "runtime/Cargo.toml", "registrar/Cargo.toml", "benchmarks/harness/Cargo.toml", "fuzz/Cargo.toml"]
SECTIONS = ("dependencies", "dev-dependencies", "build-dependencies")


def named_release():
    with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
        meta = tomllib.load(f)["workspace"]["metadata"]["polkadot-sdk"]
    return meta["release"], meta["umbrella"]


def umbrella_versions(version):
    """Every crate the umbrella `polkadot-sdk` VERSION depends on, with its version."""
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    cached = glob.glob(os.path.join(home, "registry", "src", "*", f"polkadot-sdk-{version}", "Cargo.toml"))
    if cached:
        with open(cached[0], "rb") as f:
            manifest = tomllib.load(f)
    else:
        url = f"https://static.crates.io/crates/polkadot-sdk/polkadot-sdk-{version}.crate"
        with urllib.request.urlopen(url, timeout=60) as response:
            archive = tarfile.open(fileobj=io.BytesIO(response.read()), mode="r:gz")
        manifest = tomllib.load(archive.extractfile(f"polkadot-sdk-{version}/Cargo.toml"))
    deps = manifest.get("dependencies", {})
    return {name: (spec if isinstance(spec, str) else spec["version"]) for name, spec in deps.items()}


def pins(path):
    """(section, crate, version) of every versioned dependency of the manifest at PATH."""
    with open(os.path.join(ROOT, path), "rb") as f:
        manifest = tomllib.load(f)
    found = []
    for section in SECTIONS:
        for name, spec in manifest.get(section, {}).items():
            version = spec if isinstance(spec, str) else spec.get("version")
            if version is not None:
                found.append((section, name, version))
    return found


def check():
    release, umbrella = named_release()
    sdk = umbrella_versions(umbrella)
    wrong = []
    count = 0
    for path in MANIFESTS:
        for section, name, version in pins(path):
            if name in sdk:
                count += 1
                if version.lstrip("=^") != sdk[name]:
                    wrong.append(f"{path} [{section}] {name} = {version}, {release} has {sdk[name]}")
    if wrong:
        print(f"not at polkadot-sdk {release} (umbrella {umbrella}):", *wrong, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"polkadot-sdk {release} (umbrella {umbrella}): {count} pins in {len(MANIFESTS)} manifests agree")


def move(umbrella, release):
    sdk = umbrella_versions(umbrella)
    for path in MANIFESTS:
        full = os.path.join(ROOT, path)
        with open(full) as f:
            text = f.read()
        for name, version in sorted({(name, version) for _, name, version in pins(path)}):
            if name in sdk and version != sdk[name]:
                # `name = "1.0"` or `name = { version = "1.0", … }`, on one line (each such line of
                # the manifest: a crate may stand in several sections).
                pattern = re.compile(rf'^({re.escape(name)}\s*=\s*(?:\{{[^}}\n]*?version\s*=\s*)?"){re.escape(version)}"', re.M)
                text, n = pattern.subn(rf'\g<1>{sdk[name]}"', text)
                if n == 0:
                    sys.exit(f"{path}: cannot rewrite {name} = {version} (not on one line?)")
                print(f"{path}: {name} {version} -> {sdk[name]}")
        if path == "Cargo.toml":
            text = re.sub(r'(\[workspace\.metadata\.polkadot-sdk\]\nrelease = ")[^"]*("\numbrella = ")[^"]*"',
                          rf'\g<1>{release}\g<2>{umbrella}"', text)
        with open(full, "w") as f:
            f.write(text)
    print(f"""
Moved to polkadot-sdk {release} (umbrella {umbrella}). What else the move takes:
  cargo update --workspace && (cd fuzz && cargo update)     the lock files
  scripts/test.sh                                           builds and tests everything (fix what breaks)
  benchmarks/generate-weights.sh                            new weights for the new runtime (docs/development.md)
  e2e/package.json                                          chopsticks and @polkadot/api versions that read the new metadata
  CHANGELOG.md                                              what changed for users""")


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        check()
    elif len(sys.argv) == 4 and sys.argv[1] == "move":
        move(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
