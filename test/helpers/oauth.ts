/**
 * The OAuth 2.0 web server flow against the sandbox org, as a browser and n8n's callback would run it:
 * GET /services/oauth2/authorize (the sandbox approves at once and redirects), then the code exchange.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sandbox } from '../../sandbox';

export const CALLBACK_URL = 'http://localhost:5678/rest/oauth2-credential/callback';

export interface AuthorizeOptions {
	loginHint?: string;
	scope?: string;
	state?: string;
	redirectUri?: string;
	clientId?: string;
	codeChallenge?: string;
}

/** The authorize request's answer: where the browser is sent (the Location header) or the error page. */
export async function authorize(sandbox: Sandbox, o: AuthorizeOptions = {}): Promise<{ status: number; location: URL | null; page: string }> {
	const url = new URL(`${sandbox.loginUrl}/services/oauth2/authorize`);
	url.searchParams.set('response_type', 'code');
	url.searchParams.set('client_id', o.clientId ?? sandbox.credentials.clientId);
	url.searchParams.set('redirect_uri', o.redirectUri ?? CALLBACK_URL);
	url.searchParams.set('scope', o.scope ?? 'api refresh_token');
	url.searchParams.set('state', o.state ?? 'state-123');
	if (o.loginHint) url.searchParams.set('login_hint', o.loginHint);
	if (o.codeChallenge) {
		url.searchParams.set('code_challenge', o.codeChallenge);
		url.searchParams.set('code_challenge_method', 'S256');
	}
	const res = await fetch(url, { redirect: 'manual' });
	const location = res.headers.get('location');
	return { status: res.status, location: location ? new URL(location) : null, page: await res.text() };
}

/** POST /services/oauth2/token with a form (and optionally HTTP Basic client authentication). */
export async function postToken(sandbox: Sandbox, form: Record<string, string>, basic?: { id: string; secret: string }) {
	const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
	if (basic) headers.authorization = `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString('base64')}`;
	const res = await fetch(`${sandbox.loginUrl}/services/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
	return { status: res.status, body: (await res.json()) as Record<string, string> };
}

export function pkcePair(): { verifier: string; challenge: string } {
	const verifier = randomBytes(32).toString('base64url');
	return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The whole flow with PKCE, as n8n's credential runs it: the token response n8n stores as oauthTokenData. */
export async function connectAccount(sandbox: Sandbox, loginHint?: string): Promise<Record<string, string>> {
	const { verifier, challenge } = pkcePair();
	const answer = await authorize(sandbox, { loginHint, codeChallenge: challenge });
	const code = answer.location?.searchParams.get('code');
	if (!code) throw new Error(`authorize gave no code: ${answer.status} ${answer.location?.toString() ?? answer.page}`);
	const { status, body } = await postToken(
		sandbox,
		{ grant_type: 'authorization_code', code, redirect_uri: CALLBACK_URL, code_verifier: verifier },
		{ id: sandbox.credentials.clientId, secret: sandbox.credentials.clientSecret },
	);
	if (status !== 200) throw new Error(`code exchange failed: ${JSON.stringify(body)}`);
	return body;
}
