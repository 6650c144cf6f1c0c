/**
 * Runs the sandbox org until interrupted:
 *   npm run sandbox -- [--port N] [--state FILE] [--seed demo|empty] [--active-model] [--latency MS]
 *                      [--api-limit N] [--token-ttl S] [--lock-rate R] [--unavailable-rate R]
 *                      [--fault-seed N] [--expire-sessions-every N]
 *                      [--rule-field-form qualified|bare] [--state-country-picklists]
 *                      [--sharing account=LEVEL,opportunity=LEVEL,case=LEVEL] [--block-password-flow]
 *                      [--no-rest-rule-links] [--accounts N] [--users N] [--latency-per-request MS]
 *                      [--latency-per-record MS] [--failed-reference halt|null] [--datetime-precision second|millisecond] [--territories-per-model N]
 *                      [--control] [--json]
 * With --json the first stdout line is one JSON object with the login details (for scripts).
 * On SIGINT/SIGTERM it saves the org to --state (atomically) and exits 0.
 * With --control it reads commands from stdin, one a line, and answers each with one JSON line on stdout:
 * `stats` (API calls, write calls, records written and read since the last reset, calls by kind) and
 * `reset` (starts the count again) and `log` (every request since the last reset: method, path, kind,
 * objects, records, serving time), for benchmarks that run the sandbox in a process of its own.
 */
import { startSandbox } from './server';
import type { SandboxOptions } from './types';
import { DEFAULT_LATEST_VERSION } from './http/versions';
import type { FaultSettings } from './http/faults';

const USAGE =
	'Usage: sandbox [--port N] [--state FILE] [--seed demo|empty] [--active-model] [--latency MS] ' +
	'[--api-limit N] [--token-ttl SECONDS] [--lock-rate 0..1] [--unavailable-rate 0..1] [--fault-seed N] [--expire-sessions-every N] ' +
	'[--rule-field-form qualified|bare] [--state-country-picklists] [--sharing account=None|Read|Edit,opportunity=…,case=…] ' +
	'[--block-password-flow] [--no-rest-rule-links] [--accounts N] [--users N] [--latency-per-request MS] ' +
	'[--latency-per-record MS] [--failed-reference halt|null] [--datetime-precision second|millisecond] [--territories-per-model N] [--control] [--json]';

interface CliArgs {
	options: SandboxOptions;
	faults: FaultSettings;
	json: boolean;
	control: boolean;
}

function parseArgs(argv: string[]): CliArgs {
	const options: SandboxOptions = {};
	const faults: FaultSettings = {};
	let json = false;
	let control = false;
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		const number = (min: number, max: number) => {
			const raw = value();
			const n = Number(raw);
			if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} must be a number from ${min} to ${max}, got "${raw}"`);
			return n;
		};
		switch (flag) {
			case '--port':
				options.port = number(0, 65535);
				break;
			case '--state':
				options.statePath = value();
				break;
			case '--seed': {
				const seed = value();
				if (seed !== 'demo' && seed !== 'empty') throw new Error(`--seed must be demo or empty, got "${seed}"`);
				options.seed = seed;
				break;
			}
			case '--active-model':
				options.seedOptions = { ...options.seedOptions, activeModel: true };
				break;
			case '--latency':
				options.latencyMs = number(0, 600_000);
				break;
			case '--api-limit':
				options.dailyApiLimit = number(1, Number.MAX_SAFE_INTEGER);
				break;
			case '--token-ttl':
				options.tokenTtlSeconds = number(1, Number.MAX_SAFE_INTEGER);
				break;
			case '--lock-rate':
				faults.lockRowRate = number(0, 1);
				break;
			case '--unavailable-rate':
				faults.unavailableRate = number(0, 1);
				break;
			case '--fault-seed':
				faults.seed = number(0, 2 ** 32 - 1);
				break;
			case '--expire-sessions-every':
				faults.expireSessionsEveryCalls = Math.floor(number(1, Number.MAX_SAFE_INTEGER));
				break;
			case '--rule-field-form': {
				const form = value();
				if (form !== 'qualified' && form !== 'bare') throw new Error(`--rule-field-form must be qualified or bare, got "${form}"`);
				options.ruleItemFieldForm = form;
				break;
			}
			case '--state-country-picklists':
				options.stateCountryPicklists = true;
				break;
			case '--sharing':
				// e.g. account=Edit,opportunity=Read,case=None (startSandbox checks the levels)
				options.sharing = Object.fromEntries(value().split(',').map((kv) => kv.split('=').map((x) => x.trim())));
				break;
			case '--block-password-flow':
				options.blockPasswordFlow = true;
				break;
			case '--no-rest-rule-links':
				options.ruleLinksViaRest = false;
				break;
			case '--accounts':
				options.seedOptions = { ...options.seedOptions, accounts: number(0, 10_000_000) };
				break;
			case '--users':
				options.seedOptions = { ...options.seedOptions, users: number(0, 1_000_000) };
				break;
			case '--latency-per-request':
				options.latency = { ...options.latency, perRequestMs: number(0, 600_000) };
				break;
			case '--latency-per-record':
				options.latency = { ...options.latency, perRecordMs: number(0, 60_000) };
				break;
			case '--failed-reference': {
				const mode = value();
				if (mode !== 'halt' && mode !== 'null') throw new Error(`--failed-reference must be halt or null, got "${mode}"`);
				options.failedReference = mode;
				break;
			}
			case '--datetime-precision': {
				const precision = value();
				if (precision !== 'second' && precision !== 'millisecond') throw new Error(`--datetime-precision must be second or millisecond, got "${precision}"`);
				options.datetimePrecision = precision;
				break;
			}
			case '--territories-per-model':
				options.territoriesPerModel = number(1, 10_000_000);
				break;
			case '--control':
				control = true;
				break;
			case '--json':
				json = true;
				break;
			case '--help':
			case '-h':
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown option ${flag}\n${USAGE}`);
		}
	}
	return { options, faults, json, control };
}

/** `--control`: stats and reset of the request log over stdin/stdout, one JSON line per command. */
function serveControl(sandbox: Awaited<ReturnType<typeof startSandbox>>): void {
	let buffer = '';
	process.stdin.setEncoding('utf8');
	process.stdin.on('data', (chunk: string) => {
		buffer += chunk;
		let nl: number;
		while ((nl = buffer.indexOf('\n')) >= 0) {
			const command = buffer.slice(0, nl).trim();
			buffer = buffer.slice(nl + 1);
			const log = sandbox.requestLog;
			if (command === 'reset') log.reset();
			const answer =
				command === 'stats' || command === 'reset'
					? { apiCalls: log.apiCalls, writeCalls: log.writeCalls, recordsWritten: log.recordsWritten, recordsRead: log.recordsRead, byKind: log.byKind() }
					: command === 'log'
						? { entries: log.entries }
						: { error: `unknown command "${command}" (stats, reset, log)` };
			process.stdout.write(`${JSON.stringify(answer)}\n`);
		}
	});
}

async function main(): Promise<void> {
	const { options, faults, json, control } = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox(options);
	if (Object.keys(faults).length) sandbox.faults.set(faults);
	const c = sandbox.credentials;
	const apiVersion = options.apiVersionLatest ?? DEFAULT_LATEST_VERSION;
	if (json) {
		const info = {
			loginUrl: sandbox.loginUrl,
			instanceUrl: sandbox.url,
			apiVersion,
			orgId: sandbox.orgId,
			username: c.username,
			password: c.password,
			securityToken: c.securityToken,
			clientId: c.clientId,
			clientSecret: c.clientSecret,
			privateKeyPath: c.privateKeyPath,
			statePath: options.statePath ?? null,
		};
		process.stdout.write(`${JSON.stringify(info)}\n`);
	} else {
		process.stdout.write(
			[
				`Sandbox org listening on ${sandbox.url} (loopback only), API v${apiVersion}`,
				`Login URL (every flow): ${sandbox.loginUrl}`,
				'',
				options.blockPasswordFlow
					? 'OAuth 2.0 username-password flow (blocked by --block-password-flow: answers invalid_grant):'
					: 'OAuth 2.0 username-password flow:',
				`  username:       ${c.username}`,
				`  password:       ${c.password}  (no security token)`,
				`  client id:      ${c.clientId}`,
				`  client secret:  ${c.clientSecret}`,
				'Client credentials flow: the client id and secret above (runs as the integration user).',
				'JWT bearer flow: iss = client id, sub = username, aud = login URL;',
				`  private key:    ${c.privateKeyPath}`,
				options.statePath ? `State: ${options.statePath} (saved on Ctrl+C)` : 'State: in memory only (use --state FILE to keep it)',
				'Press Ctrl+C to stop.',
				'',
			].join('\n'),
		);
	}

	if (control) serveControl(sandbox);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		sandbox
			.stop()
			.then(() => {
				if (!json) process.stdout.write(`Stopped (${signal})${options.statePath ? `, state saved to ${options.statePath}` : ''}.\n`);
				process.exit(0);
			})
			.catch((err: unknown) => {
				process.stderr.write(`Failed to stop cleanly: ${err instanceof Error ? err.message : String(err)}\n`);
				process.exit(1);
			});
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
	process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(2);
});
