/**
 * The sandbox org as its own process (`sandbox/cli.ts --json`), for tests of the CLI itself and of what
 * only a separate process shows (a restart from the state file, a kill). The first stdout line is the
 * login details as JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from 'jsforce';
import { TEST_API_VERSION } from './sandbox';

const ROOT = join(__dirname, '..', '..');

/** What `sandbox/cli.ts --json` prints first. */
export interface CliInfo {
	loginUrl: string;
	username: string;
	password: string;
	clientId: string;
	clientSecret: string;
	privateKeyPath: string;
}

export interface SandboxCli {
	child: ChildProcess;
	info: CliInfo;
	/** Sends the signal and resolves with the exit code. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs sandbox/cli.ts with the arguments (add '--json' for the login line) and waits for its first line. */
export function startSandboxCli(args: string[]): Promise<SandboxCli> {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'sandbox/cli.ts', ...args], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		return exited;
	};
	return new Promise((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', (line) => {
			try {
				resolve({ child, info: JSON.parse(line) as CliInfo, stop });
			} catch {
				reject(new Error(`First stdout line is not JSON: ${line}`));
			}
		});
		void exited.then((code) => reject(new Error(`CLI exited early with ${code}: ${stderr}`)));
	});
}

/** A jsforce Connection logged in to a CLI sandbox with the password flow. */
export async function loginToCli(info: CliInfo): Promise<Connection> {
	const conn = new Connection({
		loginUrl: info.loginUrl,
		version: TEST_API_VERSION,
		oauth2: { loginUrl: info.loginUrl, clientId: info.clientId, clientSecret: info.clientSecret },
	});
	await conn.login(info.username, info.password);
	return conn;
}
