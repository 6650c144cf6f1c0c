#!/usr/bin/env bash
# End-to-end test in a real n8n: builds and packs this package, installs the tarball into a throwaway
# n8n user folder the way n8n's community-package installer does, starts the sandbox org, imports the
# credentials and the workflows of examples/, runs them with `n8n execute` and checks what they did.
#
#   bash test/e2e/run.sh          (npm run test:e2e)
#
# n8n 2.41.1 runs on Node 24, installed once into N8N_E2E_CACHE (default ~/.cache/n8n-territory-e2e,
# ~3 GB, about 4-6 minutes the first time). N8N_E2E_KEEP=1 keeps the work folder for a post-mortem.
# The last line is "N passed, N failed"; the exit status is non-zero when anything failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E="$ROOT/test/e2e"
export N8N_E2E_CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-territory-e2e}"
INSTALL_TIMEOUT="${N8N_E2E_INSTALL_TIMEOUT:-1800}"
EXEC_TIMEOUT="${N8N_E2E_EXEC_TIMEOUT:-240}"
PACKAGE="n8n-nodes-territory-planning"
SYSTEM_NODE="$(command -v node)" # the repository's Node: build, sandbox org, helpers

WORK="$(mktemp -d "${TMPDIR:-/tmp}/n8n-territory-e2e.XXXXXX")"
USER_FOLDER="$WORK/user"
FILES="$WORK/files" # the only folder n8n's file nodes may touch (N8N_RESTRICT_FILE_ACCESS_TO)
mkdir -p "$USER_FOLDER" "$FILES" "$WORK/workflows" "$WORK/out"

PASSED=0
FAILED=0
SANDBOX_PID=""
INSTALL_PID=""
SERVER_PID=""
STARTED_AT=$SECONDS

log() { printf '[e2e %3ds] %s\n' "$((SECONDS - STARTED_AT))" "$*"; }
pass() { PASSED=$((PASSED + 1)); printf 'ok     %s: %s\n' "$1" "$2"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAILED %s: %s\n' "$1" "$2"; }
summary() { echo "$PASSED passed, $FAILED failed"; }

# TERM, then KILL after 10 s: a process that ignores TERM must not outlive the run.
stop_process() {
	local pid="$1" target="$2"
	[[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$target" 2>/dev/null || true
	for _ in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	kill -KILL "$target" 2>/dev/null || true
}

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	# n8n and the installer run in their own process groups (setsid): stop their children with them.
	[[ -n "$SERVER_PID" ]] && stop_process "$SERVER_PID" "-$SERVER_PID"
	stop_process "$SANDBOX_PID" "$SANDBOX_PID"
	[[ -n "$INSTALL_PID" ]] && stop_process "$INSTALL_PID" "-$INSTALL_PID"
	if [[ "${N8N_E2E_KEEP:-0}" == 1 ]]; then
		echo "work folder kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stops the run after a failure nothing else can be tested without.
abort() {
	fail "$1" "$2"
	if [[ -f "${3:-}" ]]; then tail -n 30 "$3" | sed 's/^/    | /'; fi
	summary
	exit 1
}

# ---------------------------------------------------------------------------------------------
# 1. n8n 2.41.1 on Node 24, cached: installed in the background while the package builds.
log "n8n cache: $N8N_E2E_CACHE"
setsid bash "$ROOT/scripts/install-n8n.sh" >"$WORK/install.log" 2>&1 &
INSTALL_PID=$!

# 2. Build and pack from a copy of the sources: the shared dist/ of the checkout stays untouched and
# the tarball holds exactly what this build produced.
build_and_pack() {
	local pkg="$WORK/pkg"
	mkdir -p "$pkg"
	(cd "$ROOT" && tar -cf - --exclude=node_modules --exclude=dist --exclude=.git --exclude=out \
		package.json tsconfig.json tsconfig.build.json gulpfile.js index.js lib nodes credentials \
		$(ls README* LICENSE* 2>/dev/null)) | tar -xf - -C "$pkg"
	ln -s "$ROOT/node_modules" "$pkg/node_modules"
	(cd "$pkg" && npm run build && npm pack --ignore-scripts --pack-destination "$WORK") >"$WORK/build.log" 2>&1
}

log "building and packing $PACKAGE"
if ! timeout -k 10 300 bash -c "set -euo pipefail; $(declare -f build_and_pack); WORK='$WORK' ROOT='$ROOT' build_and_pack"; then
	abort "build and pack" "npm run build / npm pack failed" "$WORK/build.log"
fi
TARBALL="$(ls "$WORK"/$PACKAGE-*.tgz)"
pass "build and pack" "$(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) kB)"

log "waiting for the n8n install (first time: several minutes)"
deadline=$((SECONDS + INSTALL_TIMEOUT))
while kill -0 "$INSTALL_PID" 2>/dev/null; do
	((SECONDS < deadline)) || abort "n8n install" "not done after ${INSTALL_TIMEOUT}s" "$WORK/install.log"
	sleep 2
done
install_status=0
wait "$INSTALL_PID" || install_status=$?
INSTALL_PID=""
((install_status == 0)) || abort "n8n install" "install-n8n.sh exited $install_status" "$WORK/install.log"
NODE24_BIN="$(cat "$N8N_E2E_CACHE/node-bin-dir")"
N8N_BIN="$N8N_E2E_CACHE/n8n/node_modules/n8n/bin/n8n"
pass "n8n install" "n8n $(cat "$N8N_E2E_CACHE/n8n/node_modules/n8n/package.json" | "$SYSTEM_NODE" -pe 'JSON.parse(require("fs").readFileSync(0)).version') on Node $("$NODE24_BIN/node" -v)"

# 3. Install the tarball as n8n's installer does (community-packages.service downloadPackage):
# unpack into .n8n/nodes/node_modules/<name>, drop dev/peer/optional dependencies (n8n provides
# n8n-workflow), install the runtime dependencies inside the package folder, list it in
# .n8n/nodes/package.json. n8n then loads every node_modules/n8n-nodes-* folder, prefixed <name>.
install_package() {
	local nodes_dir="$USER_FOLDER/.n8n/nodes" target="$USER_FOLDER/.n8n/nodes/node_modules/$PACKAGE"
	mkdir -p "$target"
	tar -xzf "$TARBALL" -C "$target" --strip-components=1
	"$SYSTEM_NODE" -e '
		const fs = require("fs"); const file = process.argv[1];
		const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(file, "utf8"));
		fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
		fs.writeFileSync(process.argv[2], JSON.stringify({ name: "installed-nodes", private: true, dependencies: { [pkg.name]: pkg.version } }, null, 2));
	' "$target/package.json" "$nodes_dir/package.json"
	(cd "$target" && PATH="$NODE24_BIN:$PATH" npm install --audit=false --fund=false --bin-links=false \
		--install-strategy=shallow --ignore-scripts=true --package-lock=false)
}
log "installing the tarball into $USER_FOLDER/.n8n/nodes"
if ! timeout -k 10 300 bash -c "set -euo pipefail; $(declare -f install_package); USER_FOLDER='$USER_FOLDER' PACKAGE='$PACKAGE' TARBALL='$TARBALL' SYSTEM_NODE='$SYSTEM_NODE' NODE24_BIN='$NODE24_BIN' install_package" >"$WORK/package-install.log" 2>&1; then
	abort "package install" "installing the tarball failed" "$WORK/package-install.log"
fi
pass "package install" "$(ls "$USER_FOLDER/.n8n/nodes/node_modules/$PACKAGE/node_modules" | tr '\n' ' ')"

# 4. The sandbox org (loopback, free port), until the end of the run.
log "starting the sandbox org"
(cd "$ROOT" && exec env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy \
	"$SYSTEM_NODE" -r ts-node/register/transpile-only sandbox/cli.ts --json --port 0 --seed demo) \
	>"$WORK/sandbox.json" 2>"$WORK/sandbox.err" &
SANDBOX_PID=$!
for _ in $(seq 1 120); do
	[[ -s "$WORK/sandbox.json" ]] && head -n 1 "$WORK/sandbox.json" | grep -q '^{.*}$' && break
	kill -0 "$SANDBOX_PID" 2>/dev/null || abort "sandbox org" "exited before printing its login details" "$WORK/sandbox.err"
	sleep 0.5
done
head -n 1 "$WORK/sandbox.json" | grep -q '^{.*}$' || abort "sandbox org" "no login details after 60 s" "$WORK/sandbox.err"
LOGIN_URL="$("$SYSTEM_NODE" -pe 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]).loginUrl' "$WORK/sandbox.json")"
pass "sandbox org" "$LOGIN_URL"

free_port() { "$SYSTEM_NODE" -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
N8N_ENV=(
	N8N_USER_FOLDER="$USER_FOLDER"
	DB_TYPE=sqlite
	N8N_LOG_LEVEL=info # at warn, --rawOutput prints nothing
	N8N_DIAGNOSTICS_ENABLED=false
	N8N_VERSION_NOTIFICATIONS_ENABLED=false
	N8N_TEMPLATES_ENABLED=false
	N8N_PERSONALIZATION_ENABLED=false
	N8N_RESTRICT_FILE_ACCESS_TO="$FILES"
	N8N_PORT="$(free_port)"
	N8N_RUNNERS_BROKER_PORT="$(free_port)" # 2.x starts a task broker; others may run one too
	N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1
	NO_PROXY=127.0.0.1,localhost
	PATH="$NODE24_BIN:$PATH"
)
# A failed execute can hang and ignore TERM: every n8n command is bounded.
n8n() {
	env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy "${N8N_ENV[@]}" \
		timeout -k 10 "$EXEC_TIMEOUT" "$NODE24_BIN/node" "$N8N_BIN" "$@"
}
helper() { "$SYSTEM_NODE" "$E2E/helpers.js" "$@"; }

# 5. Credentials (plain data, encrypted by the import) and the example workflows (temp copies with
# this run's file folder), the credentials referenced by name as in examples/.
log "importing credentials and workflows"
# A third credential points at a port nobody listens on.
helper credentials "$WORK/sandbox.json" "$WORK/credentials.json" "http://127.0.0.1:$(free_port)"
n8n import:credentials --input="$WORK/credentials.json" >"$WORK/out/import-credentials.log" 2>&1 ||
	abort "import credentials" "n8n import:credentials failed" "$WORK/out/import-credentials.log"
rm -f "$WORK/credentials.json"
cp "$ROOT/demo/sample-plan.csv" "$FILES/plan.csv"
# The CSV example as shipped runs dry; the copy that publishes switches its Mode to Write to Salesforce.
helper workflow "$ROOT/examples/publish-csv-plan.json" "$WORK/workflows/publish-shipped.json" "$FILES" \
	id=tpPublishCsvShipped name="Territory planning: publish a CSV plan (as shipped)"
helper workflow "$ROOT/examples/publish-csv-plan.json" "$WORK/workflows/publish.json" "$FILES" publishMode=write
# The plan file is not where the Read/Write Files node looks: Publish must say no plan arrived.
helper workflow "$ROOT/examples/publish-csv-plan.json" "$WORK/workflows/publish-no-file.json" "$FILES" \
	id=tpPublishNoPlanFile name="Territory planning: the plan file is missing" publishMode=write
sed -i "s#$FILES/plan.csv#$FILES/no-such-plan.csv#" "$WORK/workflows/publish-no-file.json"
helper workflow "$ROOT/examples/publish-items-dry-run.json" "$WORK/workflows/dry-run.json" "$FILES"
helper workflow "$ROOT/examples/import-to-csv.json" "$WORK/workflows/import.json" "$FILES"
helper workflow "$ROOT/examples/import-to-csv.json" "$WORK/workflows/import-jwt.json" "$FILES" \
	id=tpImportToCsvJwt01 name="Territory planning: import with a JWT credential" \
	credential="Salesforce Territory Planning (JWT)"
sed -i "s#$FILES/FY27_Sales.csv#$FILES/FY27_Sales-jwt.csv#" "$WORK/workflows/import-jwt.json"
helper workflow "$ROOT/examples/import-to-csv.json" "$WORK/workflows/import-offline.json" "$FILES" \
	id=tpImportOffline001 name="Territory planning: import from an org that is offline" \
	credential="Salesforce Territory Planning (offline)"
# A plan with two mistakes, made by the Code node: the node must name the rows and columns.
cat >"$WORK/bad-plan.code.js" <<'CODE'
const row = { Territory: 'Texas 03', Key: 'Texas_03', Parent: 'Texas', Type: 'Territory', 'Account Access': 'Admin' };
const orphan = { Territory: 'Nowhere', Key: 'Nowhere_01', Parent: 'No_Such_Parent', Type: 'Territory' };
return [row, orphan].map((json) => ({ json }));
CODE
helper workflow "$ROOT/examples/publish-items-dry-run.json" "$WORK/workflows/bad-plan.json" "$FILES" \
	id=tpPublishBadPlan01 name="Territory planning: a plan with mistakes" code="$WORK/bad-plan.code.js"
n8n import:workflow --separate --input="$WORK/workflows" >"$WORK/out/import-workflows.log" 2>&1 ||
	abort "import workflows" "n8n import:workflow failed" "$WORK/out/import-workflows.log"
pass "import credentials and workflows" "$(grep -hoE 'Successfully imported [0-9]+ [a-z]+' "$WORK"/out/import-*.log | paste -sd ', ' -)"

# 6. The workflows, in order: each step relies on the org state the previous ones left.
# run_case NAME WORKFLOW_ID CHECK [CHECK ARGS...]: runs the workflow, then `helpers.js check`.
run_case() {
	local name="$1" id="$2" check="$3" out="$WORK/out/$2.txt" status=0 started=$SECONDS detail
	shift 3
	log "running $name (workflow $id)"
	n8n execute --id="$id" --rawOutput >"$out" 2>"$out.err" || status=$?
	if ((status == 124 || status == 137)); then
		fail "$name" "n8n execute timed out after ${EXEC_TIMEOUT}s"
		return 0
	fi
	if detail="$(helper check "$check" "$out" "$@" 2>&1)"; then
		pass "$name" "$detail ($((SECONDS - started)) s)"
	else
		fail "$name" "$detail (n8n execute exit $status)"
		{ grep -vE '^\s*$' "$out.err" || true; } | tail -n 15 | sed 's/^/    | /'
	fi
}

# check_csv NAME CHECK FILE
check_csv() {
	local detail
	if detail="$(helper csv "$2" "$3" 2>&1)"; then pass "$1" "$detail"; else fail "$1" "$detail"; fi
}

run_case "(a0) the CSV example as shipped: a dry run, nothing written" \
	tpPublishCsvShipped publish-dry-run "Publish Territory Model"
run_case "(a1) the plan file is missing: Publish says no plan arrived, nothing written" \
	tpPublishNoPlanFile node-error "Publish Territory Model" "No plan rows arrived" "Check the file path" "Nothing was written"
run_case "(a) publish sample-plan.csv (Read/Write Files from Disk → Publish)" \
	tpPublishCsvPlan1 publish-created "Publish Territory Model"
run_case "(b) publish the same plan again" \
	tpPublishCsvPlan1 publish-unchanged "Publish Territory Model"
run_case "(d) dry run of a plan made by a Code node" \
	tpPublishItemsDry1 dry-run-items "Publish Territory Model (dry run)"
run_case "(c) import the model to CSV (Import → Read/Write Files from Disk)" \
	tpImportToCsv0001 import-binary "Import Territory Model" "Write plan CSV"
check_csv "(c) the CSV written by n8n" imported-plan "$FILES/FY27_Sales.csv"
run_case "(e) import with a JWT bearer credential" \
	tpImportToCsvJwt01 import-binary "Import Territory Model" "Write plan CSV"
if cmp -s "$FILES/FY27_Sales.csv" "$FILES/FY27_Sales-jwt.csv"; then
	pass "(e) the JWT import" "wrote the same CSV as the password-flow import"
else
	fail "(e) the JWT import" "its CSV differs from the password-flow import (or is missing)"
fi

run_case "(f) a plan with mistakes fails, naming rows and columns" \
	tpPublishBadPlan01 node-error "Publish Territory Model (dry run)" "nothing was written" "row 2, Account Access" "Admin" "row 3, Parent"
run_case "(g) an org that cannot be reached: the error details say so" \
	tpImportOffline001 node-error "Import Territory Model" "Could not reach Salesforce"

# 7. The editor's side, from a running n8n: node types and icons, the credential's Test button and
# the Model list (a method of our nodes), through the same REST calls the editor makes.
log "starting n8n (server) for the editor checks"
setsid env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy "${N8N_ENV[@]}" \
	N8N_LISTEN_ADDRESS=127.0.0.1 N8N_SECURE_COOKIE=false \
	"$NODE24_BIN/node" "$N8N_BIN" start >"$WORK/out/server.log" 2>&1 &
SERVER_PID=$!
N8N_URL="http://127.0.0.1:$(printf '%s\n' "${N8N_ENV[@]}" | sed -n 's/^N8N_PORT=//p')"
# 120 s, as scripts/n8n/instance.ts start() waits: on a loaded machine n8n's first database ping can
# time out and recover, which took it past 60 s here.
for _ in $(seq 1 240); do
	grep -q 'Editor is now accessible' "$WORK/out/server.log" && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.5
done
if ! grep -q 'Editor is now accessible' "$WORK/out/server.log"; then
	fail "n8n server" "not ready after 120 s"
	tail -n 20 "$WORK/out/server.log" | sed 's/^/    | /'
elif ! timeout -k 5 120 "$SYSTEM_NODE" "$E2E/helpers.js" server "$N8N_URL" "$WORK/sandbox.json" >"$WORK/out/server-checks.tsv" 2>&1; then
	fail "editor checks" "$(tail -n 5 "$WORK/out/server-checks.tsv")"
else
	while IFS=$'\t' read -r verdict name detail; do
		if [[ "$verdict" == PASS ]]; then pass "(h) $name" "$detail"; else fail "(h) $name" "$detail"; fi
	done <"$WORK/out/server-checks.tsv"
fi
stop_process "$SERVER_PID" "-$SERVER_PID"
SERVER_PID=""

# 8. What n8n printed, logged and wrote must not hold the org's secrets.
if detail="$(helper no-secrets "$WORK/sandbox.json" "$WORK"/out/* "$FILES"/*.csv 2>&1)"; then
	pass "no secrets in outputs" "$detail"
else
	fail "no secrets in outputs" "$detail"
fi

# 9. For the secret scan of the real-n8n runs (scripts/test-real-n8n.sh sets TP_SECRET_LEDGER_DIR): this
# run's secrets (the private key read now: its file goes with the sandbox org), its logs, files and database.
if [[ -n "${TP_SECRET_LEDGER_DIR:-}" ]]; then
	LEDGER="$TP_SECRET_LEDGER_DIR/e2e-$$"
	mkdir -p "$LEDGER"
	"$SYSTEM_NODE" -e '
		const fs = require("fs"); const info = JSON.parse(fs.readFileSync(process.argv[1], "utf8").split("\n")[0]);
		const { password, clientSecret, privateKeyPath } = info;
		fs.writeFileSync(process.argv[2], JSON.stringify({ password, clientSecret, privateKey: fs.readFileSync(privateKeyPath, "utf8") }), { mode: 0o600 });
	' "$WORK/sandbox.json" "$TP_SECRET_LEDGER_DIR/secrets-e2e-$$.json"
	cp -r "$WORK/out" "$LEDGER/out"
	cp -r "$FILES" "$LEDGER/files"
	cp "$USER_FOLDER/.n8n/database.sqlite" "$LEDGER/" 2>/dev/null || true
fi

log "done in $((SECONDS - STARTED_AT)) s"
summary
((FAILED == 0))
