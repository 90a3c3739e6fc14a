#!/usr/bin/env bash
# Installs the Node.js dependencies of the chain tools (chopsticks, @polkadot/api, the console's
# bundler esbuild and wallet interface @polkadot/extension-dapp, the browser driver
# puppeteer-core) exactly as e2e/package-lock.json pins them; does nothing when they are already
# installed. The JS client (js/client) and the console (js/console) find the same packages
# through their node_modules, links to e2e/node_modules made here: one install, one copy of
# @polkadot/* for the client, the console and the tests that use them.
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
for package in client console; do
	link=../js/$package/node_modules
	if [ -e "$link" ] && [ ! -L "$link" ]; then
		echo "js/$package/node_modules is a directory of its own: remove it (js/$package uses e2e/node_modules)" >&2
		exit 1
	fi
	ln -sfn ../../e2e/node_modules "$link"
done
