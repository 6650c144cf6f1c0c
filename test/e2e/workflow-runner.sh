#!/usr/bin/env bash
# `npm run workflow` as a user calls it (each run: a fresh sandbox org and n8n user folder):
#   1. a workflow that succeeds, with --input: exit 0, the run data as JSON on stdout (the CSV example as
#      shipped, a dry run)
#   2. a workflow that fails (imports a model the fresh org does not have): exit 1, still the JSON
#   3. bad arguments: exit 2 and a usage line, nothing started
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="$(mktemp -d "${TMPDIR:-/tmp}/workflow-runner.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok     $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAILED $1"; sed 's/^/    | /' "$OUT/err" | tail -n 15; }

# check NAME EXPECTED_EXIT JS_ASSERTION -- ARGS...: the assertion gets `run` (stdout parsed) and returns a detail.
check() {
	local name="$1" expected="$2" assertion="$3" status=0 detail
	shift 4
	npm run --silent workflow -- "$@" >"$OUT/out" 2>"$OUT/err" || status=$?
	if ((status != expected)); then
		fail "$name: exit $status, expected $expected"
		return
	fi
	if detail="$(node -e "
		const run = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
		const node = (name) => run.data.resultData.runData[name]?.[0]?.data?.main?.[0]?.[0]?.json;
		const result = (() => { $assertion })();
		if (typeof result !== 'string') { console.error('assertion failed: ' + JSON.stringify(result)); process.exit(1); }
		console.log(result);
	" "$OUT/out" 2>&1)"; then
		pass "$name: exit $status, $detail"
	else
		fail "$name: $detail"
	fi
}

# The file runs as it is: the CSV example ships as a dry run (208 territories it would create).
check "a workflow that succeeds (--input demo/sample-plan.csv)" 0 "
	const s = node('Publish Territory Model');
	return run.status === 'success' && s?.dryRun === true && s?.counts?.Territory2?.create === 208 && 'status success, a dry run: ' + s.outcome + ', JSON on stdout';
" -- examples/publish-csv-plan.json --input demo/sample-plan.csv

check "a workflow that fails" 1 "
	const error = run.data.resultData.error;
	return run.status === 'error' && /FY27_Sales/.test(error?.message + ' ' + error?.description) && 'status error: ' + error.message;
" -- examples/import-to-csv.json

status=0
npm run --silent workflow -- examples/publish-csv-plan.json --bogus >"$OUT/out" 2>"$OUT/err" || status=$?
if ((status == 2)) && grep -q 'Usage: npm run workflow' "$OUT/err" && [[ ! -s "$OUT/out" ]]; then
	pass "bad arguments: exit 2, $(head -n 1 "$OUT/err")"
else
	fail "bad arguments: exit $status"
fi
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
