#!/usr/bin/env bash
# The README's quick start, run as written: CI runs it (scripts/test.sh), so it cannot rot.
#
# It first checks that every command of the README's "Quick start" block stands in this script
# (here the chain and the service run in the background, their output in log files), then runs
# them in order, checking what each one says, and stops what it started. What it adds to the
# README's commands: waiting for the chain and for a heartbeat, and the checks.
#
#   PORT=N                 the chain's port (default 9944, the registrar's default endpoint;
#                          another one is given to the registrar as REGISTRAR_ENDPOINT)
#   REGISTRATION_SPEC=FILE run that chain spec (scripts/chain.sh builds nothing then)
#   REGISTRAR_HTTP_ADDR    where `registrar run` serves /status (default 127.0.0.1:9955)
#   CONSOLE_PORT=N         where the chain's job serves the console (default 8080)
# A `registrar` already on the PATH is used as it is (CI puts its own build there).
set -euo pipefail
. "$(dirname "$0")/env.sh"
repo="$PWD"

# The README's block, without comments, blank lines and indentation: each line must stand in
# this script.
readme_commands() {
	awk '/^## Quick start/ { inside = 1 } inside && /^```sh/ { block = 1; next }
		block && /^```/ { exit } block' README.md |
		sed -e 's/[[:space:]]*#.*$//' -e 's/^[[:space:]]*//' -e '/^$/d'
}
[ "$(readme_commands | wc -l)" -gt 10 ] || { echo "no quick start block in README.md" >&2; exit 1; }
missing=0
while IFS= read -r command; do
	if ! grep -qF -- "$command" scripts/quickstart.sh; then
		echo "scripts/quickstart.sh does not run the README's quick start command: $command" >&2
		missing=1
	fi
done < <(readme_commands)
[ "$missing" = 0 ] || exit 1

export PORT="${PORT:-9944}"
[ "$PORT" = 9944 ] || export REGISTRAR_ENDPOINT="ws://127.0.0.1:$PORT"
logs=$(mktemp -d)
work=""
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$logs" "$work"
}
trap cleanup EXIT
SECONDS=0
step() { printf '\n-- quickstart [%3ss] %s\n' "$SECONDS" "$*"; }
fail() {
	echo "quickstart: $*" >&2
	for log in "$logs"/*.log; do echo "---- $log" >&2; tail -n 40 "$log" >&2; done
	exit 1
}
# wait_for SECONDS WHAT COMMAND…: until COMMAND succeeds.
wait_for() {
	local deadline=$((SECONDS + $1)) what=$2
	shift 2
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || fail "no $what within the time allowed"
		sleep 1
	done
}
registered() { grep -q '"class": "registered"' "$1" || fail "not registered: $(cat "$1")"; }

step "1. the chain"
BLOCK_TIME=2 scripts/chain.sh >"$logs/chain.log" 2>&1 &
pids+=($!)
wait_for 900 "chain" grep -q "^ready: ws://127.0.0.1:$PORT" "$logs/chain.log"
# The main job serves the console too (CONSOLE_PORT, 8080 by default): its page answers.
wait_for 60 "console" grep -q "^registry console: http://" "$logs/chain.log"
console_url=$(sed -n 's/^registry console: \(http[^ ]*\).*/\1/p' "$logs/chain.log")
curl -sf "$console_url" | grep -q "<title>Registry console</title>" || fail "no console at $console_url"

step "2. registrar on the PATH"
command -v registrar >/dev/null || cargo install --locked --path registrar
command -v registrar

step "3. a node, the owner's way"
cd "$(mktemp -d)"
work="$PWD"
openssl rand -hex 32 > node1.key && chmod 600 node1.key
echo '//Bob' > bob.secret && chmod 600 bob.secret
registrar register --node-key-file node1.key --owner-secret-file bob.secret --node-type storage-miner >register1.json
registered register1.json

step "4. a node, the cold-key way"
openssl rand -hex 32 > node2.key && chmod 600 node2.key
echo '//Charlie' > charlie.secret && chmod 600 charlie.secret
registrar consent --consent-file consent.json --node-key-file node2.key --owner-secret-file charlie.secret \
	--node-type storage-miner --max-fee 10UNIT --lifetime 1000 --yes >consent.out
grep -q '"signed": true' consent.out || fail "the consent is not signed: $(cat consent.out)"
echo '//Dave' > dave.secret && chmod 600 dave.secret
registrar register --node-key-file node2.key --consent-file consent.json --submitter-secret-file dave.secret >register2.json
registered register2.json

step "5. keep it registered and online"
registrar run --node-key-file node2.key --consent-file consent.json --submitter-secret-file dave.secret \
	--state-dir state --address /ip4/127.0.0.1/tcp/30333 >"$logs/run.log" 2>&1 &
pids+=($!)

step "6. its heartbeats, and find it"
heartbeat() { registrar nodes 2>/dev/null | grep -q "last heartbeat in period"; }
wait_for 180 "heartbeat of the node run keeps" heartbeat
registrar nodes | tee nodes.txt
[ "$(grep -c '^12D3KooW' nodes.txt)" = 2 ] || fail "not both nodes listed"
grep -q "address:      /ip4/127.0.0.1/tcp/30333" nodes.txt || fail "its record is not listed"

cd "$repo"
step "passed in $SECONDS s"
