/**
 * What goes into the Publish node and what comes back out, through n8n's workflow engine against the
 * sandbox org: Column Names for items and CSV files, files arriving on Input Items, and the row outcomes
 * a sheet can be updated from (row_number, outcome, Ids, the error output).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { linearWorkflow, nodeCredentials, runWorkflow, type WorkflowRun } from '../helpers/n8n';
import { publishNode, type NodeSpec } from '../helpers/nodes';
import { startSandbox, type Sandbox } from '../../sandbox';
import { DEMO_USERNAMES } from '../../sandbox/seed';

let sandbox: Sandbox;
let credentials: Record<string, Record<string, string>>;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'demo' });
	credentials = nodeCredentials(sandbox);
});
afterAll(async () => sandbox?.stop());
afterEach(() => sandbox.faults.clear());
// The sandbox's edition allows 2 territory models: the tests that write share Map_Items and Sheet_Rows.

const publish = (model: string, parameters: INodeParameters, node: Partial<NodeSpec> = {}) => publishNode({ model, parameters, node });

const columnNames = (pairs: [string, string][]) => ({ column: pairs.map(([header, planColumn]) => ({ header, planColumn })) });
const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
/** The node's error output (n8n adds it as the last main output under "Continue (using error output)"). */
const errorOutput = (run: WorkflowRun, node = 'Publish') => run.run.data.resultData.runData[node]?.[0]?.data?.main?.[1] ?? [];
const territoriesOf = (model: string) => {
	const m = sandbox.store.records('Territory2Model').find((r) => r.DeveloperName === model);
	return sandbox.store.records('Territory2').filter((t) => m && t.Territory2ModelId === m.Id);
};

describe('Options → Column Names', () => {
	it("maps the items' own field names to plan columns and ignores one on purpose", async () => {
		const items = [
			{ 'Sales Region': 'West', Code: 'West', Level: 'Region', Zip: '', Owner: 'x' },
			{ 'Sales Region': 'Nevada', Code: 'Nevada', Level: 'Territory', Zip: '889*', Owner: 'y', Up: 'West' },
		];
		const options = {
			columnNames: columnNames([
				['Sales Region', 'Territory'],
				['code', 'Key'],
				['Level', 'Type'],
				['Up', 'Parent'],
				['Owner', '__ignore__'],
			]),
		};
		const run = await runWorkflow(linearWorkflow({ items }, publish('Map_Items', { mode: 'write', ifModelMissing: 'create', options })), credentials);
		expect(run.error('Publish')).toBeUndefined();
		const nevada = territoriesOf('Map_Items').find((t) => t.DeveloperName === 'Nevada');
		const west = territoriesOf('Map_Items').find((t) => t.DeveloperName === 'West');
		expect(nevada?.ParentTerritory2Id).toBe(west?.Id);
		// Zip needs no mapping (a synonym of Postal Codes): Nevada got its rule.
		expect(sandbox.store.records('ObjectTerritory2AssignmentRule').some((r) => r.DeveloperName === 'TP_Nevada')).toBe(true);
	});

	it("maps a CSV file's headers the same way", async () => {
		const csv = 'Sales Region,Level,Notes\nWest,Region,keep\nUtah,Territory,x\n';
		const options = { columnNames: columnNames([['Sales Region', 'Territory'], ['Level', 'Type'], ['Notes', '__ignore__']]) };
		const run = await runWorkflow(linearWorkflow({ csv }, publish('Map_Csv', { source: 'binary', mode: 'dryRun', ifModelMissing: 'create', options })), credentials);
		expect(run.error('Publish')).toBeUndefined();
		expect(run.output('Publish')[0].json.counts).toMatchObject({ Territory2: { create: 2 } });
	});

	it('an unknown column names the option that fixes it, with "did you mean"', async () => {
		const items = [{ Territroy: 'West', Type: 'Region', 'Sales Region': 'West' }];
		const run = await runWorkflow(linearWorkflow({ items }, publish('Map_Unknown', { mode: 'dryRun', ifModelMissing: 'create' })), credentials);
		const description = run.error('Publish')?.description ?? '';
		expect(description).toMatch(/Column "Territroy" is not a plan column \(did you mean "Territory"\?\); map it .*\(Options → Column Names\) or ignore it \(Options → Ignore Unknown Columns\)/);
		expect(description).toMatch(/Column "Sales Region" is not a plan column; map it/);
		expect(description).not.toMatch(/columnMap/);
	});
});

describe('A file on Input Items', () => {
	const csv = 'Territory,Key,Type\nWest,West,Region\nUtah,Utah,Territory\n';
	/** What n8n's Read/Write Files from Disk node puts beside the file. */
	const readFilesJson = { mimeType: 'text/csv', fileType: 'text', fileName: 'plan.csv', fileExtension: 'csv', fileSize: '48 B', directory: '/data' };

	it('reads the file when one item carries it, and says so beside the output', async () => {
		const run = await runWorkflow(linearWorkflow({ csv, fileJson: readFilesJson }, publish('File_Items', { mode: 'dryRun', ifModelMissing: 'create' })), credentials);
		expect(run.error('Publish')).toBeUndefined();
		expect(run.output('Publish')[0].json.counts).toMatchObject({ Territory2: { create: 2 } });
		const hints = run.run.data.resultData.runData.Publish[0].hints ?? [];
		expect(hints.map((h) => h.message)).toContainEqual(expect.stringMatching(/read from the file plan\.csv .*set Plan Source to CSV File/));
	});

	it("takes a storage node's name field for the file's name, not a territory", async () => {
		const driveJson = { id: '1AbC', name: 'plan.csv', mimeType: 'text/csv' };
		const run = await runWorkflow(linearWorkflow({ csv, fileJson: driveJson }, publish('File_Items', { mode: 'dryRun', ifModelMissing: 'create' })), credentials);
		expect(run.error('Publish')).toBeUndefined();
		expect(run.output('Publish')[0].json.counts).toMatchObject({ Territory2: { create: 2 } });
	});

	it('says in one line to switch Plan Source when several items carry files', async () => {
		const run = await runWorkflow(linearWorkflow({ csv, copies: 2, fileJson: readFilesJson }, publish('File_Items', { mode: 'dryRun', ifModelMissing: 'create' })), credentials);
		const error = run.error('Publish');
		expect(error?.message).toBe(
			'The 2 input items carry files, not plan rows: set Plan Source to CSV File (Binary Property) and merge the files into one first, or publish each one in a loop',
		);
		expect(error?.description ?? '').not.toMatch(/mimeType|fileSize|UNKNOWN_COLUMN/);
	});

	it('says in one line that a spreadsheet file needs Extract from File', async () => {
		const xlsx = { ...readFilesJson, fileName: 'plan.xlsx', fileExtension: 'xlsx' };
		const mimeType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
		const run = await runWorkflow(linearWorkflow({ csv: 'PK\u0003\u0004…', fileJson: xlsx, fileName: 'plan.xlsx', mimeType }, publish('File_Items', { mode: 'dryRun', ifModelMissing: 'create' })), credentials);
		expect(run.error('Publish')?.message).toMatch(/^The input item carries the spreadsheet file plan\.xlsx, not plan rows: add an Extract from File node/);
		expect(run.error('Publish')?.description ?? '').toBe('');
	});
});

describe('Results back to the sheet (One Item per Plan Row)', () => {
	const sheet = [
		{ row_number: 5, Territory: 'West', Key: 'West', Type: 'Region', Users: `${DEMO_USERNAMES.anaLopez} (Owner)` },
		{ row_number: 9, Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*', Users: DEMO_USERNAMES.benCarter },
	];

	it("a dry run gives each row its would-be action and the sheet's row_number", async () => {
		const run = await runWorkflow(linearWorkflow({ items: sheet }, publish('Sheet_Rows', { mode: 'dryRun', ifModelMissing: 'create', output: 'rows' })), credentials);
		expect(json(run.output('Publish'))).toEqual([
			expect.objectContaining({ row_number: 5, key: 'West', outcome: 'planned', action: 'create', territoryId: null }),
			expect.objectContaining({ row_number: 9, key: 'Bay_Area', outcome: 'planned', action: 'create', territoryId: null }),
		]);
	});

	it('a publish gives each row its outcome and Ids; a re-run says unchanged with the same Ids', async () => {
		const first = await runWorkflow(linearWorkflow({ items: sheet }, publish('Sheet_Rows', { mode: 'write', ifModelMissing: 'create', output: 'rows' })), credentials);
		expect(first.error('Publish')).toBeUndefined();
		const rows = json(first.output('Publish'));
		const territories = territoriesOf('Sheet_Rows');
		const bay = territories.find((t) => t.DeveloperName === 'Bay_Area')!;
		const bayUsers = sandbox.store.records('UserTerritory2Association').filter((a) => a.Territory2Id === bay.Id).map((a) => a.Id);
		const bayRules = sandbox.store.records('RuleTerritory2Association').filter((a) => a.Territory2Id === bay.Id).map((a) => a.RuleId);
		expect(rows[1]).toMatchObject({
			row_number: 9,
			outcome: 'created',
			action: 'create',
			territoryId: bay.Id,
			userAssignmentIds: bayUsers,
			ruleIds: bayRules,
			errorCode: null,
		});
		expect(bayUsers).toHaveLength(1);
		expect(bayRules).toHaveLength(1);
		expect(rows[0]).toMatchObject({ row_number: 5, outcome: 'created', territoryId: territories.find((t) => t.DeveloperName === 'West')!.Id });

		const again = await runWorkflow(linearWorkflow({ items: sheet }, publish('Sheet_Rows', { mode: 'write', ifModelMissing: 'create', output: 'rows' })), credentials);
		const unchanged = json(again.output('Publish'));
		expect(unchanged.map((r) => [r.row_number, r.outcome, r.action])).toEqual([
			[5, 'unchanged', null],
			[9, 'unchanged', null],
		]);
		for (const field of ['territoryId', 'ruleIds', 'userAssignmentIds']) expect(unchanged.map((r) => r[field])).toEqual(rows.map((r) => r[field]));
	});

	it('the summary is paired with every input item', async () => {
		const run = await runWorkflow(linearWorkflow({ items: sheet }, publish('Sheet_Rows', { mode: 'dryRun', ifModelMissing: 'create' })), credentials);
		expect(run.output('Publish')[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('failed rows go to the error output with their sheet row; the others stay on the main output', async () => {
		const setUp = await runWorkflow(linearWorkflow({ items: sheet }, publish('Sheet_Rows', { mode: 'write', ifModelMissing: 'create' })), credentials);
		expect(setUp.error('Publish')).toBeUndefined();
		const plan = [...sheet, { row_number: 12, Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory' }];
		sandbox.faults.set({ lockRowRate: 1, objects: ['Territory2'] });
		const node = publish('Sheet_Rows', { mode: 'write', ifModelMissing: 'create', output: 'rows' }, { onError: 'continueErrorOutput' });
		const run = await runWorkflow(linearWorkflow({ items: plan }, node), credentials);
		expect(run.error('Publish')).toBeUndefined();
		expect(json(run.output('Publish')).map((r) => [r.row_number, r.outcome])).toEqual([
			[5, 'unchanged'],
			[9, 'unchanged'],
		]);
		// n8n merged the input item (the sheet's row, row_number included) into the error item.
		const failed = json(errorOutput(run));
		expect(failed).toEqual([
			expect.objectContaining({
				row_number: 12,
				Territory: 'Utah',
				error: expect.stringMatching(/^Row 12 \(Utah\): unable to obtain exclusive access/),
				details: expect.objectContaining({ row_number: 12, key: 'Utah', outcome: 'failed', errorCode: 'UNABLE_TO_LOCK_ROW', territoryId: null }),
			}),
		]);
	}, 30000);

	it('a refused plan sends the rows at fault to the error output and writes nothing', async () => {
		const before = sandbox.store.records('Territory2').length;
		const plan = [
			{ row_number: 3, Territory: 'Ohio', Key: 'Ohio', Type: 'Territory' },
			{ row_number: 4, Territory: 'Iowa', Key: 'Iowa', Parent: 'Nowhere', Type: 'Territory' },
		];
		const node = publish('Sheet_Refused', { mode: 'write', ifModelMissing: 'create', output: 'rows' }, { onError: 'continueErrorOutput' });
		const run = await runWorkflow(linearWorkflow({ items: plan }, node), credentials);
		expect(json(run.output('Publish')).map((r) => [r.row_number, r.outcome])).toEqual([[3, 'skipped']]);
		const failed = json(errorOutput(run)).map((r) => [r.row_number, (r.details as IDataObject).outcome, (r.details as IDataObject).errorCode]);
		expect(failed).toEqual([[4, 'failed', 'UNKNOWN_PARENT']]);
		expect(sandbox.store.records('Territory2')).toHaveLength(before);
	});
});
