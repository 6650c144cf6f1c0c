#!/usr/bin/env node
/**
 * Small helpers for test/e2e/run.sh (plain CommonJS: runs on the repo's Node 20 and n8n's Node 24).
 *   credentials SANDBOX_JSON OUT_JSON [OFFLINE_URL] n8n credentials file for `n8n import:credentials`
 *   workflow EXAMPLE OUT_JSON FILES_DIR [id=.. name=.. credential=NAME code=JS_FILE publishMode=write]
 *   check CASE EXECUTE_OUTPUT [args...]           asserts on the output of `n8n execute --rawOutput`
 *   csv CASE FILE                                 asserts on a CSV file the workflow wrote
 *   no-secrets SANDBOX_JSON FILE...               no password, client secret or private key in the files
 *   server BASE_URL SANDBOX_JSON                  what the editor asks a running n8n: node types, icons,
 *                                                 credential test, the Model list; one "PASS|FAIL<TAB>name<TAB>detail" line each
 * Every check prints what it found and exits 1 with the reason when an assertion fails.
 */
'use strict';
const fs = require('node:fs');

// The names users get: a credential named like n8n names new ones, referenced by name in examples/.
const PASSWORD_CREDENTIAL = 'Salesforce Territory Planning account';
const JWT_CREDENTIAL = 'Salesforce Territory Planning (JWT)';
const OFFLINE_CREDENTIAL = 'Salesforce Territory Planning (offline)';
// Where examples/ keep their files: the default N8N_RESTRICT_FILE_ACCESS_TO of n8n 2.x in Docker.
const EXAMPLE_FILES_DIR = '/home/node/.n8n-files/';
const PLAN_TERRITORIES = 208;
const PUBLISH_NODE_TYPE = 'n8n-nodes-territory-planning.publishTerritoryModel';

class CheckError extends Error {}

function fail(message) {
	throw new CheckError(message);
}

function expect(condition, message) {
	if (!condition) fail(message);
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function sandboxInfo(file) {
	// The sandbox CLI's first stdout line is the JSON object with its login details.
	return JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]);
}

function writeCredentials(sandboxFile, outFile, offlineUrl) {
	const s = sandboxInfo(sandboxFile);
	const common = { environment: 'custom', loginUrl: s.loginUrl, clientId: s.clientId };
	// Plain `data` objects are encrypted by `n8n import:credentials` with the instance's key.
	const credentials = [
		{
			id: 'tpE2ePasswordCred1',
			name: PASSWORD_CREDENTIAL,
			type: 'salesforceTerritoryApi',
			data: { ...common, authType: 'password', clientSecret: s.clientSecret, username: s.username, password: s.password },
		},
		{
			id: 'tpE2eJwtCredential',
			name: JWT_CREDENTIAL,
			type: 'salesforceTerritoryApi',
			data: { ...common, authType: 'jwt', username: s.username, privateKey: fs.readFileSync(s.privateKeyPath, 'utf8') },
		},
	];
	if (offlineUrl) {
		// Nothing listens there: what a user sees when the org cannot be reached.
		credentials.push({ ...credentials[0], id: 'tpE2eOfflineCred01', name: OFFLINE_CREDENTIAL, data: { ...credentials[0].data, loginUrl: offlineUrl } });
	}
	fs.writeFileSync(outFile, JSON.stringify(credentials, null, '\t'), { mode: 0o600 });
}

/**
 * A temp copy of an example with the file paths (and optionally id, name, credential, Code) replaced.
 * publishMode=write: its dry-run Publish nodes write (the examples ship dry; scripts/n8n/workflows.ts
 * prepareWorkflow does the same for the TypeScript suites).
 */
function writeWorkflow(exampleFile, outFile, filesDir, overrides) {
	const text = fs.readFileSync(exampleFile, 'utf8').split(EXAMPLE_FILES_DIR).join(`${filesDir.replace(/\/+$/, '')}/`);
	const workflow = JSON.parse(text);
	if (overrides.id) workflow.id = overrides.id;
	if (overrides.name) workflow.name = overrides.name;
	if (overrides.code) {
		const code = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.code');
		if (!code) fail(`${exampleFile} has no Code node to replace`);
		code.parameters.jsCode = fs.readFileSync(overrides.code, 'utf8');
	}
	if (overrides.credential) {
		for (const node of workflow.nodes) {
			if (node.credentials?.salesforceTerritoryApi) node.credentials.salesforceTerritoryApi = { id: null, name: overrides.credential };
		}
	}
	if (overrides.publishMode) {
		const dryRuns = workflow.nodes.filter((node) => node.type === PUBLISH_NODE_TYPE && (node.parameters.mode ?? 'dryRun') === 'dryRun');
		if (!dryRuns.length) fail(`${exampleFile} has no Publish node in Dry Run mode to switch to ${overrides.publishMode}`);
		for (const node of dryRuns) node.parameters.mode = overrides.publishMode;
	}
	fs.writeFileSync(outFile, JSON.stringify(workflow, null, '\t'));
}

/**
 * `n8n execute --rawOutput` prints banner lines, then the run as indented JSON (from a line that is
 * exactly "{" to the next line that is exactly "}"), then possibly more log lines.
 */
function parseRun(file) {
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	expect(start >= 0, `no JSON in the output of n8n execute (${file})`);
	const end = lines.findIndex((line, i) => i > start && line === '}');
	expect(end > start, `the JSON in the output of n8n execute does not end (${file})`);
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

function nodeOutput(run, nodeName) {
	const result = run.data?.resultData;
	const error = result?.error;
	expect(!error, `the workflow failed: ${error?.message ?? ''} ${error?.description ?? ''}`.trim());
	expect(run.status === 'success', `execution status is '${run.status}', not 'success'`);
	const runs = result.runData?.[nodeName];
	expect(Array.isArray(runs) && runs.length === 1, `node '${nodeName}' did not run once (ran: ${Object.keys(result.runData ?? {}).join(', ')})`);
	expect(runs[0].executionStatus === 'success', `node '${nodeName}' ended '${runs[0].executionStatus}'`);
	return runs[0].data.main[0];
}

function writes(summary) {
	return Object.values(summary.counts ?? {}).reduce((n, actions) => n + Object.values(actions).reduce((m, k) => m + k, 0), 0);
}

function onlySummary(items) {
	expect(items.length === 1, `expected one summary item, got ${items.length}`);
	const summary = items[0].json;
	expect(Array.isArray(summary.issues) && summary.issues.length === 0, `the plan has issues: ${JSON.stringify(summary.issues)}`);
	expect(summary.failed === 0, `${summary.failed} record(s) failed`);
	return summary;
}

const CHECKS = {
	/** The CSV example as shipped: a dry run of the whole sample plan, nothing written. */
	'publish-dry-run'(run, nodeName) {
		const summary = onlySummary(nodeOutput(run, nodeName));
		expect(summary.dryRun === true && summary.status === 'dryRun', `dryRun ${summary.dryRun}, status ${summary.status}`);
		expect(summary.model?.created === false, 'a dry run created the model');
		const planned = summary.counts?.Territory2?.create;
		expect(planned === PLAN_TERRITORIES, `Territory2 to create: ${planned}, expected ${PLAN_TERRITORIES}`);
		return `${summary.outcome}`;
	},
	/** (a) the first publish of demo/sample-plan.csv creates the model and every territory. */
	'publish-created'(run, nodeName) {
		const summary = onlySummary(nodeOutput(run, nodeName));
		expect(summary.dryRun === false, 'dryRun is not false');
		expect(summary.model?.created === true, 'the model was not created by this publish');
		const created = summary.counts?.Territory2?.create;
		expect(created === PLAN_TERRITORIES, `Territory2 created: ${created}, expected ${PLAN_TERRITORIES}`);
		expect(summary.rows?.created === PLAN_TERRITORIES, `rows created: ${JSON.stringify(summary.rows)}`);
		return `${created} territories created, ${writes(summary)} record writes, ${summary.apiUsage?.calls} API calls`;
	},
	/** (b) publishing the same plan again writes nothing. */
	'publish-unchanged'(run, nodeName) {
		const summary = onlySummary(nodeOutput(run, nodeName));
		expect(summary.dryRun === false, 'dryRun is not false');
		expect(summary.model?.created === false, 'the model was created again');
		expect(writes(summary) === 0, `expected no writes, got ${JSON.stringify(summary.counts)}`);
		expect(summary.changes.length === 0, `expected no changes, got ${summary.changes.slice(0, 5).join(' | ')}`);
		expect(summary.rows?.unchanged === PLAN_TERRITORIES, `rows: ${JSON.stringify(summary.rows)}`);
		return `0 writes, ${summary.rows.unchanged} rows unchanged, ${summary.apiUsage?.calls} API calls`;
	},
	/** (d) a dry run of two rows made by a Code node: one rename, one new territory, nothing else. */
	'dry-run-items'(run, nodeName) {
		const summary = onlySummary(nodeOutput(run, nodeName));
		expect(summary.dryRun === true, 'dryRun is not true');
		const user = 'maria.silva@acme-demo.example';
		const expected = [
			"~ Territory2 Texas_03: Name 'Texas 03' → 'Texas 03 (Austin)'",
			"~ ObjectTerritory2AssignmentRule TP_Texas_03: MasterLabel 'Texas 03' → 'Texas 03 (Austin)'",
			'+ Territory2 Texas_Hill_Country (row 3)',
			'+ ObjectTerritory2AssignmentRule TP_Texas_Hill_Country (row 3)',
			'+ ObjectTerritory2AssignmentRuleItem TP_Texas_Hill_Country #1 (row 3)',
			'+ RuleTerritory2Association TP_Texas_Hill_Country → Texas_Hill_Country (row 3)',
			`+ UserTerritory2Association Texas_Hill_Country → ${user} (row 3)`,
			// The forecast manager is set once the territory exists (a second pass).
			`~ Territory2 Texas_Hill_Country: ForecastUserId (none) → '${user}'`,
		];
		const lines = summary.changes;
		const missing = expected.filter((line) => !lines.includes(line));
		const extra = lines.filter((line) => !expected.includes(line));
		expect(missing.length === 0 && extra.length === 0, `change set differs.\nmissing:\n${missing.join('\n')}\nunexpected:\n${extra.join('\n')}`);
		expect(summary.rows?.planned === 2, `rows: ${JSON.stringify(summary.rows)}`);
		return `the ${lines.length} expected change lines, e.g. ${expected[0]}`;
	},
	/** (c) Import → binary CSV: the summary before the Read/Write Files from Disk node wrote it. */
	'import-binary'(run, nodeName, writerName) {
		const items = nodeOutput(run, nodeName);
		expect(items.length === 1, `expected one item, got ${items.length}`);
		const { json, binary } = items[0];
		expect(json.territories === PLAN_TERRITORIES, `territories imported: ${json.territories}`);
		expect(binary?.data?.mimeType === 'text/csv', `binary data: ${JSON.stringify(binary?.data)}`);
		if (writerName) nodeOutput(run, writerName);
		return `${json.territories} territories, ${json.users} users, ${json.rules} rules imported as ${binary.data.fileName}`;
	},
	/** A workflow that must fail in NODE, with an error a user can act on: every TEXT appears in it (any case). */
	'node-error'(run, nodeName, ...texts) {
		const error = run.data?.resultData?.error;
		expect(run.status === 'error' && error, `expected the execution to fail, status '${run.status}'`);
		const runs = run.data.resultData.runData?.[nodeName];
		expect(runs?.[0]?.executionStatus === 'error', `node '${nodeName}' did not fail (${runs?.[0]?.executionStatus})`);
		// What the editor shows: the message as the title; the description below it, or else the first of
		// `messages` (where n8n keeps our text when it swaps a message naming ECONNREFUSED & co. for its own).
		const shown = [error.message, error.description ?? error.messages?.[0]].filter(Boolean).join('\n');
		const missing = texts.filter((text) => !shown.toLowerCase().includes(text.toLowerCase()));
		expect(missing.length === 0, `the error does not say ${JSON.stringify(missing)}; it says: ${shown.trim()}`);
		return shown.trim().split('\n').slice(0, 3).join(' | ');
	},
};

const CSV_CHECKS = {
	/** The imported model, written by n8n: header + one line per territory, the dry run left no trace. */
	'imported-plan'(text) {
		const lines = text.split(/\r?\n/);
		if (lines[lines.length - 1] === '') lines.pop();
		expect(lines.length === PLAN_TERRITORIES + 1, `the CSV has ${lines.length} lines, expected ${PLAN_TERRITORIES + 1}`);
		expect(lines[0].startsWith('Territory,Key,Parent,'), `unexpected header: ${lines[0]}`);
		expect(lines.some((line) => line.startsWith('Texas 03,Texas_03,Texas,')), 'Texas 03 is missing or was renamed (the dry run wrote?)');
		expect(!text.includes('Texas_Hill_Country'), 'Texas_Hill_Country exists: the dry run wrote to the org');
		return `${lines.length} lines, header ${lines[0].slice(0, 40)}…`;
	},
};

function noSecrets(sandboxFile, files) {
	const s = sandboxInfo(sandboxFile);
	const key = fs.readFileSync(s.privateKeyPath, 'utf8');
	// A line of the key's body is enough to recognise it anywhere.
	const keyLine = key.split('\n').find((line) => line.length > 40 && !line.startsWith('-----'));
	const secrets = { password: s.password, 'client secret': s.clientSecret, 'private key': keyLine };
	for (const file of files) {
		const text = fs.readFileSync(file, 'utf8');
		for (const [what, value] of Object.entries(secrets)) {
			if (value) expect(!text.includes(value), `the ${what} appears in ${file}`);
		}
	}
	return `no password, client secret or private key in ${files.length} output/log file(s)`;
}

/** Calls the editor's REST API as a logged-in owner would (cookie auth). */
class EditorClient {
	constructor(base) {
		this.base = base.replace(/\/+$/, '');
		this.cookie = '';
	}

	async call(method, path, body) {
		const response = await fetch(`${this.base}${path}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const type = response.headers.get('content-type') ?? '';
		const payload = type.includes('json') ? await response.json() : await response.text();
		if (!response.ok) fail(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(payload).slice(0, 300)}`);
		return { payload, type, size: typeof payload === 'string' ? payload.length : 0 };
	}
}

async function serverChecks(base, sandboxFile) {
	const s = sandboxInfo(sandboxFile);
	const client = new EditorClient(base);
	const results = [];
	const check = async (name, fn) => {
		try {
			results.push(['PASS', name, await fn()]);
		} catch (error) {
			results.push(['FAIL', name, error instanceof CheckError ? error.message : String(error)]);
		}
	};
	await client.call('POST', '/rest/owner/setup', {
		email: 'owner@e2e.example',
		firstName: 'E2E',
		lastName: 'Owner',
		password: 'E2e-owner-Passw0rd',
	});

	let ours = [];
	await check('node types in the editor', async () => {
		const { payload } = await client.call('GET', '/types/nodes.json');
		ours = payload.filter((type) => type.name.startsWith('n8n-nodes-territory-planning.'));
		const names = ours.map((type) => type.name).sort();
		// Import is offered to AI agents (read-only); Publish is not (it writes a whole model).
		const wanted = ['importTerritoryModel', 'importTerritoryModelTool', 'publishTerritoryModel'].map(
			(name) => `n8n-nodes-territory-planning.${name}`,
		);
		expect(JSON.stringify(names) === JSON.stringify(wanted), `node types: ${names.join(', ')}`);
		for (const type of ours) {
			if (!type.name.endsWith('Tool')) expect(type.codex?.categories?.includes('Sales'), `${type.name} has no codex categories`);
		}
		return names.map((name) => name.split('.')[1]).join(', ');
	});
	await check('icons served', async () => {
		const { payload } = await client.call('GET', '/types/credentials.json');
		const credential = payload.find((type) => type.name === 'salesforceTerritoryApi');
		expect(credential, 'the credential type salesforceTerritoryApi is not listed');
		const urls = new Set();
		for (const type of [...ours, credential]) {
			expect(type.iconUrl?.light && type.iconUrl?.dark, `${type.name} has no light/dark icon URL`);
			urls.add(type.iconUrl.light).add(type.iconUrl.dark);
		}
		for (const url of urls) {
			const { type, size } = await client.call('GET', `/${url}`);
			expect(type.startsWith('image/svg+xml') && size > 100, `${url}: ${type}, ${size} bytes`);
		}
		return `${urls.size} SVG icons (nodes and credential, light and dark)`;
	});

	const data = {
		authType: 'password',
		environment: 'custom',
		loginUrl: s.loginUrl,
		clientId: s.clientId,
		clientSecret: s.clientSecret,
		username: s.username,
		password: s.password,
	};
	const created = await client.call('POST', '/rest/credentials', { name: 'Editor test', type: 'salesforceTerritoryApi', data });
	const credentialId = created.payload.data.id;
	await check('credential test (Test button)', async () => {
		const ok = await client.call('POST', '/rest/credentials/test', {
			credentials: { id: credentialId, name: 'Editor test', type: 'salesforceTerritoryApi', data },
		});
		expect(ok.payload.data?.status === 'OK', `valid credential: ${JSON.stringify(ok.payload)}`);
		const bad = await client.call('POST', '/rest/credentials/test', {
			credentials: { id: credentialId, name: 'Editor test', type: 'salesforceTerritoryApi', data: { ...data, password: 'not-the-password' } },
		});
		expect(bad.payload.data?.status === 'Error', `wrong password: ${JSON.stringify(bad.payload)}`);
		expect(!JSON.stringify(bad.payload).includes('not-the-password'), 'the test result repeats the password');
		return `"${ok.payload.data.message}"; wrong password: "${bad.payload.data.message}"`;
	});
	await check('Territory Model list (resource locator)', async () => {
		const { payload } = await client.call('POST', '/rest/dynamic-node-parameters/resource-locator-results', {
			path: 'model',
			nodeTypeAndVersion: { name: 'n8n-nodes-territory-planning.importTerritoryModel', version: 1 },
			methodName: 'searchModels',
			currentNodeParameters: { authentication: 'serverToServer', model: { __rl: true, mode: 'list', value: '' }, output: 'items' },
			credentials: { salesforceTerritoryApi: { id: credentialId, name: 'Editor test' } },
			filter: 'fy27',
		});
		const results = payload.data?.results ?? [];
		expect(results.some((r) => r.value === 'FY27_Sales'), `results: ${JSON.stringify(results)}`);
		return results.map((r) => `${r.name} = ${r.value}`).join(', ');
	});
	return results;
}

async function main(argv) {
	const [command, ...args] = argv;
	switch (command) {
		case 'credentials':
			return writeCredentials(args[0], args[1], args[2]);
		case 'workflow': {
			const overrides = Object.fromEntries(args.slice(3).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
			return writeWorkflow(args[0], args[1], args[2], overrides);
		}
		case 'check': {
			const check = CHECKS[args[0]];
			if (!check) throw new Error(`unknown check ${args[0]}`);
			return console.log(check(parseRun(args[1]), ...args.slice(2)));
		}
		case 'csv': {
			const check = CSV_CHECKS[args[0]];
			if (!check) throw new Error(`unknown csv check ${args[0]}`);
			expect(fs.existsSync(args[1]), `${args[1]} was not written`);
			return console.log(check(fs.readFileSync(args[1], 'utf8')));
		}
		case 'no-secrets':
			return console.log(noSecrets(args[0], args.slice(1)));
		case 'server':
			for (const line of await serverChecks(args[0], args[1])) console.log(line.map((part) => part.replace(/[\t\n]/g, ' ')).join('\t'));
			return undefined;
		default:
			throw new Error(`unknown command ${command}`);
	}
}

main(process.argv.slice(2)).catch((error) => {
	console.error(error instanceof CheckError ? `FAILED: ${error.message}` : error.stack);
	process.exit(1);
});
