import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loginToCli, startSandboxCli } from '../helpers/sandbox-cli';

const ROOT = join(__dirname, '..', '..');

describe('sandbox CLI', () => {
	const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-test-'));
	const statePath = join(dir, 'org.json');
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('prints login details as JSON, saves state on SIGTERM and loads it on the next start', async () => {
		const first = await startSandboxCli(['--port', '0', '--seed', 'empty', '--state', statePath, '--json']);
		expect(first.info.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(readFileSync(first.info.privateKeyPath, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
		const conn = await loginToCli(first.info);
		const created = await conn.sobject('Account').create({ Name: 'Persisted Co' });
		expect(await first.stop('SIGTERM')).toBe(0);
		expect(existsSync(statePath)).toBe(true);
		expect(statSync(statePath).mode & 0o077).toBe(0);

		const second = await startSandboxCli(['--port', '0', '--state', statePath, '--json']);
		try {
			expect(second.info.clientId).toBe(first.info.clientId);
			expect(second.info.password).toBe(first.info.password);
			const again = await loginToCli(second.info);
			const read = (await again.sobject('Account').retrieve(created.id as string)) as { Name: string };
			expect(read.Name).toBe('Persisted Co');
		} finally {
			expect(await second.stop('SIGINT')).toBe(0);
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
