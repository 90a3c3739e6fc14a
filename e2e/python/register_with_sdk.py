"""Registers a node with the reference chain's Python SDK (PyPI `hippius`), as its CLI does.

`hippius miner register-coldkey` runs `hippius_sdk.cli_handlers.handle_register_coldkey`: it
reads the owner's seed phrase from the SDK's configuration (`~/.hippius/config.json`), builds and
signs the registration challenge with the node key, and submits
`Registration.register_node_with_coldkey` through substrate-interface. This script gives that
handler a configuration of its own (a fresh HOME in a temporary directory, so a developer's
`~/.hippius` is never read or written) holding the owner's mnemonic, and calls it.

Usage: register_with_sdk.py --url ws://127.0.0.1:9944 --mnemonic "twelve words ..."
       --node-id 12D3KooW... --node-priv-hex <32-byte Ed25519 seed> [--node-type StorageMiner]
Exits 0 when the SDK reports the registration included and successful.
"""

import argparse
import os
import sys
import tempfile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the chain's websocket endpoint")
    parser.add_argument("--mnemonic", required=True, help="the owner's (coldkey's) seed phrase")
    parser.add_argument("--node-id", required=True, help="the node's PeerId, base58")
    parser.add_argument("--node-priv-hex", required=True, help="the node's Ed25519 seed, hex")
    parser.add_argument("--node-type", default="StorageMiner")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hippius-sdk-home-") as home:
        # The SDK finds its configuration under HOME when it is imported.
        os.environ["HOME"] = home
        from hippius_sdk import config
        from hippius_sdk.cli_handlers import handle_register_coldkey

        if not config.set_seed_phrase(args.mnemonic, account_name="e2e-owner"):
            print("could not store the owner's seed phrase in the SDK's configuration")
            return 1
        # The handler does not use its client argument.
        return handle_register_coldkey(
            None,
            node_id=args.node_id,
            node_priv_hex=args.node_priv_hex,
            node_type=args.node_type,
            substrate_url=args.url,
        )


if __name__ == "__main__":
    sys.exit(main())
