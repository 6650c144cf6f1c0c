/**
 * A tool rule's edit (clear BooleanFilter → change items → set filter) cut between its steps, then run
 * again, on plans that lack some rule columns: the re-run reads the absent columns from the half-edited
 * rule item by item, edits the rule back to the plan's shape, and a third run writes nothing.
 */
import { importModel } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { DEMO_USERS, naturalKeyDuplicates, normalisedPlan, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';

// Each scenario publishes four times against the sandbox (about 17 s alone); under a loaded machine
// the default 30 s of jest.config.js was reached once.
jest.setTimeout(90_000);

const USER = DEMO_USERS.filter((u) => u.active)[1].username;

interface Scenario {
	name: string;
	/** Published first (with every column it names). */
	before: Record<string, string>;
	/** The edit, published with only the columns it names. */
	after: Record<string, string>;
	/** What the model must read back as after the edit (the absent columns as they were). */
	expected: Record<string, string>;
}

const SCENARIOS: Scenario[] = [
	{
		name: 'no Criteria column (the reviewer’s case)',
		before: { 'Postal Codes': '940*, 94501' },
		after: { 'Postal Codes': '950*, 95001' },
		expected: { 'Postal Codes': '950*, 95001', Criteria: '' },
	},
	{
		name: 'no Criteria column, the org rule has a criterion',
		before: { 'Postal Codes': '940*, 94501', Criteria: 'Industry equals Technology' },
		after: { 'Postal Codes': '950*, 95001, 95002' },
		expected: { 'Postal Codes': '950*, 95001, 95002', Criteria: 'Industry equals Technology' },
	},
	{
		name: 'no Postal Codes column, criteria edited',
		before: { 'Postal Codes': '940*, 94501', Countries: 'US', Criteria: 'Industry equals Technology, Retail' },
		after: { Countries: 'US, CA', Criteria: 'BillingCity equals Oakland' },
		expected: { 'Postal Codes': '940*, 94501', Countries: 'US, CA', Criteria: 'BillingCity equals Oakland' },
	},
	{
		name: 'no Countries column, a postal item added before the country item',
		before: { 'Postal Codes': '94501', Countries: 'US' },
		after: { 'Postal Codes': '940*, 94501' },
		expected: { 'Postal Codes': '940*, 94501', Countries: 'US' },
	},
	{
		name: 'every rule column present',
		before: { 'Postal Codes': '940*, 94501', Countries: '', States: '', Criteria: '' },
		after: { 'Postal Codes': '950*, 95001', Countries: 'US', States: 'CA', Criteria: 'Industry equals Retail' },
		expected: { 'Postal Codes': '950*, 95001', Countries: 'US', States: 'CA', Criteria: 'Industry equals Retail' },
	},
];

function plan(cells: Record<string, string>): PlanRow[] {
	const blank = Object.fromEntries(Object.keys(cells).map((c) => [c, '']));
	return [
		{ Territory: 'West', Key: 'West', Parent: '', Type: 'Region', ...blank, Users: USER },
		{ Territory: 'Bay', Key: 'Bay', Parent: 'West', Type: 'Territory', ...cells, Users: USER },
	];
}

const ALL_RULE_COLUMNS = { 'Postal Codes': '', Countries: '', States: '', Criteria: '' };

/** Publishes `before`, runs the edit under `fault`, clears it, runs it again, and checks the end state. */
async function crashAndConverge(org: EngineOrg, s: Scenario, model: string, fault: () => void): Promise<void> {
	const first = await org.publish({ plan: { rows: plan(s.before) }, model: { developerName: model } });
	expect(first.summary.failed).toBe(0);
	const wanted = plan(s.after);
	fault();
	try {
		const cut = await org.publish({ plan: { rows: wanted }, model: { developerName: model }, method: 'overwriteMatching' });
		expect(cut.summary.failed + cut.summary.skipped).toBeGreaterThan(0);
	} finally {
		org.sandbox.faults.clear();
	}
	const again = await org.publish({ plan: { rows: wanted }, model: { developerName: model }, method: 'overwriteMatching' });
	expect(again.issues).toEqual([]);
	expect(again.summary.failed).toBe(0);

	const state = org.model(model);
	expect(naturalKeyDuplicates(state)).toEqual([]);
	const rule = state.rules.find((r) => r.DeveloperName === 'TP_Bay');
	expect(rule).toBeDefined();
	const items = state.ruleItems.filter((i) => i.RuleId === rule?.Id);
	// The shape packRules makes: one item has no filter, several have one.
	expect(rule?.BooleanFilter === null).toBe(items.length === 1);

	const imported = await importModel({ connection: org.connection, model: { developerName: model } });
	const rulesOf = (rows: PlanRow[]) =>
		normalisedPlan(rows).map((t) => ({ key: t.key, postalCodes: t.postalCodes, countries: t.countries, states: t.states, criteria: t.criteria }));
	expect(rulesOf(imported.rows)).toEqual(rulesOf(plan({ ...ALL_RULE_COLUMNS, ...s.expected })));
	const third = await org.publish({ plan: { rows: wanted }, model: { developerName: model }, method: 'overwriteMatching' });
	expect(writeCount(third)).toBe(0);
	org.dropModel(model);
}

/** Records the edit writes (from a dry run against a fresh copy of `before`). */
async function editWrites(org: EngineOrg, s: Scenario, model: string): Promise<number> {
	await org.publish({ plan: { rows: plan(s.before) }, model: { developerName: model } });
	const dry = await org.publish({ plan: { rows: plan(s.after) }, model: { developerName: model }, method: 'overwriteMatching', dryRun: true });
	expect(dry.issues).toEqual([]);
	org.dropModel(model);
	return dry.changeSet.changes.length;
}

describe('a tool rule edit cut between its steps, then run again', () => {
	it.concurrent.each(SCENARIOS.map((s, i) => [s.name, i] as const))('rule items locked: %s', async (_name, i) => {
		const org = await startEngineOrg();
		try {
			await crashAndConverge(org, SCENARIOS[i], `Lock_${i}`, () =>
				org.sandbox.faults.set({ lockRowRate: 1, objects: ['ObjectTerritory2AssignmentRuleItem'] }),
			);
		} finally {
			await org.stop();
		}
	});

	it.concurrent.each(SCENARIOS.map((s, i) => [s.name, i] as const))('stopped after every N records of the edit: %s', async (_name, i) => {
		const org = await startEngineOrg();
		try {
			const s = SCENARIOS[i];
			const total = await editWrites(org, s, `Dry_${i}`);
			expect(total).toBeGreaterThanOrEqual(3);
			for (let n = 1; n < total; n++) {
				await crashAndConverge(org, s, `Stop_${i}_${n}`, () => org.sandbox.faults.set({ stopAfterRecordsWritten: n, stopMode: 'destroy' }));
			}
		} finally {
			await org.stop();
		}
	});
});
