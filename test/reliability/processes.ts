/**
 * Publishers in child processes, killed (SIGKILL: the process, not a flag) at an exact point of their
 * run: the sandbox org stays in the jest process and tells us of every request it served before the
 * answer leaves, so "killed after the k-th write landed" is exact and its answer is never read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import type { Sandbox } from '../../sandbox';
import type { PublisherJob } from './child/publisher';

const ROOT = path.join(__dirname, '../..');
const OUT = path.join(ROOT, 'out', 'reliability');

let built: string | undefined;

/**
 * The child script, bundled once per jest worker with esbuild (our TypeScript only; packages stay
 * external and load from node_modules): a child starts in about half a second, where ts-node needs
 * several to compile the engine.
 */
export function publisherScript(): string {
	if (built) return built;
	mkdirSync(OUT, { recursive: true });
	const outfile = path.join(OUT, `publisher-${process.pid}.js`);
	buildSync({
		entryPoints: [path.join(__dirname, 'child', 'publisher.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		outfile,
		logLevel: 'error',
	});
	built = outfile;
	return outfile;
}

/** Removes this worker's bundle (afterAll). */
export function removePublisherScript(): void {
	if (built) rmSync(built, { force: true });
	built = undefined;
}

export interface ChildExit {
	code: number | null;
	signal: NodeJS.Signals | null;
	/** The `result` line's JSON, when the run finished. */
	result: unknown;
	stderr: string;
}

export interface Publisher {
	readonly process: ChildProcess;
	/** Resolves once the child has loaded everything. */
	ready: Promise<void>;
	/** Starts the publish. */
	go(): void;
	exited: Promise<ChildExit>;
	kill(): void;
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy'];

export function startPublisher(job: PublisherJob): Publisher {
	const dir = mkdtempSync(path.join(tmpdir(), 'tp-publisher-'));
	const jobFile = path.join(dir, 'job.json');
	// The job holds the org's password: readable by its owner only, in a folder of its own.
	writeFileSync(jobFile, JSON.stringify(job), { mode: 0o600 });
	const env: NodeJS.ProcessEnv = { ...process.env, N8N_USER_FOLDER: path.join(dir, 'n8n') };
	// jsforce reads proxy variables at load time; the sandbox is on loopback.
	for (const name of PROXY_VARIABLES) delete env[name];
	const child = spawn(process.execPath, [publisherScript(), jobFile], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	let markReady!: () => void;
	const ready = new Promise<void>((resolve) => (markReady = resolve));
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		if (/^ready$/m.test(stdout)) markReady();
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = new Promise<ChildExit>((resolve) => {
		child.on('exit', (code, signal) => {
			markReady();
			rmSync(dir, { recursive: true, force: true });
			const line = /^result (.*)$/m.exec(stdout);
			resolve({ code, signal, result: line ? JSON.parse(line[1]) : undefined, stderr });
		});
	});
	return {
		process: child,
		ready,
		go: () => child.stdin.write('go\n'),
		exited,
		kill: () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		},
	};
}

/**
 * SIGKILLs the child as soon as the sandbox has served its k-th write request (k from 1), before the
 * answer is sent: the write landed, the publisher never learns it did. Returns the unsubscribe.
 */
export function killAfterWrite(sandbox: Sandbox, child: Publisher, k: number): { dispose(): void; killedAt(): string | null } {
	let writes = 0;
	let at: string | null = null;
	const dispose = sandbox.requestLog.onEntry((entry) => {
		if (!entry.write || at) return;
		writes++;
		if (writes < k) return;
		child.kill();
		at = `${entry.kind}:${entry.objects.filter((o) => o !== 'Organization').join('+')}`;
	});
	return { dispose, killedAt: () => at };
}
