import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from 'jsforce';

const ROOT = join(__dirname, '..', '..');

interface CliInfo {
	loginUrl: string;
	username: string;
	password: string;
	clientId: string;
	clientSecret: string;
	privateKeyPath: string;
}

function startCli(args: string[]): Promise<{ child: ChildProcess; info: CliInfo }> {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'sandbox/cli.ts', ...args], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		lines.once('line', (line) => {
			try {
				resolve({ child, info: JSON.parse(line) as CliInfo });
			} catch {
				reject(new Error(`First stdout line is not JSON: ${line}`));
			}
		});
		child.once('exit', (code) => reject(new Error(`CLI exited early with ${code}: ${stderr}`)));
	});
}

function stopCli(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
	return new Promise((resolve) => {
		child.once('exit', (code) => resolve(code));
		child.kill(signal);
	});
}

async function login(info: CliInfo): Promise<Connection> {
	const conn = new Connection({
		loginUrl: info.loginUrl,
		version: '62.0',
		oauth2: { loginUrl: info.loginUrl, clientId: info.clientId, clientSecret: info.clientSecret },
	});
	await conn.login(info.username, info.password);
	return conn;
}

describe('sandbox CLI', () => {
	const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-test-'));
	const statePath = join(dir, 'org.json');
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('prints login details as JSON, saves state on SIGTERM and loads it on the next start', async () => {
		const first = await startCli(['--port', '0', '--seed', 'empty', '--state', statePath, '--json']);
		expect(first.info.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(readFileSync(first.info.privateKeyPath, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
		const conn = await login(first.info);
		const created = await conn.sobject('Account').create({ Name: 'Persisted Co' });
		expect(await stopCli(first.child, 'SIGTERM')).toBe(0);
		expect(existsSync(statePath)).toBe(true);
		expect(statSync(statePath).mode & 0o077).toBe(0);

		const second = await startCli(['--port', '0', '--state', statePath, '--json']);
		try {
			expect(second.info.clientId).toBe(first.info.clientId);
			expect(second.info.password).toBe(first.info.password);
			const again = await login(second.info);
			const read = (await again.sobject('Account').retrieve(created.id as string)) as { Name: string };
			expect(read.Name).toBe('Persisted Co');
		} finally {
			expect(await stopCli(second.child, 'SIGINT')).toBe(0);
		}
	}, 60000);

	it('rejects an unknown option with a clear message and exit code 2', async () => {
		const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'sandbox/cli.ts', '--frobnicate'], { cwd: ROOT });
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const code = await new Promise((resolve) => child.once('exit', resolve));
		expect(code).toBe(2);
		expect(stderr).toMatch(/Unknown option --frobnicate/);
	}, 30000);
});
