import { readFileSync } from 'node:fs';
import { connect } from '../../lib/org/connect';
import type { OrgError } from '../../lib/org/errors';
import { startSandboxCli } from '../helpers/sandbox-cli';

describe('sandbox CLI --block-password-flow', () => {
	it('starts an org whose password grants are refused while JWT and client credentials log in', async () => {
		const cli = await startSandboxCli(['--seed', 'empty', '--block-password-flow', '--json']);
		try {
			const { info } = cli;
			const { loginUrl, username, password, clientId, clientSecret } = info;
			const err = (await connect({ connection: { authType: 'password', loginUrl, username, password, clientId, clientSecret } }).catch((e: unknown) => e)) as OrgError;
			expect(err.code).toBe('invalid_grant');
			expect(err.message).toContain('Allow OAuth Username-Password Flows');
			const privateKey = readFileSync(info.privateKeyPath, 'utf8');
			await expect(connect({ connection: { authType: 'jwt', loginUrl, clientId, username, privateKey } })).resolves.toBeDefined();
			await expect(connect({ connection: { authType: 'clientCredentials', loginUrl, clientId, clientSecret } })).resolves.toBeDefined();
		} finally {
			expect(await cli.stop('SIGTERM')).toBe(0);
		}
	}, 60000);
});
