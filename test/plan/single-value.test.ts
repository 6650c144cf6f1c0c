/** Single-value operators (ordering comparisons, within): their value is never cut at commas. */
import { criterionValues, decodeRules, formatCriteria, isSingleValueOperation, packRules, parseCriteria, parseCriterion, parsePlan } from '../../lib/plan';
import { territory } from './helpers';

describe('parseCriterion: single-value operators', () => {
	it.each([
		['AccountNumber >= 1,000,000', 'greaterOrEqual', ['1,000,000']],
		['AnnualRevenue > 2,500', 'greaterThan', ['2,500']],
		['AnnualRevenue lessThan 1,000', 'lessThan', ['1,000']],
		['AnnualRevenue <= 10,000.50', 'lessOrEqual', ['10,000.50']],
		['Location__c within 37.77,-122.41,10', 'within', ['37.77,-122.41,10']],
	])('%s keeps the whole value', (entry, operation, values) => {
		expect(parseCriterion(entry)).toEqual({ criterion: { field: entry.split(/[\s<>=]/)[0], operation, values }, problem: null });
	});

	it('still splits the list operators into values, de-duplicated', () => {
		expect(parseCriterion('Industry equals Tech, Retail,tech').criterion?.values).toEqual(['Tech', 'Retail']);
		expect(parseCriterion('Name notContain a,b').criterion?.values).toEqual(['a', 'b']);
		expect(parseCriterion('Tags__c includes x,y').criterion?.values).toEqual(['x', 'y']);
	});

	it('gives no value for an empty single-value criterion', () => {
		expect(parseCriterion('AnnualRevenue >').criterion).toEqual({ field: 'AnnualRevenue', operation: 'greaterThan', values: [] });
	});

	it('knows the single-value operators under any spelling', () => {
		for (const op of ['lessThan', 'greaterthan', '<=', '>=', 'within']) expect(isSingleValueOperation(op)).toBe(true);
		for (const op of ['equals', 'notEqual', 'contains', 'notContain', 'startsWith', 'includes', 'excludes']) expect(isSingleValueOperation(op)).toBe(false);
		expect(criterionValues('greaterThan', '  1,000  ')).toEqual(['1,000']);
		expect(criterionValues('equals', ' a , ,b ')).toEqual(['a', 'b']);
	});

	it('formats and parses back unchanged', () => {
		const { criteria } = parseCriteria('AccountNumber >= 1,000,000; NumberOfEmployees > 2,500; Industry = Tech,Retail');
		expect(parseCriteria(formatCriteria(criteria)).criteria).toEqual(criteria);
	});

	it('parsePlan reports no issue and keeps the number whole (the reviewer\'s case)', () => {
		const p = parsePlan([{ Territory: 'Big', Key: 'Big', Criteria: 'AnnualRevenue >= 1,000,000; NumberOfEmployees > 2,500' }]);
		expect(p.issues).toEqual([]);
		expect(p.territories[0].criteria).toEqual([
			{ field: 'AnnualRevenue', operation: 'greaterOrEqual', values: ['1,000,000'] },
			{ field: 'NumberOfEmployees', operation: 'greaterThan', values: ['2,500'] },
		]);
	});
});

describe('packRules / decodeRules: single-value operators', () => {
	it('writes one item with the whole value and reads it back exactly', () => {
		const criteria = [
			{ field: 'AccountNumber', operation: 'greaterOrEqual', values: ['1,000,000'] },
			{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] },
		];
		const { rules, issues } = packRules(territory({ criteria }));
		expect(issues).toEqual([]);
		expect(rules).toHaveLength(1);
		expect(rules[0].items.map((i) => [i.field, i.operation, i.value])).toEqual([
			['AccountNumber', 'greaterOrEqual', '1,000,000'],
			['Industry', 'equals', 'Tech,Retail'],
		]);
		expect(rules[0].booleanFilter).toBe('1 AND 2');
		const decoded = decodeRules(rules.map((r) => ({ developerName: r.developerName, booleanFilter: r.booleanFilter, items: r.items })), { key: 'Bay_Area' });
		expect(decoded).toEqual({ postalCodes: [], countries: [], states: [], criteria, exact: true });
	});

	it('refuses a single value longer than a rule Value, naming the row', () => {
		const { rules, issues } = packRules(territory({ row: 7, criteria: [{ field: 'AccountNumber', operation: 'greaterThan', values: ['9'.repeat(1001)] }] }));
		expect(rules).toEqual([]);
		expect(issues.map((i) => [i.row, i.column, i.code])).toEqual([[7, 'Criteria', 'VALUE_TOO_LONG']]);
	});

	it('reads a hand-made ordering item with commas as one value (best effort)', () => {
		const decoded = decodeRules([
			{ developerName: 'Hand', booleanFilter: '1 OR 2', items: [
				{ sortOrder: 1, field: 'Account.AccountNumber', operation: 'greaterThan', value: '1,000,000' },
				{ sortOrder: 2, field: 'Account.Industry', operation: 'equals', value: 'Tech, Retail' },
			] },
		]);
		expect(decoded.exact).toBe(false);
		expect(decoded.criteria).toEqual([
			{ field: 'AccountNumber', operation: 'greaterThan', values: ['1,000,000'] },
			{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] },
		]);
	});
});
