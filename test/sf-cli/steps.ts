/**
 * The official Salesforce CLI (`sf`) against the sandbox org: proof that a client nobody here wrote can
 * log in, query, create records and run a Bulk API 2.0 export. Started by test/sf-cli/run.sh:
 *
 *   node -r ts-node/register/transpile-only test/sf-cli/steps.ts --node-bin DIR --sf RUN_JS
 *
 * The sandbox runs in this process (its store and request log are checked against what the CLI says);
 * every `sf` command runs with --json in an isolated, non-interactive environment (a temp HOME and XDG
 * folders, no proxies, no update checks, no telemetry, the generic keychain). Each step prints
 * "ok     name: detail" or "FAILED name: reason"; the last line is "N passed, N failed".
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { startSandbox, type RequestLogEntry, type Sandbox } from '../../sandbox';

const STEP_TIMEOUT_MS = 180_000;
const TOKEN_ALIAS = 'sandbox-token';
const JWT_ALIAS = 'sandbox-jwt';

interface SfResult {
	status: number;
	result?: unknown;
	message?: string;
	name?: string;
	warnings?: unknown[];
}

interface Run {
	exitCode: number;
	json: SfResult | undefined;
	stdout: string;
	stderr: string;
}

class StepError extends Error {}

function expect(condition: unknown, message: string): asserts condition {
	if (!condition) throw new StepError(message);
}

function args(argv: string[]): { nodeBin: string; sf: string; keep: boolean } {
	const get = (flag: string) => {
		const i = argv.indexOf(flag);
		const value = i === -1 ? undefined : argv[i + 1];
		if (!value) throw new Error(`steps.ts needs ${flag} (run it through test/sf-cli/run.sh)`);
		return value;
	};
	return { nodeBin: get('--node-bin'), sf: get('--sf'), keep: argv.includes('--keep') };
}

/** The isolated environment every `sf` command gets: nothing of the caller's but the system PATH. */
function sfEnvironment(work: string, nodeBin: string): NodeJS.ProcessEnv {
	const home = join(work, 'home');
	for (const dir of ['home', 'config', 'data', 'cache', 'state']) mkdirSync(join(work, dir), { recursive: true });
	return {
		// `sf` on the PATH first: the CLI spawns itself (e.g. for plugin hooks) by that name.
		PATH: `${join(work, 'bin')}:${nodeBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: home,
		XDG_CONFIG_HOME: join(work, 'config'),
		XDG_DATA_HOME: join(work, 'data'),
		XDG_CACHE_HOME: join(work, 'cache'),
		XDG_STATE_HOME: join(work, 'state'),
		TMPDIR: tmpdir(),
		LANG: 'C.UTF-8',
		TERM: 'dumb',
		SF_AUTOUPDATE_DISABLE: 'true',
		SF_DISABLE_AUTOUPDATE: 'true',
		SF_DISABLE_TELEMETRY: 'true',
		SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
		SF_SKIP_NEW_VERSION_CHECK: 'true',
		SF_HIDE_RELEASE_NOTES: 'true',
		SF_DISABLE_DNS_CHECK: 'true',
	};
}

async function main(): Promise<void> {
	const { nodeBin, sf, keep } = args(process.argv.slice(2));
	const work = mkdtempSync(join(tmpdir(), 'territory-sf-cli-'));
	mkdirSync(join(work, 'bin'));
	writeFileSync(join(work, 'bin', 'sf'), `#!/bin/sh\nexec "${join(nodeBin, 'node')}" "${sf}" "$@"\n`);
	chmodSync(join(work, 'bin', 'sf'), 0o755);
	const env = sfEnvironment(work, nodeBin);

	const sandbox = await startSandbox({ seed: 'demo' });
	const outputs: string[] = [];
	let passed = 0;
	let failed = 0;

	const runSf = (argv: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
		new Promise((resolve) => {
			execFile(
				'sf',
				[...argv, '--json'],
				{ cwd: work, env: { ...env, ...extraEnv }, timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
				(err, stdout, stderr) => {
					outputs.push(stdout, stderr);
					let json: SfResult | undefined;
					try {
						json = JSON.parse(stdout) as SfResult;
					} catch {
						json = undefined;
					}
					const exitCode = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
					resolve({ exitCode, json, stdout, stderr });
				},
			);
		});

	/** Runs `sf ...` and returns its `result`, or fails with the CLI's own message. */
	const sfResult = async (argv: string[], extraEnv?: NodeJS.ProcessEnv): Promise<unknown> => {
		const run = await runSf(argv, extraEnv);
		const where = `sf ${argv.slice(0, 3).join(' ')}`;
		expect(run.json, `${where}: no JSON on stdout (exit ${run.exitCode}): ${(run.stderr || run.stdout).trim().slice(-400)}`);
		expect(run.exitCode === 0 && run.json.status === 0, `${where}: exit ${run.exitCode}, ${run.json.name ?? 'error'}: ${run.json.message ?? ''}`);
		return run.json.result;
	};

	/** For the few commands whose --json output has no envelope. */
	const sfBare = async (argv: string[]): Promise<unknown> => {
		const run = await runSf(argv);
		expect(run.exitCode === 0 && run.json, `sf ${argv.join(' ')}: exit ${run.exitCode}: ${(run.stderr || run.stdout).trim().slice(-400)}`);
		return run.json;
	};

	const step = async (name: string, body: () => Promise<string>): Promise<void> => {
		const before = sandbox.requestLog.entries.length;
		const started = Date.now();
		try {
			const detail = await body();
			passed++;
			process.stdout.write(`ok     ${name}: ${detail} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
		} catch (err) {
			failed++;
			process.stdout.write(`FAILED ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
			// What the CLI sent meanwhile, to see which endpoint it stumbled on.
			for (const e of sandbox.requestLog.entries.slice(before)) process.stdout.write(`    | ${e.method} ${e.path} → ${e.status}\n`);
		}
	};

	try {
		await steps(sandbox, { sf: sfResult, sfBare }, step, work);
		await step('every request the CLI sent was served', async () => {
			// Three refusals are expected: 401s once the step that expires every session makes the CLI log in
			// again; 400 INVALID_TYPE for ScratchOrgInfo, the CLI's Dev Hub probe (this org is not a Dev Hub);
			// and a JWT token request refused "audience is invalid" that the CLI follows with another
			// login/audience pair which succeeds (sfdx-core authInfo.ts tries the pairs in turn, as a real org
			// accepts only https://login.salesforce.com, https://test.salesforce.com or the login URL itself).
			const entries = sandbox.requestLog.entries;
			const token = '/services/oauth2/token';
			const retriedToken = (i: number) => entries.slice(i + 1).some((later) => later.path === token && later.status === 200);
			const expected = (e: RequestLogEntry, i: number) =>
				e.status === 401 || (e.status === 400 && e.objects.includes('ScratchOrgInfo')) || (e.status === 400 && e.path === token && retriedToken(i));
			const refused = entries.filter((e, i) => e.status >= 400 && !expected(e, i));
			expect(refused.length === 0, `refused: ${refused.map((e) => `${e.method} ${e.path} → ${e.status}`).join('; ')}`);
			const kinds = Object.entries(sandbox.requestLog.byKind()).map(([k, n]) => `${k} ${n}`);
			return `${entries.length} requests (${kinds.join(', ')}; ${entries.filter((e) => e.status === 401).length} × 401 after the forced expiry)`;
		});
		await step('no secret in what the CLI printed', async () => {
			const printed = outputs.join('\n');
			const c = sandbox.credentials;
			const secrets = { password: c.password, 'client secret': c.clientSecret, 'private key': c.privateKey.split('\n')[1] };
			for (const [what, value] of Object.entries(secrets)) expect(!printed.includes(value), `the ${what} was printed`);
			expect(!new RegExp(`${sandbox.orgId}!`).test(printed), 'an access token was printed');
			return `${outputs.length / 2} commands, ${printed.length} characters checked`;
		});
	} finally {
		await sandbox.stop();
		if (keep) process.stdout.write(`work folder kept: ${work}\n`);
		else rmSync(work, { recursive: true, force: true });
	}
	process.stdout.write(`${passed} passed, ${failed} failed\n`);
	process.exitCode = failed === 0 ? 0 : 1;
}

type SfRunner = (argv: string[], extraEnv?: NodeJS.ProcessEnv) => Promise<unknown>;
type StepRunner = (name: string, body: () => Promise<string>) => Promise<void>;

/** An access token as any OAuth client would get one (the password flow), for `sf org login access-token`. */
async function passwordToken(sandbox: Sandbox): Promise<string> {
	const login = sandbox.passwordLogin();
	const form = new URLSearchParams({
		grant_type: 'password',
		username: login.username,
		password: login.password,
		client_id: login.clientId,
		client_secret: login.clientSecret,
	});
	const res = await fetch(`${sandbox.loginUrl}/services/oauth2/token`, { method: 'POST', body: form });
	const body = (await res.json()) as { access_token?: string };
	if (!res.ok || !body.access_token) throw new StepError(`the sandbox refused the password grant (${res.status})`);
	return body.access_token;
}

async function steps(sandbox: Sandbox, cli: { sf: SfRunner; sfBare: SfRunner }, step: StepRunner, work: string): Promise<void> {
	const { sf, sfBare } = cli;
	const c = sandbox.credentials;
	const store = sandbox.store;

	await step('sf version', async () => {
		// `sf version --json` prints its object bare, without the usual {status, result} envelope.
		const result = (await sfBare(['version'])) as { cliVersion?: string; nodeVersion?: string };
		expect(result.cliVersion?.startsWith('@salesforce/cli/'), `unexpected version result ${JSON.stringify(result)}`);
		return `${result.cliVersion} on Node ${result.nodeVersion}`;
	});

	await step('sf org login access-token (plain http:// instance URL)', async () => {
		const token = await passwordToken(sandbox);
		const result = (await sf(['org', 'login', 'access-token', '--instance-url', sandbox.url, '--no-prompt', '--alias', TOKEN_ALIAS], {
			SF_ACCESS_TOKEN: token,
		})) as Record<string, unknown>;
		expect(result.username === c.username, `username ${String(result.username)}, expected ${c.username}`);
		expect(result.orgId === sandbox.orgId, `orgId ${String(result.orgId)}, expected ${sandbox.orgId}`);
		expect(result.instanceApiVersion === '66.0', `the CLI settled on API ${String(result.instanceApiVersion)}, expected the latest, 66.0`);
		return `${String(result.username)} in ${String(result.orgId)}, API ${String(result.instanceApiVersion)}`;
	});

	await step('sf data query (User, with the access-token login)', async () => {
		const result = (await sf(['data', 'query', '--target-org', TOKEN_ALIAS, '--query', 'SELECT Id, Username, IsActive FROM User WHERE IsActive = true ORDER BY Username'])) as {
			totalSize: number;
			records: { Id: string; Username: string }[];
		};
		const active = store.records('User').filter((u) => u.IsActive !== false);
		expect(result.totalSize === active.length, `totalSize ${result.totalSize}, the org has ${active.length} active users`);
		expect(
			result.records.map((r) => r.Id).sort().join() === active.map((u) => u.Id).sort().join(),
			'the records are not the org\'s active users',
		);
		return `${result.totalSize} active users`;
	});

	await step('sf org login jwt (client id, key file, username, instance URL)', async () => {
		const result = (await sf([
			'org',
			'login',
			'jwt',
			'--client-id',
			c.clientId,
			'--jwt-key-file',
			c.privateKeyPath,
			'--username',
			c.username,
			'--instance-url',
			sandbox.loginUrl,
			'--alias',
			JWT_ALIAS,
		])) as Record<string, unknown>;
		expect(result.username === c.username && result.orgId === sandbox.orgId, `logged in as ${String(result.username)} in ${String(result.orgId)}`);
		return `${String(result.username)} in ${String(result.orgId)}`;
	});

	let modelId = '';
	await step('sf data create record (Territory2Model, after every session expired)', async () => {
		// The CLI must log in again with its JWT key on its own (sfdx-core's refresh for JWT auth).
		sandbox.expireAllSessions();
		const result = (await sf([
			'data',
			'create',
			'record',
			'--target-org',
			JWT_ALIAS,
			'--sobject',
			'Territory2Model',
			'--values',
			"Name='FY27 CLI' DeveloperName=FY27_CLI Description='Made by the Salesforce CLI'",
		])) as { id: string; success: boolean };
		expect(result.success && result.id, `create answered ${JSON.stringify(result)}`);
		const record = store.get(result.id);
		expect(record?.type === 'Territory2Model' && record.record.DeveloperName === 'FY27_CLI', `the org has no model ${result.id}`);
		modelId = result.id;
		return `${result.id}, State ${String(record.record.State)}`;
	});

	await step('sf data query (Territory2Model)', async () => {
		const result = (await sf(['data', 'query', '--target-org', JWT_ALIAS, '--query', "SELECT Id, Name, DeveloperName, State FROM Territory2Model WHERE DeveloperName = 'FY27_CLI'"])) as {
			totalSize: number;
			records: { Id: string; Name: string; State: string }[];
		};
		expect(result.totalSize === 1 && result.records[0].Id === modelId, `expected the model ${modelId}, got ${JSON.stringify(result.records)}`);
		expect(result.records[0].State === 'Planning', `State ${result.records[0].State}, expected Planning`);
		return `${result.records[0].Name} (${result.records[0].State})`;
	});

	await step('sf data create record (Territory2Type, Account)', async () => {
		const type = (await sf(['data', 'create', 'record', '--target-org', JWT_ALIAS, '--sobject', 'Territory2Type', '--values', "DeveloperName=Cli_Zone MasterLabel='CLI Zone' Priority=40"])) as { id: string };
		expect(store.get(type.id)?.record.MasterLabel === 'CLI Zone', `the org has no Territory2Type ${type.id}`);
		const account = (await sf(['data', 'create', 'record', '--target-org', JWT_ALIAS, '--sobject', 'Account', '--values', "Name='CLI Co' BillingPostalCode=94105"])) as { id: string };
		const record = store.get(account.id)?.record;
		expect(record?.Name === 'CLI Co' && record.BillingPostalCode === '94105', `the org has no account ${account.id} with those values`);
		return `Territory2Type ${type.id}, Account ${account.id}`;
	});

	await step('sf data get record (the created Account)', async () => {
		const id = store.records('Account').find((a) => a.Name === 'CLI Co')?.Id;
		expect(id, 'no CLI Co account to read');
		const result = (await sf(['data', 'get', 'record', '--target-org', JWT_ALIAS, '--sobject', 'Account', '--record-id', id])) as Record<string, unknown>;
		expect(result.Id === id && result.Name === 'CLI Co', `read ${JSON.stringify(result).slice(0, 200)}`);
		return `${id}: ${Object.keys(result).length} fields`;
	});

	await step('sf data export bulk (Bulk API 2.0 query to a CSV file)', async () => {
		const file = join(work, 'accounts.csv');
		const result = (await sf([
			'data',
			'export',
			'bulk',
			'--target-org',
			JWT_ALIAS,
			'--query',
			'SELECT Id, Name, BillingPostalCode FROM Account',
			'--output-file',
			file,
			'--result-format',
			'csv',
			'--wait',
			'5',
		])) as { totalSize: number; filePath: string };
		const parsed = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
		expect(parsed.errors.length === 0, `the CSV does not parse: ${parsed.errors[0]?.message}`);
		expect(parsed.meta.fields?.join() === 'Id,Name,BillingPostalCode', `columns ${parsed.meta.fields?.join()}`);
		const accounts = store.records('Account');
		expect(result.totalSize === accounts.length, `totalSize ${result.totalSize}, the org has ${accounts.length} accounts`);
		expect(parsed.data.length === accounts.length, `${parsed.data.length} rows, the org has ${accounts.length} accounts`);
		const byId = new Map(accounts.map((a) => [a.Id, a]));
		const wrong = parsed.data.filter((row) => byId.get(row.Id)?.Name !== row.Name || (byId.get(row.Id)?.BillingPostalCode ?? '') !== row.BillingPostalCode);
		expect(wrong.length === 0, `${wrong.length} rows differ from the org, e.g. ${JSON.stringify(wrong[0])}`);
		return `${parsed.data.length} rows, every one matching the org`;
	});

	await step('sf org list limits', async () => {
		const result = (await sf(['org', 'list', 'limits', '--target-org', JWT_ALIAS])) as { name: string; max: number; remaining: number }[];
		const daily = result.find((l) => l.name === 'DailyApiRequests');
		expect(daily?.max === sandbox.apiUsage.max, `DailyApiRequests ${JSON.stringify(daily)}`);
		expect(daily.remaining <= daily.max - 1 && daily.remaining >= daily.max - sandbox.apiUsage.used, `remaining ${daily.remaining} with ${sandbox.apiUsage.used} used`);
		return `DailyApiRequests ${daily.remaining}/${daily.max}, ${result.length} limits`;
	});
}

main().catch((err: unknown) => {
	process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
	process.stdout.write('0 passed, 1 failed\n');
	process.exit(1);
});
