/**
 * The OAuth2 credential's "Connect my account" round trip in the pinned real n8n, against the sandbox
 * org's authorize endpoint: n8n's /rest/oauth2-credential/auth gives the authorize URL, the sandbox
 * approves and redirects to n8n's callback, n8n exchanges the code (PKCE, Basic client auth) and stores
 * the tokens; then a workflow with Authentication = OAuth2 publishes with them, and n8n's credential test
 * (the credential's `test` request) reaches the org. Prints "N passed, N failed" (scripts/test-real-n8n.sh).
 *
 *   npx ts-node --transpile-only test/e2e/oauth-connect.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// "Keep the stored value" in a credential sent back to n8n.
import { CREDENTIAL_BLANKING_VALUE } from 'n8n-workflow';
import { startSession, type Session } from '../../scripts/n8n/session';

const CREDENTIAL_NAME = 'My Salesforce account (OAuth2)';
let passed = 0;
let failed = 0;

function check(what: string, ok: boolean, detail = ''): void {
	if (ok) passed++;
	else failed++;
	process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}\n`);
}

/** A GET that does not follow redirects, with the owner's cookie (n8n's callback is reached by the browser). */
async function get(url: string, cookie = ''): Promise<{ status: number; location: string | null; text: string }> {
	const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(60_000) });
	return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

async function main(): Promise<void> {
	let session: Session | undefined;
	try {
		session = await startSession({ log: (line) => process.stderr.write(`${line}\n`) });
		const { n8n, sandbox } = session;
		await n8n.start();
		await n8n.setupOwner({ email: 'owner@example.com', firstName: 'Olive', lastName: 'Owner', password: 'Owner-Passw0rd!' });

		const credential = await n8n.rest<{ id: string }>('POST', '/rest/credentials', {
			name: CREDENTIAL_NAME,
			type: 'salesforceTerritoryOAuth2Api',
			data: { environment: 'custom', loginUrl: sandbox.loginUrl, clientId: sandbox.credentials.clientId, clientSecret: sandbox.credentials.clientSecret },
		});
		const authUrl = await n8n.rest<string>('GET', `/rest/oauth2-credential/auth?id=${credential.id}`);
		const auth = new URL(authUrl);
		check('n8n sends the browser to the sandbox authorize endpoint with PKCE and the scopes', auth.origin + auth.pathname === `${sandbox.loginUrl}/services/oauth2/authorize` && auth.searchParams.get('code_challenge_method') === 'S256' && auth.searchParams.get('scope') === 'api refresh_token', authUrl);

		const approved = await get(authUrl);
		const callbackUrl = approved.location ?? '';
		check('the sandbox approves and redirects to n8n\'s callback with code and state', approved.status === 302 && callbackUrl.startsWith(`${n8n.url}/rest/oauth2-credential/callback?`), `${approved.status} ${callbackUrl || approved.text}`);
		const cookie = (n8n as unknown as { cookie: string }).cookie;
		const callback = await get(callbackUrl, cookie);
		check('n8n exchanges the code (callback page without error)', callback.status === 200 && !/error/i.test(callback.text.replace(/<script[\s\S]*?<\/script>/g, '').slice(0, 2000)), `${callback.status} ${callback.text.slice(0, 300)}`);

		const tested = await n8n.rest<{ status: string; message: string }>('POST', '/rest/credentials/test', {
			// As the editor sends a saved credential: secrets as n8n's blanking value, which n8n fills from the store.
			credentials: {
				id: credential.id,
				name: CREDENTIAL_NAME,
				type: 'salesforceTerritoryOAuth2Api',
				data: { environment: 'custom', loginUrl: sandbox.loginUrl, clientId: sandbox.credentials.clientId, clientSecret: CREDENTIAL_BLANKING_VALUE, oauthTokenData: CREDENTIAL_BLANKING_VALUE },
			},
		}).catch((e: Error) => ({ status: 'Error', message: e.message }));
		check("n8n's credential test (userinfo at instance_url) passes", tested.status === 'OK', JSON.stringify(tested));

		const workflow = {
			id: 'tpOAuthConnect',
			name: 'OAuth2 publish',
			nodes: [
				{ id: 'a', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'b',
					name: 'Plan',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [200, 0],
					parameters: { jsCode: "return [{ json: { Territory: 'OAuth West', Key: 'OAuth_West', Type: 'Territory' } }];" },
				},
				{
					id: 'c',
					name: 'Publish',
					type: 'n8n-nodes-territory-planning.publishTerritoryModel',
					typeVersion: 1,
					position: [400, 0],
					parameters: { authentication: 'oAuth2', model: { __rl: true, mode: 'developerName', value: 'OAuth_Connect' }, source: 'items', method: 'overwriteMatching', mode: 'write', ifModelMissing: 'create', options: {} },
					credentials: { salesforceTerritoryOAuth2Api: { id: credential.id, name: CREDENTIAL_NAME } },
				},
			],
			connections: { Start: { main: [[{ node: 'Plan', type: 'main', index: 0 }]] }, Plan: { main: [[{ node: 'Publish', type: 'main', index: 0 }]] } },
			settings: {},
		};
		const folder = path.join(session.workDir, 'oauth-workflows');
		mkdirSync(folder, { recursive: true });
		writeFileSync(path.join(folder, 'oauth.json'), JSON.stringify(workflow));
		await n8n.importWorkflows(folder);
		sandbox.expireAllSessions(); // the first call must renew through n8n's refresh
		const execution = await n8n.executeManually(workflow.id, 'Start');
		const created = sandbox.store.records('Territory2').some((t) => t.DeveloperName === 'OAuth_West');
		check('a workflow with Authentication = OAuth2 publishes with the connected account (after renewing the session)', execution.succeeded && created, execution.log.split('\n').slice(-15).join('\n'));
	} catch (error) {
		check('the round trip ran', false, (error as Error).stack ?? String(error));
	} finally {
		await session?.stop();
	}
	process.stdout.write(`${passed} passed, ${failed} failed\n`);
	process.exitCode = failed ? 1 : 0;
}

void main();
