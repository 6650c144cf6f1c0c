import { buildJwtAssertion, connect, jwtAudiences, OrgConnection, requestToken } from '../../lib/org/connect';
import { queryAll } from '../../lib/org/http';
import { OrgError } from '../../lib/org/errors';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import type { ConnectionSettings } from '../../lib/api-types';
import { toConnectionSettings } from '../../nodes/shared/connection';

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

describe('connect: client credentials need the My Domain URL', () => {
	const secret = 'CcSecretValue-12345';
	const cc = (loginUrl: string): ConnectionSettings => ({ authType: 'clientCredentials', loginUrl, clientId: 'cid', clientSecret: secret });

	for (const loginUrl of ['https://login.salesforce.com', 'https://LOGIN.Salesforce.com/', 'https://test.salesforce.com/', 'https://Test.salesforce.com:443/services/oauth2']) {
		it(`refuses ${loginUrl} before any request, saying where to find the My Domain URL`, async () => {
			const err = (await connect({ connection: cc(loginUrl) }).catch((e: unknown) => e)) as OrgError;
			expect(err).toBeInstanceOf(OrgError);
			// Ours, not CONNECTION_FAILED or a Salesforce answer: nothing was sent.
			expect(err.code).toBe('INVALID_SETTINGS');
			expect(err.message).toMatch(/client credentials flow does not work with (login|test)\.salesforce\.com/);
			expect(err.message).toContain('https://yourdomain.my.salesforce.com');
			expect(err.message).toContain('https://yourdomain--sandboxname.sandbox.my.salesforce.com');
			expect(err.message).toContain('Setup → My Domain');
			expect(err.message).not.toContain(secret);
		});
	}

	it('still sends the request for other hosts (a My Domain that does not resolve here fails on the network)', async () => {
		const err = (await connect({ connection: cc('https://login.salesforce.com.invalid') }).catch((e: unknown) => e)) as OrgError;
		expect(err.code).toBe('CONNECTION_FAILED');
		expect(err.message).not.toContain(secret);
	});
});

describe('connect: an org that blocks the username-password flow', () => {
	let b: TestSandbox;
	beforeAll(async () => {
		b = await startTestSandbox({ seed: 'empty', blockPasswordFlow: true });
	});
	afterAll(() => b.stop());
	afterEach(() => b.sandbox.setPasswordFlowBlocked(true));

	const password = (): ConnectionSettings => b.sandbox.passwordLogin();

	async function refusal(): Promise<OrgError> {
		const err = (await connect({ connection: password() }).catch((e: unknown) => e)) as OrgError;
		expect(err).toBeInstanceOf(OrgError);
		const { credentials: c } = b.sandbox;
		for (const secret of [c.password, c.clientSecret]) expect(err.message).not.toContain(secret);
		return err;
	}

	it('explains the invalid_grant "authentication failure" answer and the way out', async () => {
		const err = await refusal();
		expect(err.code).toBe('invalid_grant');
		expect(err.message).toMatch(/^Salesforce rejected the credentials \(invalid_grant: authentication failure\) for user admin@/);
		expect(err.message).toMatch(/Check the username, password and security token/);
		expect(err.message).toMatch(/blocks the OAuth username-password flow/);
		expect(err.message).toMatch(/JWT bearer or client credentials flow instead \(recommended for scheduled workflows\)/);
		expect(err.message).toContain('Setup → OAuth and OpenID Connect Settings → Allow OAuth Username-Password Flows');
	});

	it('explains the unsupported_grant_type answer the same way', async () => {
		b.sandbox.setPasswordFlowBlocked('unsupported_grant_type');
		const err = await refusal();
		expect(err.code).toBe('unsupported_grant_type');
		expect(err.message).toMatch(/does not accept the OAuth username-password flow: use the JWT bearer or client credentials flow/);
		expect(err.message).toContain('Allow OAuth Username-Password Flows');
	});

	it('logs in with password again once the flow is allowed', async () => {
		b.sandbox.setPasswordFlowBlocked(false);
		const org = await connect({ connection: password() });
		expect(org.userId).toBe(b.sandbox.store.currentUserId);
	});

	it('leaves the JWT, client-credentials and refresh-token flows working', async () => {
		const { loginUrl, credentials: c } = b.sandbox;
		const others: ConnectionSettings[] = [
			{ authType: 'jwt', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey },
			{ authType: 'clientCredentials', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret },
			{ authType: 'refreshToken', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: b.sandbox.issueRefreshToken() },
		];
		for (const connection of others) {
			const org = await connect({ connection }, quick);
			const rows = await queryAll<{ Username: string }>(org, `SELECT Username FROM User WHERE Username = '${c.username}'`);
			expect(rows.map((r) => r.Username)).toEqual([c.username]);
		}
	});
});

describe('JWT audience', () => {
	const PROD = 'https://login.salesforce.com';
	const TEST = 'https://test.salesforce.com';
	let key: string;
	beforeAll(() => {
		key = t.sandbox.credentials.privateKey;
	});
	const audOf = (loginUrl: string, audience?: string): unknown => {
		const jwt = buildJwtAssertion({ clientId: 'cid', username: 'u@x.example', privateKey: key, loginUrl, audience });
		return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).aud;
	};

	const cases: [string, string][] = [
		['https://login.salesforce.com', PROD],
		['https://test.salesforce.com/', TEST],
		['https://acme.my.salesforce.com', PROD],
		['https://ACME.My.Salesforce.com/', PROD],
		['https://acme--uat.sandbox.my.salesforce.com', TEST],
		['https://acme--uat.my.salesforce.com', TEST],
		['https://acme.sandbox.my.salesforce.mil', TEST],
		['https://cs42.salesforce.com', TEST],
		['https://acme.cs42.my.salesforce.com', TEST],
		['https://usa2s.sfdc-abc.salesforce.com', TEST],
		['https://acme.my.salesforce.mil', PROD],
		['https://gs1.my.salesforce.com', 'https://gs1.salesforce.com'],
		['https://acme.stm.salesforce.com', 'https://acme.stm.salesforce.com'],
		['https://acme.my.site.com/customers/', 'https://acme.my.site.com/customers'],
		['http://127.0.0.1:5555', 'http://127.0.0.1:5555'],
		['https://sf-proxy.example.com/', 'https://sf-proxy.example.com'],
	];
	for (const [loginUrl, aud] of cases) {
		it(`signs aud ${aud} for login URL ${loginUrl}`, () => {
			expect(audOf(loginUrl)).toBe(aud);
		});
	}

	it('uses an explicit audience as given (without a trailing slash), and only that one', () => {
		expect(audOf('https://acme--uat.sandbox.my.salesforce.com', ' https://login.salesforce.com/ ')).toBe(PROD);
		expect(jwtAudiences('https://acme.my.salesforce.com', 'https://acme.my.site.com/customers')).toEqual(['https://acme.my.site.com/customers']);
	});

	it('falls back to the other public login host, sandbox hosts trying test.salesforce.com first', () => {
		expect(jwtAudiences('https://acme.my.salesforce.com')).toEqual([PROD, TEST]);
		expect(jwtAudiences('https://acme--uat.sandbox.my.salesforce.com')).toEqual([TEST, PROD]);
		expect(jwtAudiences('http://127.0.0.1:5555')).toEqual(['http://127.0.0.1:5555', PROD, TEST]);
	});

	it('logs in through jsforce with the default audience (the sandbox login URL) in one token request', async () => {
		const { loginUrl, credentials: c } = t.sandbox;
		const before = t.sandbox.requestLog.count('auth');
		const token = await requestToken({ authType: 'jwt', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey });
		expect(token.jwtAudience).toBe(loginUrl);
		expect(t.sandbox.requestLog.count('auth') - before).toBe(1);
	});

	it('logs in with an explicit audience, and a wrong one gets Salesforce\'s refusal without retries', async () => {
		const { loginUrl, credentials: c } = t.sandbox;
		const jwt = (audience: string): ConnectionSettings => ({ authType: 'jwt', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey, audience });
		const org = await connect({ connection: jwt(TEST) });
		expect(org.userId).toBe(t.sandbox.store.currentUserId);

		const before = t.sandbox.requestLog.count('auth');
		const err = (await connect({ connection: jwt('https://login.salesforce.com.evil.example') }).catch((e: unknown) => e)) as OrgError;
		expect(err).toBeInstanceOf(OrgError);
		expect(err.code).toBe('invalid_grant');
		expect(err.message).toMatch(/\(invalid_grant: audience is invalid\)/);
		expect(err.message).toMatch(/JWT audience tried: https:\/\/login\.salesforce\.com\.evil\.example\); set the credential's JWT Audience/);
		expect(err.message).not.toContain(c.privateKey.slice(40, 80));
		expect(t.sandbox.requestLog.count('auth') - before).toBe(1);
	});

	describe('an org that accepts only https://test.salesforce.com (a sandbox the URL does not reveal)', () => {
		let s: TestSandbox;
		beforeAll(async () => {
			s = await startTestSandbox({ seed: 'empty', jwtAudiences: [TEST] });
		});
		afterAll(() => s.stop());

		it('retries on "audience is invalid" until an audience is taken, and renews with that one', async () => {
			const { loginUrl, credentials: c } = s.sandbox;
			const org = await connect({ connection: { authType: 'jwt', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey } }, quick);
			// The login URL, then login.salesforce.com, then test.salesforce.com.
			expect(s.sandbox.requestLog.count('auth')).toBe(3);
			s.sandbox.expireAllSessions();
			const rows = await queryAll<{ Username: string }>(org, `SELECT Username FROM User WHERE Username = '${c.username}'`);
			expect(rows.map((r) => r.Username)).toEqual([c.username]);
			expect(s.sandbox.requestLog.count('auth')).toBe(4);
		});

		it('takes the audience from the credential\'s JWT Audience field in one request', async () => {
			const { loginUrl, credentials: c } = s.sandbox;
			const fields = { authType: 'jwt', environment: 'custom', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey };
			expect(toConnectionSettings(fields)).toMatchObject({ authType: 'jwt', audience: undefined });
			const settings = toConnectionSettings({ ...fields, audience: ` ${TEST} ` });
			expect(settings).toMatchObject({ authType: 'jwt', audience: TEST });
			const before = s.sandbox.requestLog.count('auth');
			const org = await connect({ connection: settings });
			expect(org.userId).toBe(s.sandbox.store.currentUserId);
			expect(s.sandbox.requestLog.count('auth') - before).toBe(1);
		});
	});
});
