/**
 * The sandbox's OAuth 2.0 web server flow over HTTP: authorize (auto-approved), the code exchange with
 * its checks, refresh tokens only when the scope asks, revocation and Refresh Token Rotation.
 */
import { authorize, CALLBACK_URL, pkcePair, postToken } from '../helpers/oauth';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { PLANNER_USERNAME } from '../../sandbox/seed';

let t: TestSandbox;
beforeAll(async () => {
	t = await startTestSandbox({ seed: 'empty' });
});
afterAll(() => t.stop());

const basic = () => ({ id: t.sandbox.credentials.clientId, secret: t.sandbox.credentials.clientSecret });

async function code(o: Parameters<typeof authorize>[1] = {}): Promise<string> {
	const answer = await authorize(t.sandbox, o);
	expect(answer.status).toBe(302);
	return answer.location?.searchParams.get('code') as string;
}

async function whoIs(accessToken: string): Promise<string> {
	const res = await fetch(`${t.sandbox.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
	return ((await res.json()) as { preferred_username: string }).preferred_username;
}

describe('sandbox web server flow', () => {
	it('redirects to the callback with a code and the state; the code gives tokens once', async () => {
		const answer = await authorize(t.sandbox, { state: 'xyz 1' });
		expect(answer.status).toBe(302);
		expect(`${answer.location?.origin}${answer.location?.pathname}`).toBe(CALLBACK_URL);
		expect(answer.location?.searchParams.get('state')).toBe('xyz 1');
		const c = answer.location?.searchParams.get('code') as string;
		const form = { grant_type: 'authorization_code', code: c, redirect_uri: CALLBACK_URL };
		const first = await postToken(t.sandbox, { ...form, client_id: t.sandbox.credentials.clientId, client_secret: t.sandbox.credentials.clientSecret });
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ instance_url: t.sandbox.url, token_type: 'Bearer', scope: 'api refresh_token' });
		expect(first.body.refresh_token).toMatch(/^5Aep/);
		expect(await whoIs(first.body.access_token)).toBe(t.sandbox.credentials.username);
		const again = await postToken(t.sandbox, form, basic());
		expect(again).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'invalid authorization code' } });
	});

	it('approves as the login_hint user; no refresh token without the refresh_token scope', async () => {
		const c = await code({ loginHint: PLANNER_USERNAME, scope: 'api' });
		const { body } = await postToken(t.sandbox, { grant_type: 'authorization_code', code: c, redirect_uri: CALLBACK_URL }, basic());
		expect(body.refresh_token).toBeUndefined();
		expect(await whoIs(body.access_token)).toBe(PLANNER_USERNAME);
	});

	it('refuses an unknown client or callback with an error page, never a redirect', async () => {
		expect(await authorize(t.sandbox, { clientId: 'nope' })).toMatchObject({ status: 400, location: null, page: expect.stringContaining('invalid_client_id') });
		expect(await authorize(t.sandbox, { redirectUri: 'https://evil.example/cb' })).toMatchObject({ status: 400, location: null, page: expect.stringContaining('redirect_uri_mismatch') });
	});

	it('plays a user who clicks Deny', async () => {
		const denying = await startTestSandbox({ seed: 'empty', oauthApprover: false });
		try {
			const answer = await authorize(denying.sandbox, { state: 's' });
			expect(answer.location?.searchParams.get('error')).toBe('access_denied');
			expect(answer.location?.searchParams.get('state')).toBe('s');
		} finally {
			await denying.stop();
		}
	});

	it('checks the code exchange: secret, redirect_uri, PKCE verifier', async () => {
		const form = (c: string) => ({ grant_type: 'authorization_code', code: c, redirect_uri: CALLBACK_URL });
		expect((await postToken(t.sandbox, { ...form(await code()), client_id: t.sandbox.credentials.clientId })).body.error).toBe('invalid_client');
		expect((await postToken(t.sandbox, { ...form(await code()), redirect_uri: 'http://localhost:1/other' }, basic())).body.error).toBe('redirect_uri_mismatch');
		const { verifier, challenge } = pkcePair();
		expect((await postToken(t.sandbox, form(await code({ codeChallenge: challenge })), basic())).body.error).toBe('invalid_grant');
		expect((await postToken(t.sandbox, { ...form(await code({ codeChallenge: challenge })), code_verifier: 'wrong' }, basic())).body.error).toBe('invalid_request');
		expect((await postToken(t.sandbox, { ...form(await code({ codeChallenge: challenge })), code_verifier: verifier }, basic())).status).toBe(200);
	});

	it('revoking a refresh token ends it and the sessions it issued', async () => {
		const { body } = await postToken(t.sandbox, { grant_type: 'authorization_code', code: await code(), redirect_uri: CALLBACK_URL }, basic());
		const revoke = (token: string) => fetch(`${t.sandbox.loginUrl}/services/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
		expect((await revoke(body.refresh_token)).status).toBe(200);
		expect((await fetch(`${t.sandbox.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } })).status).toBe(403);
		expect((await postToken(t.sandbox, { grant_type: 'refresh_token', refresh_token: body.refresh_token }, basic())).body.error).toBe('invalid_grant');
		expect((await revoke('unknown')).status).toBe(400);
	});

	it('with Refresh Token Rotation each refresh returns a new token; reusing a spent one revokes the chain', async () => {
		t.sandbox.setRefreshTokenRotation(true);
		try {
			const { body } = await postToken(t.sandbox, { grant_type: 'authorization_code', code: await code(), redirect_uri: CALLBACK_URL }, basic());
			const refresh = (token: string) => postToken(t.sandbox, { grant_type: 'refresh_token', refresh_token: token }, basic());
			const second = await refresh(body.refresh_token);
			expect(second.body.refresh_token).toMatch(/^5Aep/);
			expect(second.body.refresh_token).not.toBe(body.refresh_token);
			expect((await refresh(body.refresh_token)).body.error).toBe('invalid_grant');
			// The reuse revoked the chain: the newer token is gone too.
			expect((await refresh(second.body.refresh_token)).body.error).toBe('invalid_grant');
		} finally {
			t.sandbox.setRefreshTokenRotation(false);
		}
	});
});
