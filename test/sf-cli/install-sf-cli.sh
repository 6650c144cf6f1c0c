#!/usr/bin/env bash
# Installs (once) Node 22 and the official Salesforce CLI (@salesforce/cli, pinned) into a cache folder
# outside the repository. The CLI supports Node 22 (LTS); the machine's Node is 20.
# Prints two lines on success: the Node 22 bin folder, then the path of the CLI's `sf` entry point.
set -euo pipefail

SF_VERSION="${SF_CLI_VERSION:-2.150.6}"
NODE_MAJOR="${SF_CLI_NODE_MAJOR:-22}"
CACHE="${SF_CLI_CACHE:-$HOME/.cache/n8n-territory-sf-cli}"
READY="$CACHE/.ready-sf-$SF_VERSION-node$NODE_MAJOR"
SF_BIN="$CACHE/sf/node_modules/@salesforce/cli/bin/run.js"

print_paths() {
	cat "$CACHE/node-bin-dir"
	echo "$SF_BIN"
}

if [[ -f "$READY" ]]; then
	print_paths
	exit 0
fi

mkdir -p "$CACHE/node$NODE_MAJOR" "$CACHE/sf"
# Another run may be installing right now: one installer at a time.
exec 9>"$CACHE/.install.lock"
flock -w 1800 9
if [[ -f "$READY" ]]; then
	print_paths
	exit 0
fi

log() { echo "[install-sf-cli] $*" >&2; }
# Run from the cache folders so no project .npmrc applies.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

NODE_PKG="$CACHE/node$NODE_MAJOR/node_modules/node"
if [[ ! -x "$NODE_PKG/bin/node" ]] || ! "$NODE_PKG/bin/node" -v | grep -q "^v$NODE_MAJOR\."; then
	log "installing node@$NODE_MAJOR (its install script fetches the platform binary package)"
	[[ -f "$CACHE/node$NODE_MAJOR/package.json" ]] || echo '{"name":"sf-cli-node","private":true}' >"$CACHE/node$NODE_MAJOR/package.json"
	(cd "$CACHE/node$NODE_MAJOR" && npm install --ignore-scripts=false "node@$NODE_MAJOR" >&2)
fi
NODE_BIN_DIR="$(dirname "$(readlink -f "$NODE_PKG/bin/node")")"
log "node: $("$NODE_BIN_DIR/node" -v) at $NODE_BIN_DIR"

if [[ ! -f "$CACHE/sf/node_modules/@salesforce/cli/package.json" ]] ||
	! grep -q "\"version\": \"$SF_VERSION\"" "$CACHE/sf/node_modules/@salesforce/cli/package.json"; then
	log "installing @salesforce/cli@$SF_VERSION (a few minutes)"
	[[ -f "$CACHE/sf/package.json" ]] || echo '{"name":"sf-cli-host","private":true}' >"$CACHE/sf/package.json"
	# No install scripts: nothing may be downloaded from outside the npm registry.
	(cd "$CACHE/sf" && PATH="$NODE_BIN_DIR:$PATH" npm install --ignore-scripts "@salesforce/cli@$SF_VERSION" >&2)
fi
PATH="$NODE_BIN_DIR:$PATH" "$NODE_BIN_DIR/node" "$SF_BIN" --version >&2

echo "$NODE_BIN_DIR" >"$CACHE/node-bin-dir"
touch "$READY"
log "ready"
print_paths
