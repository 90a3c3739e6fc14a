#!/usr/bin/env bash
# The main job: a local chain with the registration pallet on ws://127.0.0.1:9944 (Substrate's
# RPC port, where the registrar and polkadot.js apps' "Local Node" look by default), and the
# registry console (js/console) on http://127.0.0.1:8080 for owners with a wallet extension.
#
# Builds the dev runtime and its chain spec, installs chopsticks and @polkadot/api (pinned by
# e2e/package-lock.json), then runs chopsticks until Ctrl-C. The chain lives in memory: every
# start is a new chain from genesis. Blocks are built as soon as a transaction arrives.
#
#   PORT=9945 scripts/chain.sh     another port (a busy port is refused before anything is built)
#   CONSOLE_PORT=8081 scripts/chain.sh  the registry console on another port (0: none; 8080 by default)
#   BLOCK_TIME=6 scripts/chain.sh  also build an empty block every 6 s, as a real chain does
#   REGISTRATION_SPEC=FILE         run that chain spec as it is, building nothing
#
# Measured times: docs/development.md, "Timings".
set -euo pipefail
. "$(dirname "$0")/env.sh"
PORT="${PORT:-9944}"
BLOCK_TIME="${BLOCK_TIME:-0}"
CONSOLE_PORT="${CONSOLE_PORT:-8080}"

# chopsticks would quietly take the next free port, and the chain already on this one would pass
# for the new one: refuse at once, before a build of minutes.
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	echo "scripts/chain.sh: port $PORT is already in use (another chain, or a node?):" \
		"stop what runs there, or choose another port: PORT=$((PORT + 1)) scripts/chain.sh" >&2
	exit 1
fi

if [ "$CONSOLE_PORT" != 0 ] && (exec 3<>"/dev/tcp/127.0.0.1/$CONSOLE_PORT") 2>/dev/null; then
	echo "scripts/chain.sh: port $CONSOLE_PORT (the console's) is already in use:" \
		"choose another, or none: CONSOLE_PORT=$((CONSOLE_PORT + 1)) scripts/chain.sh, CONSOLE_PORT=0 scripts/chain.sh" >&2
	exit 1
fi

if [ -n "${REGISTRATION_SPEC:-}" ]; then
	[ -f "$REGISTRATION_SPEC" ] || { echo "scripts/chain.sh: no chain spec at $REGISTRATION_SPEC" >&2; exit 1; }
else
	scripts/build-chain-spec.sh target/registration-dev-spec.json
fi
scripts/setup-node-deps.sh

cat <<INFO

  Local chain: ws://127.0.0.1:$PORT   (chopsticks, dev runtime "registration-dev", in memory)
  polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$PORT
    (or run a local apps build and choose "Development > Custom" with the address above)
  Registry console: http://127.0.0.1:$CONSOLE_PORT/?rpc=ws%3A%2F%2F127.0.0.1%3A$PORT
    (explorer, wallet, register a node, consents, offers; needs a wallet extension to sign)
  Dev accounts (Alice ... Ferdie) hold 1,000,000 UNIT; Alice is the sudo key.
  Blocks: one per transaction$( [ "$BLOCK_TIME" != 0 ] && echo ", and one every $BLOCK_TIME s"); more on demand:
    curl -s -H 'Content-Type: application/json' 127.0.0.1:$PORT \\
      -d '{"id":1,"jsonrpc":"2.0","method":"dev_newBlock","params":[{"count":10}]}'

  Register a node: README.md, "Quick start" (scripts/quickstart.sh runs it).

INFO
exec node e2e/chain.mjs --port "$PORT" --block-time "$BLOCK_TIME" --console-port "$CONSOLE_PORT"
