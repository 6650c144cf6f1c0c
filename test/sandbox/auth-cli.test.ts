import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from '../../lib/org/connect';
import type { OrgError } from '../../lib/org/errors';

const ROOT = join(__dirname, '..', '..');

interface CliInfo {
	loginUrl: string;
	username: string;
	password: string;
	clientId: string;
	clientSecret: string;
	privateKeyPath: string;
}

describe('sandbox CLI --block-password-flow', () => {
	it('starts an org whose password grants are refused while JWT and client credentials log in', async () => {
		const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'sandbox/cli.ts', '--seed', 'empty', '--block-password-flow', '--json'], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
		try {
			const info = await new Promise<CliInfo>((resolve, reject) => {
				createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as CliInfo));
				child.once('exit', (code) => reject(new Error(`CLI exited early with ${code}`)));
			});
			const { loginUrl, username, password, clientId, clientSecret } = info;
			const err = (await connect({ connection: { authType: 'password', loginUrl, username, password, clientId, clientSecret } }).catch((e: unknown) => e)) as OrgError;
			expect(err.code).toBe('invalid_grant');
			expect(err.message).toContain('Allow OAuth Username-Password Flows');
			const privateKey = readFileSync(info.privateKeyPath, 'utf8');
			await expect(connect({ connection: { authType: 'jwt', loginUrl, clientId, username, privateKey } })).resolves.toBeDefined();
			await expect(connect({ connection: { authType: 'clientCredentials', loginUrl, clientId, clientSecret } })).resolves.toBeDefined();
		} finally {
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		}
	}, 60000);
});
