#!/usr/bin/env bash
# Installs the Node.js dependencies of the chain tools (chopsticks, @polkadot/api) exactly as
# e2e/package-lock.json pins them; does nothing when they are already installed. The JS client
# (js/client) finds the same packages through js/client/node_modules, a link to e2e/node_modules
# made here: one install, one copy of @polkadot/* for the client and the tests that use it.
set -euo pipefail
cd "$(dirname "$0")/../e2e"
if ! command -v node >/dev/null 2>&1; then
	echo "Node.js is required (20 or later)" >&2
	exit 1
fi
stamp=node_modules/.installed-from-package-lock.json
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
	npm ci --no-audit --no-fund
	cp package-lock.json "$stamp"
fi
link=../js/client/node_modules
if [ -e "$link" ] && [ ! -L "$link" ]; then
	echo "js/client/node_modules is a directory of its own: remove it (the client uses e2e/node_modules)" >&2
	exit 1
fi
ln -sfn ../../e2e/node_modules "$link"
