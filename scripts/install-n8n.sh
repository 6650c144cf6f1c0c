#!/usr/bin/env bash
# Installs (once) Node 24 and n8n 2.41.1 into a cache folder outside the repository (never into it).
# n8n 2.x needs Node 24; the machine's Node may be older. Progress goes to stderr (a line every 15 s
# while npm works, which is silent for minutes); stdout gets the cache folder on success.
# Used by `npm run demo`, `npm run workflow`, test/e2e/run.sh and test/browser/.
set -euo pipefail

N8N_VERSION="${N8N_E2E_VERSION:-2.41.1}"
NODE_MAJOR="${N8N_E2E_NODE_MAJOR:-24}"
CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-territory-e2e}"
READY="$CACHE/.ready-n8n-$N8N_VERSION-node$NODE_MAJOR"

if [[ -f "$READY" ]]; then
	echo "$CACHE"
	exit 0
fi

mkdir -p "$CACHE/node24" "$CACHE/n8n"
# Another run may be installing right now: one installer at a time.
exec 9>"$CACHE/.install.lock"
flock -w 1800 9
if [[ -f "$READY" ]]; then
	echo "$CACHE"
	exit 0
fi

STARTED_AT=$SECONDS
log() { echo "[install-n8n $((SECONDS - STARTED_AT))s] $*" >&2; }
# Runs "$@" in the background and says every 15 s how far it got (size of FOLDER).
with_progress() {
	local what="$1" folder="$2"
	shift 2
	"$@" &
	local pid=$!
	while ! wait_for "$pid" 15; do
		log "… $what: $(du -sm "$folder" 2>/dev/null | cut -f1) MB so far"
	done
	wait "$pid"
}
# wait_for PID SECONDS: 0 once PID has exited, 1 if it still runs after SECONDS.
wait_for() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.5
	done
	return 1
}
# Run from the cache folders so no project .npmrc applies.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

NODE_PKG="$CACHE/node24/node_modules/node"
SYSTEM_NODE="$(command -v node || true)"
if [[ -n "$SYSTEM_NODE" ]] && "$SYSTEM_NODE" -v | grep -q "^v$NODE_MAJOR\." && [[ -d "$(dirname "$(readlink -f "$SYSTEM_NODE")")/../include/node" ]]; then
	# The machine's Node is already the one n8n needs (with its headers, for the sqlite3 rebuild).
	NODE_PKG="$(dirname "$(dirname "$(readlink -f "$SYSTEM_NODE")")")"
	log "using the machine's Node $("$SYSTEM_NODE" -v)"
elif [[ ! -x "$NODE_PKG/bin/node" ]] || ! "$NODE_PKG/bin/node" -v | grep -q "^v$NODE_MAJOR\."; then
	log "installing node@$NODE_MAJOR (its install script fetches the platform binary package)"
	[[ -f "$CACHE/node24/package.json" ]] || echo '{"name":"n8n-e2e-node","private":true}' >"$CACHE/node24/package.json"
	(cd "$CACHE/node24" && npm install --ignore-scripts=false "node@$NODE_MAJOR" >&2)
fi
NODE_BIN_DIR="$(dirname "$(readlink -f "$NODE_PKG/bin/node")")"
NODE_HEADERS="$(ls -d "$NODE_PKG"/node_modules/node-*-x64 "$NODE_PKG"/node_modules/node-*-arm64 2>/dev/null | head -1 || true)"
[[ -n "$NODE_HEADERS" ]] || NODE_HEADERS="$(dirname "$NODE_BIN_DIR")"
log "node: $("$NODE_BIN_DIR/node" -v) at $NODE_BIN_DIR, headers at $NODE_HEADERS"
export PATH="$NODE_BIN_DIR:$PATH"

if [[ ! -x "$CACHE/n8n/node_modules/.bin/n8n" ]]; then
	log "installing n8n@$N8N_VERSION (several minutes, ~3 GB)"
	[[ -f "$CACHE/n8n/package.json" ]] || echo '{"name":"n8n-e2e-host","private":true}' >"$CACHE/n8n/package.json"
	# A normal install builds a Kafka client from source and fails: no install scripts.
	with_progress "npm install n8n@$N8N_VERSION" "$CACHE/n8n/node_modules" \
		bash -c 'cd "$1" && npm install --ignore-scripts "n8n@$2" >&2' _ "$CACHE/n8n" "$N8N_VERSION"
fi
log "rebuilding sqlite3 against Node $NODE_MAJOR headers"
(cd "$CACHE/n8n" && npm_config_nodedir="$NODE_HEADERS" npm rebuild sqlite3 --ignore-scripts=false >&2)
"$NODE_BIN_DIR/node" -e "require('$CACHE/n8n/node_modules/sqlite3')" >&2

echo "$NODE_BIN_DIR" >"$CACHE/node-bin-dir"
touch "$READY"
log "ready"
echo "$CACHE"
