/**
 * The engine with tokens from the OAuth 2.0 web server flow, against the sandbox org over HTTP: the
 * refresh-token connection (programmatic use) and the access-token connection whose renewals the
 * caller owns (what the nodes use with n8n's OAuth2 credential).
 */
import { importModel, publishPlan } from '../../lib';
import type { ConnectionSettings } from '../../lib/api-types';
import { connectAccount } from '../helpers/oauth';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

let t: TestSandbox;
beforeAll(async () => {
	t = await startTestSandbox({ seed: 'empty' });
});
afterAll(() => t.stop());

const PLAN = [
	{ Territory: 'North', Key: 'North', Type: 'Region' },
	{ Territory: 'Oslo', Key: 'Oslo', Parent: 'North', Type: 'Region', 'Postal Codes': '01*' },
];

function refreshConnection(refreshToken: string): ConnectionSettings {
	const { loginUrl, credentials: c } = t.sandbox;
	return { authType: 'refreshToken', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken };
}

const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: Error) => e);

describe('refresh-token connection from the web server flow', () => {
	it('authorization code → tokens → publish; an expired session mid-publish is renewed transparently', async () => {
		const tokens = await connectAccount(t.sandbox);
		expect(tokens.refresh_token).toMatch(/^5Aep/);
		expect(tokens.instance_url).toBe(t.sandbox.url);
		// Every session dies after 3 API calls: the publish must renew (refresh grant) and still converge.
		t.sandbox.faults.set({ expireSessionsAfterCalls: 3 });
		try {
			const result = await publishPlan({ connection: refreshConnection(tokens.refresh_token), plan: { rows: PLAN }, model: { developerName: 'Web_Flow' }, createMissingTypes: true });
			expect(result.issues).toEqual([]);
			expect(result.summary.counts).toMatchObject({ Territory2: { create: 2 } });
		} finally {
			t.sandbox.faults.clear();
		}
		const back = await importModel({ connection: refreshConnection(tokens.refresh_token), model: { developerName: 'Web_Flow' } });
		expect(back.rows.map((r) => r.Key)).toEqual(['North', 'Oslo']);
	});

	it('a revoked refresh token fails with what to do (authorize again, reconnect the credential), and no token', async () => {
		const tokens = await connectAccount(t.sandbox);
		expect(t.sandbox.revokeToken(tokens.refresh_token)).toBe(true);
		const before = t.sandbox.store.records('Territory2').length;
		const err = await errorOf(publishPlan({ connection: refreshConnection(tokens.refresh_token), plan: { rows: PLAN }, model: { developerName: 'Web_Flow' } }));
		expect(err.message).toMatch(/invalid_grant: expired access\/refresh token/);
		expect(err.message).toMatch(/authorize the app again .*reconnect it/);
		for (const secret of [tokens.refresh_token, tokens.access_token, t.sandbox.credentials.clientSecret]) expect(err.message).not.toContain(secret);
		expect(t.sandbox.store.records('Territory2').length).toBe(before);
	});
});

describe('access-token connection with the caller renewing', () => {
	it('starts with the given token (no login request), calls renew on expiry and goes on with the new token', async () => {
		const tokens = await connectAccount(t.sandbox);
		let renewals = 0;
		const connection: ConnectionSettings = {
			authType: 'accessToken',
			instanceUrl: tokens.instance_url,
			accessToken: tokens.access_token,
			identityUrl: tokens.id,
			renew: async () => {
				renewals++;
				const fresh = await connectAccount(t.sandbox);
				return { accessToken: fresh.access_token, instanceUrl: fresh.instance_url };
			},
		};
		const logins = t.sandbox.requestLog.count('auth');
		t.sandbox.expireAllSessions();
		const result = await publishPlan({ connection, plan: { rows: PLAN }, model: { developerName: 'Web_Flow' }, dryRun: true });
		expect(result.issues).toEqual([]);
		expect(renewals).toBe(1);
		// The identity URL names the user: the dry run's org check knows who it is.
		expect(result.summary.orgCheck?.user.username).toBe(t.sandbox.credentials.username);
		// Only the renewal's own flow (authorize + code exchange) reached the auth endpoints.
		expect(t.sandbox.requestLog.count('auth') - logins).toBe(2);
	});

	it("a renewal that fails is the run's error, in its own words, without the token", async () => {
		const tokens = await connectAccount(t.sandbox);
		const connection: ConnectionSettings = {
			authType: 'accessToken',
			instanceUrl: tokens.instance_url,
			accessToken: tokens.access_token,
			renew: async () => {
				throw new Error('The credential "Sales org" needs to be reconnected.');
			},
		};
		t.sandbox.expireAllSessions();
		const err = await errorOf(publishPlan({ connection, plan: { rows: PLAN }, model: { developerName: 'Web_Flow' } }));
		expect(err.message).toBe('The Salesforce session expired and could not be renewed: The credential "Sales org" needs to be reconnected.');
		expect(err.message).not.toContain(tokens.access_token);
	});

	it('renew must be a function', async () => {
		const connection = { authType: 'accessToken', instanceUrl: t.sandbox.url, accessToken: 'x', renew: 'soon' } as unknown as ConnectionSettings;
		const err = await errorOf(publishPlan({ connection, plan: { rows: PLAN }, model: { developerName: 'Web_Flow' } }));
		expect(err.message).toMatch(/connection\.renew.*expected a function/);
	});
});
