/**
 * Export and compare edges: hand-made rules Criteria cannot stand for (inactive, inherited, values with a
 * list separator), account keys the Accounts column cannot carry, single-value operators.
 */
import { diff, exportPlanDetailed } from '../../lib/sync';
import { itemAtom, sameMeaning } from '../../lib/sync/rule-compare';
import { parsePlan, planToRows } from '../../lib/plan';
import { baseOrg, makePlan, options, pt } from './fixtures';

function exported(org: ReturnType<typeof baseOrg>, includeAccounts = false) {
	return exportPlanDetailed(org.s, { includeAccounts });
}

describe('exportPlan: hand-made rules Criteria cannot stand for', () => {
	it.each([
		['inactive', (org: ReturnType<typeof baseOrg>) => (org.s.rules[0].isActive = false), /inactive/],
		['inherited', (org: ReturnType<typeof baseOrg>) => (org.s.ruleAssociations[0].isInherited = true), /child territories/],
	])('an %s rule is noted, not written as Criteria', (_, change, reason) => {
		const org = baseOrg().territory('East').rule('Hand', ['East'], [{ field: 'Account.BillingState', operation: 'equals', value: 'NY' }]);
		change(org);
		const { territories, notes } = exported(org);
		expect(territories[0].criteria).toEqual([]);
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatchObject({ key: 'East', code: 'HAND_MADE_RULES_NOT_EXPORTED' });
		expect(notes[0].message).toMatch(reason);
	});

	it.each([['Smith; Sons'], ['two\nlines'], ['a\rb']])('a value holding %j is noted, not written as Criteria', (value) => {
		const org = baseOrg().territory('West').rule('Hand', ['West'], [{ field: 'Account.Name', operation: 'contains', value }]);
		const { territories, notes } = exported(org);
		expect(territories[0].criteria).toEqual([]);
		expect(notes.map((n) => [n.key, n.code])).toEqual([['West', 'HAND_MADE_RULES_NOT_EXPORTED']]);
		expect(notes[0].message).toMatch(/cannot carry/);
	});

	it('a list whose values differ only by case is noted (Criteria would merge them)', () => {
		const org = baseOrg().territory('West').rule('Hand', ['West'], [{ field: 'Account.Name', operation: 'equals', value: 'Acme,ACME' }]);
		const { territories, notes } = exported(org);
		expect(territories[0].criteria).toEqual([]);
		expect(notes.map((n) => n.code)).toEqual(['HAND_MADE_RULES_NOT_EXPORTED']);
	});

	it('an active, own-territory rule with an ordering value holding commas is written whole and publishes back with no change', () => {
		const org = baseOrg().territory('West').rule('Hand', ['West'], [
			{ field: 'Account.AccountNumber', operation: 'greaterThan', value: '1,000,000' },
			{ field: 'Account.Industry', operation: 'equals', value: 'Tech, Retail' },
		]);
		const { territories, notes } = exported(org);
		expect(notes).toEqual([]);
		expect(territories[0].criteria).toEqual([
			{ field: 'AccountNumber', operation: 'greaterThan', values: ['1,000,000'] },
			{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] },
		]);
		const plan = parsePlan(planToRows(territories));
		expect(plan.issues).toEqual([]);
		expect(diff(plan, org.s, options()).changes).toEqual([]);
	});
});

describe('diff: hand-made rules that cover the plan\'s rule', () => {
	const plan = () => makePlan([pt('East', { criteria: [{ field: 'BillingState', operation: 'equals', values: ['NY'] }] })], ['Territory', 'Key', 'Criteria']);
	const org = () => baseOrg().territory('East').rule('Hand', ['East'], [{ field: 'Account.BillingState', operation: 'equals', value: 'NY' }]);

	it('an active, own-territory rule covers it: nothing is written', () => {
		expect(diff(plan(), org().s, options()).changes).toEqual([]);
	});

	it('an inactive one does not: the tool rule is created, and no "kept beside" warning is given', () => {
		const o = org();
		o.s.rules[0].isActive = false;
		const cs = diff(plan(), o.s, options());
		expect(cs.changes.filter((c) => c.action === 'create').map((c) => c.label)).toEqual(expect.arrayContaining(['TP_East', 'TP_East → East']));
		expect(cs.warnings.map((w) => w.code)).not.toContain('HAND_MADE_RULES_KEPT');
	});

	it('an inherited one does not either (it assigns to child territories too)', () => {
		const o = org();
		o.s.ruleAssociations[0].isInherited = true;
		const cs = diff(plan(), o.s, options());
		expect(cs.changes.filter((c) => c.action === 'create').map((c) => c.label)).toEqual(expect.arrayContaining(['TP_East', 'TP_East → East']));
		expect(cs.warnings.map((w) => w.code)).toContain('HAND_MADE_RULES_KEPT');
	});

	it('an inactive rule beside an active covering one is no part of the meaning', () => {
		const o = org().rule('Off', ['East'], [{ field: 'Account.BillingState', operation: 'equals', value: 'CA' }]);
		o.s.rules[1].isActive = false;
		expect(diff(plan(), o.s, options()).changes).toEqual([]);
	});
});

describe('exportPlan: account references', () => {
	it('writes the Id for a key the Accounts column cannot carry or would match twice, the key otherwise', () => {
		const org = baseOrg().territory('East');
		const ids = ['ACME;42', 'Globex, Inc', 'two\nlines', ' padded ', 'Dup', 'dup', 'PLAIN-7'].map((k) => org.account(k));
		const none = org.account(null);
		for (const id of [...ids, none]) org.assignAccount('East', id);
		const { territories } = exported(org, true);
		const want = [ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], 'PLAIN-7', none];
		expect([...territories[0].accounts].sort()).toEqual([...want].sort());
		// What is written parses back to one reference per account.
		const plan = parsePlan(planToRows(territories));
		expect(plan.issues).toEqual([]);
		expect([...plan.territories[0].accounts].sort()).toEqual([...want].sort());
		expect(diff(plan, org.s, options()).changes).toEqual([]);
	});
});

describe('rule-compare: single-value operators', () => {
	it('reads an ordering value as one value, a list as a set', () => {
		expect(itemAtom({ sortOrder: 1, field: 'Account.AccountNumber', operation: 'greaterThan', value: '1,000,000' })).toBe('accountnumber|greaterthan|1,000,000');
		expect(itemAtom({ sortOrder: 1, field: 'Industry', operation: 'equals', value: 'b,a' })).toBe('industry|equals|a,b');
	});

	it('does not take "> 1,000,000" for "> 1,000"', () => {
		const rule = (value: string) => [{ booleanFilter: null, items: [{ sortOrder: 1, field: 'AccountNumber', operation: 'greaterThan', value }] }];
		expect(sameMeaning(rule('1,000,000'), rule('1,000'))).toBe(false);
		expect(sameMeaning(rule('1,000,000'), rule(' 1,000,000'))).toBe(true);
	});
});
