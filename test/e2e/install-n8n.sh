#!/usr/bin/env bash
# Installs (once) Node 24 and n8n 2.41.1 into a cache folder outside the repository.
# n8n 2.x needs Node 24; the machine's Node is 20. Prints the cache folder on success.
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

log() { echo "[install-n8n] $*" >&2; }
# Run from the cache folders so no project .npmrc applies.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

NODE_PKG="$CACHE/node24/node_modules/node"
if [[ ! -x "$NODE_PKG/bin/node" ]] || ! "$NODE_PKG/bin/node" -v | grep -q "^v$NODE_MAJOR\."; then
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
	(cd "$CACHE/n8n" && npm install --ignore-scripts "n8n@$N8N_VERSION" >&2)
fi
log "rebuilding sqlite3 against Node $NODE_MAJOR headers"
(cd "$CACHE/n8n" && npm_config_nodedir="$NODE_HEADERS" npm rebuild sqlite3 --ignore-scripts=false >&2)
"$NODE_BIN_DIR/node" -e "require('$CACHE/n8n/node_modules/sqlite3')" >&2

echo "$NODE_BIN_DIR" >"$CACHE/node-bin-dir"
touch "$READY"
log "ready"
echo "$CACHE"
