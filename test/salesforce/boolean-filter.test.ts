import { normalizeBooleanFilter, readBooleanFilter, ungrouped } from '../../lib/salesforce';
import { parseBooleanFilter } from '../../lib/plan/rules';

describe('the one BooleanFilter grammar (lib/salesforce/boolean-filter.ts)', () => {
	it('NOT binds tightest, then AND, then OR, and parentheses are kept', () => {
		expect(readBooleanFilter('1 OR 2 AND NOT 3')).toEqual({ or: [{ atom: 1 }, { and: [{ atom: 2 }, { not: { atom: 3 } }] }] });
		expect(readBooleanFilter('(1 OR 2) AND 3')).toEqual({ and: [{ group: { or: [{ atom: 1 }, { atom: 2 }] } }, { atom: 3 }] });
		expect(ungrouped(readBooleanFilter('((1)) AND 2')!)).toEqual({ and: [{ atom: 1 }, { atom: 2 }] });
	});

	it('refuses junk rather than skipping it, and reads NOT', () => {
		for (const bad of ['1 & 2', '1 OR 2 ;', '1 AND', '(1 OR 2', '1 XOR 2', '']) expect(readBooleanFilter(bad)).toBeNull();
		expect(readBooleanFilter('NOT 1 AND (2 OR 3)')).not.toBeNull();
	});

	it('normalises case and spacing, and blanks to null', () => {
		expect(normalizeBooleanFilter('(1 or 2)  and 3')).toBe('(1 OR 2) AND 3');
		expect(normalizeBooleanFilter(' ( 1 OR 2 )AND 3 ')).toBe('(1 OR 2) AND 3');
		expect(normalizeBooleanFilter('')).toBeNull();
		expect(normalizeBooleanFilter(null)).toBeNull();
	});

	it('the rule decoder and the rule comparer read the same filters: keywords in any case, any spacing', () => {
		// Salesforce keeps the filter as typed: a rule edited in Setup as "(1 or 2)and 3" means what
		// "(1 OR 2) AND 3" means, and both readers now agree on it.
		expect(normalizeBooleanFilter('(1 or 2)and 3')).toBe('(1 OR 2) AND 3');
		expect(parseBooleanFilter('(1 or 2)and 3', 3)).toEqual([
			{ join: 'OR', numbers: [1, 2] },
			{ join: 'OR', numbers: [3] },
		]);
		expect(parseBooleanFilter('(1 AND 2)', 2)).toEqual([{ join: 'AND', numbers: [1, 2] }]);
		expect(parseBooleanFilter('1 AND 2', 2)).toEqual([
			{ join: 'OR', numbers: [1] },
			{ join: 'OR', numbers: [2] },
		]);
		for (const notAShape of ['(1)', '((1 OR 2))', '1 OR (2 OR 3)', '(1 OR 2 AND 3)', 'NOT 1']) expect(parseBooleanFilter(notAShape, 3)).toBeNull();
	});
});
