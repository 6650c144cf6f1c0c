/**
 * What the summary says a publish did (lib/outcome.ts), through publishPlan against the sandbox org: counts
 * per record (a new territory with a Forecast Manager is one created territory, not a create and an
 * update), the plan's words beside Salesforce's objects, a status word and one plain line.
 */
import { describeOutcome } from '../../lib/outcome';
import { SAMPLE_CSV, SAMPLE_ROWS, startEngineOrg, DEMO_USERNAMES as U, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(() => org?.stop());

describe('the sample plan, first dry run, publish, re-publish', () => {
	const model = { developerName: 'Outcome_Sample', name: 'Outcome Sample' };
	afterAll(() => org.dropModel(model.developerName));

	it('a first dry run counts 208 territories created, not 208 created and 208 updated', async () => {
		const territories = SAMPLE_ROWS.length;
		const withManager = SAMPLE_ROWS.filter((r) => String(r['Forecast Manager'] ?? '').trim() !== '').length;
		expect([territories, withManager]).toEqual([208, 208]);
		const dry = await org.publish({ plan: { csv: SAMPLE_CSV }, model, dryRun: true });
		expect(dry.issues).toEqual([]);
		// The change set still sets each ForecastUserId after the user is assigned (two writes per territory)…
		expect(dry.changeSet.changes.filter((c) => c.object === 'Territory2' && c.action === 'update')).toHaveLength(208);
		// …but the summary counts records: the update is part of the create.
		expect(dry.summary.counts.Territory2).toEqual({ create: 208 });
		expect(dry.summary.counts.Territory2Model).toEqual({ create: 1 });
		const rules = dry.changeSet.changes.filter((c) => c.object === 'ObjectTerritory2AssignmentRule' && c.action === 'create').length;
		const users = dry.changeSet.changes.filter((c) => c.object === 'UserTerritory2Association').length;
		expect(dry.summary.counts.ObjectTerritory2AssignmentRule).toEqual({ create: rules });
		expect(dry.summary.plan).toEqual({
			territories: { created: 208, updated: 0, moved: 0, deleted: 0, unchanged: 0 },
			rules: { created: rules, updated: 0, deleted: 0 },
			users: { added: users, removed: 0, changed: 0 },
			accounts: { added: 0, removed: 0 },
		});
		expect(dry.summary.status).toBe('dryRun');
		expect(dry.summary.problems).toBe(0);
		expect(dry.summary.outcome).toBe(
			`Dry run: nothing was written; would create the model Outcome_Sample (Planning state), 208 territories and ${rules} rules, add ${users} users`,
		);
		expect(org.model(model.developerName).id).toBeNull();
	}, 60000);

	it('the publish says what it wrote in the same words, and a re-publish is already up to date', async () => {
		const published = await org.publish({ plan: { csv: SAMPLE_CSV }, model });
		expect(published.summary.status).toBe('published');
		expect(published.summary.counts.Territory2).toEqual({ create: 208 });
		expect(published.summary.outcome).toMatch(/^Published to Outcome_Sample \(new model, Planning state\): 208 territories created, \d+ rules created, \d+ users added$/);
		// What the org holds agrees: 208 territories, each with its forecast manager.
		const state = org.model(model.developerName);
		expect(state.territories).toHaveLength(208);
		expect(state.territories.every((t) => t.ForecastUserId)).toBe(true);

		const again = await org.publish({ plan: { csv: SAMPLE_CSV }, model });
		expect(again.summary.status).toBe('upToDate');
		expect(again.summary.outcome).toBe('Already up to date (0 changes): Outcome_Sample matches the plan');
		expect(again.summary.plan.territories.unchanged).toBe(208);
	}, 120000);
});

describe('changes to an existing model in the plan’s words', () => {
	const model = { developerName: 'Outcome_Edit' };
	afterAll(() => org.dropModel(model.developerName));
	const base = [
		{ Territory: 'West', Key: 'West', Type: 'Region', Users: `${U.anaLopez} (Owner)`, 'Forecast Manager': U.anaLopez },
		{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*', Users: U.benCarter },
		{ Territory: 'Nevada', Key: 'Nevada', Parent: 'West', Type: 'Territory', Users: U.davidKim },
		{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory' },
	];

	it('moved, updated, a role change and a removed territory, each counted once', async () => {
		expect((await org.publish({ plan: { rows: base }, model })).summary.status).toBe('published');
		const edited = [
			// Description and Forecast Manager of West: two writes of one record, one updated territory.
			{ ...base[0], Description: 'West region', Users: `${U.anaLopez} (Owner); ${U.carlaNguyen}`, 'Forecast Manager': U.carlaNguyen },
			{ ...base[1], 'Postal Codes': '940*, 941*', Users: `${U.benCarter} (Sales Rep)` },
			{ ...base[2], Parent: 'Bay_Area' },
		];
		const result = await org.publish({ plan: { rows: edited }, model, method: 'overwriteAll' });
		expect(result.issues).toEqual([]);
		// Three Territory2 updates in the change set (West twice, Nevada), two records updated.
		expect(result.changeSet.changes.filter((c) => c.object === 'Territory2' && c.action === 'update').map((c) => c.label).sort()).toEqual(['Nevada', 'West', 'West']);
		expect(result.summary.counts.Territory2).toEqual({ update: 2, delete: 1 });
		expect(result.summary.plan.territories).toEqual({ created: 0, updated: 2, moved: 1, deleted: 1, unchanged: 0 });
		expect(result.summary.plan.rules).toEqual({ created: 0, updated: 1, deleted: 0 });
		expect(result.summary.plan.users).toEqual({ added: 1, removed: 0, changed: 1 });
		expect(result.summary.outcome).toBe(
			'Published to Outcome_Edit: 2 territories updated, 1 territory moved, 1 territory deleted, 1 rule updated, 1 user added, 1 user with a new role',
		);
		const state = org.model(model.developerName);
		expect(state.parents.Nevada).toBe('Bay_Area');
		expect(state.territories.find((t) => t.DeveloperName === 'Utah')).toBeUndefined();

		// The same counts from the outcomes in another order (read through a map, not side by side), and one
		// change fewer when its outcome is missing (not written).
		const outcomes = result.rows.flatMap((r) => r.changes);
		const inOrder = result.changeSet.changes.map((c) => outcomes.find((o) => o.changeId === c.id)!);
		expect(inOrder.every(Boolean)).toBe(true);
		const context = { dryRun: false, stopped: null, modelCreated: false, problems: 0, rows: result.rows };
		const counted = describeOutcome(result.changeSet, inOrder, context);
		expect(counted.counts).toEqual(result.summary.counts);
		expect(counted.plan).toEqual(result.summary.plan);
		const reversed = describeOutcome(result.changeSet, [...inOrder].reverse(), context);
		expect([reversed.counts, reversed.plan, reversed.outcome]).toEqual([counted.counts, counted.plan, counted.outcome]);
		const withoutUtahDelete = inOrder.filter((o) => !(o.object === 'Territory2' && o.action === 'delete'));
		expect(describeOutcome(result.changeSet, withoutUtahDelete, context).counts.Territory2).toEqual({ update: 2 });
	}, 60000);
});

describe('a refused plan', () => {
	it('says refused with the number of problems, and nothing was written', async () => {
		const before = org.dump();
		const result = await org.publish({
			plan: { rows: [{ Territory: 'East', Key: 'East', Parent: 'Nowhere', Type: 'Region' }, { Territory: 'Maine', Key: 'Maine', Type: 'Nope' }] },
			model: { developerName: 'Outcome_Refused' },
		});
		expect(result.summary.status).toBe('refused');
		expect(result.summary.problems).toBe(result.issues.length);
		expect(result.summary.outcome).toBe(`Refused: ${result.issues.length} problems in the plan; nothing was written`);
		expect(org.changesSince(before)).toEqual([]);
	}, 30000);
});

describe('a territory over several rows (long form)', () => {
	it('its row outcome lists each of its changes once', async () => {
		const rows = [
			{ Territory: 'West', Key: 'West', Type: 'Region', Users: `${U.anaLopez} (Owner)` },
			{ Territory: 'West', Key: 'West', Users: U.benCarter, 'Postal Codes': '940*' },
			{ Territory: 'West', Key: 'West', Users: U.davidKim, 'Postal Codes': '941*' },
		];
		const dry = await org.publish({ plan: { rows }, model: { developerName: 'Outcome_Long', name: 'Outcome Long' }, dryRun: true });
		expect(dry.issues).toEqual([]);
		const west = dry.rows.find((r) => r.key === 'West')!;
		const ids = west.changes.map((o) => o.changeId);
		const expected = dry.changeSet.changes.filter((c) => c.rows.some((r) => [2, 3, 4].includes(r))).map((c) => c.id);
		// The territory's own create lists all three rows: it is there once, not three times.
		expect(dry.changeSet.changes.find((c) => c.object === 'Territory2')!.rows.length).toBeGreaterThan(1);
		expect([...ids].sort()).toEqual([...expected].sort());
		expect(new Set(ids).size).toBe(ids.length);
	}, 30000);
});
