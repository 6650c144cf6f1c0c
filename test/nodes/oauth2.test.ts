/**
 * Authentication = OAuth2 (Connect My Account) through n8n's workflow engine in-process: the credential
 * carries what n8n stores after the web server flow (oauthTokenData), the node publishes with it, and
 * every refresh goes through n8n's own refreshOAuth2Token, which writes the new token back (the test
 * helper keeps what n8n would store). Against the sandbox org over HTTP.
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';
import { linearWorkflow, runWorkflow } from '../helpers/n8n';
import { importNode, publishNode } from '../helpers/nodes';
import { connectAccount } from '../helpers/oauth';
import { startSandbox, type Sandbox } from '../../sandbox';
import { PLANNER_USERNAME } from '../../sandbox/seed';
import { ImportTerritoryModel } from '../../nodes/ImportTerritoryModel/ImportTerritoryModel.node';
import { PublishTerritoryModel } from '../../nodes/PublishTerritoryModel/PublishTerritoryModel.node';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'empty' });
});
afterAll(async () => sandbox?.stop());

const PLAN = [
	{ Territory: 'West', Key: 'West', Parent: '', Type: 'Region' },
	{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory', 'Postal Codes': '84*' },
];

/** The OAuth2 credential as n8n hands it to a node: fields with their hidden defaults resolved, plus the token data. */
async function oauthCredential(loginHint?: string): Promise<Record<string, ICredentialDataDecryptedObject>> {
	const tokenData = await connectAccount(sandbox, loginHint);
	return {
		salesforceTerritoryOAuth2Api: {
			environment: 'custom',
			loginUrl: sandbox.loginUrl,
			clientId: sandbox.credentials.clientId,
			clientSecret: sandbox.credentials.clientSecret,
			grantType: 'pkce',
			authUrl: `${sandbox.loginUrl}/services/oauth2/authorize`,
			accessTokenUrl: `${sandbox.loginUrl}/services/oauth2/token`,
			scope: 'api refresh_token',
			authQueryParameters: '',
			authentication: 'header',
			oauthTokenData: tokenData,
		},
	};
}

const publish = (model: string, parameters: INodeParameters = {}) =>
	publishNode({ model, credential: 'oAuth2', parameters: { mode: 'write', ifModelMissing: 'create', options: { createMissingTypes: true }, ...parameters } });

const tokenData = (creds: Record<string, ICredentialDataDecryptedObject>) => creds.salesforceTerritoryOAuth2Api.oauthTokenData as Record<string, string>;

function secretsIn(creds: Record<string, ICredentialDataDecryptedObject>): string[] {
	const t = tokenData(creds);
	return [t.access_token, t.refresh_token, sandbox.credentials.clientSecret];
}

describe('the Authentication parameter', () => {
	it('both nodes select the credential by it; workflows saved without it keep the server-to-server credential', () => {
		for (const node of [new PublishTerritoryModel(), new ImportTerritoryModel()]) {
			const auth = node.description.properties.find((p) => p.name === 'authentication');
			expect(auth?.default).toBe('serverToServer');
			expect(auth?.options?.map((o) => ('name' in o ? o.name : ''))).toEqual(['OAuth2 (Connect My Account)', 'Server-to-Server (JWT, Client Credentials, Password)']);
			expect(node.description.credentials?.map((c) => [c.name, c.displayOptions?.show?.authentication])).toEqual([
				['salesforceTerritoryApi', ['serverToServer']],
				['salesforceTerritoryOAuth2Api', ['oAuth2']],
			]);
		}
	});
});

describe('Publish with Authentication = OAuth2', () => {
	it('publishes with the stored access token, without a login request', async () => {
		const creds = await oauthCredential();
		const logins = sandbox.requestLog.count('auth');
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish('OAuth_Publish')), creds);
		expect(run.error('Publish')).toBeUndefined();
		const [summary] = run.output('Publish');
		expect(summary.json.counts).toMatchObject({ Territory2: { create: 2 } });
		expect(sandbox.store.records('Territory2Model').some((m) => m.DeveloperName === 'OAuth_Publish')).toBe(true);
		expect(sandbox.requestLog.count('auth')).toBe(logins);
		const text = JSON.stringify(run.output('Publish'));
		for (const secret of secretsIn(creds)) expect(text).not.toContain(secret);
	});

	it('a dry run names the user and org reached and whether the user may manage territories', async () => {
		const creds = await oauthCredential();
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish('OAuth_Check', { mode: 'dryRun', ifModelMissing: 'create' })), creds);
		const check = run.output('Publish')[0].json.orgCheck as { user: { username: string }; org: { name: string }; permissions: { manageTerritories: boolean | null } };
		expect(check.user.username).toBe(sandbox.credentials.username);
		expect(check.org.name).toMatch(/Territory Sandbox/);
		expect(check.permissions.manageTerritories).toBe(true);
	});

	it('an expired session is renewed through n8n, which stores the new token; with rotation the next run still works', async () => {
		sandbox.setRefreshTokenRotation(true);
		try {
			const creds = await oauthCredential();
			const first = { ...tokenData(creds) };
			sandbox.expireAllSessions();
			const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish('OAuth_Renew')), creds);
			expect(run.error('Publish')).toBeUndefined();
			expect(run.output('Publish')[0].json.counts).toMatchObject({ Territory2: { create: 2 } });
			// n8n stored the renewed tokens: a new access token and, rotated, a new refresh token.
			expect(tokenData(creds).access_token).not.toBe(first.access_token);
			expect(tokenData(creds).refresh_token).not.toBe(first.refresh_token);
			expect(tokenData(creds).instance_url).toBe(sandbox.url);

			// The next run after another expiry presents the stored (rotated) refresh token and converges.
			sandbox.expireAllSessions();
			const again = await runWorkflow(linearWorkflow({ items: PLAN }, publish('OAuth_Renew')), creds);
			expect(again.error('Publish')).toBeUndefined();
			expect(again.output('Publish')[0].json.rows).toEqual({ unchanged: 2 });
		} finally {
			sandbox.setRefreshTokenRotation(false);
		}
	});

	it('a revoked refresh token stops with an error naming the credential to reconnect, and no secret', async () => {
		const creds = await oauthCredential();
		expect(sandbox.revokeToken(tokenData(creds).refresh_token)).toBe(true);
		const before = sandbox.store.records('Territory2').length;
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish('OAuth_Revoked')), creds);
		const error = run.error('Publish');
		expect(error?.message).toMatch(/"My Salesforce account" needs to be reconnected/);
		const text = `${error?.message} ${error?.description ?? ''} ${JSON.stringify(run.run.data.resultData)}`;
		for (const secret of secretsIn(creds)) expect(text).not.toContain(secret);
		expect(sandbox.store.records('Territory2').length).toBe(before);
	});

	it('a credential that was never connected says so', async () => {
		const creds = await oauthCredential();
		delete creds.salesforceTerritoryOAuth2Api.oauthTokenData;
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish('OAuth_None')), creds);
		expect(run.error('Publish')?.message).toMatch(/not connected: open it and click "Connect my account"/);
	});

	it('works as the user who connected: a planner without Manage Territories is refused, nothing written', async () => {
		const creds = await oauthCredential(PLANNER_USERNAME);
		const before = sandbox.store.records('Territory2Model').length;
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish('OAuth_Planner')), creds);
		const error = run.error('Publish');
		expect(`${error?.message} ${error?.description}`).toMatch(/Manage Territories/);
		expect(sandbox.store.records('Territory2Model').length).toBe(before);
	});

	it('Import reads the published model back with the same credential', async () => {
		// The edition allows 2 models: this reads the one the first test published.
		const creds = await oauthCredential();
		const node = importNode({ model: 'OAuth_Publish', credential: 'oAuth2' });
		const run = await runWorkflow(linearWorkflow({ items: [{}] }, node), creds);
		expect(run.error('Import')).toBeUndefined();
		expect(run.output('Import').map((i) => i.json.Key)).toEqual(['West', 'Utah']);
	});
});
