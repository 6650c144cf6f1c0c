import { isAndOnly, sameMeaning } from '../../lib/sync/rule-compare';
import type { ComparableRule } from '../../lib/sync/rule-compare';

const rule = (filter: string | null, ...items: [string, string, string][]): ComparableRule => ({
	booleanFilter: filter,
	items: items.map(([field, operation, value], i) => ({ sortOrder: i + 1, field, operation, value })),
});

describe('sameMeaning', () => {
	it('ignores item order, the Account. prefix and the order of listed values', () => {
		const a = rule(null, ['Account.Industry', 'equals', 'Tech,Retail'], ['BillingCountry', 'equals', 'US']);
		const b = rule('1 AND 2', ['BillingCountry', 'equals', 'US'], ['Industry', 'equals', 'Retail, Tech']);
		expect(sameMeaning([a], [b])).toBe(true);
	});

	it('reads a listed Value as OR (positive operators) or AND (negative operators)', () => {
		expect(sameMeaning([rule(null, ['BillingCountry', 'equals', 'US,CA'])], [rule('1 OR 2', ['BillingCountry', 'equals', 'US'], ['BillingCountry', 'equals', 'CA'])])).toBe(true);
		expect(sameMeaning([rule(null, ['Industry', 'notEqual', 'A,B'])], [rule('1 AND 2', ['Industry', 'notEqual', 'A'], ['Industry', 'notEqual', 'B'])])).toBe(true);
		expect(sameMeaning([rule(null, ['Industry', 'notEqual', 'A,B'])], [rule('1 OR 2', ['Industry', 'notEqual', 'A'], ['Industry', 'notEqual', 'B'])])).toBe(false);
	});

	it('treats a territory\'s rules as ORed, and knows De Morgan', () => {
		const two = [rule(null, ['BillingState', 'equals', 'NV']), rule(null, ['BillingState', 'equals', 'UT'])];
		expect(sameMeaning(two, [rule('1 OR 2', ['BillingState', 'equals', 'UT'], ['BillingState', 'equals', 'NV'])])).toBe(true);
		expect(sameMeaning([rule('NOT (1 OR 2)', ['A', 'equals', 'x'], ['B', 'equals', 'y'])], [rule('NOT 1 AND NOT 2', ['A', 'equals', 'x'], ['B', 'equals', 'y'])])).toBe(true);
	});

	it('tells different rules apart', () => {
		expect(sameMeaning([rule(null, ['Industry', 'equals', 'Tech'])], [rule(null, ['Industry', 'equals', 'Retail'])])).toBe(false);
		expect(sameMeaning([rule(null, ['Industry', 'equals', 'Tech'])], [rule(null, ['Industry', 'startsWith', 'Tech'])])).toBe(false);
		expect(sameMeaning([rule('1 AND 2', ['A', 'equals', 'x'], ['B', 'equals', 'y'])], [rule('1 OR 2', ['A', 'equals', 'x'], ['B', 'equals', 'y'])])).toBe(false);
		expect(sameMeaning([], [rule(null, ['A', 'equals', 'x'])])).toBe(false);
		expect(sameMeaning([], [])).toBe(true);
	});

	it('falls back to comparing structure when a filter is unreadable or conditions are too many', () => {
		const bad = rule('1 AND', ['A', 'equals', 'x'], ['B', 'equals', 'y']);
		expect(sameMeaning([bad], [bad])).toBe(true);
		expect(sameMeaning([bad], [rule('1 AND 2', ['A', 'equals', 'x'], ['B', 'equals', 'y'])])).toBe(false);
		const many = Array.from({ length: 14 }, (_, i) => `${90000 + i}`).join(',');
		expect(sameMeaning([rule(null, ['BillingPostalCode', 'equals', many])], [rule(null, ['BillingPostalCode', 'equals', many.split(',').reverse().join(',')])])).toBe(true);
	});
});

describe('isAndOnly', () => {
	it('accepts no filter or a plain AND of every item', () => {
		expect(isAndOnly(rule(null, ['A', 'equals', 'x'], ['B', 'equals', 'y']))).toBe(true);
		expect(isAndOnly(rule('(1 AND 2)', ['A', 'equals', 'x'], ['B', 'equals', 'y']))).toBe(true);
		expect(isAndOnly(rule('1 OR 2', ['A', 'equals', 'x'], ['B', 'equals', 'y']))).toBe(false);
		expect(isAndOnly(rule('1 AND NOT 2', ['A', 'equals', 'x'], ['B', 'equals', 'y']))).toBe(false);
		expect(isAndOnly(rule('1 AND 2', ['A', 'equals', 'x'], ['B', 'equals', 'y'], ['C', 'equals', 'z']))).toBe(false);
	});
});
