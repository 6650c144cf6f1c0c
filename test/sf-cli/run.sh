#!/usr/bin/env bash
# The official Salesforce CLI against the sandbox org (npm run test:sf-cli): logins by access token and
# by JWT, SOQL queries, record creation and a Bulk API 2.0 export, each checked against the org itself.
#
#   bash test/sf-cli/run.sh [--keep]
#
# Node 22 and @salesforce/cli (pinned in install-sf-cli.sh) are installed once into SF_CLI_CACHE
# (default ~/.cache/n8n-territory-sf-cli, about 700 MB, a few minutes the first time). The steps and
# their checks are in steps.ts; --keep keeps the CLI's temp HOME for a post-mortem.
# The last line is "N passed, N failed"; the exit status is non-zero when anything failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# jsforce (in the sandbox's tests and inside the CLI) reads proxy variables: everything here is loopback.
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy NO_PROXY no_proxy

if ! paths="$(bash "$ROOT/test/sf-cli/install-sf-cli.sh")"; then
	echo "FAILED install: install-sf-cli.sh could not install Node 22 and the Salesforce CLI"
	echo "0 passed, 1 failed"
	exit 1
fi
NODE_BIN="$(sed -n 1p <<<"$paths")"
SF_RUN="$(sed -n 2p <<<"$paths")"

# The sandbox org and the checks run on the repository's Node; only the CLI runs on Node 22.
cd "$ROOT"
exec node -r ts-node/register/transpile-only test/sf-cli/steps.ts --node-bin "$NODE_BIN" --sf "$SF_RUN" "$@"
