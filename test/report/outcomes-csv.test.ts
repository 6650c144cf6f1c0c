/**
 * rowOutcomesCsv: one line per plan row (and per deleted territory) of a real publish, with the outcome,
 * what was written, the Ids the org holds, and Salesforce's code and message for refused rows; written by
 * the plan's CSV writer, so it reads back with the plan's CSV reader.
 */
import { rowOutcomesCsv, type PlanRow } from '../../lib';
import { parseCsv } from '../../lib/plan';
import { DEMO_USERNAMES as U, startEngineOrg, type EngineOrg } from '../helpers/engine-org';
import { OUTCOME_COLUMNS } from '../../lib/report';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg({ territoriesPerModel: 3 });
});
afterAll(async () => org?.stop());

const PLAN: PlanRow[] = [
	{ Territory: 'West, "the" region', Key: 'West', Type: 'Region', Users: `${U.anaLopez} (Owner)` },
	{ Territory: 'Pacific', Key: 'Pacific', Parent: 'West', Type: 'District' },
	{ Territory: 'East', Key: 'East', Type: 'Region' },
	{ Territory: 'New York', Key: 'New_York', Parent: 'East', Type: 'District', Users: U.davidKim },
];

it('carries each row outcome, the Ids of what was written, and the error of refused rows', async () => {
	const result = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'Csv_Model' } });
	const { rows } = parseCsv(rowOutcomesCsv(result));
	expect(Object.keys(rows[0])).toEqual([...OUTCOME_COLUMNS]);
	const byKey = Object.fromEntries(rows.map((r) => [r.Key, r]));
	const ids = Object.fromEntries(org.model('Csv_Model').territories.map((t) => [String(t.DeveloperName), String(t.Id)]));

	// A name with a comma and quotes survives the round trip.
	expect(byKey.West).toMatchObject({ Row: '2', Territory: 'West, "the" region', Outcome: 'created', 'Territory Id': ids.West, 'Error Code': '', Message: '' });
	expect(byKey.West.Action).toBe('Territory2 create; UserTerritory2Association create');
	const link = org.model('Csv_Model').userLinks.find((l) => l.Territory2Id === ids.West);
	expect(byKey.West['Record Ids']).toBe(`${ids.West}; ${String(link?.Id)}`);

	expect(byKey.New_York).toMatchObject({ Row: '5', Outcome: 'failed', 'Territory Id': '', 'Error Code': 'LIMIT_EXCEEDED' });
	expect(byKey.New_York.Message).toMatch(/limit of 3 territories/);
});

it('on a dry run: planned rows, the Ids of existing territories, and a deleted territory on a line of its own', async () => {
	const rows = PLAN.slice(0, 2).map((r) => (r.Key === 'Pacific' ? { ...r, Territory: 'Pacific Coast' } : r));
	const result = await org.publish({ plan: { rows }, model: { developerName: 'Csv_Model' }, method: 'overwriteAll', dryRun: true });
	const parsed = parseCsv(rowOutcomesCsv(result)).rows;
	const ids = Object.fromEntries(org.model('Csv_Model').territories.map((t) => [String(t.DeveloperName), String(t.Id)]));
	expect(parsed.map((r) => [r.Row, r.Key, r.Outcome, r.Action, r['Territory Id']])).toEqual([
		['2', 'West', 'unchanged', '', ids.West],
		['3', 'Pacific', 'planned', 'Territory2 update', ids.Pacific],
		['', 'East', 'planned', 'Territory2 delete', ids.East],
	]);
});
