/**
 * One real n8n on this machine: a throwaway user folder with this package installed the way n8n's
 * community-package installer does it, the CLI (`import:*`, `execute`) and the editor server
 * (`n8n start`) on 127.0.0.1 only.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

import type { N8nInstall } from './install';
import { run, runChecked, startDetached, stopGroup } from './process';

export const PACKAGE_NAME = 'n8n-nodes-territory-planning';
/** Where example workflows keep their files: the default N8N_RESTRICT_FILE_ACCESS_TO of n8n 2.x in Docker. */
export const EXAMPLE_FILES_DIR = '/home/node/.n8n-files/';

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy'];

/** A free loopback port (for n8n's task broker, which every 2.x instance starts). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export interface N8nCredential {
	id: string;
	name: string;
	type: string;
	/** Plain data: `n8n import:credentials` encrypts it with the instance's key. */
	data: Record<string, unknown>;
}

/** What `n8n execute --rawOutput` reports: the execution (IRun) as JSON. */
export interface ExecutionRun {
	status: string;
	data: {
		resultData: {
			error?: { message?: string; description?: string; messages?: string[]; node?: { name?: string } };
			runData: Record<string, Array<{ executionStatus?: string; data?: { main?: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, unknown> }> | null> } }>>;
		};
	};
}

export interface Execution {
	/** The run, or undefined when n8n printed none (it crashed or timed out). */
	run?: ExecutionRun;
	/** True when the execution finished with status 'success'. */
	succeeded: boolean;
	exitCode: number;
	/** n8n's own log lines (banner, errors): for a post-mortem. */
	log: string;
}

export interface InstanceOptions {
	install: N8nInstall;
	/** A fresh folder: user folder, files folder and logs go below it. */
	workDir: string;
	/** The editor's port (default: a free one). */
	port?: number;
	/** The folder file nodes may read and write (default: <workDir>/files). */
	filesDir?: string;
	executeTimeoutSeconds?: number;
	/** More environment for every n8n process (e.g. queue mode: EXECUTIONS_MODE, QUEUE_BULL_REDIS_*). */
	env?: NodeJS.ProcessEnv;
}

/**
 * `n8n execute --rawOutput` prints banner lines, then the run as indented JSON (from a line that
 * starts with "{" to the next line that is exactly "}"), then possibly more log lines.
 */
export function parseRawOutput(stdout: string): ExecutionRun | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	const end = lines.findIndex((line, i) => i > start && line === '}');
	if (start < 0 || end < 0) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as ExecutionRun;
	} catch {
		return undefined;
	}
}

/** Why an execution failed, in the words n8n shows in the editor. */
export function describeFailure(execution: Execution): string {
	const error = execution.run?.data.resultData.error;
	if (error) return [error.node?.name, error.message, error.description ?? error.messages?.[0]].filter(Boolean).join(': ');
	if (!execution.run) return `n8n printed no execution (exit ${execution.exitCode}):\n${execution.log.split('\n').slice(-15).join('\n')}`;
	return `status ${execution.run.status}`;
}

export class N8nInstance {
	readonly userFolder: string;
	readonly filesDir: string;
	readonly port: number;
	readonly url: string;
	private server?: ChildProcess;
	private serverLog: string[] = [];
	/** The owner's session cookie, once setupOwner() ran. */
	private cookie = '';

	private constructor(
		private readonly options: InstanceOptions,
		port: number,
		private readonly brokerPort: number,
	) {
		this.userFolder = path.join(options.workDir, 'user');
		this.filesDir = options.filesDir ?? path.join(options.workDir, 'files');
		this.port = port;
		this.url = `http://127.0.0.1:${port}`;
		mkdirSync(this.userFolder, { recursive: true });
		mkdirSync(this.filesDir, { recursive: true });
	}

	static async create(options: InstanceOptions): Promise<N8nInstance> {
		return new N8nInstance(options, options.port ?? (await freePort()), await freePort());
	}

	get version(): string {
		return this.options.install.version;
	}

	/** The environment of every n8n command: no telemetry or network calls, loopback only. */
	env(): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = { ...process.env };
		for (const name of PROXY_VARIABLES) delete env[name];
		return {
			...env,
			PATH: `${this.options.install.nodeBinDir}:${env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			DB_TYPE: 'sqlite',
			N8N_LOG_LEVEL: 'info', // at warn, --rawOutput prints nothing
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesDir,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false', // plain HTTP on loopback
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			// A queue-mode worker's health and metrics server (when enabled) binds here too.
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			NO_PROXY: '127.0.0.1,localhost',
			...this.options.env,
		};
	}

	/** Runs `n8n ARGS...` (bounded); resolves with its output whatever the exit status. */
	cli(args: string[], timeoutSeconds = this.options.executeTimeoutSeconds ?? 240, stdoutFile?: string) {
		const { nodeBinDir, n8nBin } = this.options.install;
		return run(path.join(nodeBinDir, 'node'), [n8nBin, ...args], { env: this.env(), timeoutSeconds, stdoutFile });
	}

	/**
	 * Installs the tarball as n8n's installer does (community-packages.service): unpacked into
	 * .n8n/nodes/node_modules/<name>, dev/peer/optional dependencies dropped (n8n provides
	 * n8n-workflow), runtime dependencies installed inside the package folder, the package listed in
	 * .n8n/nodes/package.json. n8n then loads it with its node types named `<package>.<node>`.
	 */
	async installPackage(tarball: string): Promise<string[]> {
		const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
		mkdirSync(target, { recursive: true });
		await runChecked('unpacking the tarball', 'tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { timeoutSeconds: 60 });
		const manifestPath = path.join(target, 'package.json');
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
		delete manifest.devDependencies;
		delete manifest.peerDependencies;
		delete manifest.optionalDependencies;
		writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
		writeFileSync(
			path.join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: manifest.version } }, null, 2),
		);
		const dependencies = Object.keys((manifest.dependencies as Record<string, string> | undefined) ?? {});
		if (dependencies.length) {
			await runChecked(
				'npm install (runtime dependencies of the package)',
				'npm',
				['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
				{ cwd: target, env: this.env(), timeoutSeconds: 300 },
			);
		}
		return dependencies;
	}

	async importCredentials(credentials: N8nCredential[]): Promise<void> {
		const file = path.join(this.options.workDir, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials, null, '\t'), { mode: 0o600 });
		try {
			const result = await this.cli(['import:credentials', `--input=${file}`]);
			if (result.code !== 0) throw new Error(`n8n import:credentials exited ${result.code}: ${lastLines(result.stdout + result.stderr)}`);
		} finally {
			// Plain secrets live only as long as the import.
			writeFileSync(file, '');
		}
	}

	/** Imports every workflow file of `folder` (each carries its own `id`). */
	async importWorkflows(folder: string): Promise<void> {
		const result = await this.cli(['import:workflow', '--separate', `--input=${folder}`]);
		if (result.code !== 0) throw new Error(`n8n import:workflow exited ${result.code}: ${lastLines(result.stdout + result.stderr)}`);
	}

	async execute(workflowId: string): Promise<Execution> {
		// Through a file: n8n exits right after printing the run, which can be megabytes (see RunOptions.stdoutFile).
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], undefined, path.join(this.options.workDir, `execute-${workflowId}.out`));
		const parsed = parseRawOutput(result.stdout);
		return { run: parsed, succeeded: parsed?.status === 'success', exitCode: result.code, log: `${result.stdout}\n${result.stderr}` };
	}

	/** Starts the editor (`n8n start`) and resolves once it serves. */
	async start(timeoutSeconds = 120): Promise<void> {
		const { nodeBinDir, n8nBin } = this.options.install;
		this.server = startDetached(path.join(nodeBinDir, 'node'), [n8nBin, 'start'], {
			env: this.env(),
			onLine: (line) => {
				this.serverLog.push(line);
				if (this.serverLog.length > 500) this.serverLog.shift();
			},
		});
		const deadline = Date.now() + timeoutSeconds * 1000;
		while (Date.now() < deadline) {
			if (this.server.exitCode !== null) throw new Error(`n8n start exited ${this.server.exitCode}: ${lastLines(this.serverLog.join('\n'))}`);
			if (await this.healthy()) return;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		throw new Error(`n8n did not serve ${this.url} within ${timeoutSeconds} s: ${lastLines(this.serverLog.join('\n'))}`);
	}

	/**
	 * Starts a queue-mode worker (`n8n worker`, env() plus EXECUTIONS_MODE=queue from options.env) and
	 * resolves once it says it is ready; its log lines go to `onLine`. Stop it with stopGroup.
	 */
	async startWorker(onLine: (line: string) => void, timeoutSeconds = 180): Promise<ChildProcess> {
		const { nodeBinDir, n8nBin } = this.options.install;
		let ready = false;
		const worker = startDetached(path.join(nodeBinDir, 'node'), [n8nBin, 'worker', '--concurrency=2'], {
			env: this.env(),
			onLine: (line) => {
				if (/n8n worker is now ready/i.test(line)) ready = true;
				onLine(line);
			},
		});
		const deadline = Date.now() + timeoutSeconds * 1000;
		while (!ready) {
			if (worker.exitCode !== null) throw new Error(`n8n worker exited ${worker.exitCode}`);
			if (Date.now() > deadline) {
				await stopGroup(worker);
				throw new Error(`n8n worker not ready within ${timeoutSeconds} s`);
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		return worker;
	}

	/** The editor server's recent log lines. */
	get log(): string {
		return this.serverLog.join('\n');
	}

	/** Resolves when the server stops by itself (or is stopped). */
	exited(): Promise<number | null> {
		const server = this.server;
		if (!server || server.exitCode !== null) return Promise.resolve(server?.exitCode ?? null);
		return new Promise((resolve) => server.once('exit', (code) => resolve(code)));
	}

	private async healthy(): Promise<boolean> {
		try {
			const response = await fetch(`${this.url}/healthz/readiness`, { signal: AbortSignal.timeout(5_000) });
			return response.ok;
		} catch {
			return false;
		}
	}

	/** Creates the owner account, as the editor's first-run form does, and keeps its session. */
	async setupOwner(owner: { email: string; firstName: string; lastName: string; password: string }): Promise<void> {
		await this.rest('POST', '/rest/owner/setup', owner);
	}

	/** Calls the editor's REST API as the owner (cookie auth); returns the JSON body's `data`. */
	async rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.url}${route}`, {
			method,
			// A wedged n8n must fail the call, not hold it for undici's 5-minute defaults.
			signal: AbortSignal.timeout(60_000),
			headers: { 'content-type': 'application/json', cookie: this.cookie, 'browser-id': 'territory-planning-tests' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${text.slice(0, 300)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/**
	 * Executes a workflow the way the editor's "Execute workflow" button does (mode 'manual', the only
	 * mode in which n8n uses pinned data: WorkflowRunner.resolvePinData), from the named trigger, and
	 * waits for it to finish. Needs the server and the owner's session.
	 */
	async executeManually(workflowId: string, triggerName: string, timeoutSeconds = this.options.executeTimeoutSeconds ?? 240): Promise<Execution> {
		const { executionId } = await this.rest<{ executionId: string }>('POST', `/rest/workflows/${workflowId}/run`, {
			triggerToStartFrom: { name: triggerName },
		});
		// n8n stores run data serialised with flatted: read it with n8n's own copy.
		const flatted = createRequire(path.join(this.options.install.n8nBin, '..', '..', 'package.json'))('flatted') as { parse(text: string): unknown };
		const deadline = Date.now() + timeoutSeconds * 1000;
		while (Date.now() < deadline) {
			const execution = await this.rest<{ status: string; finished: boolean; data: string }>('GET', `/rest/executions/${executionId}`);
			if (!['new', 'running', 'waiting'].includes(execution.status)) {
				const run = { status: execution.status, data: flatted.parse(execution.data) } as ExecutionRun;
				return { run, succeeded: execution.status === 'success', exitCode: 0, log: this.log };
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		return { succeeded: false, exitCode: 124, log: `execution ${executionId} still running after ${timeoutSeconds} s\n${this.log}` };
	}

	async stop(): Promise<void> {
		if (this.server) await stopGroup(this.server);
		this.server = undefined;
	}
}

function lastLines(text: string, count = 15): string {
	return text
		.split('\n')
		.filter((line) => line.trim())
		.slice(-count)
		.join('\n');
}
