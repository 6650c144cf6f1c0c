/**
 * Child processes for the real-n8n tooling: bounded commands (`timeout -k`, because a failed
 * `n8n execute` can hang and ignore SIGTERM) and long-running servers in their own process group,
 * so stopping one also stops whatever it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Hard limit: TERM after this, KILL 10 s later. */
	timeoutSeconds: number;
	/** Called with each stderr line as it arrives (progress). */
	onStderrLine?: (line: string) => void;
	/**
	 * The child's stdout goes to this file (and is read back into `stdout`), not to a pipe. Node writes
	 * to a pipe asynchronously, so a child that calls process.exit() right after printing a large block
	 * loses its tail: `n8n execute --rawOutput` did with a dry run's run data (its change set and review),
	 * and a 4 MB write followed by process.exit() arrived as 219 kB through a pipe on this machine (Node
	 * 20, Linux). Writes to a file are synchronous (test/tooling/real-n8n-host.test.ts).
	 */
	stdoutFile?: string;
}

export interface RunResult {
	/** 124/137: the timeout stopped it. */
	code: number;
	stdout: string;
	stderr: string;
}

/** Splits a stream into lines for a callback, keeping the tail until its newline arrives. */
function lineSplitter(onLine: (line: string) => void): (chunk: Buffer) => void {
	let rest = '';
	return (chunk) => {
		const lines = (rest + chunk.toString('utf8')).split('\n');
		rest = lines.pop() ?? '';
		for (const line of lines) onLine(line);
	};
}

export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
		const child = spawn('timeout', ['-k', '10', String(options.timeoutSeconds), command, ...args], {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
		});
		// The child has its own copy of the descriptor now.
		if (stdoutFd !== undefined) closeSync(stdoutFd);
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		const onLine = options.onStderrLine ? lineSplitter(options.onStderrLine) : undefined;
		child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr?.on('data', (chunk: Buffer) => {
			err.push(chunk);
			onLine?.(chunk);
		});
		child.on('error', reject);
		child.on('close', (code, signal) =>
			resolve({
				code: code ?? (signal ? 128 + 9 : 1),
				stdout: options.stdoutFile === undefined ? Buffer.concat(out).toString('utf8') : readFileSync(options.stdoutFile, 'utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
			}),
		);
	});
}

/** Runs a command and fails with its last stderr lines when it exits non-zero. */
export async function runChecked(what: string, command: string, args: string[], options: RunOptions): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n');
		const reason = result.code === 124 || result.code === 137 ? `timed out after ${options.timeoutSeconds} s` : `exited ${result.code}`;
		throw new Error(`${what} ${reason}:\n${tail}`);
	}
	return result;
}

/** A server in its own process group, output to a callback per line. */
export function startDetached(
	command: string,
	args: string[],
	options: { cwd?: string; env: NodeJS.ProcessEnv; onLine: (line: string) => void },
): ChildProcess {
	const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	const onOut = lineSplitter(options.onLine);
	const onErr = lineSplitter(options.onLine);
	child.stdout?.on('data', onOut);
	child.stderr?.on('data', onErr);
	return child;
}

/** TERM to the whole group, KILL after `graceSeconds` if anything of it is still there. */
export async function stopGroup(child: ChildProcess, graceSeconds = 10): Promise<void> {
	if (child.pid === undefined) return;
	const signalGroup = (signal: NodeJS.Signals) => {
		try {
			process.kill(-(child.pid as number), signal);
		} catch {
			// The group is gone already.
		}
	};
	// A leader that already exited may have left children in its group (n8n's task runner): kill them.
	if (child.exitCode !== null || child.signalCode !== null) {
		signalGroup('SIGKILL');
		return;
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	signalGroup('SIGTERM');
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<void>((resolve) => {
		timer = setTimeout(resolve, graceSeconds * 1000);
	});
	await Promise.race([exited, timedOut]);
	clearTimeout(timer);
	// Children of the group (n8n's task runner) may outlive the leader: KILL what is left either way.
	signalGroup('SIGKILL');
}
