/**
 * Options → Change Report through n8n's workflow engine (n8n-core in-process) against the sandbox org:
 * the summary item carries the HTML report and the row outcomes CSV as binary data, on a dry run and on
 * a publish; without the option the item has no binary data and the engine never sees the option.
 */
import type { INodeParameters } from 'n8n-workflow';
import { binaryText, linearWorkflow, nodeCredentials, runWorkflow } from '../helpers/n8n';
import { publishNode } from '../helpers/nodes';
import { startSandbox, type Sandbox } from '../../sandbox';
import { DEMO_USERNAMES as U } from '../../sandbox/seed';
import { parseCsv } from '../../lib/plan';
import { drawnTree } from './helpers';

let sandbox: Sandbox;
let credentials: Record<string, Record<string, string>>;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'demo', seedOptions: { accounts: 50 } });
	credentials = nodeCredentials(sandbox);
});
afterAll(async () => sandbox?.stop());

const PLAN = [
	{ Territory: 'West', Key: 'West', Parent: '', Type: 'Region', Users: `${U.anaLopez} (Owner)` },
	{ Territory: 'Bay Area & Co', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*', Users: U.benCarter },
];

const publish = (parameters: INodeParameters) => publishNode({ model: 'Report_Node', parameters });

async function summaryItem(parameters: INodeParameters) {
	const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish(parameters)), credentials);
	expect(run.error('Publish')).toBeUndefined();
	const items = run.output('Publish');
	expect(items).toHaveLength(1);
	return items[0];
}

describe('Publish node, Change Report option', () => {
	it('dry run: the summary item carries report (text/html) and outcomes (text/csv); nothing is written', async () => {
		const item = await summaryItem({ mode: 'dryRun', ifModelMissing: 'create', options: { changeReport: true } });
		expect(item.json.dryRun).toBe(true);
		expect(item.binary?.report).toMatchObject({ mimeType: 'text/html', fileName: 'Report_Node-change-report.html', fileExtension: 'html' });
		expect(item.binary?.outcomes).toMatchObject({ mimeType: 'text/csv', fileName: 'Report_Node-row-outcomes.csv', fileExtension: 'csv' });
		const html = await binaryText(item, 'report');
		expect(html).toMatch(/^<!DOCTYPE html>/);
		expect(html).toContain('Dry run: nothing was written');
		expect(html).toContain('Territories: 2 to create');
		expect(html).toContain('Bay Area &amp; Co');
		expect(drawnTree(html).get('Bay_Area')).toMatchObject({ status: 'created', parent: 'West' });
		const csv = parseCsv(await binaryText(item, 'outcomes')).rows;
		expect(csv.map((r) => [r.Row, r.Key, r.Territory, r.Outcome])).toEqual([
			['2', 'West', 'West', 'planned'],
			['3', 'Bay_Area', 'Bay Area & Co', 'planned'],
		]);
		expect(sandbox.store.records('Territory2Model').some((m) => m.DeveloperName === 'Report_Node')).toBe(false);
	});

	it('publish: the report says what was written, the outcomes carry the Ids the org holds', async () => {
		const item = await summaryItem({ mode: 'write', ifModelMissing: 'create', options: { changeReport: true } });
		const html = await binaryText(item, 'report');
		expect(html).toContain('Published to Report_Node');
		expect(html).toContain('Territories: 2 created');
		const ids = new Map(sandbox.store.records('Territory2').map((t) => [String(t.DeveloperName), String(t.Id)]));
		const csv = parseCsv(await binaryText(item, 'outcomes')).rows;
		expect(csv.map((r) => [r.Key, r.Outcome, r['Territory Id']])).toEqual([
			['West', 'created', ids.get('West')],
			['Bay_Area', 'created', ids.get('Bay_Area')],
		]);
	});

	it('without the option, or with one item per row: no binary data', async () => {
		const item = await summaryItem({ mode: 'dryRun', ifModelMissing: 'create' });
		expect(item.binary).toBeUndefined();
		expect(item.json.counts).toEqual({});
		const run = await runWorkflow(linearWorkflow({ items: PLAN }, publish({ mode: 'dryRun', ifModelMissing: 'create', output: 'rows', options: { changeReport: true } })), credentials);
		const rows = run.output('Publish');
		expect(rows.map((r) => r.json.key)).toEqual(['West', 'Bay_Area']);
		expect(rows.every((r) => r.binary === undefined)).toBe(true);
	});
});
