/**
 * The two nodes inside a real n8n workflow engine (n8n-core in-process), talking through jsforce over
 * HTTP to the sandbox org: the path a user's workflow takes.
 */
import type { INodeParameters } from 'n8n-workflow';
import { binaryText, linearWorkflow, nodeCredentials, runWorkflow } from '../helpers/n8n';
import { importNode, publishNode, type NodeSpec } from '../helpers/nodes';
import { startSandbox, type Sandbox } from '../../sandbox';
import { DEMO_USERNAMES } from '../../sandbox/seed';
import { parseCsv } from '../../lib/plan';

let sandbox: Sandbox;
let credentials: Record<string, Record<string, string>>;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'demo' });
	credentials = nodeCredentials(sandbox);
});
afterAll(async () => sandbox?.stop());

const PLAN = [
	{ Territory: 'West', Key: 'West', Parent: '', Type: 'Region', Users: `${DEMO_USERNAMES.anaLopez} (Owner)` },
	{
		Territory: 'Bay Area',
		Key: 'Bay_Area',
		Parent: 'West',
		Type: 'Territory',
		'Postal Codes': '940*, 941*, 94501',
		Users: `${DEMO_USERNAMES.benCarter} (Sales Rep); ${DEMO_USERNAMES.carlaNguyen}`,
	},
	{ Territory: 'Nevada', Key: 'Nevada', Parent: 'West', Type: 'Territory', 'Postal Codes': '889*; 890*; 891*', Users: DEMO_USERNAMES.davidKim },
];

// These tests create their model; the node's default (Stop) is tested on its own.
const publish = (parameters: INodeParameters) => publishNode({ model: 'Node_Test', parameters: { modelName: 'Node Test', ifModelMissing: 'create', ...parameters } });
const importer = (parameters: INodeParameters) => importNode({ model: 'Node_Test', parameters });

function territoryCount(): number {
	return sandbox.store.records('Territory2').length;
}

describe('Publish Territory Model node', () => {
	it('dry run (the default) reports the change set and writes nothing', async () => {
		const before = territoryCount();
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish({})), credentials);
		expect(run.run.data.resultData.error).toBeUndefined();
		const [summary] = run.output('Publish');
		expect(summary.json.dryRun).toBe(true);
		expect(summary.json.counts).toMatchObject({ Territory2: { create: 3 } });
		expect((summary.json.changes as string[]).some((line) => line.includes('Bay_Area'))).toBe(true);
		expect(territoryCount()).toBe(before);
	});

	it('publishes items, then a second run writes nothing', async () => {
		const first = await runWorkflow(linearWorkflow({ items: PLAN }, publish({ mode: 'write', output: 'rows' })), credentials);
		expect(first.run.data.resultData.error).toBeUndefined();
		const rows = first.output('Publish').map((item) => item.json);
		expect(rows.map((r) => [r.key, r.status])).toEqual([
			['West', 'created'],
			['Bay_Area', 'created'],
			['Nevada', 'created'],
		]);
		// Each outcome is paired with the input item its row came from.
		expect(first.output('Publish').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

		const second = await runWorkflow(linearWorkflow({ items: PLAN }, publish({ mode: 'write' })), credentials);
		const [summary] = second.output('Publish');
		expect(summary.json.counts).toEqual({});
		expect(summary.json.rows).toEqual({ unchanged: 3 });
	});

	it('reads the plan from a CSV file', async () => {
		const csv = 'Territory,Key,Parent,Type\nWest,West,,Region\nUtah,Utah,West,Territory\n';
		const run = await runWorkflow(linearWorkflow({ csv }, publish({ source: 'binary', mode: 'dryRun' })), credentials);
		const [summary] = run.output('Publish');
		expect(summary.json.counts).toMatchObject({ Territory2: { create: 1 } });
	});

	it('refuses several plan files in one run instead of publishing the first', async () => {
		const csv = 'Territory,Key,Type\nUtah,Utah,Territory\n';
		const run = await runWorkflow(linearWorkflow({ csv, copies: 2 }, publish({ source: 'binary', mode: 'dryRun' })), credentials);
		expect(run.error('Publish')?.message).toMatch(/2 input items carry a 'data' file/);
	});

	it('stops with every problem named by row and column, and writes nothing', async () => {
		const before = territoryCount();
		const bad = [
			{ Territory: 'East', Key: 'East', Parent: 'Nowhere', Type: 'Region' },
			{ Territory: '', Key: 'Blank', Type: 'Region' },
			{ Territory: 'Maine', Key: 'Maine', Parent: 'East', Type: 'Territory', Users: 'nobody@acme-demo.example' },
		];
		const run = await runWorkflow(linearWorkflow({ items: bad }, publish({ mode: 'write' })), credentials);
		const error = run.error('Publish');
		expect(error?.message).toMatch(/problem/);
		expect(error?.description).toMatch(/Row 2, Parent/);
		expect(error?.description).toMatch(/Row 3, Territory/);
		expect(error?.description).toMatch(/Row 4, Users/);
		expect(territoryCount()).toBe(before);
	});

	it('passes Territories per Model to the engine: a plan over it is refused, naming the option', async () => {
		const before = territoryCount();
		const capped = await runWorkflow(linearWorkflow({ items: PLAN }, publish({ mode: 'write', options: { maxTerritoriesPerModel: 2 } })), credentials);
		const error = capped.error('Publish');
		expect(error?.description).toMatch(/3 territories; a model holds at most 2 per model \(set by the option maxTerritoriesPerModel\)/);
		expect(territoryCount()).toBe(before);
		const fits = await runWorkflow(linearWorkflow({ items: PLAN }, publish({ mode: 'dryRun', options: { maxTerritoriesPerModel: 3 } })), credentials);
		expect(fits.error('Publish')).toBeUndefined();
	});

	it('never puts the password in an error', async () => {
		const wrong = {
			salesforceTerritoryApi: { ...credentials.salesforceTerritoryApi, password: 'not-the-password-9f8e7d' },
		};
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish({})), wrong);
		const error = run.error('Publish');
		expect(error?.message).toMatch(/authentication failure|rejected/i);
		expect(JSON.stringify(run.run.data.resultData)).not.toContain('not-the-password-9f8e7d');
	});
});

describe('Import Territory Model node', () => {
	it('imports the published model as items that publish back unchanged', async () => {
		const run = await runWorkflow(linearWorkflow({ items: [{}] }, importer({})), credentials);
		expect(run.run.data.resultData.error).toBeUndefined();
		const rows = run.output('Import').map((item) => item.json);
		expect(rows.map((r) => r.Key)).toEqual(['West', 'Bay_Area', 'Nevada']);
		expect(rows[1]['Postal Codes']).toBe('940*, 941*, 94501');

		const back = await runWorkflow(linearWorkflow({ items: rows }, publish({ mode: 'dryRun' })), credentials);
		const [summary] = back.output('Publish');
		expect(summary.json.counts).toEqual({});
	});

	it('imports to a CSV file', async () => {
		const run = await runWorkflow(linearWorkflow({ items: [{}] }, importer({ output: 'binary' })), credentials);
		const [item] = run.output('Import');
		expect(item.json.territories).toBe(3);
		const csv = await binaryText(item);
		expect(parseCsv(csv).rows.map((r) => r.Key)).toEqual(['West', 'Bay_Area', 'Nevada']);
	});
});

describe('Publish Territory Model node with Google Sheets rows', () => {
	it('names the sheet row in errors and does not take row_number for a plan column', async () => {
		const rows = [
			{ row_number: 7, Territory: 'Oregon', Key: 'Oregon', Parent: 'West', Type: 'Territory' },
			{ row_number: 12, Territory: 'Idaho', Key: 'Idaho', Parent: 'Nowhere', Type: 'Territory' },
		];
		const run = await runWorkflow(linearWorkflow({ items: rows }, publish({ mode: 'dryRun' })), credentials);
		const error = run.error('Publish');
		expect(error?.description).toMatch(/Row 12, Parent/);
		expect(error?.description).not.toMatch(/row_number/i);
		// West is not in this plan but exists in the org's model: a valid parent.
		expect(error?.description).not.toMatch(/Row 7/);
		expect(error?.description?.match(/Row 12, Parent/g)).toHaveLength(1);
	});
});

describe('Continue On Fail', () => {
	it('turns a failed import into an item that names the problem', async () => {
		const node = { ...importNode({ model: { __rl: true, mode: 'developerName', value: 'No_Such_Model' } }), continueOnFail: true };
		const run = await runWorkflow(linearWorkflow({ items: [{}] }, node), credentials);
		expect(run.error('Import')).toBeUndefined();
		const [item] = run.output('Import');
		expect(item.json.error).toMatch(/No territory model No_Such_Model/);
	});
});

describe('Import Territory Model node and hand-made rules', () => {
	it('warns beside the output about rules the table cannot carry', async () => {
		const store = sandbox.store;
		const model = store.records('Territory2Model').find((m) => m.DeveloperName === 'Node_Test')!;
		const nevada = store.records('Territory2').find((t) => t.DeveloperName === 'Nevada' && t.Territory2ModelId === model.Id)!;
		// Two hand-made rules (ORed by Salesforce) cannot be written as one territory's Criteria.
		for (const [name, value] of [['Hand_Reno', '895'], ['Hand_Vegas', '891']]) {
			const ruleId = store.createOne('ObjectTerritory2AssignmentRule', {
				DeveloperName: name,
				MasterLabel: name,
				ObjectType: 'Account',
				Territory2ModelId: model.Id,
				IsActive: true,
			});
			store.createOne('ObjectTerritory2AssignmentRuleItem', { RuleId: ruleId, SortOrder: 1, Field: 'Account.BillingPostalCode', Operation: 'startsWith', Value: value });
			store.createOne('RuleTerritory2Association', { RuleId: ruleId, Territory2Id: nevada.Id, IsInherited: false });
		}
		const run = await runWorkflow(linearWorkflow({ items: [{}] }, importer({ output: 'binary' })), credentials);
		const hints = run.run.data.resultData.runData.Import[0].hints ?? [];
		expect(hints.map((h) => h.message).join('\n')).toMatch(/Nevada: .*Hand_Reno/);
		const [item] = run.output('Import');
		expect(item.json.notes).toEqual([expect.objectContaining({ key: 'Nevada', code: 'HAND_MADE_RULES_NOT_EXPORTED' })]);
	});

	it('publishing warns that the kept hand-made rules widen the plan’s rule', async () => {
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish({ mode: 'dryRun' })), credentials);
		expect(run.error('Publish')).toBeUndefined();
		const hints = run.run.data.resultData.runData.Publish[0].hints ?? [];
		expect(hints.map((h) => h.message)).toEqual([expect.stringMatching(/^Row 4: Territory Nevada keeps its hand-made rule\(s\) Hand_Reno, Hand_Vegas/)]);
		const [summary] = run.output('Publish');
		expect(summary.json.warnings).toEqual([expect.objectContaining({ code: 'HAND_MADE_RULES_KEPT' })]);
	});
});

describe('Publish Territory Model node: the CSV file\'s encoding', () => {
	/** The node's input reader over a context holding one binary file (n8n's own binary plumbing is tested above). */
	async function readBinary(bytes: Uint8Array) {
		const { readPlanInput } = await import('../../nodes/PublishTerritoryModel/input');
		const params: Record<string, string> = { source: 'binary', binaryPropertyName: 'data' };
		const ctx = {
			getNodeParameter: (name: string) => params[name],
			getInputData: () => [{ json: {}, binary: { data: { data: '', mimeType: 'text/csv' } } }],
			getNode: () => ({ name: 'Publish' }),
			helpers: { getBinaryDataBuffer: async () => Buffer.from(bytes) },
		};
		return readPlanInput(ctx as unknown as Parameters<typeof readPlanInput>[0]);
	}

	it('reads a file Excel saved as "CSV (Comma delimited)" (Windows-1252) with its accents', async () => {
		const bytes = Uint8Array.from([...Buffer.from('Territory,Type\n'), 0xce, ...Buffer.from('le-de-France,Region\n')]);
		const input = await readBinary(bytes);
		expect(parseCsv((input.plan as { csv: string }).csv).rows).toEqual([{ Territory: 'Île-de-France', Type: 'Region' }]);
	});

	it('reads a UTF-8 file with a BOM', async () => {
		const input = await readBinary(Buffer.from('\uFEFFTerritory\nÎle-de-France\n', 'utf8'));
		expect((input.plan as { csv: string }).csv).toBe('Territory\nÎle-de-France\n');
	});
});

describe('Publish Territory Model node when Salesforce refuses rows', () => {
	const plan = [{ Territory: 'Iowa', Key: 'Iowa', Type: 'Territory' }];
	const failing = (node: Partial<NodeSpec> = {}) => publishNode({ model: 'Node_Fail', parameters: { mode: 'write', modelName: 'Node Fail', ifModelMissing: 'create' }, node });
	afterEach(() => sandbox.faults.clear());

	it('fails the node, naming the rows and what was written anyway', async () => {
		sandbox.faults.set({ lockRowRate: 1, objects: ['Territory2'] });
		const run = await runWorkflow(linearWorkflow({ items: plan }, failing()), credentials);
		const error = run.error('Publish');
		expect(error?.message).toMatch(/1 change\(s\) failed/);
		expect(error?.description).toMatch(/Row 2 \(Iowa\): failed UNABLE_TO_LOCK_ROW/);
		expect(error?.description).toMatch(/Written: Territory2Model create 1/);
	}, 30000);

	it('with Continue On Fail, outputs the outcomes and flags them beside the output', async () => {
		sandbox.faults.set({ lockRowRate: 1, objects: ['Territory2'] });
		const run = await runWorkflow(linearWorkflow({ items: plan }, failing({ continueOnFail: true })), credentials);
		expect(run.error('Publish')).toBeUndefined();
		const [summary] = run.output('Publish');
		expect(summary.json.failed).toBe(1);
		const hints = run.run.data.resultData.runData.Publish[0].hints ?? [];
		expect(hints[0]?.message).toMatch(/1 change\(s\) failed/);
	}, 30000);
});
