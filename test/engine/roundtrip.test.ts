/**
 * Round trips, idempotency, dry runs and progress, through publishPlan / importModel against the
 * sandbox org over HTTP, judged on the org's records.
 */
import { importModel } from '../../lib';
import type { Progress } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import {
	DEMO_USERNAMES as U,
	SAMPLE_CSV,
	SAMPLE_ROWS,
	naturalKeyDuplicates,
	normalisedPlan,
	startEngineOrg,
	writeCount,
	type EngineOrg,
	type ModelState,
} from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

/** Every column of the plan format in use (Accounts aside: manual assignments are tested elsewhere). */
const RICH_PLAN: PlanRow[] = [
	{
		Territory: 'West',
		Key: 'West',
		Parent: '',
		Type: 'Region',
		Description: 'Western region',
		'Account Access': 'Edit',
		'Opportunity Access': 'Read',
		'Case Access': 'None',
		Countries: 'United States, Canada',
		Users: `${U.anaLopez} (Owner)`,
		'Forecast Manager': U.anaLopez,
	},
	{
		Territory: 'Bay Area',
		Key: 'Bay_Area',
		Parent: 'West',
		Type: 'Territory',
		'Account Access': 'All',
		'Opportunity Access': 'Edit',
		'Case Access': 'Read',
		'Postal Codes': '940*, 941*, 94501',
		States: 'CA',
		Criteria: 'Industry equals Technology, Biotechnology; AccountNumber startsWith AC-0',
		Users: `${U.benCarter} (Sales Rep); ${U.carlaNguyen}`,
		'Forecast Manager': U.benCarter,
	},
	{ Territory: 'Nevada', Key: 'Nevada', Parent: 'West', Type: 'Territory', 'Postal Codes': '889*; 890*; 891*', Users: U.davidKim },
	{ Territory: 'East', Key: 'East', Parent: '', Type: 'Region', Description: 'Eastern region', States: 'NY, MA, CT' },
];

/** What the org holds for a model, without Ids: the structure two copies of a model share. */
function structure(state: ModelState, typeNameById: Map<string, string>) {
	const territories = state.territories
		.map((t) => ({
			key: t.DeveloperName,
			name: t.Name,
			parent: state.parents[String(t.DeveloperName)],
			type: typeNameById.get(String(t.Territory2TypeId)),
			description: t.Description,
			access: [t.AccountAccessLevel, t.OpportunityAccessLevel, t.CaseAccessLevel],
			users: state.usersByTerritory[String(t.DeveloperName)] ?? [],
			forecastManager: t.ForecastUserId ?? null,
		}))
		.sort((a, b) => String(a.key).localeCompare(String(b.key)));
	const territoryNameById = new Map(state.territories.map((t) => [t.Id, String(t.DeveloperName)]));
	const rules = state.rules
		.map((r) => ({
			name: r.DeveloperName,
			label: r.MasterLabel,
			filter: r.BooleanFilter ?? null,
			active: r.IsActive,
			items: state.ruleItems
				.filter((i) => i.RuleId === r.Id)
				.map((i) => [i.SortOrder, i.Field, i.Operation, i.Value])
				.sort((a, b) => Number(a[0]) - Number(b[0])),
			territories: state.ruleLinks
				.filter((a) => a.RuleId === r.Id)
				.map((a) => territoryNameById.get(String(a.Territory2Id)))
				.sort(),
		}))
		.sort((a, b) => String(a.name).localeCompare(String(b.name)));
	return { territories, rules };
}

function typeNames(): Map<string, string> {
	return new Map(org.sandbox.store.records('Territory2Type').map((t) => [t.Id, String(t.DeveloperName)]));
}

describe('round trip', () => {
	afterAll(() => ['RT_Rich', 'RT_Sample', 'RT_Copy'].forEach((m) => org.dropModel(m)));

	it('publishes every column and imports the same rows back', async () => {
		const published = await org.publish({ plan: { rows: RICH_PLAN }, model: { developerName: 'RT_Rich', name: 'Round trip' } });
		expect(published.issues).toEqual([]);
		expect(published.summary.failed).toBe(0);
		expect(published.rows.map((r) => [r.key, r.status])).toEqual([
			['West', 'created'],
			['Bay_Area', 'created'],
			['Nevada', 'created'],
			['East', 'created'],
		]);

		const state = org.model('RT_Rich');
		expect(state.state).toBe('Planning');
		expect(state.parents).toEqual({ West: null, Bay_Area: 'West', Nevada: 'West', East: null });
		expect(state.usersByTerritory).toEqual({
			West: [`${U.anaLopez} (Owner)`],
			Bay_Area: [`${U.benCarter} (Sales Rep)`, U.carlaNguyen].sort(),
			Nevada: [U.davidKim],
		});
		const bay = state.territories.find((t) => t.DeveloperName === 'Bay_Area')!;
		expect([bay.AccountAccessLevel, bay.OpportunityAccessLevel, bay.CaseAccessLevel]).toEqual(['All', 'Edit', 'Read']);
		const ben = org.sandbox.store.records('User').find((u) => u.Username === U.benCarter)!;
		expect(bay.ForecastUserId).toBe(ben.Id);
		// Geography and criteria became rule items on Account fields.
		const bayRuleIds = new Set(state.ruleLinks.filter((l) => l.Territory2Id === bay.Id).map((l) => l.RuleId));
		const bayItems = state.ruleItems.filter((i) => bayRuleIds.has(i.RuleId));
		expect(bayItems.map((i) => String(i.Field).replace(/^Account\./, '')).sort()).toEqual(
			['AccountNumber', 'BillingPostalCode', 'BillingPostalCode', 'BillingState', 'Industry'].sort(),
		);

		const imported = await importModel({ connection: org.connection, model: { developerName: 'RT_Rich' } });
		expect(imported.summary).toMatchObject({ territories: 4, users: 4, model: { developerName: 'RT_Rich', state: 'Planning' } });
		// Blank access cells leave the choice to the org, which applies Setup's defaults.
		const withOrgDefaults = RICH_PLAN.map((r) => ({
			...r,
			'Account Access': r['Account Access'] ?? 'Read',
			'Opportunity Access': r['Opportunity Access'] ?? 'None',
			'Case Access': r['Case Access'] ?? 'None',
		}));
		expect(normalisedPlan(imported.rows)).toEqual(normalisedPlan(withOrgDefaults));

		// What Import writes, Publish accepts unchanged.
		const again = await org.publish({ plan: { rows: imported.rows }, model: { developerName: 'RT_Rich' }, dryRun: true });
		expect(again.issues).toEqual([]);
		expect(again.changeSet.changes).toEqual([]);
	});

	it('imports the 208-territory sample as the rows it was published from', async () => {
		const published = await org.publish({ plan: { csv: SAMPLE_CSV }, model: { developerName: 'RT_Sample' } });
		expect(published.issues).toEqual([]);
		expect(published.summary.failed).toBe(0);
		expect(org.model('RT_Sample').territories).toHaveLength(208);

		const imported = await importModel({ connection: org.connection, model: { developerName: 'RT_Sample' } });
		expect(imported.summary.territories).toBe(208);
		expect(normalisedPlan(imported.rows)).toEqual(normalisedPlan(SAMPLE_ROWS));
	});

	it('copies an imported model into a new model with the same structure', async () => {
		const imported = await importModel({ connection: org.connection, model: { developerName: 'RT_Sample' } });
		const copy = await org.publish({ plan: { csv: imported.csv }, model: { developerName: 'RT_Copy', name: 'Copy' } });
		expect(copy.issues).toEqual([]);
		expect(copy.summary.model.created).toBe(true);
		expect(copy.summary.failed).toBe(0);

		const source = org.model('RT_Sample');
		const target = org.model('RT_Copy');
		expect(target.id).not.toBe(source.id);
		const types = typeNames();
		const a = structure(source, types);
		const b = structure(target, types);
		// Forecast managers are user Ids: the same users in both copies.
		expect(b.territories).toEqual(a.territories);
		expect(b.rules).toEqual(a.rules);
		expect(b.rules.length).toBeGreaterThan(100);
		expect(naturalKeyDuplicates(target)).toEqual([]);
	});
});

describe('round trip through CSV text', () => {
	afterAll(() => ['RT_Csv', 'RT_Csv_Copy'].forEach((m) => org.dropModel(m)));

	it('keeps quotes, commas, line breaks and accents; reads semicolon CSV with a BOM', async () => {
		const csv = [
			'\uFEFFTerritory;Parent;Type;Description;States;Users',
			`"Zürich ""Nord""";;Region;"Line one; still one\nline two";;${U.anaLopez} (Owner)`,
			`"Québec, Sud";"Zürich ""Nord""";Territory;;"QC, ON";${U.benCarter}`,
		].join('\r\n');
		const published = await org.publish({ plan: { csv }, model: { developerName: 'RT_Csv' } });
		expect(published.issues).toEqual([]);
		const state = org.model('RT_Csv');
		expect(state.territories.map((t) => t.Name).sort()).toEqual(['Québec, Sud', 'Zürich "Nord"']);
		expect(state.territories.find((t) => t.Name === 'Zürich "Nord"')?.Description).toBe('Line one; still one\nline two');
		expect(Object.values(state.parents).filter((p) => p !== null)).toHaveLength(1);
		// Generated keys are valid DeveloperNames.
		for (const t of state.territories) expect(String(t.DeveloperName)).toMatch(/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/);

		const imported = await importModel({ connection: org.connection, model: { developerName: 'RT_Csv' } });
		const copy = await org.publish({ plan: { csv: imported.csv }, model: { developerName: 'RT_Csv_Copy' } });
		expect(copy.issues).toEqual([]);
		const again = await importModel({ connection: org.connection, model: { developerName: 'RT_Csv_Copy' } });
		expect(again.csv).toBe(imported.csv);
		const back = await org.publish({ plan: { csv: imported.csv }, model: { developerName: 'RT_Csv' }, dryRun: true });
		expect(back.changeSet.changes).toEqual([]);
	});
});

describe('round trip of manual account assignments', () => {
	afterAll(() => org.dropModel('RT_Accounts'));

	it('assigns accounts by Id or external key and imports them back either way', async () => {
		const accounts = org.sandbox.store.records('Account').slice(0, 3);
		const keys = accounts.map((a) => String(a.External_Key__c));
		const rows: PlanRow[] = [
			{ Territory: 'West', Key: 'West', Type: 'Region', Accounts: `${keys[0]}, ${keys[1]}` },
			{ Territory: 'Oregon', Key: 'Oregon', Parent: 'West', Type: 'Territory', Accounts: keys[2] },
		];
		const model = { developerName: 'RT_Accounts' };
		const published = await org.publish({ plan: { rows }, model, accountKeyField: 'External_Key__c' });
		expect(published.issues).toEqual([]);
		expect(published.summary.counts.ObjectTerritory2Association).toEqual({ create: 3 });
		const state = org.model('RT_Accounts');
		const links = org.sandbox.store.records('ObjectTerritory2Association').filter((a) => state.territories.some((t) => t.Id === a.Territory2Id));
		const territoryOf = (accountId: string) => state.territories.find((t) => t.Id === links.find((l) => l.ObjectId === accountId)?.Territory2Id)?.DeveloperName;
		expect(accounts.map((a) => territoryOf(a.Id))).toEqual(['West', 'West', 'Oregon']);
		expect(links.every((l) => l.AssociationCause === 'Territory2Manual')).toBe(true);

		const byKey = await importModel({ connection: org.connection, model, includeAccounts: true, accountKeyField: 'External_Key__c' });
		expect(byKey.rows.map((r) => r.Accounts)).toEqual([`${keys[0]}, ${keys[1]}`, keys[2]]);
		const byId = await importModel({ connection: org.connection, model, includeAccounts: true });
		expect(byId.summary.accounts).toBe(3);
		// Either form publishes back to the same assignments: nothing to do.
		const back = await org.publish({ plan: { rows: byId.rows }, model, dryRun: true });
		expect(back.issues).toEqual([]);
		expect(back.changeSet.changes).toEqual([]);
	});

	it('an import without accounts leaves the Accounts column out, so publishing it back keeps them', async () => {
		const model = { developerName: 'RT_Accounts' };
		const before = org.sandbox.store.records('ObjectTerritory2Association').length;
		expect(before).toBeGreaterThan(0);
		const imported = await importModel({ connection: org.connection, model });
		expect(imported.rows.every((r) => !('Accounts' in r))).toBe(true);
		expect(imported.csv.split('\n')[0]).not.toMatch(/Accounts/);
		for (const plan of [{ rows: imported.rows }, { csv: imported.csv }]) {
			const back = await org.publish({ plan, model });
			expect(back.issues).toEqual([]);
			expect(back.changeSet.changes).toEqual([]);
		}
		expect(org.sandbox.store.records('ObjectTerritory2Association')).toHaveLength(before);
	});

	it('takes a new account by Id beside external keys when the plan names a key field', async () => {
		const [keyed, byId] = org.sandbox.store.records('Account').slice(10, 12);
		const rows: PlanRow[] = [{ Territory: 'Mixed', Key: 'Mixed', Type: 'Territory', Accounts: `${String(keyed.External_Key__c)}; ${byId.Id}` }];
		const published = await org.publish({ plan: { rows }, model: { developerName: 'RT_Accounts' }, accountKeyField: 'External_Key__c' });
		expect(published.issues).toEqual([]);
		const mixed = org.model('RT_Accounts').territories.find((t) => t.DeveloperName === 'Mixed')!;
		const assigned = org.sandbox.store.records('ObjectTerritory2Association').filter((a) => a.Territory2Id === mixed.Id).map((a) => a.ObjectId);
		expect(assigned.sort()).toEqual([keyed.Id, byId.Id].sort());
	});
});

describe('idempotency', () => {
	afterAll(() => ['ID_Small', 'ID_Sample', 'ID_Keyless'].forEach((m) => org.dropModel(m)));

	it('generates the same keys on every run, so a plan without keys is idempotent too', async () => {
		const keyless: PlanRow[] = RICH_PLAN.map(({ Key: _key, ...rest }) => ({ ...rest, Parent: rest.Parent === 'West' ? 'West' : '' }));
		const first = await org.publish({ plan: { rows: keyless }, model: { developerName: 'ID_Keyless' } });
		expect(first.issues).toEqual([]);
		expect(org.model('ID_Keyless').territories).toHaveLength(4);
		const dump = org.dump();
		const second = await org.publish({ plan: { rows: keyless }, model: { developerName: 'ID_Keyless' } });
		expect(second.summary.counts).toEqual({});
		expect(org.changesSince(dump)).toEqual([]);
		org.dropModel('ID_Keyless');
	});

	it('finds the model by Id as well as by DeveloperName', async () => {
		await org.publish({ plan: { rows: RICH_PLAN }, model: { developerName: 'ID_ById' } });
		const id = org.model('ID_ById').id!;
		const byId = await org.publish({ plan: { rows: RICH_PLAN }, model: { id }, dryRun: true });
		expect(byId.issues).toEqual([]);
		expect(byId.summary.model).toMatchObject({ id, developerName: 'ID_ById', created: false });
		expect(byId.changeSet.changes).toEqual([]);
		org.dropModel('ID_ById');
	});

	it.each([
		['a small plan with every column', 'ID_Small', { rows: RICH_PLAN }],
		['the 208-territory sample plan', 'ID_Sample', { csv: SAMPLE_CSV }],
	])('a second publish of %s writes nothing', async (_what, developerName, plan) => {
		const first = await org.publish({ plan, model: { developerName } });
		expect(first.issues).toEqual([]);
		expect(writeCount(first)).toBeGreaterThan(0);
		const before = org.dump();

		org.sandbox.requestLog.reset();
		const second = await org.publish({ plan, model: { developerName } });
		expect(second.issues).toEqual([]);
		expect(second.summary.counts).toEqual({});
		expect(second.changeSet.changes).toEqual([]);
		expect(second.rows.every((r) => r.status === 'unchanged')).toBe(true);
		expect(org.sandbox.requestLog.writeCalls).toBe(0);
		expect(org.sandbox.requestLog.recordsWritten).toBe(0);
		expect(org.changesSince(before)).toEqual([]);
		// The calls the result reports are the calls the org counted, and the allowance it reports is the org's.
		expect(second.summary.apiUsage.calls).toBe(org.sandbox.requestLog.apiCalls);
		expect(second.summary.apiUsage.remaining).toBe(org.sandbox.apiUsage.max - org.sandbox.apiUsage.used);
	});
});

describe('dry run', () => {
	afterAll(() => org.dropModel('DR_Model'));

	it('writes nothing, and its change set is what the real run applies, in the same order', async () => {
		await org.publish({ plan: { rows: RICH_PLAN }, model: { developerName: 'DR_Model' } });
		// An edit touching every kind of change: rename, move, new territory, new rule items, user changes, a delete.
		const edited: PlanRow[] = RICH_PLAN.filter((r) => r.Key !== 'East').map((r) => ({ ...r }));
		edited[1].Territory = 'Bay Area (SF)';
		edited[1]['Postal Codes'] = '940*, 941*, 94501, 94502';
		edited[1].Users = `${U.benCarter} (Owner); ${U.frankMiller}`;
		edited[2].Parent = '';
		edited.push({ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory', 'Postal Codes': '84*', Users: U.carlaNguyen });
		const before = org.dump();

		org.sandbox.requestLog.reset();
		const dry = await org.publish({ plan: { rows: edited }, model: { developerName: 'DR_Model' }, method: 'overwriteAll', dryRun: true });
		expect(dry.issues).toEqual([]);
		expect(dry.summary.dryRun).toBe(true);
		expect(org.sandbox.requestLog.writeCalls).toBe(0);
		expect(org.changesSince(before)).toEqual([]);
		expect(dry.rows.find((r) => r.key === 'Utah')?.status).toBe('planned');
		const objects = new Set(dry.changeSet.changes.map((c) => `${c.object}:${c.action}`));
		for (const expected of ['Territory2:create', 'Territory2:update', 'Territory2:delete', 'UserTerritory2Association:create']) {
			expect(objects).toContain(expected);
		}

		const real = await org.publish({ plan: { rows: edited }, model: { developerName: 'DR_Model' }, method: 'overwriteAll' });
		expect(real.summary.failed).toBe(0);
		expect(real.changeSet.changes.map((c) => c.id)).toEqual(dry.changeSet.changes.map((c) => c.id));
		expect(real.summary.counts).toEqual(dry.summary.counts);
		expect(real.rows.flatMap((r) => r.changes.map((c) => [c.changeId, c.status]))).toEqual(
			dry.rows.flatMap((r) => r.changes.map((c) => [c.changeId, 'done'])),
		);

		const state = org.model('DR_Model');
		expect(Object.keys(state.parents).sort()).toEqual(['Bay_Area', 'Nevada', 'Utah', 'West']);
		expect(state.parents.Nevada).toBeNull();
		expect(state.territories.find((t) => t.DeveloperName === 'Bay_Area')?.Name).toBe('Bay Area (SF)');
		expect(state.usersByTerritory.Bay_Area).toEqual([`${U.benCarter} (Owner)`, U.frankMiller].sort());
		const again = await org.publish({ plan: { rows: edited }, model: { developerName: 'DR_Model' }, method: 'overwriteAll', dryRun: true });
		expect(again.changeSet.changes).toEqual([]);
	});
});

describe('progress', () => {
	afterAll(() => org.dropModel('PG_Model'));

	it('reports phases, never overshoots and reaches the total', async () => {
		const reports: Progress[] = [];
		const result = await org.publish({ plan: { csv: SAMPLE_CSV }, model: { developerName: 'PG_Model' }, onProgress: (p) => reports.push({ ...p }) });
		expect(result.summary.failed).toBe(0);
		expect(reports.length).toBeGreaterThan(5);
		for (const p of reports) {
			expect(p.total).toBeGreaterThan(0);
			expect(p.done).toBeGreaterThanOrEqual(0);
			expect(p.done).toBeLessThanOrEqual(p.total);
			expect(typeof p.phase).toBe('string');
		}
		const phases = [...new Set(reports.map((p) => p.phase))];
		expect(phases.length).toBeGreaterThanOrEqual(3);
		expect(phases.some((p) => /read/i.test(p))).toBe(true);
		expect(phases.some((p) => /creat/i.test(p))).toBe(true);
		const last = reports[reports.length - 1];
		expect(last.done).toBe(last.total);
		// The apply phase's total is the change count, and it ends complete.
		const changes = result.changeSet.changes.length;
		const applyReports = reports.filter((p) => p.total === changes);
		expect(applyReports.length).toBeGreaterThan(0);
		expect(applyReports[applyReports.length - 1].done).toBe(changes);
		// done never goes backwards within one total.
		const lastDoneByTotal = new Map<number, number>();
		for (const p of reports) {
			const previous = lastDoneByTotal.get(p.total) ?? 0;
			expect(p.done).toBeGreaterThanOrEqual(previous);
			lastDoneByTotal.set(p.total, p.done);
		}
	});

	it('reports progress for an import too', async () => {
		await org.publish({ plan: { rows: RICH_PLAN }, model: { developerName: 'PG_Model' }, method: 'overwriteAll' });
		const reports: Progress[] = [];
		const imported = await importModel({ connection: org.connection, model: { developerName: 'PG_Model' }, onProgress: (p) => reports.push({ ...p }) });
		expect(imported.rows).toHaveLength(4);
		expect(reports.length).toBeGreaterThan(0);
		for (const p of reports) expect(p.done).toBeLessThanOrEqual(p.total);
		const last = reports[reports.length - 1];
		expect(last.done).toBe(last.total);
	});
});
