/**
 * The benchmark's two kinds of child process: the sandbox org (`sandbox/cli.ts --json --control`, one
 * per size, seeded with the users and accounts the size needs, with the latency model) and the engine
 * (bench/engine-worker.ts, one per measured operation). API calls are counted by the sandbox (its
 * request log, read over --control), never by the code under test.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { createInterface, type Interface } from 'node:readline';
import type { ConnectionSettings } from '../lib';
import type { LoggedRequest } from './call-kinds';
import type { PlanSize } from './plan-generator';
import type { WorkerJob, WorkerResult } from './engine-worker';

const ROOT = path.join(__dirname, '..');
/** ts-node without type checks (as `npm run sandbox` does); children get no proxy variables. */
const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

function childEnv(): NodeJS.ProcessEnv {
	const env = { ...process.env };
	for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) delete env[name];
	return env;
}

/** The latency model of the sandbox: a fixed cost per request plus a cost per record written. */
export interface LatencyModel {
	perRequestMs: number;
	perRecordMs: number;
}

export interface OrgStats {
	apiCalls: number;
	writeCalls: number;
	recordsWritten: number;
	recordsRead: number;
	byKind: Partial<Record<string, number>>;
}

export class OrgProcess {
	private constructor(
		private readonly child: ChildProcessWithoutNullStreams,
		private readonly lines: Interface,
		readonly connection: ConnectionSettings,
	) {}

	/** `nodeArgs`: flags for the sandbox's Node process (e.g. --cpu-prof). */
	static async start(size: PlanSize, latency: LatencyModel, nodeArgs: string[] = []): Promise<OrgProcess> {
		const args = [
			...TS_NODE,
			path.join(ROOT, 'sandbox', 'cli.ts'),
			'--json',
			'--control',
			'--seed', 'demo',
			'--accounts', String(size.accounts),
			'--users', String(size.users),
			'--latency-per-request', String(latency.perRequestMs),
			'--latency-per-record', String(latency.perRecordMs),
			// A model of the size: Salesforce support raises the 1,000-territory limit on request.
			'--territories-per-model', String(Math.max(1000, size.territories)),
			'--api-limit', '10000000',
		];
		const child = spawn(process.execPath, ['--max-old-space-size=8192', ...nodeArgs, ...args], { cwd: ROOT, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const lines = createInterface({ input: child.stdout });
		const first = await new Promise<string>((resolve, reject) => {
			lines.once('line', resolve);
			child.once('exit', (code) => reject(new Error(`The sandbox org exited (${code}) before it listened: ${stderr.trim()}`)));
		});
		const info = JSON.parse(first) as { loginUrl: string; username: string; password: string; clientId: string; clientSecret: string };
		const connection: ConnectionSettings = {
			authType: 'password',
			loginUrl: info.loginUrl,
			username: info.username,
			password: info.password,
			clientId: info.clientId,
			clientSecret: info.clientSecret,
		};
		return new OrgProcess(child, lines, connection);
	}

	private command<T>(name: 'stats' | 'reset' | 'log'): Promise<T> {
		return new Promise((resolve) => {
			this.lines.once('line', (line) => resolve(JSON.parse(line) as T));
			this.child.stdin.write(`${name}\n`);
		});
	}

	stats(): Promise<OrgStats> {
		return this.command('stats');
	}

	reset(): Promise<OrgStats> {
		return this.command('reset');
	}

	/** Every request since the last reset, for the split of the calls by purpose (call-kinds.ts). */
	async log(): Promise<LoggedRequest[]> {
		return (await this.command<{ entries: LoggedRequest[] }>('log')).entries;
	}

	async stop(): Promise<void> {
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.kill('SIGTERM');
		await exited;
	}
}

let workerScript: string | undefined;

/**
 * The engine worker as plain JavaScript, bundled once per bench run with esbuild (our TypeScript only;
 * packages load from node_modules): under ts-node the worker's peak RSS held TypeScript's compiler and
 * the compiled sources (about 200 MB at S), which an engine running in n8n (compiled JavaScript) has not.
 */
function workerEntry(): string {
	if (workerScript) return workerScript;
	const outDir = path.join(ROOT, 'out', 'bench');
	mkdirSync(outDir, { recursive: true });
	const outfile = path.join(outDir, `engine-worker-${process.pid}.js`);
	buildSync({ entryPoints: [path.join(__dirname, 'engine-worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
	return (workerScript = outfile);
}

/** Runs one engine operation in a fresh process and returns what it measured. */
export function runWorker(job: WorkerJob, nodeArgs: string[] = []): Promise<WorkerResult> {
	return new Promise((resolve, reject) => {
		// The XL plan's change set and snapshot need more than Node's default heap on small machines.
		const child = spawn(process.execPath, ['--max-old-space-size=4096', ...nodeArgs, workerEntry(), JSON.stringify(job)], {
			cwd: ROOT,
			env: childEnv(),
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		child.on('exit', (code) => {
			const last = out.trim().split('\n').pop() ?? '';
			if (code !== 0 || !last.startsWith('{')) reject(new Error(`engine worker ${job.op} ${job.size} failed (${code}): ${err.trim().slice(-2000)}`));
			else resolve(JSON.parse(last) as WorkerResult);
		});
	});
}
