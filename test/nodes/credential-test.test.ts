/**
 * The credential's Test button (the nodes' credentialTest) shows checkOrg's verdict: who and where,
 * and whether the user may publish territories. Against the sandbox org over HTTP.
 */
import type { ICredentialTestFunctions } from 'n8n-workflow';
import { checkOrg } from '../../lib';
import { salesforceTerritoryApiTest } from '../../nodes/shared/methods';
import { startSandbox, type Sandbox } from '../../sandbox';
import { PLANNER_USERNAME } from '../../sandbox/seed';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'empty' });
});
afterAll(async () => sandbox?.stop());

function credential(username: string) {
	return {
		id: '1',
		name: 'Sandbox org',
		type: 'salesforceTerritoryApi',
		data: {
			authType: 'password',
			environment: 'custom',
			loginUrl: sandbox.loginUrl,
			clientId: sandbox.credentials.clientId,
			clientSecret: sandbox.credentials.clientSecret,
			username,
			password: sandbox.credentials.password,
		},
	};
}

const test = (username: string) => salesforceTerritoryApiTest.call({} as ICredentialTestFunctions, credential(username));

it('names the user, the org and its edition, and the permission that publishing needs', async () => {
	const result = await test(sandbox.credentials.username);
	expect(result.status).toBe('OK');
	expect(result.message).toBe(
		`Connected as ${sandbox.credentials.username} to Acme Demo (Territory Sandbox) (Enterprise Edition); Manage Territories: yes; rule links via REST; 2 of 2 territory models left`,
	);
});

it('a user without Manage Territories fails the test with what to change, and no secret', async () => {
	const result = await test(PLANNER_USERNAME);
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(new RegExp(`^Connected as ${PLANNER_USERNAME} .*, but: The user lacks Manage Territories`));
	expect(result.message).not.toContain(sandbox.credentials.password);
	expect(result.message).not.toContain(sandbox.credentials.clientSecret);
});

it('an org with no room for another model still passes (publishing into an existing model works), with a note', async () => {
	const full = await startSandbox({ port: 0, seed: 'empty', edition: 'Enterprise' });
	try {
		for (const name of ['FY27_A', 'FY27_B']) full.store.adminCreate('Territory2Model', { Name: name, DeveloperName: name });
		const data = { ...credential(sandbox.credentials.username).data, loginUrl: full.loginUrl, clientId: full.credentials.clientId, clientSecret: full.credentials.clientSecret, password: full.credentials.password };
		const result = await salesforceTerritoryApiTest.call({} as ICredentialTestFunctions, { ...credential(sandbox.credentials.username), data });
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/0 of 2 territory models left/);
		const report = await checkOrg({ connection: full.passwordLogin() });
		expect(report.ok).toBe(true);
		expect(report.notes.join(' ')).toMatch(/publishing into an existing model works/);
	} finally {
		await full.stop();
	}
});

it('a JWT private key pasted on one line (literal "\\n") still signs: the engine restores its line breaks', async () => {
	const result = await salesforceTerritoryApiTest.call({} as ICredentialTestFunctions, {
		id: '2',
		name: 'Sandbox org (JWT)',
		type: 'salesforceTerritoryApi',
		data: {
			authType: 'jwt',
			environment: 'custom',
			loginUrl: sandbox.loginUrl,
			clientId: sandbox.credentials.clientId,
			username: sandbox.credentials.username,
			privateKey: sandbox.credentials.privateKey.trim().split('\n').join('\\n'),
		},
	});
	expect(result.status).toBe('OK');
	expect(result.message).toContain(`Connected as ${sandbox.credentials.username}`);
});
