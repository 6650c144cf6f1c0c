/**
 * The editor's pickers (Territory Model, Under Territory, Account Key Field), called the way n8n's
 * editor backend calls list searches and load-options methods (an n8n-core LoadOptionsContext on the
 * node's current parameters), against the sandbox org over HTTP; and the values they produce, used
 * by executions in n8n's workflow engine.
 */
import type { INodeListSearchResult, INodeParameters, INodePropertyOptions } from 'n8n-workflow';
import { callNodeMethod, linearWorkflow, nodeCredentials, runWorkflow } from '../helpers/n8n';
import { publishNode } from '../helpers/nodes';
import { startSandbox, type Sandbox } from '../../sandbox';
import { publishPlan } from '../../lib';
import { toConnectionSettings } from '../../nodes/shared/connection';

let sandbox: Sandbox;
let credentials: Record<string, Record<string, string>>;
let modelId: string;

const HIERARCHY = [
	{ Territory: 'West', Key: 'West', Type: 'Region' },
	{ Territory: 'Pacific', Key: 'Pacific', Parent: 'West', Type: 'Region' },
	{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'Pacific', Type: 'Territory' },
	{ Territory: 'East', Key: 'East', Type: 'Region' },
];

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'demo' });
	credentials = nodeCredentials(sandbox);
	const published = await publishPlan({
		connection: toConnectionSettings(credentials.salesforceTerritoryApi),
		plan: { rows: HIERARCHY },
		model: { developerName: 'Picker_Test', name: 'Picker Test' },
	});
	expect(published.issues).toEqual([]);
	modelId = published.summary.model.id as string;
});
afterAll(async () => sandbox?.stop());

const byList = (value: string) => ({ __rl: true, mode: 'list', value });
const search = async (parameters: Record<string, unknown>, method: string, filter?: string) =>
	(await callNodeMethod('publishTerritoryModel', 'listSearch', method, parameters as never, credentials, filter)) as INodeListSearchResult;

describe('Territory Model picker', () => {
	it('lists every model with its state', async () => {
		const { results } = await search({}, 'searchModels');
		expect(results).toContainEqual(expect.objectContaining({ name: 'Picker Test (Planning)', value: 'Picker_Test' }));
	});

	it('has a By ID mode whose value publishes to that model', async () => {
		const modes = (await import('../../nodes/shared/descriptions')).modelLocator.modes ?? [];
		expect(modes.map((m) => m.name)).toEqual(['list', 'developerName', 'id']);
		const node = publish({ model: { __rl: true, mode: 'id', value: modelId } });
		const run = await runWorkflow(linearWorkflow({ items: [{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory' }] }, node), credentials);
		expect(run.error('Publish')).toBeUndefined();
		const [summary] = run.output('Publish');
		expect(summary.json.model).toMatchObject({ id: modelId, developerName: 'Picker_Test' });
		expect(summary.json.counts).toEqual({ Territory2: { create: 1 } });
	});

	it('an Id that is no model of the org is refused, and nothing is created', async () => {
		const models = sandbox.store.records('Territory2Model').length;
		const node = publish({ model: { __rl: true, mode: 'id', value: '0MA000000000001AAA' }, mode: 'write', ifModelMissing: 'create' });
		const run = await runWorkflow(linearWorkflow({ items: [{ Territory: 'Utah', Key: 'Utah', Type: 'Territory' }] }, node), credentials);
		expect(run.error('Publish')?.description).toMatch(/No territory model with Id 0MA000000000001AAA/);
		expect(sandbox.store.records('Territory2Model')).toHaveLength(models);
	});
});

describe('Under Territory picker', () => {
	it("lists the chosen model's territories by path, the Key as value", async () => {
		const { results } = await search({ model: byList('Picker_Test') }, 'searchTerritories');
		expect(results.map((r) => [r.name, r.value])).toEqual([
			['East', 'East'],
			['West', 'West'],
			['West › Pacific', 'Pacific'],
			['West › Pacific › Bay Area', 'Bay_Area'],
		]);
	});

	it('searches by name or Key, whichever mode named the model', async () => {
		const { results } = await search({ model: { __rl: true, mode: 'id', value: modelId } }, 'searchTerritories', 'bay');
		expect(results.map((r) => r.name)).toEqual(['West › Pacific › Bay Area']);
		const byKey = await search({ model: { __rl: true, mode: 'developerName', value: 'picker_test' } }, 'searchTerritories', 'bay_a');
		expect(byKey.results.map((r) => r.value)).toEqual(['Bay_Area']);
	});

	it('lists nothing before a model is chosen, or for a model not created yet', async () => {
		expect((await search({ model: byList('') }, 'searchTerritories')).results).toEqual([]);
		expect((await search({ model: byList('Not_Yet') }, 'searchTerritories')).results).toEqual([]);
	});

	it.each([
		['a picked territory', byList('Pacific')],
		['a typed Key', { __rl: true, mode: 'key', value: 'Pacific' }],
		['the plain text of a workflow saved before the picker', 'Pacific'],
	])('publishes under %s', async (_what, scopeRootKey) => {
		const key = `Oregon_${sandbox.store.records('Territory2').length}`;
		const node = publish({ scopeRootKey, mode: 'write', ifModelMissing: 'create' });
		const run = await runWorkflow(linearWorkflow({ items: [{ Territory: key, Key: key, Type: 'Territory' }] }, node), credentials);
		expect(run.error('Publish')).toBeUndefined();
		const territories = sandbox.store.records('Territory2');
		const created = territories.find((t) => t.DeveloperName === key);
		const pacific = territories.find((t) => t.DeveloperName === 'Pacific' && t.Territory2ModelId === modelId);
		expect(created?.ParentTerritory2Id).toBe(pacific?.Id);
	});
});

describe('Account Key Field picker', () => {
	it("offers Account ID, then Account's external ID fields", async () => {
		for (const nodeType of ['publishTerritoryModel', 'importTerritoryModel'] as const) {
			const options = (await callNodeMethod(nodeType, 'loadOptions', 'getAccountKeyFields', {}, credentials)) as INodePropertyOptions[];
			expect(options.map((o) => [o.name, o.value])).toEqual([
				['Account ID', ''],
				['External Key', 'External_Key__c'],
			]);
		}
	});

	it('an option picked is the key the Accounts column is read by', async () => {
		const node = publish({ options: { accountKeyField: 'External_Key__c' } });
		const run = await runWorkflow(linearWorkflow({ items: [{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory', Accounts: 'ACME-00001, ACME-00002' }] }, node), credentials);
		expect(run.error('Publish')).toBeUndefined();
		const [summary] = run.output('Publish');
		expect(summary.json.counts).toMatchObject({ ObjectTerritory2Association: { create: 2 } });
	});
});

function publish(parameters: INodeParameters) {
	return publishNode({ model: byList('Picker_Test'), parameters });
}
