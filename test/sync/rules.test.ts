import { diff } from '../../lib/sync';
import type { ChangeSet } from '../../lib/sync';
import { packRules } from '../../lib/plan';
import { PLAN_COLUMNS } from '../../lib/plan/types';
import type { PlanTerritory } from '../../lib/plan/types';
import { baseOrg, makePlan, options, pt } from './fixtures';
import { applyInSandbox } from '../helpers/sandbox-snapshot';

const summary = (cs: ChangeSet): string[] => cs.changes.map((c) => `${c.action} ${c.object} ${c.label}`);

/** An org where the plan's territories were published once (so the tool rules are what packRules made). */
async function published(territories: PlanTerritory[]) {
	const org = baseOrg();
	const plan = makePlan(territories);
	return await applyInSandbox(org.s, diff(plan, org.s, options()));
}

describe('diff: tool rules', () => {
	it('edits a rule in place: clears the filter, changes items, and writes no more than needed', async () => {
		const before = await published([pt('Bay_Area', { postalCodes: ['940*', '941*', '94501'] })]);
		const old = before.rules[0];
		expect(old.booleanFilter).not.toBeNull();
		const plan = makePlan([pt('Bay_Area', { postalCodes: ['940*'] })]);
		const desired = packRules(plan.territories[0]).rules[0];
		const cs = diff(plan, before, options());
		expect(cs.issues).toEqual([]);
		expect(summary(cs)).toEqual([
			'update ObjectTerritory2AssignmentRule TP_Bay_Area',
			'delete ObjectTerritory2AssignmentRuleItem TP_Bay_Area #2',
			'update ObjectTerritory2AssignmentRuleItem TP_Bay_Area #1',
		]);
		expect(cs.changes[0].fields).toEqual({ BooleanFilter: null });
		expect(cs.changes[0].reason).toMatch(/filter cleared/);
		expect(cs.changes[2].fields).toEqual({ Value: desired.items[0].value });
		for (const c of cs.changes.slice(1)) expect(c.dependsOn).toContain(cs.changes[0].id);
		const after = await applyInSandbox(before, cs);
		expect(after.rules[0].items.map((i) => i.value)).toEqual(['940']);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('adds items with the filter cleared and sets the new filter once they exist', async () => {
		const before = await published([pt('Nevada', { postalCodes: ['889*'] })]);
		const plan = makePlan([pt('Nevada', { postalCodes: ['889*'], countries: ['US'], criteria: [{ field: 'Industry', operation: 'equals', values: ['Tech'] }] })]);
		const desired = packRules(plan.territories[0]).rules[0];
		const cs = diff(plan, before, options());
		expect(summary(cs)).toEqual([
			'create ObjectTerritory2AssignmentRuleItem TP_Nevada #2',
			'create ObjectTerritory2AssignmentRuleItem TP_Nevada #3',
			'update ObjectTerritory2AssignmentRule TP_Nevada',
		]);
		expect(cs.changes[2].fields).toEqual({ BooleanFilter: desired.booleanFilter });
		expect(cs.changes[2].dependsOn).toEqual([cs.changes[0].id, cs.changes[1].id]);
		const after = await applyInSandbox(before, cs);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('deletes and re-creates a rule when that writes fewer records than editing it', async () => {
		// Six Account fields the org lists for rule items (the sandbox refuses any other, as Salesforce does).
		const fields = ['Name', 'AccountNumber', 'Industry', 'BillingStreet', 'BillingCity', 'External_Key__c'];
		const criteria = fields.map((field) => ({ field, operation: 'equals', values: ['x'] }));
		const before = await published([pt('Utah', { criteria })]);
		expect(before.rules[0].items).toHaveLength(6);
		const plan = makePlan([pt('Utah', { countries: ['US'] })]);
		const cs = diff(plan, before, options());
		expect(summary(cs)).toEqual([
			'delete ObjectTerritory2AssignmentRule TP_Utah',
			'create ObjectTerritory2AssignmentRule TP_Utah',
			'create ObjectTerritory2AssignmentRuleItem TP_Utah #1',
			'create RuleTerritory2Association TP_Utah → Utah',
		]);
		expect(cs.changes[1].dependsOn).toContain(cs.changes[0].id);
		const after = await applyInSandbox(before, cs);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('updates only the filter when someone edited it by hand', async () => {
		const before = await published([pt('Bay_Area', { postalCodes: ['940*', '94501'] })]);
		const expected = before.rules[0].booleanFilter;
		before.rules[0].booleanFilter = '1 AND 2';
		const cs = diff(makePlan([pt('Bay_Area', { postalCodes: ['940*', '94501'] })]), before, options());
		expect(summary(cs)).toEqual(['update ObjectTerritory2AssignmentRule TP_Bay_Area']);
		expect(cs.changes[0].fields).toEqual({ BooleanFilter: expected });
	});

	it('deletes tool rules a territory no longer needs', async () => {
		const before = await published([pt('Bay_Area', { postalCodes: ['940*'] })]);
		const cs = diff(makePlan([pt('Bay_Area')]), before, options());
		expect(summary(cs)).toEqual(['delete ObjectTerritory2AssignmentRule TP_Bay_Area']);
		expect(cs.changes[0].reason).toBe('not in plan');
	});

	it('leaves rules alone when no rule column is present, and keeps absent rule columns from the org', async () => {
		const before = await published([pt('Nevada', { postalCodes: ['889*'], criteria: [{ field: 'Industry', operation: 'equals', values: ['Tech'] }] })]);
		const noRules = PLAN_COLUMNS.filter((c) => !['Postal Codes', 'Countries', 'States', 'Criteria'].includes(c));
		expect(diff(makePlan([pt('Nevada')], noRules), before, options()).changes).toEqual([]);
		// Only Postal Codes given: the Industry criterion stays.
		const onlyPostal = makePlan([pt('Nevada', { postalCodes: ['890*'] })], [...noRules, 'Postal Codes']);
		const cs = diff(onlyPostal, before, options());
		expect(summary(cs)).toEqual([
			'update ObjectTerritory2AssignmentRule TP_Nevada',
			'update ObjectTerritory2AssignmentRuleItem TP_Nevada #1',
			'update ObjectTerritory2AssignmentRule TP_Nevada',
		]);
		expect(cs.changes.filter((c) => c.action === 'delete')).toEqual([]);
		const after = await applyInSandbox(before, cs);
		const values = after.rules[0].items.map((i) => i.value);
		expect(values).toEqual(['890', 'Tech']);
	});
});

describe('diff: hand-made rules', () => {
	function handMade() {
		return baseOrg()
			.territory('West', { type: 'Region' })
			.rule('West_Tech_US', ['West'], [
				{ field: 'Account.Industry', operation: 'equals', value: 'Tech' },
				{ field: 'BillingCountry', operation: 'equals', value: 'US' },
			], '1 AND 2');
	}

	it('writes nothing when the plan says what the hand-made rules say', () => {
		const plan = makePlan([
			pt('West', {
				type: 'Region',
				criteria: [
					{ field: 'BillingCountry', operation: 'equals', values: ['US'] },
					{ field: 'Industry', operation: 'equals', values: ['Tech'] },
				],
			}),
		]);
		const cs = diff(plan, handMade().s, options());
		expect(cs.issues).toEqual([]);
		expect(cs.changes).toEqual([]);
	});

	it('sees that a Countries list says what a hand-made OR of countries says', () => {
		const org = baseOrg()
			.territory('North', { type: 'Region' })
			.rule('North_America', ['North'], [
				{ field: 'BillingCountry', operation: 'equals', value: 'CA' },
				{ field: 'BillingCountry', operation: 'equals', value: 'US' },
			], '1 OR 2');
		const same = diff(makePlan([pt('North', { type: 'Region', countries: ['US', 'CA'] })]), org.s, options({ touchHandMadeRules: true }));
		expect(same.changes).toEqual([]);
		const more = diff(makePlan([pt('North', { type: 'Region', countries: ['US', 'CA', 'MX'] })]), org.s, options({ touchHandMadeRules: true }));
		expect(summary(more)).toContain('delete RuleTerritory2Association North_America → North');
	});

	it('leaves different hand-made rules and adds the tool rule, or replaces them when told to', async () => {
		const org = handMade();
		const plan = makePlan([pt('West', { type: 'Region', criteria: [{ field: 'Industry', operation: 'equals', values: ['Retail'] }] })]);
		const left = diff(plan, org.s, options());
		expect(summary(left)).toEqual([
			'create ObjectTerritory2AssignmentRule TP_West',
			'create ObjectTerritory2AssignmentRuleItem TP_West #1',
			'create RuleTerritory2Association TP_West → West',
		]);
		const touched = diff(plan, org.s, options({ touchHandMadeRules: true }));
		expect(summary(touched)).toEqual(['delete RuleTerritory2Association West_Tech_US → West', ...summary(left)]);
		const after = await applyInSandbox(org.s, touched);
		expect(after.rules.map((r) => r.developerName).sort()).toEqual(['TP_West', 'West_Tech_US']);
		expect(diff(plan, after, options({ touchHandMadeRules: true })).changes).toEqual([]);
	});

	it('counts hand-made rules against the 15 rules of a territory', () => {
		const org = baseOrg().territory('West', { type: 'Region' });
		for (let i = 1; i <= 15; i++) org.rule(`Hand_${i}`, ['West'], [{ field: 'Industry', operation: 'equals', value: `I${i}` }]);
		const plan = makePlan([pt('West', { type: 'Region', countries: ['US'] })]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([expect.objectContaining({ code: 'TOO_MANY_RULES', row: 2, value: '16' })]);
		expect(diff(plan, org.s, options({ touchHandMadeRules: true })).issues).toEqual([]);
	});
});
