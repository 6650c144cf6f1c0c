#!/usr/bin/env bash
# The real-n8n tests (npm run test:n8n; .ci/run runs them after npm test), in this order:
#   1. n8n's static scanner on the packed tarball            (npm run scan)
#   2. the first example workflows, the CLI way (n8n execute) (npm run test:e2e, test/e2e/run.sh)
#   3. every example workflow, offline (pinned data)          (npm run test:examples)
#   4. the workflow runner                                    (test/e2e/workflow-runner.sh)
#   5. the demo, executed once                                (npm run demo -- --once)
#   6. the editor in a browser                                (npm run test:browser)
#   7. the OAuth2 credential's connect round trip and a publish (test/e2e/oauth-connect.ts)
#   8. queue mode: Redis, one main, one worker                (npm run test:queue)
#   9. the secret scan of everything 2-8 left                 (scripts/scan-secrets.ts)
# Each suite prints its own "N passed, N failed"; the last line here adds them up (the demo counts as
# one test). The pinned n8n is installed once into ~/.cache/n8n-territory-e2e (N8N_E2E_CACHE).
set -uo pipefail
cd "$(dirname "$0")/.."
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy

PASSED=0
FAILED=0
STARTED_AT=$SECONDS
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/test-real-n8n.XXXXXX")"
# Every session and run.sh record their sandbox org's secrets and n8n's outputs here for the last suite.
export TP_SECRET_LEDGER_DIR="$LOG_DIR/ledger"
mkdir -p "$TP_SECRET_LEDGER_DIR"
chmod 700 "$LOG_DIR" "$TP_SECRET_LEDGER_DIR"

# suite NAME COMMAND...: runs it (output shown), then adds its closing "N passed, N failed" line.
suite() {
	local name="$1" status=0 line started=$SECONDS
	shift
	echo "=== $name: $* ==="
	# A suite that hangs must fail inside CI's time, not use it up (SUITE_TIMEOUT seconds each).
	timeout -k 30 "${SUITE_TIMEOUT:-1200}" "$@" 2>&1 | tee "$LOG_DIR/$name.log" || status=$?
	line="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOG_DIR/$name.log" | tail -n 1)"
	if [[ -n "$line" ]]; then
		PASSED=$((PASSED + $(echo "$line" | cut -d' ' -f1)))
		FAILED=$((FAILED + $(echo "$line" | cut -d' ' -f3)))
	elif ((status == 0)); then
		PASSED=$((PASSED + 1))
	fi
	# A suite that ran no test at all is a failure too (it proves nothing).
	if [[ -n "$line" && "$(echo "$line" | cut -d' ' -f1)" == 0 && "$(echo "$line" | cut -d' ' -f3)" == 0 ]]; then FAILED=$((FAILED + 1)); fi
	# A suite that failed without saying how many counts as one failure.
	if ((status != 0)) && [[ -z "$line" || "$(echo "$line" | cut -d' ' -f3)" == 0 ]]; then FAILED=$((FAILED + 1)); fi
	echo "=== $name: exit $status in $((SECONDS - started)) s ==="
}

suite scan npm run --silent scan
# Install the pinned n8n once, with a bound: if it cannot be had, every n8n suite would wait for it in turn.
if ! timeout -k 30 2400 bash scripts/install-n8n.sh >/dev/null; then
	echo "the pinned n8n could not be installed: the real-n8n suites cannot run"
	echo "$PASSED passed, $((FAILED + 1)) failed"
	exit 1
fi
suite workflows bash test/e2e/run.sh
suite examples npm run --silent test:examples
suite workflow-runner bash test/e2e/workflow-runner.sh
suite demo npm run --silent demo -- --once
suite browser npm run --silent test:browser
suite oauth-connect npx --no-install ts-node --transpile-only test/e2e/oauth-connect.ts
suite queue-mode npm run --silent test:queue
# Logs of every suite, n8n's databases (execution data), server and worker logs, files and out/: 0 findings.
suite secret-scan npx --no-install ts-node --transpile-only scripts/scan-secrets.ts "$LOG_DIR"

rm -rf "$LOG_DIR"
echo "real-n8n tests done in $((SECONDS - STARTED_AT)) s"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
