import { connect, OrgConnection } from '../../lib/org/connect';
import { queryAll } from '../../lib/org/http';
import { OrgError } from '../../lib/org/errors';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import type { ConnectionSettings } from '../../lib/api-types';

let t: TestSandbox;
beforeAll(async () => {
	t = await startTestSandbox({ seed: 'empty' });
});
afterAll(() => t.stop());

const quick = { retryDelayMs: 10 };

function flows(): Record<string, ConnectionSettings> {
	const { loginUrl, credentials: c } = t.sandbox;
	return {
		password: { authType: 'password', loginUrl, username: c.username, password: c.password, clientId: c.clientId, clientSecret: c.clientSecret },
		clientCredentials: { authType: 'clientCredentials', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret },
		jwt: { authType: 'jwt', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey },
		refreshToken: { authType: 'refreshToken', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: t.sandbox.issueRefreshToken() },
	};
}

async function whoAmI(org: OrgConnection): Promise<string> {
	const rows = await queryAll<{ Username: string }>(org, `SELECT Username FROM User WHERE Username = '${t.sandbox.credentials.username}'`);
	return rows[0]?.Username;
}

describe('connect', () => {
	for (const flow of ['password', 'clientCredentials', 'jwt', 'refreshToken']) {
		it(`logs in with the ${flow} flow, pins the API version and renews an expired session`, async () => {
			const org = await connect({ connection: flows()[flow] }, quick);
			expect(org.conn.version).toBe('62.0');
			expect(await whoAmI(org)).toBe(t.sandbox.credentials.username);
			const token = org.conn.accessToken;
			t.sandbox.expireAllSessions();
			expect(await whoAmI(org)).toBe(t.sandbox.credentials.username);
			expect(org.conn.accessToken).not.toBe(token);
			expect(org.usage().calls).toBe(3); // query, the 401, the query again
		});
	}

	it('uses a plain access token, and explains that it cannot be renewed', async () => {
		const first = await connect({ connection: flows().password });
		const accessToken = first.conn.accessToken as string;
		const org = await connect({ connection: { authType: 'accessToken', instanceUrl: t.sandbox.url, accessToken } }, quick);
		expect(await whoAmI(org)).toBe(t.sandbox.credentials.username);
		t.sandbox.expireAllSessions();
		const err = await whoAmI(org).catch((e: Error) => e);
		expect(String(err)).toMatch(/cannot be renewed/);
		expect(String(err)).not.toContain(accessToken);
	});

	it('reports usage from Sforce-Limit-Info', async () => {
		const org = await connect({ connection: flows().clientCredentials });
		await whoAmI(org);
		const usage = org.usage();
		expect(usage.calls).toBe(1);
		expect(usage.limit).toBe(t.sandbox.apiUsage.max);
		expect(usage.used).toBeGreaterThan(0);
		expect(usage.remaining).toBe((usage.limit as number) - (usage.used as number));
	});

	it('honours apiVersion and refuses a malformed one', async () => {
		const org = await connect({ connection: flows().jwt, apiVersion: 'v61.0' });
		expect(org.conn.version).toBe('61.0');
		await expect(connect({ connection: flows().jwt, apiVersion: 'latest' })).rejects.toThrow(/apiVersion/);
	});
});

describe('connect: errors carry no secrets', () => {
	const cases: [string, (f: Record<string, ConnectionSettings>) => ConnectionSettings, RegExp][] = [
		['a wrong password', (f) => ({ ...f.password, password: 'Wrong-Password-123' } as ConnectionSettings), /invalid_grant: authentication failure\) for user admin@/],
		['a wrong client secret', (f) => ({ ...f.clientCredentials, clientSecret: 'WRONGSECRETWRONGSECRET' } as ConnectionSettings), /invalid_client/],
		['an unknown refresh token', (f) => ({ ...f.refreshToken, refreshToken: '5AepUNKNOWNREFRESHTOKEN' } as ConnectionSettings), /invalid_grant/],
		['a JWT for an unknown user', (f) => ({ ...f.jwt, username: 'nobody@nowhere.example' } as ConnectionSettings), /invalid_grant.*nobody@nowhere.example/],
	];
	for (const [what, make, pattern] of cases) {
		it(`says clearly that Salesforce rejected ${what}`, async () => {
			const settings = make(flows());
			const err = (await connect({ connection: settings }).catch((e: unknown) => e)) as OrgError;
			expect(err).toBeInstanceOf(OrgError);
			expect(err.message).toMatch(/^Salesforce rejected the credentials/);
			expect(err.message).toMatch(pattern);
			const s = settings as unknown as Record<string, string>;
			for (const key of ['password', 'clientSecret', 'refreshToken', 'privateKey']) {
				if (s[key]) expect(err.message).not.toContain(s[key]);
			}
			expect(err.message).toContain(t.sandbox.loginUrl);
		});
	}

	it('refuses password login without a connected app, naming why', async () => {
		const { loginUrl, credentials: c } = t.sandbox;
		await expect(connect({ connection: { authType: 'password', loginUrl, username: c.username, password: c.password } })).rejects.toThrow(
			/client id.*SOAP login is retired/,
		);
	});

	it('reports an unreachable login URL without the password', async () => {
		const settings: ConnectionSettings = { authType: 'password', loginUrl: 'http://127.0.0.1:1', username: 'u@x.example', password: 'Pw-Secret-999', clientId: 'cid' };
		const err = (await connect({ connection: settings }).catch((e: unknown) => e)) as OrgError;
		expect(err.code).toBe('CONNECTION_FAILED');
		expect(err.message).not.toContain('Pw-Secret-999');
		// In words, not ECONNREFUSED: n8n swaps messages naming socket codes for a generic one without the URL.
		expect(err.message).toBe('Could not reach Salesforce for user u@x.example at http://127.0.0.1:1: the connection was refused');
	});
});

describe('connect: an org that refuses every session', () => {
	it('gives up after renewing twice instead of looping', async () => {
		const { createServer } = await import('node:http');
		let tokens = 0;
		let dataCalls = 0;
		const server = createServer((req, res) => {
			const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
			if (req.url === '/services/oauth2/token') {
				tokens++;
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ access_token: `tok${tokens}`, instance_url: base, id: `${base}/id/00D000000000001/005000000000001`, token_type: 'Bearer' }));
				return;
			}
			dataCalls++;
			res.writeHead(401, { 'content-type': 'application/json' });
			res.end(JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]));
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		try {
			const loginUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
			const org = await connect({ connection: { authType: 'clientCredentials', loginUrl, clientId: 'cid', clientSecret: 'TopSecretValue' } });
			const err = (await queryAll(org, 'SELECT Id FROM User').catch((e: unknown) => e)) as Error;
			expect(err.message).toMatch(/refused the session again/);
			expect(err.message).not.toContain('TopSecretValue');
			expect(tokens).toBeLessThanOrEqual(3);
			expect(dataCalls).toBeLessThanOrEqual(3);
		} finally {
			server.close();
		}
	});
});
