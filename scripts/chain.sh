#!/usr/bin/env bash
# The main job: a local chain with the registration pallet on ws://127.0.0.1:8000.
#
# Builds the dev runtime and its chain spec, installs chopsticks and @polkadot/api (pinned by
# e2e/package-lock.json), then runs chopsticks until Ctrl-C. Blocks are built as soon as a
# transaction arrives. Measured times: docs/development.md, "Timings".
set -euo pipefail
. "$(dirname "$0")/env.sh"
PORT="${PORT:-8000}"

scripts/build-chain-spec.sh target/registration-dev-spec.json
scripts/setup-node-deps.sh

cat <<INFO

  Local chain: ws://127.0.0.1:$PORT   (chopsticks, dev runtime "registration-dev")
  polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$PORT
    (or run a local apps build and choose "Development > Custom" with the address above)
  Dev accounts (Alice ... Ferdie) hold 1,000,000 UNIT; Alice is the sudo key.

  Register a node:
    1. Read the fields to sign: System > blockHash(0) and the current block number
       (or the Registration view function challenge_fields).
    2. Build the 200-byte RegisterChallenge, sign it with the node's Ed25519 key:
       node e2e/register-example.mjs   (does both, for a fresh node key, as //Alice)
    3. Or submit registration.registerNodeWithColdkey yourself in Developer > Extrinsics.

INFO
exec node e2e/chain.mjs --port "$PORT"
