#!/usr/bin/env bash
# Installs the browser of the console's tests and render benchmark: Debian's chromium package,
# which puppeteer-core (pinned in e2e/package-lock.json; it downloads no browser) drives headless.
# Does nothing when chromium is on the PATH already (or CHROMIUM names one).
set -euo pipefail
. "$(dirname "$0")/env.sh"
if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "the console's tests need chromium: install your system's package, or set CHROMIUM to its path" >&2
	exit 1
fi
echo "[browser] installing Debian's chromium" >&2
apt_install chromium
chromium --version
