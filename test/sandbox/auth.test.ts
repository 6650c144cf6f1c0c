import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Connection } from 'jsforce';
import { startTestSandbox, TEST_API_VERSION, type TestSandbox } from '../helpers/sandbox';
import { JWT_GRANT, signJwt } from './user-kit';

async function postToken(t: TestSandbox, form: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
	const res = await fetch(`${t.sandbox.loginUrl}/services/oauth2/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('sandbox OAuth 2.0', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await startTestSandbox();
	});
	afterAll(() => t.stop());

	const jwtClaims = (overrides: Record<string, unknown> = {}) => ({
		iss: t.sandbox.credentials.clientId,
		sub: t.sandbox.credentials.username,
		aud: t.sandbox.loginUrl,
		exp: Math.floor(Date.now() / 1000) + 180,
		...overrides,
	});

	it('logs in with the password flow and returns the Salesforce token shape, without a refresh token', async () => {
		const { credentials } = t.sandbox;
		const { status, body } = await postToken(t, {
			grant_type: 'password',
			client_id: credentials.clientId,
			client_secret: credentials.clientSecret,
			username: credentials.username,
			password: credentials.password,
		});
		expect(status).toBe(200);
		expect(body).toMatchObject({ instance_url: t.sandbox.url, token_type: 'Bearer' });
		expect(body.id).toBe(`${t.sandbox.loginUrl}/id/${t.sandbox.orgId}/${t.sandbox.store.currentUserId}`);
		expect(typeof body.access_token).toBe('string');
		expect(typeof body.signature).toBe('string');
		expect(Number(body.issued_at)).toBeGreaterThan(0);
		expect(body.refresh_token).toBeUndefined();
	});

	it('refuses a wrong password, an unknown client and a wrong secret the way Salesforce words it', async () => {
		const { credentials } = t.sandbox;
		const base = { grant_type: 'password', username: credentials.username, password: credentials.password };
		expect(await postToken(t, { ...base, password: 'wrong' })).toEqual({
			status: 400,
			body: { error: 'invalid_grant', error_description: 'authentication failure' },
		});
		expect((await postToken(t, { ...base, client_id: 'nope', client_secret: credentials.clientSecret })).body.error).toBe('invalid_client_id');
		expect((await postToken(t, { ...base, client_id: credentials.clientId, client_secret: 'nope' })).body.error).toBe('invalid_client');
		// The web server flow's authorization_code grant is served now (test/sandbox/web-server-flow.test.ts); SAML bearer is not.
		expect((await postToken(t, { grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer', assertion: 'x' })).body.error).toBe('unsupported_grant_type');
	});

	it('jsforce login fails cleanly with a wrong password', async () => {
		const conn = new Connection({
			loginUrl: t.sandbox.loginUrl,
			version: TEST_API_VERSION,
			oauth2: { loginUrl: t.sandbox.loginUrl, clientId: t.sandbox.credentials.clientId, clientSecret: t.sandbox.credentials.clientSecret },
		});
		await expect(conn.login(t.sandbox.credentials.username, 'bad-password')).rejects.toMatchObject({
			name: 'invalid_grant',
			message: 'authentication failure',
		});
	});

	it('supports client credentials as the integration user', async () => {
		const { credentials } = t.sandbox;
		const conn = new Connection({
			loginUrl: t.sandbox.loginUrl,
			version: TEST_API_VERSION,
			oauth2: { loginUrl: t.sandbox.loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
		});
		const user = await conn.authorize({ grant_type: 'client_credentials' });
		expect(user.id).toBe(t.sandbox.store.currentUserId);
		const result = await conn.query('SELECT Id FROM User');
		expect(result.totalSize).toBeGreaterThan(0);
		expect((await postToken(t, { grant_type: 'client_credentials', client_id: credentials.clientId })).body.error).toBe('invalid_client');
	});

	it('accepts a JWT bearer assertion signed with the sandbox key (PEM file written for CLI users)', async () => {
		const key = readFileSync(t.sandbox.credentials.privateKeyPath, 'utf8');
		expect(key).toBe(t.sandbox.credentials.privateKey);
		const conn = new Connection({ loginUrl: t.sandbox.loginUrl, version: TEST_API_VERSION });
		const user = await conn.authorize({ grant_type: JWT_GRANT, assertion: signJwt(jwtClaims(), key) });
		expect(user.id).toBe(t.sandbox.store.currentUserId);
		await expect(conn.query('SELECT Id FROM Organization')).resolves.toMatchObject({ totalSize: 1 });
		// Real orgs also accept the public login hosts as audience.
		const other = await postToken(t, { grant_type: JWT_GRANT, assertion: signJwt(jwtClaims({ aud: 'https://login.salesforce.com' }), key) });
		expect(other.status).toBe(200);
	});

	it('refuses JWTs with a foreign key, wrong issuer, wrong audience, past expiry or unknown user', async () => {
		const key = t.sandbox.credentials.privateKey;
		const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const cases: [string, string][] = [
			[signJwt(jwtClaims(), foreign), 'invalid_grant'],
			[signJwt(jwtClaims({ iss: 'someone-else' }), key), 'invalid_client_id'],
			[signJwt(jwtClaims({ aud: 'https://evil.example' }), key), 'invalid_grant'],
			[signJwt(jwtClaims({ exp: Math.floor(Date.now() / 1000) - 10 }), key), 'invalid_grant'],
			[signJwt(jwtClaims({ sub: 'nobody@example.com' }), key), 'invalid_grant'],
			['not.a.jwt', 'invalid_grant'],
		];
		for (const [assertion, error] of cases) {
			const res = await postToken(t, { grant_type: JWT_GRANT, assertion });
			expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error });
		}
	});

	it('answers a bad token with 401 INVALID_SESSION_ID', async () => {
		const res = await fetch(`${t.sandbox.url}/services/data/v62.0/limits`, { headers: { Authorization: 'Bearer nonsense' } });
		expect(res.status).toBe(401);
		expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
	});

	it('jsforce logs in again by itself when a password session expires', async () => {
		const conn = await t.connect();
		const before = conn.accessToken;
		t.sandbox.expireAllSessions();
		await expect(conn.query('SELECT Id FROM User')).resolves.toMatchObject({ done: true });
		expect(conn.accessToken).not.toBe(before);
	});

	it('refreshes a JWT session through refreshFn on expiry', async () => {
		const key = t.sandbox.credentials.privateKey;
		let refreshes = 0;
		const conn = new Connection({
			loginUrl: t.sandbox.loginUrl,
			version: TEST_API_VERSION,
			refreshFn: (c, callback) => {
				refreshes++;
				c.oauth2
					.requestToken({ grant_type: JWT_GRANT, assertion: signJwt(jwtClaims(), key) })
					.then((res) => callback(null, res.access_token, res))
					.catch((err: Error) => callback(err));
			},
		});
		await conn.authorize({ grant_type: JWT_GRANT, assertion: signJwt(jwtClaims(), key) });
		t.sandbox.expireAllSessions();
		await expect(conn.query('SELECT Id FROM User')).resolves.toMatchObject({ done: true });
		expect(refreshes).toBe(1);
	});

	it('refreshes with a refresh token (refresh_token grant)', async () => {
		const { credentials } = t.sandbox;
		const refreshToken = t.sandbox.issueRefreshToken();
		const conn = new Connection({
			loginUrl: t.sandbox.loginUrl,
			instanceUrl: t.sandbox.url,
			version: TEST_API_VERSION,
			accessToken: 'stale-token',
			refreshToken,
			oauth2: { loginUrl: t.sandbox.loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
		});
		await expect(conn.query('SELECT Id FROM User')).resolves.toMatchObject({ done: true });
		expect(conn.accessToken).not.toBe('stale-token');
		const bad = await postToken(t, { grant_type: 'refresh_token', client_id: credentials.clientId, refresh_token: 'forged' });
		expect(bad.body.error).toBe('invalid_grant');
	});
});

describe('sandbox token lifetime', () => {
	it('expires access tokens after tokenTtlSeconds', async () => {
		const t = await startTestSandbox({ tokenTtlSeconds: 1 });
		try {
			const conn = await t.connect();
			const token = conn.accessToken;
			await new Promise((r) => setTimeout(r, 1100));
			const res = await fetch(`${t.sandbox.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${token}` } });
			expect(res.status).toBe(401);
			// jsforce itself recovers by logging in again.
			await expect(conn.query('SELECT Id FROM User')).resolves.toMatchObject({ done: true });
		} finally {
			await t.stop();
		}
	});
});

describe('sandbox JWT audience', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await startTestSandbox();
	});
	afterAll(() => t.stop());

	const claims = (aud: unknown) => ({
		iss: t.sandbox.credentials.clientId,
		sub: t.sandbox.credentials.username,
		aud,
		exp: Math.floor(Date.now() / 1000) + 180,
	});
	const answer = async (aud: unknown) => {
		const res = await postToken(t, { grant_type: JWT_GRANT, assertion: signJwt(claims(aud), t.sandbox.credentials.privateKey) });
		return res.status === 200 ? 200 : res.body;
	};

	it('accepts the login URL and the public login hosts, also inside an aud array', async () => {
		expect(await answer(t.sandbox.loginUrl)).toBe(200);
		expect(await answer('https://login.salesforce.com')).toBe(200);
		expect(await answer('https://test.salesforce.com')).toBe(200);
		expect(await answer(['https://elsewhere.example', 'https://test.salesforce.com'])).toBe(200);
	});

	it('compares aud as an exact string, refusing near misses with Salesforce\'s "audience is invalid"', async () => {
		const refused = { error: 'invalid_grant', error_description: 'audience is invalid' };
		for (const aud of ['https://login.salesforce.com/', 'HTTPS://LOGIN.SALESFORCE.COM', `${t.sandbox.loginUrl}/`, 'https://acme.my.salesforce.com', '', 42]) {
			expect(await answer(aud)).toEqual(refused);
		}
		expect(await answer(undefined)).toEqual(refused);
	});

	it('accepts only the jwtAudiences it is given', async () => {
		const only = await startTestSandbox({ jwtAudiences: ['https://test.salesforce.com'] });
		try {
			const post = (aud: string) =>
				postToken(only, {
					grant_type: JWT_GRANT,
					assertion: signJwt({ ...claims(aud), iss: only.sandbox.credentials.clientId, sub: only.sandbox.credentials.username }, only.sandbox.credentials.privateKey),
				});
			expect((await post('https://test.salesforce.com')).status).toBe(200);
			for (const aud of [only.sandbox.loginUrl, 'https://login.salesforce.com']) {
				expect(await post(aud)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'audience is invalid' } });
			}
		} finally {
			await only.stop();
		}
	});
});

describe('sandbox with the username-password flow blocked', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await startTestSandbox({ blockPasswordFlow: true });
	});
	afterAll(() => t.stop());
	afterEach(() => t.sandbox.setPasswordFlowBlocked(true));

	const passwordForm = (): Record<string, string> => {
		const c = t.sandbox.credentials;
		return { grant_type: 'password', client_id: c.clientId, client_secret: c.clientSecret, username: c.username, password: c.password };
	};
	const jsforceLogin = () => {
		const { loginUrl, credentials: c } = t.sandbox;
		const conn = new Connection({ loginUrl, version: TEST_API_VERSION, oauth2: { loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } });
		return conn.login(c.username, c.password).then(() => conn);
	};

	it('refuses the right password the way Salesforce does: 400 invalid_grant "authentication failure"', async () => {
		expect(await postToken(t, passwordForm())).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } });
		await expect(jsforceLogin()).rejects.toMatchObject({ name: 'invalid_grant', message: 'authentication failure' });
		// A wrong client id is still named as such.
		expect((await postToken(t, { ...passwordForm(), client_id: 'nope' })).body.error).toBe('invalid_client_id');
	});

	it("plays the unsupported_grant_type answer too, and allows the flow again when told", async () => {
		t.sandbox.setPasswordFlowBlocked('unsupported_grant_type');
		expect(await postToken(t, passwordForm())).toEqual({ status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } });
		await expect(jsforceLogin()).rejects.toMatchObject({ name: 'unsupported_grant_type' });
		t.sandbox.setPasswordFlowBlocked(false);
		const conn = await jsforceLogin();
		await expect(conn.query('SELECT Id FROM Organization')).resolves.toMatchObject({ totalSize: 1 });
	});

	it('serves the client-credentials, JWT and refresh-token grants as usual', async () => {
		const { loginUrl, credentials: c } = t.sandbox;
		const conn = new Connection({ loginUrl, version: TEST_API_VERSION, oauth2: { loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } });
		await conn.authorize({ grant_type: 'client_credentials' });
		await expect(conn.query('SELECT Id FROM Organization')).resolves.toMatchObject({ totalSize: 1 });
		const jwt = new Connection({ loginUrl, version: TEST_API_VERSION });
		const assertion = signJwt({ iss: c.clientId, sub: c.username, aud: loginUrl, exp: Math.floor(Date.now() / 1000) + 180 }, c.privateKey);
		await jwt.authorize({ grant_type: JWT_GRANT, assertion });
		await expect(jwt.query('SELECT Id FROM Organization')).resolves.toMatchObject({ totalSize: 1 });
		const refreshed = await postToken(t, { grant_type: 'refresh_token', client_id: c.clientId, client_secret: c.clientSecret, refresh_token: t.sandbox.issueRefreshToken() });
		expect(refreshed.status).toBe(200);
	});
});
