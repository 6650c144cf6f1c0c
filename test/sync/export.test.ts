import { describeChangeSet, diff, exportPlan, exportPlanDetailed } from '../../lib/sync';
import type { DiffOptions, OrgSnapshot } from '../../lib/sync';
import { parsePlan, planToRows } from '../../lib/plan';
import type { PlanTerritory } from '../../lib/plan/types';
import { baseOrg, makePlan, options, OrgBuilder, pt } from './fixtures';
import { applyInSandbox } from '../helpers/sandbox-snapshot';

/** export → rows (as Import writes them) → parsePlan (as Publish reads them) → diff. */
function roundTrip(snapshot: OrgSnapshot, exported: PlanTerritory[], overrides: Partial<DiffOptions> = {}) {
	const plan = parsePlan(planToRows(exported));
	expect(plan.issues).toEqual([]);
	return diff(plan, snapshot, options(overrides));
}

async function richOrg(): Promise<OrgBuilder> {
	const org = baseOrg()
		.territory('West', { type: 'Region', description: 'Western region', accountAccess: 'Edit' })
		.territory('Nevada', { parent: 'West', opportunityAccess: 'Read' })
		.territory('Bay_Area', { parent: 'West', name: 'Bay Area', caseAccess: 'Edit' })
		.territory('Alpha', { parent: 'West', name: 'Zeta' })
		.territory('East', { type: 'Region' })
		.assign('West', 'ana@acme.example', 'Owner')
		.assign('Bay_Area', 'cy@acme.example', null)
		.assign('Bay_Area', 'ben@acme.example', 'Sales Rep')
		.rule('Hand_Nevada', ['Nevada'], [
			{ field: 'Account.Industry', operation: 'equals', value: 'Mining, Energy' },
			{ field: 'Account.BillingState', operation: 'equals', value: 'NV' },
		], '1 AND 2')
		.rule('Hand_East', ['East'], [
			{ field: 'Account.Industry', operation: 'equals', value: 'Tech' },
			{ field: 'Account.BillingCountry', operation: 'equals', value: 'US' },
		], '1 OR 2');
	org.t('West').forecastUserId = org.u('ana@acme.example').id;
	const acct = org.account('ACME-1');
	const bare = org.account();
	org.assignAccount('Nevada', acct).assignAccount('Nevada', bare);
	// Tool rules as a publish made them.
	const published = await applyInSandbox(org.s, diff(makePlan([pt('Bay_Area', { name: 'Bay Area', parentKey: 'West', postalCodes: ['940*', '94501'], countries: ['US'] })], ['Territory', 'Key', 'Postal Codes', 'Countries']), org.s, options()));
	org.s.rules = published.rules;
	org.s.ruleAssociations = published.ruleAssociations;
	return org;
}

describe('exportPlan', () => {
	it('writes parents before children, depth-first by Name then Key, with rows from 2', async () => {
		const plan = exportPlan((await richOrg()).s, {});
		expect(plan.map((t) => `${t.row} ${t.key} ${t.parentKey ?? '-'}`)).toEqual(['2 East -', '3 West -', '4 Bay_Area West', '5 Nevada West', '6 Alpha West']);
		expect(plan.every((t) => t.rows.length === 1 && t.rows[0] === t.row && !t.keyGenerated)).toBe(true);
	});

	it('exports fields, users with roles, the forecast manager, decoded tool rules and a simple hand-made rule', async () => {
		const org = await richOrg();
		const plan = exportPlan(org.s, { includeAccounts: true });
		const west = plan.find((t) => t.key === 'West') as PlanTerritory;
		expect(west).toMatchObject({ name: 'West', type: 'Region', description: 'Western region', accountAccess: 'Edit', opportunityAccess: 'None', caseAccess: 'None' });
		expect(west.users).toEqual([{ ref: 'ana@acme.example', role: 'Owner' }]);
		expect(west.forecastManager).toBe('ana@acme.example');
		const bay = plan.find((t) => t.key === 'Bay_Area') as PlanTerritory;
		expect(bay.users).toEqual([
			{ ref: 'ben@acme.example', role: 'Sales Rep' },
			{ ref: 'cy@acme.example', role: null },
		]);
		expect(bay.postalCodes).toEqual(['940*', '94501']);
		expect(bay.countries).toEqual(['US']);
		const nevada = plan.find((t) => t.key === 'Nevada') as PlanTerritory;
		expect(nevada.criteria).toEqual([
			{ field: 'Industry', operation: 'equals', values: ['Mining', 'Energy'] },
			{ field: 'BillingState', operation: 'equals', values: ['NV'] },
		]);
		expect(nevada.accounts).toEqual(['ACME-1', org.s.accounts[1].id].sort());
		expect(exportPlan(org.s, {}).find((t) => t.key === 'Nevada')?.accounts).toEqual([]);
	});

	it('leaves out hand-made rules that Criteria cannot express, and says so', async () => {
		const { territories, notes } = exportPlanDetailed((await richOrg()).s, {});
		const east = territories.find((t) => t.key === 'East') as PlanTerritory;
		expect(east.criteria).toEqual([]);
		expect(notes).toEqual([expect.objectContaining({ key: 'East', code: 'HAND_MADE_RULES_NOT_EXPORTED' })]);
	});

	it('exports a subtree with its root at the top', async () => {
		const org = await richOrg();
		const plan = exportPlan(org.s, { scopeRootKey: 'west' });
		expect(plan.map((t) => `${t.key} ${t.parentKey ?? '-'}`)).toEqual(['West -', 'Bay_Area West', 'Nevada West', 'Alpha West']);
		expect(() => exportPlan(org.s, { scopeRootKey: 'North' })).toThrow(/North/);
	});
});

describe('round trip: export → rows → parse → diff against the same org', () => {
	it('is an empty change set for the whole model, with every option on', async () => {
		const org = await richOrg();
		const exported = exportPlan(org.s, { includeAccounts: true });
		for (const method of ['overwriteMatching', 'overwriteAll'] as const) {
			const cs = roundTrip(org.s, exported, { method, deleteMissing: true });
			expect(cs.issues).toEqual([]);
			expect(describeChangeSet(cs).lines).toEqual([]);
		}
	});

	it('is an empty change set for a subtree published under its parent', async () => {
		const org = await richOrg();
		org.territory('Global', { type: 'Region' });
		org.t('West').parentId = org.t('Global').id;
		org.t('East').parentId = org.t('Global').id;
		const cs = roundTrip(org.s, exportPlan(org.s, { scopeRootKey: 'West', includeAccounts: true }), { scopeRootKey: 'Global' });
		expect(cs.issues).toEqual([]);
		expect(cs.changes).toEqual([]);
	});

	it('is an empty change set for a model built by a publish', async () => {
		const org = baseOrg();
		const first = parsePlan([
			{ Territory: 'West', Key: 'West', Type: 'Region', Users: 'ana@acme.example (Owner)', 'Forecast Manager': 'ana@acme.example' },
			{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*, 941*, 94501', Users: 'ben@acme.example (Sales Rep); cy@acme.example' },
			{ Territory: 'Nevada', Key: 'Nevada', Parent: 'West', Type: 'Territory', 'Postal Codes': '889*; 890*; 891*', Criteria: 'Industry = Tech,Retail', Users: 'dee@acme.example (Sales Rep)' },
		]);
		expect(first.issues).toEqual([]);
		const after = await applyInSandbox(org.s, diff(first, org.s, options()));
		const cs = roundTrip(after, exportPlan(after, {}), { method: 'overwriteAll' });
		expect(cs.issues).toEqual([]);
		expect(cs.changes).toEqual([]);
	});
});

describe('describeChangeSet', () => {
	it('reads like a plan: + creates with rows, ~ updates with old → new, - deletes, counts per object', () => {
		const org = baseOrg()
			.territory('West', { type: 'Region', description: 'a' })
			.territory('Nevada', { parent: 'West' })
			.territory('Utah', { parent: 'West' })
			.assign('Nevada', 'dee@acme.example', 'Sales Rep');
		const plan = makePlan([pt('West', { type: 'Region', description: 'b' }), pt('Bay_Area', { parentKey: 'West' }), pt('Nevada', { parentKey: 'West' })]);
		const cs = diff(plan, org.s, options({ method: 'overwriteAll' }));
		const { counts, lines } = describeChangeSet(cs);
		expect(lines).toEqual([
			'- UserTerritory2Association Nevada → dee@acme.example',
			'+ Territory2 Bay_Area (row 3)',
			"~ Territory2 West: Description 'a' → 'b'",
			'- Territory2 Utah — not in plan (overwrite all)',
		]);
		expect(counts).toEqual({ Territory2: { create: 1, update: 1, delete: 1 }, UserTerritory2Association: { delete: 1 } });
	});

	it('lists issues after the changes', () => {
		const cs = diff(makePlan([pt('West', { type: 'Nope' })]), baseOrg().s, options());
		expect(describeChangeSet(cs).lines.slice(-1)).toEqual(['! row 2 Type: UNKNOWN_TYPE: Territory type Nope does not exist in the org.']);
	});
});
