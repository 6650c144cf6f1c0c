/**
 * Tool rules left half-edited (an edit cut between clearing BooleanFilter and setting it again: several
 * items, no filter), re-published from a plan that lacks some rule columns: the absent columns are read
 * item by item, the rule goes back to packRules' shape, and a second diff is empty.
 */
import { diff } from '../../lib/sync';
import type { ChangeSet } from '../../lib/sync';
import type { OrgSnapshot } from '../../lib/sync/types';
import { decodeRules, decodeRulesByField, packRules } from '../../lib/plan';
import { PLAN_COLUMNS, type PlanColumn, type PlanTerritory } from '../../lib/plan/types';
import { bare, baseOrg, makePlan, options, pt } from './fixtures';
import { applyInSandbox } from '../helpers/sandbox-snapshot';

const without = (...absent: PlanColumn[]): PlanColumn[] => PLAN_COLUMNS.filter((c) => !absent.includes(c));

async function published(territories: PlanTerritory[]): Promise<OrgSnapshot> {
	const org = baseOrg();
	return await applyInSandbox(org.s, diff(makePlan(territories), org.s, options()));
}

/** The rule of the only territory, its items replaced as an interrupted edit leaves them, filter null. */
function halfEdited(before: OrgSnapshot, items: [string, string, string][]): OrgSnapshot {
	const rule = before.rules[0];
	rule.booleanFilter = null;
	rule.items = items.map(([field, operation, value], i) => ({ id: `0lH00000000HALF${String(i).padStart(2, '0')}`, sortOrder: i + 1, field, operation, value }));
	return before;
}

const itemsOf = (s: OrgSnapshot) => s.rules.map((r) => ({ name: r.developerName, filter: r.booleanFilter, items: r.items.map((i) => `${bare(i.field)} ${i.operation} ${i.value}`) }));

describe('a half-edited tool rule and a plan without some rule columns', () => {
	it('no Criteria column: the old postal items are not read back as criteria (4 items, null filter)', async () => {
		const before = halfEdited(await published([pt('Bay', { postalCodes: ['940*', '94501'] })]), [
			['BillingPostalCode', 'startsWith', '950'],
			['BillingPostalCode', 'equals', '95001'],
			['BillingPostalCode', 'startsWith', '940'],
			['BillingPostalCode', 'equals', '94501'],
		]);
		expect(decodeRules(before.rules).exact).toBe(false);
		const plan = makePlan([pt('Bay', { postalCodes: ['950*', '95001'] })], without('Criteria'));
		const cs = diff(plan, before, options());
		expect(cs.issues).toEqual([]);
		expect(cs.changes.filter((c) => c.action === 'delete' && c.object === 'ObjectTerritory2AssignmentRuleItem')).toHaveLength(2);
		const after = await applyInSandbox(before, cs);
		expect(itemsOf(after)).toEqual([{ name: 'TP_Bay', filter: '1 OR 2', items: ['BillingPostalCode startsWith 950', 'BillingPostalCode equals 95001'] }]);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('keeps the values of the absent columns by field: countries, states and criteria', async () => {
		const before = halfEdited(await published([pt('Bay', { postalCodes: ['94501'] })]), [
			['BillingPostalCode', 'equals', '94501'],
			['Account.BillingCountry', 'equals', 'US'],
			['BillingState', 'equals', 'CA'],
			['Industry', 'equals', 'Tech'],
			['BillingPostalCode', 'startsWith', '940'],
		]);
		const plan = makePlan([pt('Bay', { postalCodes: ['950*'] })], without('Countries', 'States', 'Criteria'));
		const after = await applyInSandbox(before, diff(plan, before, options()));
		const want = packRules(pt('Bay', { postalCodes: ['950*'], countries: ['US'], states: ['CA'], criteria: [{ field: 'Industry', operation: 'equals', values: ['Tech'] }] })).rules;
		expect(itemsOf(after)).toEqual(want.map((r) => ({ name: r.developerName, filter: r.booleanFilter, items: r.items.map((i) => `${i.field} ${i.operation} ${i.value}`) })));
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('does not delete and re-create a rule whose absent columns carry values (a cut would lose them)', async () => {
		const criteria = [{ field: 'Industry', operation: 'equals', values: ['Tech'] }];
		const before = await published([pt('Utah', { postalCodes: ['841*', '84101'], countries: ['US'], states: ['UT'], criteria })]);
		const bare = pt('Utah', { criteria });
		const withCriteria = diff(makePlan([bare]), before, options());
		// With every column, re-creating is cheaper (so the guard below is what keeps the rule).
		expect(withCriteria.changes.some((c) => c.action === 'delete' && c.object === 'ObjectTerritory2AssignmentRule')).toBe(true);
		const plan = makePlan([pt('Utah')], without('Criteria'));
		const cs = diff(plan, before, options());
		expect(cs.changes.some((c) => c.action === 'delete' && c.object === 'ObjectTerritory2AssignmentRule')).toBe(false);
		const after = await applyInSandbox(before, cs);
		expect(itemsOf(after)).toEqual([{ name: 'TP_Utah', filter: null, items: ['Industry equals Tech'] }]);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});
});

describe('item writes of an edit keep every item somewhere until the end', () => {
	const phaseOf = (cs: ChangeSet, id: string) => cs.changes.find((c) => c.id === id)?.phase ?? NaN;

	it('a group growing before an absent one: the shifted item is created before its old place is overwritten', async () => {
		const before = await published([pt('Bay', { postalCodes: ['94501'], countries: ['US'] })]);
		const plan = makePlan([pt('Bay', { postalCodes: ['940*', '94501'] })], without('Countries'));
		const cs = diff(plan, before, options());
		const create = cs.changes.find((c) => c.action === 'create' && c.object === 'ObjectTerritory2AssignmentRuleItem');
		const overwrite = cs.changes.find((c) => c.action === 'update' && c.label === 'TP_Bay #2');
		expect(create?.fields.Value).toBe('US');
		expect(overwrite?.dependsOn).toContain(create?.id);
		expect(phaseOf(cs, create!.id)).toBeLessThanOrEqual(overwrite!.phase);
		// #1 takes 940 (startsWith) and #2 takes 94501 from #1: #1 waits for #2.
		expect(cs.changes.find((c) => c.label === 'TP_Bay #1')?.dependsOn).toContain(overwrite?.id);
		expect(diff(plan, await applyInSandbox(before, cs), options()).changes).toEqual([]);
	});

	it('a group shrinking before an absent one: items are deleted only after their content moved', async () => {
		const before = await published([pt('Bay', { postalCodes: ['940*', '94501'], countries: ['US'] })]);
		const plan = makePlan([pt('Bay', { postalCodes: ['94501'] })], without('Countries'));
		const cs = diff(plan, before, options());
		const del = cs.changes.find((c) => c.action === 'delete' && c.object === 'ObjectTerritory2AssignmentRuleItem');
		const moveUs = cs.changes.find((c) => c.action === 'update' && c.fields.Value === 'US');
		expect(del?.dependsOn).toContain(moveUs?.id);
		expect(del!.phase).toBeGreaterThanOrEqual(moveUs!.phase);
		expect(diff(plan, await applyInSandbox(before, cs), options()).changes).toEqual([]);
	});
});

describe('decodeRulesByField', () => {
	it('reads geography by field, merges one field and operator into one criterion, keeps single-value operators apart', () => {
		const d = decodeRulesByField([
			{
				developerName: 'TP_X',
				booleanFilter: null,
				items: [
					{ field: 'Industry', operation: 'equals', value: 'Tech,Retail', sortOrder: 3 },
					{ field: 'BillingPostalCode', operation: 'startsWith', value: '940,941', sortOrder: 1 },
					{ field: 'AnnualRevenue', operation: 'greaterThan', value: '1,000', sortOrder: 5 },
					{ field: 'Account.Industry', operation: 'equals', value: 'Retail,Energy', sortOrder: 4 },
					{ field: 'BillingCountry', operation: 'notEqual', value: 'US', sortOrder: 6 },
					{ field: 'BillingPostalCode', operation: 'equals', value: '94501', sortOrder: 2 },
				],
			},
			{ developerName: 'TP_X_2', booleanFilter: null, items: [{ field: 'BillingPostalCode', operation: 'equals', value: '94501,94502', sortOrder: 1 }] },
		]);
		expect(d).toEqual({
			postalCodes: ['940*', '941*', '94501', '94502'],
			countries: [],
			states: [],
			criteria: [
				{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail', 'Energy'] },
				{ field: 'AnnualRevenue', operation: 'greaterThan', values: ['1,000'] },
				{ field: 'BillingCountry', operation: 'notEqual', values: ['US'] },
			],
			exact: false,
		});
	});
});
