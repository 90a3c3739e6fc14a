#!/usr/bin/env bash
# Installs the Node.js dependencies of the chain tools (chopsticks, @polkadot/api) exactly as
# e2e/package-lock.json pins them; does nothing when they are already installed.
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
