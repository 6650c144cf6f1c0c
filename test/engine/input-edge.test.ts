/**
 * Input the dry run used to accept and the real run then failed on (or published garbled), through
 * publishPlan against the sandbox org: model and type names Salesforce refuses, rows that are not rows,
 * a Windows-1252 CSV file, and a Forecast Manager named by another key of one of the territory's Users.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { PublishOptions, PublishResult } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { DEMO_USERNAMES as U, issueTriples, startEngineOrg, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
let ana: { Id: string; FederationIdentifier: string };
beforeAll(async () => {
	org = await startEngineOrg();
	const user = org.sandbox.store.records('User').find((u) => u.Username === U.anaLopez)!;
	// An Email distinct from the Username, so that a look-up by Email is told apart.
	org.sandbox.store.adminUpdate('User', user.Id, { Email: 'ana.private@mail.example' });
	ana = { Id: user.Id, FederationIdentifier: String(user.FederationIdentifier) };
});
afterAll(async () => org?.stop());

const ROW: PlanRow = { Territory: 'A', Key: 'A', Type: 'Region' };

/** Publishes for real (no dry run) and checks that nothing at all was written. */
async function publishRefused(options: Omit<PublishOptions, 'connection'>): Promise<PublishResult> {
	const before = org.dump();
	org.sandbox.requestLog.reset();
	const result = await org.publish(options);
	expect(org.sandbox.requestLog.writeCalls).toBe(0);
	expect(org.changesSince(before)).toEqual([]);
	expect(result.summary.counts).toEqual({});
	for (const r of result.rows) expect(['failed', 'skipped']).toContain(r.status);
	return result;
}

describe('the model to create is checked before anything is written', () => {
	it.each([
		['a DeveloperName with spaces', { developerName: 'FY 27 Sales', name: 'FY 27 Sales' }, 'FY 27 Sales', /may contain only letters, digits and underscores/],
		['a DeveloperName with a double underscore', { developerName: 'a__b' }, 'a__b', /two underscores/],
		['a DeveloperName over 80 characters', { developerName: 'M'.repeat(90) }, 'M'.repeat(90), /longer than 80/],
		['a DeveloperName starting with a digit', { developerName: '2027_Sales' }, '2027_Sales', /start with a letter/],
		['a label over 80 characters', { developerName: 'Ok_Model', name: 'n'.repeat(100) }, 'n'.repeat(100), /label\) is 100 characters/],
	])('%s: one INVALID_MODEL_NAME issue (row 0), on the dry run as on the real run', async (_what, model, value, message) => {
		const dry = await org.publish({ plan: { rows: [ROW] }, model, dryRun: true });
		expect(issueTriples(dry)).toEqual([[0, null, 'INVALID_MODEL_NAME']]);
		const real = await publishRefused({ plan: { rows: [ROW] }, model });
		expect(real.issues).toEqual([expect.objectContaining({ row: 0, code: 'INVALID_MODEL_NAME', value, message: expect.stringMatching(message) })]);
		expect(real.rows).toEqual([expect.objectContaining({ key: 'A', status: 'skipped' })]);
	});

	it('a blank DeveloperName is an issue, and the org is not even called', async () => {
		const result = await publishRefused({ plan: { rows: [ROW] }, model: { developerName: '  ' } });
		expect(issueTriples(result)).toEqual([[0, null, 'INVALID_MODEL_NAME']]);
		expect(org.sandbox.requestLog.apiCalls).toBe(0);
	});

	it('an existing model is found by its DeveloperName whatever the label given, and a valid new one is created', async () => {
		const created = await org.publish({ plan: { rows: [ROW] }, model: { developerName: 'Input_Edge_Model', name: 'Input edge model' } });
		expect(created.issues).toEqual([]);
		expect(created.summary.model.created).toBe(true);
		const again = await org.publish({ plan: { rows: [ROW] }, model: { developerName: 'input_edge_model', name: 'x'.repeat(100) }, dryRun: true });
		expect(again.issues).toEqual([]);
		org.dropModel('Input_Edge_Model');
	});
});

describe('a territory type to create', () => {
	it('with a label over 80 characters is an issue naming the row and the Type column, and the model is not created', async () => {
		const rows = [ROW, { Territory: 'B', Key: 'B', Type: 'T'.repeat(81) }];
		const result = await publishRefused({ plan: { rows }, model: { developerName: 'Types_Model' }, createMissingTypes: true });
		expect(issueTriples(result)).toEqual([[3, 'Type', 'TYPE_NAME_TOO_LONG']]);
		expect(result.issues[0].message).toMatch(/Territory type "T{40}…" is 81 characters/);
		expect(org.model('Types_Model').id).toBeNull();
	});

	it('with a label of 80 characters is created', async () => {
		const label = `Zone ${'z'.repeat(75)}`;
		const result = await org.publish({ plan: { rows: [{ ...ROW, Type: label }] }, model: { developerName: 'Types_Model' }, createMissingTypes: true });
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		expect(org.sandbox.store.records('Territory2Type').some((t) => t.MasterLabel === label)).toBe(true);
		org.dropModel('Types_Model');
	});
});

describe('rows that are not rows', () => {
	it('a null item among the rows is an INVALID_ROW issue naming it, and nothing is written', async () => {
		const rows = [ROW, null as unknown as PlanRow, { Territory: 'B', Key: 'B', Type: 'Region' }];
		const result = await publishRefused({ plan: { rows }, model: { developerName: 'Rows_Model' } });
		expect(issueTriples(result)).toEqual([[3, null, 'INVALID_ROW']]);
		expect(result.rows.map((r) => [r.row, r.status])).toEqual([
			[2, 'skipped'],
			[4, 'skipped'],
		]);
	});

	it('a row whose only cell is an invalid Date is an INVALID_CELL issue, not a dropped row', async () => {
		const rows = [ROW, { Territory: new Date('nope') as unknown as string }];
		const result = await publishRefused({ plan: { rows }, model: { developerName: 'Rows_Model' } });
		expect(issueTriples(result)).toEqual([[3, 'Territory', 'INVALID_CELL']]);
	});
});

describe('a CSV file saved by Excel as "CSV (Comma delimited)" (Windows-1252)', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'engine-enc-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('is published with the names as written', async () => {
		const bytes = Uint8Array.from([
			...Buffer.from('Territory,Type\n'),
			0xce, ...Buffer.from('le-de-France,Region\nZ'), 0xfc, ...Buffer.from('rich,Region\n'),
		]);
		const path = join(dir, 'plan.csv');
		writeFileSync(path, bytes);
		const result = await org.publish({ plan: { csvFile: path }, model: { developerName: 'Latin_Model' } });
		expect(result.issues).toEqual([]);
		const names = org.model('Latin_Model').territories.map((t) => [t.Name, t.DeveloperName]);
		expect(names).toEqual(expect.arrayContaining([
			['Île-de-France', 'Ile_de_France'],
			['Zürich', 'Zurich'],
		]));
		org.dropModel('Latin_Model');
	});

	it('read as UTF-8 by mistake, is refused naming the rows, not published garbled', async () => {
		const csv = Buffer.from([...Buffer.from('Territory,Type\n'), 0xce, ...Buffer.from('le-de-France,Region\n')]).toString('utf8');
		const result = await publishRefused({ plan: { csv }, model: { developerName: 'Latin_Model' } });
		expect(issueTriples(result)).toEqual([[2, 'Territory', 'CSV_ENCODING']]);
	});
});

describe('a Forecast Manager named by another key of one of the Users', () => {
	const plan = (fm: string) => ({ rows: [{ ...ROW, Users: `${U.anaLopez} (Owner)`, 'Forecast Manager': fm }] });

	it.each([
		['the Username in other case', () => U.anaLopez.toUpperCase()],
		['the Id', () => ana.Id],
		['the FederationIdentifier', () => ana.FederationIdentifier],
		['the Email', () => 'ana.private@mail.example'],
	])('%s is accepted and set', async (_what, fm) => {
		const result = await org.publish({ plan: plan(fm()), model: { developerName: 'Fm_Model' } });
		expect(result.issues).toEqual([]);
		const territory = org.model('Fm_Model').territories.find((t) => t.DeveloperName === 'A');
		expect(territory?.ForecastUserId).toBe(ana.Id);
		org.dropModel('Fm_Model');
	});

	it.each([
		['a username', () => U.benCarter],
		['the Id', () => String(org.sandbox.store.records('User').find((u) => u.Username === U.benCarter)!.Id)],
	])('a real mismatch (%s of a user not among Users) is reported exactly once', async (_what, fm) => {
		const result = await publishRefused({ plan: plan(fm()), model: { developerName: 'Fm_Model' } });
		// The plan check's words (what to change in the sheet), once: not repeated as FORECAST_MANAGER_NOT_ASSIGNED.
		expect(issueTriples(result)).toEqual([[2, 'Forecast Manager', 'FORECAST_MANAGER_NOT_USER']]);
	});
});
