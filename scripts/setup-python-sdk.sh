#!/usr/bin/env bash
# Installs the reference chain's Python SDK (PyPI `hippius`) exactly as
# e2e/python/requirements.txt pins it, into a virtualenv outside the clone ($HIPPIUS_VENV, see
# env.sh); does nothing when it is already installed from that file. The upgrade end-to-end test
# registers a node with it (e2e/python/register_with_sdk.py).
#
# Python 3 comes from the system (`python3`, or $PYTHON); Debian's lacks the venv module until
# python3-venv is installed, which this script does with apt-get when it runs as root.
set -euo pipefail
. "$(dirname "$0")/env.sh"
PYTHON="${PYTHON:-python3}"
requirements=e2e/python/requirements.txt

if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "Python 3 is required ($PYTHON not found)" >&2
	exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		apt-get install -y -q python3-venv || { apt-get update -q && apt-get install -y -q python3-venv; }
	else
		echo "$PYTHON has no venv module: install python3-venv (apt-get install python3-venv)" >&2
		exit 1
	fi
fi

# What the virtualenv was made from: the interpreter and the pinned list.
wanted=$(
	"$PYTHON" -c 'import sys; print(sys.executable, sys.version.split()[0])'
	cat "$requirements"
)
stamp="$HIPPIUS_VENV/.installed-from-requirements.txt"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
	"$PYTHON" -m venv --clear "$HIPPIUS_VENV"
	"$HIPPIUS_VENV/bin/pip" install --quiet --disable-pip-version-check --require-virtualenv \
		--no-deps -r "$requirements"
	"$HIPPIUS_VENV/bin/pip" check --disable-pip-version-check
	printf '%s\n' "$wanted" >"$stamp"
fi
