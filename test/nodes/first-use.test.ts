/**
 * What a first use in the editor runs into, through n8n's workflow engine (n8n-core in-process) and jsforce
 * over HTTP to the sandbox org: the summary's words and status, plan errors as people read them, a plan
 * that never arrived, and Import once per input item with its CSV options.
 */
import type { INodeParameters } from 'n8n-workflow';
import { binaryText, linearWorkflow, nodeCredentials, PACKAGE, runWorkflow } from '../helpers/n8n';
import { importNode, publishNode, type NodeSpec } from '../helpers/nodes';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { DEMO_USERNAMES as U, SEED_USER_LOCALE } from '../../sandbox/seed';
import { publishPlan } from '../../lib';
import { parseCsv } from '../../lib/plan';
import { SAMPLE_CSV } from '../helpers/engine-org';
import { calledAsTool } from '../../nodes/ImportTerritoryModel/options';

let t: TestSandbox;
let credentials: Record<string, Record<string, string>>;

beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo', edition: 'Unlimited', seedOptions: { accounts: 20 } });
	const { sandbox } = t;
	credentials = nodeCredentials(sandbox);
});
afterAll(() => t?.stop());

// A first use creates its model (the node's default is Stop, for schedules).
const publish = (parameters: INodeParameters, node: Partial<NodeSpec> = {}) => publishNode({ model: 'Ux_Model', parameters: { ifModelMissing: 'create', ...parameters }, node });
const importer = (parameters: INodeParameters) => importNode({ parameters });

const territoryCount = () => t.sandbox.store.records('Territory2').length;

describe('the summary in the plan’s words', () => {
	it('the first dry run of the sample plan shows 208 territories created, not 208 + 208', async () => {
		const run = await runWorkflow(
			linearWorkflow({ csv: SAMPLE_CSV }, publish({ source: 'binary', model: { __rl: true, mode: 'developerName', value: 'Ux_Sample' } })),
			credentials,
		);
		expect(run.error('Publish')).toBeUndefined();
		const [summary] = run.output('Publish');
		expect(summary.json.status).toBe('dryRun');
		expect(summary.json.counts).toMatchObject({ Territory2: { create: 208 } });
		expect((summary.json.counts as Record<string, Record<string, number>>).Territory2.update).toBeUndefined();
		expect(summary.json.plan).toMatchObject({ territories: { created: 208, updated: 0, moved: 0, deleted: 0 } });
		expect(summary.json.outcome).toMatch(/^Dry run: nothing was written; would create the model Ux_Sample \(Planning state\), 208 territories and \d+ rules, add \d+ users$/);
		// The plain line and the status come first, where a user looks.
		expect(Object.keys(summary.json).slice(0, 2)).toEqual(['status', 'outcome']);
	}, 60000);
});

/** 256 territories whose users are in a domain no user of the org has (a plan made for another org). */
const OTHER_ORG_PLAN = Array.from({ length: 256 }, (_, i) => ({
	Territory: `T ${i + 1}`,
	Key: `T_${i + 1}`,
	Type: 'Territory',
	Users: `rep${i + 1}@acme-old.example`,
}));

describe('a refused plan', () => {
	it('with On Error = Continue, says refused in its status, with the number of problems and one line for one cause', async () => {
		const before = territoryCount();
		const run = await runWorkflow(linearWorkflow({ items: OTHER_ORG_PLAN }, publish({ mode: 'write', ifModelMissing: 'create' }, { continueOnFail: true })), credentials);
		expect(run.error('Publish')).toBeUndefined();
		const [summary] = run.output('Publish');
		expect(summary.json.status).toBe('refused');
		expect(summary.json.problems).toBe(256);
		expect(summary.json.outcome).toBe('Refused: 256 problems in the plan; nothing was written');
		expect(summary.json.problemLines).toEqual([
			expect.stringMatching(/^Rows 2–257, Users: 256 users share the domain @acme-old\.example, which no user in the org has: .* \(UNKNOWN_USER\)$/),
		]);
		// Every problem is still there, one by one.
		expect(summary.json.issues).toHaveLength(256);
		const hints = run.run.data.resultData.runData.Publish[0].hints ?? [];
		expect(hints[0]).toMatchObject({ type: 'danger', message: 'Refused: 256 problems in the plan; nothing was written' });
		expect(territoryCount()).toBe(before);
	}, 60000);

	it('without it, stops with one line per cause in the description and every problem in the details', async () => {
		const run = await runWorkflow(linearWorkflow({ items: OTHER_ORG_PLAN }, publish({ mode: 'write', ifModelMissing: 'create' })), credentials);
		const error = run.error('Publish') as Error & { description?: string; context?: { data?: { problems?: string[] } } };
		expect(error.message).toBe('Refused: 256 problems in the plan; nothing was written');
		// n8n's editor renders the description as HTML: a list, one problem (or one cause) per item.
		expect(error.description?.match(/<li>/g)).toHaveLength(1);
		expect(error.description).toMatch(/<li>Rows 2–257, Users: 256 users share the domain @acme-old\.example/);
		expect(error.description).not.toMatch(/\[UNKNOWN_USER\]/);
		expect(error.context?.data?.problems).toHaveLength(256);
		expect(error.context?.data?.problems?.[255]).toBe('Row 257, Users: User rep256@acme-old.example does not exist in the org (UNKNOWN_USER)');
	}, 60000);

	it('a plan written for production, published to a sandbox: the line says the usernames carry the sandbox name', async () => {
		const store = t.sandbox.store;
		const profileId = store.records('User').find((u) => u.Username === U.anaLopez)?.ProfileId;
		for (const name of ['sam', 'kim', 'lee']) {
			// How a sandbox named uat copies production's users (Salesforce Help, "Sandboxes: Users and Contacts").
			store.adminCreate('User', { Username: `${name}@acme-prod.example.uat`, Email: `${name}@acme-prod.example.invalid`, LastName: name, Alias: name, IsActive: true, ProfileId: profileId, ...SEED_USER_LOCALE });
		}
		const rows = ['sam', 'kim', 'lee'].map((name) => ({ Territory: name, Key: `P_${name}`, Type: 'Territory', Users: `${name}@acme-prod.example` }));
		const run = await runWorkflow(linearWorkflow({ items: rows }, publish({ mode: 'dryRun', ifModelMissing: 'create' }, { continueOnFail: true })), credentials);
		expect(run.output('Publish')[0].json.problemLines).toEqual([
			"Rows 2–4, Users: 3 users share the domain @acme-prod.example, which no user in the org has; its usernames end in @acme-prod.example.uat (a sandbox appends its name to every username): write the plan's usernames that way (UNKNOWN_USER)",
		]);
	}, 30000);

	it('says "did you mean" for a near-miss parent and user, and tells a repeated unknown parent once', async () => {
		const rows = [
			{ Territory: 'West', Key: 'West', Type: 'Region', Users: U.anaLopez },
			{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'Wset', Type: 'Territory', Users: U.anaLopez.replace('lopez', 'lopze') },
			{ Territory: 'Maine', Key: 'Maine', Parent: 'Nowhere', Type: 'Territory' },
			{ Territory: 'Vermont', Key: 'Vermont', Parent: 'Nowhere', Type: 'Territory' },
		];
		const run = await runWorkflow(linearWorkflow({ items: rows }, publish({ mode: 'dryRun', ifModelMissing: 'create' })), credentials);
		const description = run.error('Publish')?.description ?? '';
		const lines = [...description.matchAll(/<li>(.*)<\/li>/g)].map((m) => m[1]);
		expect(lines).toEqual([
			'Row 3, Parent: Parent Wset is neither in the plan nor in the publish scope (did you mean "West"?) (UNKNOWN_PARENT)',
			`Row 3, Users: User ${U.anaLopez.replace('lopez', 'lopze')} does not exist in the org (did you mean "${U.anaLopez}"?) (UNKNOWN_USER)`,
			'Rows 4–5, Parent: Parent Nowhere is neither in the plan nor in the publish scope (the same on 2 rows) (UNKNOWN_PARENT)',
		]);
	}, 30000);
});

describe('a plan that never arrived', () => {
	it('a file node that found no file (Always Output Data: one empty item) makes Publish say so, writing nothing', async () => {
		const before = territoryCount();
		const workflow = linearWorkflow({ items: [] }, publish({ mode: 'write', ifModelMissing: 'create', source: 'binary' }));
		workflow.nodes[1].alwaysOutputData = true;
		const run = await runWorkflow(workflow, credentials);
		const error = run.error('Publish');
		expect(error?.message).toBe('No plan rows arrived: the node before Publish returned only an empty item');
		expect(error?.description).toMatch(/Check the file path/);
		expect(territoryCount()).toBe(before);
	}, 30000);
});

describe('Import Territory Model, done right', () => {
	beforeAll(async () => {
		const connection = t.sandbox.passwordLogin();
		for (const [developerName, name] of [['Ux_A', 'Île-de-France'], ['Ux_B', 'München']]) {
			const result = await publishPlan({
				connection,
				model: { developerName },
				plan: { rows: [{ Territory: name, Key: `${developerName}_Root`, Type: 'Region' }, { Territory: 'Zürich', Key: `${developerName}_Zurich`, Parent: `${developerName}_Root`, Type: 'Territory' }] },
			});
			expect(result.summary.status).toBe('published');
		}
	}, 60000);

	const byExpression = { __rl: true, mode: 'developerName', value: '={{ $json.model }}' };

	it('runs once per input item, each result paired with its item', async () => {
		const run = await runWorkflow(linearWorkflow({ items: [{ model: 'Ux_A' }, { model: 'Ux_B' }] }, importer({ model: byExpression, output: 'binary' })), credentials);
		expect(run.error('Import')).toBeUndefined();
		const out = run.output('Import');
		expect(out.map((item) => [(item.json.model as { developerName: string }).developerName, item.pairedItem])).toEqual([
			['Ux_A', { item: 0 }],
			['Ux_B', { item: 1 }],
		]);

		const rows = await runWorkflow(linearWorkflow({ items: [{ model: 'Ux_A' }, { model: 'Ux_B' }] }, importer({ model: byExpression })), credentials);
		expect(rows.output('Import').map((item) => [item.json.Key, item.pairedItem])).toEqual([
			['Ux_A_Root', { item: 0 }],
			['Ux_A_Zurich', { item: 0 }],
			['Ux_B_Root', { item: 1 }],
			['Ux_B_Zurich', { item: 1 }],
		]);
	}, 60000);

	it('writes a UTF-8 byte order mark when asked, and the accents survive a round trip', async () => {
		const model = { __rl: true, mode: 'developerName', value: 'Ux_A' };
		const plain = await runWorkflow(linearWorkflow({ items: [{}] }, importer({ model, output: 'binary' })), credentials);
		expect((await binaryText(plain.output('Import')[0])).startsWith('\uFEFF')).toBe(false);

		const run = await runWorkflow(linearWorkflow({ items: [{}] }, importer({ model, output: 'binary', options: { csvBom: true } })), credentials);
		const text = await binaryText(run.output('Import')[0]);
		expect(text.startsWith('\uFEFFTerritory,')).toBe(true);
		expect(parseCsv(text).rows.map((r) => r.Territory)).toEqual(['Île-de-France', 'Zürich']);
		// The file publishes back unchanged: Publish reads the BOM and the accents alike.
		const back = await runWorkflow(linearWorkflow({ csv: text }, publish({ source: 'binary', model })), credentials);
		expect(back.error('Publish')).toBeUndefined();
		expect(back.output('Publish')[0].json.outcome).toBe('Dry run: nothing was written; the model already matches the plan (0 changes)');
	}, 60000);

	it('limits the rows, and a compact output is one item with the summary and the first rows', async () => {
		const model = { __rl: true, mode: 'developerName', value: 'Ux_B' };
		const limited = await runWorkflow(linearWorkflow({ items: [{}] }, importer({ model, options: { maxRows: 1 } })), credentials);
		expect(limited.output('Import').map((item) => item.json.Key)).toEqual(['Ux_B_Root']);

		const compact = await runWorkflow(linearWorkflow({ items: [{}] }, importer({ model, options: { outputSize: 'compact', maxRows: 1 } })), credentials);
		const out = compact.output('Import');
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ territories: 2, rowsShown: 1, rowsOmitted: 1, rows: [expect.objectContaining({ Key: 'Ux_B_Root' })] });
	}, 60000);

	it('is compact by default when an AI agent calls it as a tool (n8n names the tool type <name>Tool)', () => {
		const ctx = (type: string) => ({ getNode: () => ({ type }), isToolExecution: () => false }) as unknown as Parameters<typeof calledAsTool>[0];
		expect(calledAsTool(ctx(`${PACKAGE}.importTerritoryModelTool`))).toBe(true);
		expect(calledAsTool(ctx(`${PACKAGE}.importTerritoryModel`))).toBe(false);
	});
});
