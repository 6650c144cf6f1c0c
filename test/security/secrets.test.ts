/**
 * Secrets never reach an output. Every auth flow publishes, imports and checks the org, logins fail in
 * every way we know, sessions expire and writes fail half-way, through the engine (publishPlan,
 * importModel, checkOrg) and through n8n's workflow engine in-process (both nodes, the credential's Test
 * button, Continue On Fail); each run uses distinctive secret values, and EVERY output is searched for
 * them (scripts/n8n/secret-scan.ts): results, progress events, thrown errors (message, description,
 * stack, cause chain, JSON), node output items and their binary files, execution hints, the run data,
 * n8n's logger, the console, and the files under out/ (where reports are written). The count of
 * findings must be 0.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Container } from '@n8n/di';
import { Connection } from 'jsforce';
import { LoggerProxy, type ICredentialDataDecryptedObject, type ICredentialTestFunctions, type IDataObject, type INodeParameters } from 'n8n-workflow';
import { checkOrg, importModel, publishPlan, type ConnectionSettings } from '../../lib';
import { salesforceTerritoryApiTest } from '../../nodes/shared/methods';
import { SecretLedger } from '../../scripts/n8n/secret-scan';
import { startSandbox, type Sandbox } from '../../sandbox';
import { SAMPLE_ROWS } from '../helpers/engine-org';
import { binaryText, linearWorkflow, runWorkflow, type WorkflowRun } from '../helpers/n8n';
import { importNode, publishNode } from '../helpers/nodes';
import { TEST_API_VERSION } from '../helpers/sandbox';

const ROOT = path.join(__dirname, '..', '..');
const distinct = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/** Wrong secrets, each distinctive, for the logins that must fail. */
const WRONG = {
	password: distinct('WrongPassword'),
	securityToken: distinct('SecTok'),
	clientSecret: distinct('WrongClientSecret'),
	refreshToken: `5Aep${distinct('BadRefresh')}`,
	accessToken: `00D000000000001EAA!${distinct('BadAccess')}`,
	privateKey: generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey,
};

let sandbox: Sandbox;
const ledger = new SecretLedger();
let refreshToken: string;
let accessToken: string;

/** Everything the console and n8n's loggers were handed while the tests ran. */
const logged: string[] = [];
const restore: Array<() => void> = [];

function captureLogs(): void {
	for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
		const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
		restore.push(() => spy.mockRestore());
	}
	for (const stream of [process.stdout, process.stderr]) {
		const original = stream.write.bind(stream);
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			logged.push(String(chunk));
			return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof stream.write;
		restore.push(() => (stream.write = original as typeof stream.write));
	}
	// The logger nodes get as this.logger (n8n-core: Container.get(Logger) of @n8n/backend-common): a
	// recording stand-in takes its place for the whole file.
	const { Logger } = createRequire(require.resolve('n8n-core'))('@n8n/backend-common') as { Logger: object };
	const sink = (message: unknown, meta?: unknown) => void logged.push(`${String(message)} ${JSON.stringify(meta ?? {})}`);
	const recorder: Record<string, unknown> = { error: sink, warn: sink, info: sink, debug: sink };
	recorder.scoped = () => recorder;
	const previous = Container.get(Logger as never);
	Container.set(Logger as never, recorder as never);
	restore.push(() => Container.set(Logger as never, previous as never));
	// n8n-workflow's LoggerProxy (what n8n's own code logs through).
	LoggerProxy.init({ error: sink, warn: sink, info: sink, debug: sink } as never);
}

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'demo', edition: 'Unlimited', seedOptions: { accounts: 50 } });
	const c = sandbox.credentials;
	refreshToken = sandbox.issueRefreshToken();
	const conn = new Connection({ loginUrl: sandbox.loginUrl, version: TEST_API_VERSION, oauth2: { loginUrl: sandbox.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } });
	await conn.login(c.username, c.password);
	accessToken = conn.accessToken as string;
	ledger
		.add('password', c.password)
		.add('client secret', c.clientSecret)
		.add('private key', c.privateKey)
		.add('refresh token', refreshToken)
		.add('access token', accessToken);
	for (const [name, value] of Object.entries(WRONG)) ledger.add(`wrong ${name}`, value);
	captureLogs();
});

afterAll(async () => {
	for (const undo of restore.reverse()) undo();
	await sandbox?.stop();
});

const login = {
	password: (): ConnectionSettings => sandbox.passwordLogin(),
	jwt: (): ConnectionSettings => ({ authType: 'jwt', loginUrl: sandbox.loginUrl, clientId: sandbox.credentials.clientId, username: sandbox.credentials.username, privateKey: sandbox.credentials.privateKey }),
	clientCredentials: (): ConnectionSettings => ({ authType: 'clientCredentials', loginUrl: sandbox.loginUrl, clientId: sandbox.credentials.clientId, clientSecret: sandbox.credentials.clientSecret }),
	refreshToken: (): ConnectionSettings => ({ authType: 'refreshToken', loginUrl: sandbox.loginUrl, clientId: sandbox.credentials.clientId, clientSecret: sandbox.credentials.clientSecret, refreshToken }),
	accessToken: (): ConnectionSettings => ({ authType: 'accessToken', instanceUrl: sandbox.url, accessToken }),
};

/** Runs an engine call; searches its result (or its error) and every progress event it reported. */
async function searched<T>(where: string, call: (onProgress: (p: unknown) => void) => Promise<T>): Promise<{ result?: T; error?: Error }> {
	const progress: unknown[] = [];
	try {
		const result = await call((p) => progress.push(p));
		ledger.scanValue(`${where}: result`, result);
		return { result };
	} catch (e) {
		ledger.scanValue(`${where}: error`, e);
		return { error: e as Error };
	} finally {
		ledger.scanValue(`${where}: progress`, progress);
	}
}

const findings = (where: string) => ledger.findings.filter((f) => f.where.startsWith(where));

describe('the engine', () => {
	afterEach(() => sandbox.faults.clear());

	it.each(Object.keys(login) as (keyof typeof login)[])('%s flow: publish, dry run, import and checkOrg leave no secret', async (flow) => {
		const developerName = `Sec_${flow}`;
		const published = await searched(`publish ${flow}`, (onProgress) =>
			publishPlan({ connection: login[flow](), plan: { rows: SAMPLE_ROWS.slice(0, 12) }, model: { developerName, name: developerName }, onProgress }),
		);
		expect(published.error).toBeUndefined();
		expect(published.result?.issues).toEqual([]);
		await searched(`dry run ${flow}`, (onProgress) => publishPlan({ connection: login[flow](), plan: { rows: SAMPLE_ROWS.slice(0, 6) }, model: { developerName }, dryRun: true, onProgress }));
		const imported = await searched(`import ${flow}`, (onProgress) => importModel({ connection: login[flow](), model: { developerName }, onProgress }));
		expect(imported.result?.rows.length).toBe(12);
		await searched(`checkOrg ${flow}`, () => checkOrg({ connection: login[flow]() }));
		expect(findings(`publish ${flow}`).concat(findings(`import ${flow}`), findings(`dry run ${flow}`), findings(`checkOrg ${flow}`))).toEqual([]);
		const model = sandbox.store.records('Territory2Model').find((m) => m.DeveloperName === developerName);
		if (model) sandbox.store.deleteOne('Territory2Model', model.Id);
	});

	const failing: Array<[string, () => ConnectionSettings]> = [
		['a wrong password', () => ({ ...login.password(), password: WRONG.password })],
		['a security token the org does not expect', () => ({ ...login.password(), securityToken: WRONG.securityToken })],
		['a wrong client secret (password flow)', () => ({ ...login.password(), clientSecret: WRONG.clientSecret })],
		['a wrong client secret (client credentials)', () => ({ ...login.clientCredentials(), clientSecret: WRONG.clientSecret } as ConnectionSettings)],
		['a key the connected app does not know (JWT)', () => ({ ...login.jwt(), privateKey: WRONG.privateKey } as ConnectionSettings)],
		['a revoked refresh token', () => ({ ...login.refreshToken(), refreshToken: WRONG.refreshToken } as ConnectionSettings)],
		['an invalid access token', () => ({ authType: 'accessToken', instanceUrl: sandbox.url, accessToken: WRONG.accessToken })],
		['an org that cannot be reached', () => ({ ...login.password(), loginUrl: 'http://127.0.0.1:9', password: WRONG.password })],
	];
	it.each(failing)('a failing login with %s says so and carries no secret', async (what, settings) => {
		for (const call of ['publish', 'import', 'checkOrg'] as const) {
			const where = `failing login (${what}) ${call}`;
			const outcome = await searched<unknown>(where, (onProgress): Promise<unknown> =>
				call === 'publish'
					? publishPlan({ connection: settings(), plan: { rows: SAMPLE_ROWS.slice(0, 3) }, model: { developerName: 'Sec_Fail', name: 'Sec Fail' }, onProgress })
					: call === 'import'
						? importModel({ connection: settings(), model: { developerName: 'Sec_Fail' }, onProgress })
						: checkOrg({ connection: settings() }),
			);
			// checkOrg reports a failed login in its result; the others throw.
			if (call !== 'checkOrg') expect(outcome.error?.message).toMatch(/Salesforce|credentials|session|reach|access token/i);
			expect(findings(where)).toEqual([]);
		}
	});

	it('sessions that expire mid-publish and writes that fail half-way leave no secret in outcomes or errors', async () => {
		sandbox.faults.set({ expireSessionsAfterCalls: 3, lockRowRate: 0.1, seed: 7 });
		const first = await searched('faults: expiring sessions and locked rows', (onProgress) =>
			publishPlan({ connection: login.refreshToken(), plan: { rows: SAMPLE_ROWS.slice(0, 40) }, model: { developerName: 'Sec_Faults', name: 'Sec Faults' }, onProgress }),
		);
		expect(first.error ?? first.result).toBeDefined();
		sandbox.faults.set({ stopAfterRecordsWritten: 5, stopMode: 'error500' });
		const second = await searched('faults: the org stops half-way', (onProgress) =>
			publishPlan({ connection: login.password(), plan: { rows: SAMPLE_ROWS }, model: { developerName: 'Sec_Faults' }, onProgress }),
		);
		expect(second.error ?? second.result?.rows.some((r) => r.status === 'failed')).toBeTruthy();
		expect(findings('faults')).toEqual([]);
	});
});

describe("n8n's workflow engine", () => {
	const credentialData = (settings: Record<string, unknown>): Record<string, ICredentialDataDecryptedObject> => ({
		salesforceTerritoryApi: { environment: 'custom', loginUrl: sandbox.loginUrl, ...settings } as ICredentialDataDecryptedObject,
	});
	const passwordCredential = () => credentialData({ authType: 'password', clientId: sandbox.credentials.clientId, clientSecret: sandbox.credentials.clientSecret, username: sandbox.credentials.username, password: sandbox.credentials.password });
	// A one-line field: the key's line breaks arrive as literal "\n" (nodes/shared/connection.ts restores them).
	const jwtCredential = () => credentialData({ authType: 'jwt', clientId: sandbox.credentials.clientId, username: sandbox.credentials.username, privateKey: sandbox.credentials.privateKey.replace(/\n/g, '\\n') });
	const clientCredential = () => credentialData({ authType: 'clientCredentials', clientId: sandbox.credentials.clientId, clientSecret: sandbox.credentials.clientSecret });

	const node = (type: 'publishTerritoryModel' | 'importTerritoryModel', parameters: INodeParameters, continueOnFail = false) =>
		(type === 'publishTerritoryModel' ? publishNode : importNode)({
			name: 'Node',
			model: 'Sec_Node',
			parameters,
			node: continueOnFail ? { onError: 'continueRegularOutput' } : {},
		});

	/** Searches the whole run: run data (items, errors, hints), the node's error, its binary files. */
	async function searchRun(where: string, run: WorkflowRun): Promise<void> {
		ledger.scanValue(`${where}: run data`, run.run);
		ledger.scanValue(`${where}: node error`, run.error('Node'));
		for (const item of run.output('Node')) if (item.binary?.data) ledger.scanText(`${where}: binary`, await binaryText(item));
	}

	it.each([
		['password', passwordCredential],
		['jwt', jwtCredential],
		['clientCredentials', clientCredential],
	] as const)('%s credential: Publish (dry run, then real), Import to items and to a CSV file leave no secret', async (flow, credential) => {
		const where = `n8n ${flow}`;
		const rows = SAMPLE_ROWS.slice(0, 8) as IDataObject[];
		await searchRun(`${where} dry run`, await runWorkflow(linearWorkflow({ items: rows }, node('publishTerritoryModel', { modelName: 'Sec Node', mode: 'dryRun', ifModelMissing: 'create' })), credential()));
		const real = await runWorkflow(linearWorkflow({ items: rows }, node('publishTerritoryModel', { modelName: 'Sec Node', mode: 'write', ifModelMissing: 'create' })), credential());
		expect(real.run.data.resultData.error).toBeUndefined();
		await searchRun(`${where} publish`, real);
		await searchRun(`${where} import items`, await runWorkflow(linearWorkflow({ items: [{}] }, node('importTerritoryModel', {})), credential()));
		const csv = await runWorkflow(linearWorkflow({ items: [{}] }, node('importTerritoryModel', { output: 'binary' })), credential());
		expect(csv.output('Node')[0]?.binary?.data).toBeDefined();
		await searchRun(`${where} import csv`, csv);
		expect(findings(where)).toEqual([]);
		const model = sandbox.store.records('Territory2Model').find((m) => m.DeveloperName === 'Sec_Node');
		if (model) sandbox.store.deleteOne('Territory2Model', model.Id);
	});

	it.each([false, true])('a rejected login stops the node (Continue On Fail: %s) with an error that carries no secret', async (continueOnFail) => {
		const where = `n8n failing login ${continueOnFail}`;
		const bad = credentialData({ authType: 'password', clientId: sandbox.credentials.clientId, clientSecret: WRONG.clientSecret, username: sandbox.credentials.username, password: WRONG.password, securityToken: WRONG.securityToken });
		const publish = await runWorkflow(linearWorkflow({ items: SAMPLE_ROWS.slice(0, 3) as IDataObject[] }, node('publishTerritoryModel', { modelName: 'Sec Node', mode: 'write', ifModelMissing: 'create' }, continueOnFail)), bad);
		const imported = await runWorkflow(linearWorkflow({ items: [{}] }, node('importTerritoryModel', {}, continueOnFail)), bad);
		for (const run of [publish, imported]) {
			if (continueOnFail) expect(JSON.stringify(run.output('Node'))).toMatch(/credentials/);
			else expect((run.error('Node') ?? run.run.data.resultData.error)?.message).toMatch(/credentials/);
			await searchRun(where, run);
		}
		expect(findings(where)).toEqual([]);
	});

	it("the credential's Test button, passing and failing, shows no secret", async () => {
		const test = (data: ICredentialDataDecryptedObject) => salesforceTerritoryApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'Sandbox org', type: 'salesforceTerritoryApi', data });
		const good = passwordCredential().salesforceTerritoryApi;
		const cases: Array<[string, ICredentialDataDecryptedObject]> = [
			['good password', good],
			['good jwt', jwtCredential().salesforceTerritoryApi],
			['wrong password', { ...good, password: WRONG.password, securityToken: WRONG.securityToken }],
			['wrong key', { ...jwtCredential().salesforceTerritoryApi, privateKey: WRONG.privateKey }],
			['wrong client secret', { ...clientCredential().salesforceTerritoryApi, clientSecret: WRONG.clientSecret }],
		];
		for (const [what, data] of cases) {
			const result = await test(data);
			expect([what, result.status]).toEqual([what, what.startsWith('good') ? 'OK' : 'Error']);
			ledger.scanValue(`credential test ${what}`, result);
		}
		expect(findings('credential test')).toEqual([]);
	});
});

describe('everything else the runs wrote', () => {
	it('the console, the loggers and the files under out/ hold no secret; and the search searched', () => {
		// The nodes' progress lines went through n8n's logger: the capture saw them.
		expect(logged.some((line) => line.includes('Publish Territory Model:'))).toBe(true);
		ledger.scanText('console and loggers', logged.join('\n'));
		// Reports and exports land under out/ (the HTML report too): every file there is searched.
		ledger.scanDir(path.join(ROOT, 'out'), 'out');
		expect(ledger.findings).toEqual([]);
		// Each secret in its forms, and dozens of outputs: a search of nothing would prove nothing.
		expect(ledger.secrets.length).toBeGreaterThan(20);
		expect(ledger.searched).toBeGreaterThan(60);
	});

	it('the search itself finds a secret wherever it hides (error cause, JSON, URL-encoded, a PEM line, a session id)', () => {
		const probe = new SecretLedger().add('password', 'Pa ss/word!123').add('key', WRONG.privateKey);
		const nested = new Error('outer', { cause: Object.assign(new Error('inner'), { description: 'x Pa%20ss%2Fword!123 y' }) });
		expect(probe.scanValue('cause', nested).map((f) => f.secret)).toEqual(['password']);
		expect(probe.scanValue('json', { a: [{ b: 'Pa ss/word!123' }] }).map((f) => f.secret)).toEqual(['password']);
		expect(probe.scanText('form', 'password=Pa+ss%2Fword%21123').map((f) => f.secret)).toEqual(['password']);
		expect(probe.scanText('pem', WRONG.privateKey.split('\n')[3]).map((f) => f.secret)).toEqual(['key (a line of it)']);
		expect(probe.scanText('session', `Authorization: Bearer 00D5g000004XyZaEAK!${'A'.repeat(40)}`).map((f) => f.secret)).toEqual(['access token (session id shape)']);
	});
});
