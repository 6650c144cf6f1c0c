import { LIMITS } from '../../lib/salesforce';
import {
	booleanFilterFor,
	decodeRules,
	isToolRule,
	isValidDeveloperName,
	packRules,
	packValues,
	parseBooleanFilter,
	ruleDeveloperName,
	ruleMasterLabel,
	type Criterion,
	type PlanTerritory,
	type RuleSpec,
} from '../../lib/plan';
import { codes, pick, planMatches, random, rulesMatch, territory } from './helpers';

const decodeOf = (rules: RuleSpec[], key?: string) =>
	decodeRules(
		rules.map((r) => ({ developerName: r.developerName, booleanFilter: r.booleanFilter, items: r.items })),
		key === undefined ? {} : { key },
	);

describe('packRules: shape', () => {
	it('makes no rule for a territory without geography or criteria', () => {
		expect(packRules(territory())).toEqual({ rules: [], issues: [] });
	});

	it('packs exact postal codes into equals and prefixes into startsWith, ORed', () => {
		const { rules, issues } = packRules(territory({ postalCodes: ['94501', '940*', '94502', '941*'] }));
		expect(issues).toEqual([]);
		expect(rules).toEqual([
			{
				developerName: 'TP_Bay_Area',
				masterLabel: 'Bay Area',
				booleanFilter: '1 OR 2',
				items: [
					{ sortOrder: 1, field: 'BillingPostalCode', operation: 'equals', value: '94501,94502' },
					{ sortOrder: 2, field: 'BillingPostalCode', operation: 'startsWith', value: '940,941' },
				],
			},
		]);
	});

	it('has no filter for one item', () => {
		const { rules } = packRules(territory({ countries: ['US'] }));
		expect(rules[0].booleanFilter).toBeNull();
		expect(rules[0].items).toEqual([{ sortOrder: 1, field: 'BillingCountry', operation: 'equals', value: 'US' }]);
	});

	it('ANDs postal codes, countries, states and each criterion', () => {
		const criteria: Criterion[] = [
			{ field: 'Account.Industry', operation: 'equals', values: ['Tech', 'Retail'] },
			{ field: 'AnnualRevenue', operation: 'greaterThan', values: ['1000'] },
		];
		const { rules } = packRules(territory({ postalCodes: ['1*', '2'], countries: ['US', 'CA'], states: ['CA'], criteria }));
		expect(rules).toHaveLength(1);
		expect(rules[0].booleanFilter).toBe('(1 OR 2) AND 3 AND 4 AND 5 AND 6');
		expect(rules[0].items.map((i) => [i.field, i.operation, i.value])).toEqual([
			['BillingPostalCode', 'startsWith', '1'],
			['BillingPostalCode', 'equals', '2'],
			['BillingCountry', 'equals', 'US,CA'],
			['BillingState', 'equals', 'CA'],
			['Industry', 'equals', 'Tech,Retail'],
			['AnnualRevenue', 'greaterThan', '1000'],
		]);
	});

	it('ANDs the split items of a negative operator', () => {
		const long = codes(200).map((c) => `X${c}`);
		const { rules } = packRules(territory({ criteria: [{ field: 'Industry', operation: 'notEqual', values: long }] }));
		expect(rules).toHaveLength(1);
		expect(rules[0].booleanFilter).toBe('(1 AND 2)');
		expect(rules[0].items.map((i) => i.operation)).toEqual(['notEqual', 'notEqual']);
	});

	it('never splits a multi-select includes/excludes list', () => {
		const long = codes(200).map((c) => `X${c}`);
		const { rules, issues } = packRules(territory({ row: 5, criteria: [{ field: 'Products__c', operation: 'excludes', values: long }] }));
		expect(rules).toEqual([]);
		expect(issues).toEqual([expect.objectContaining({ row: 5, column: 'Criteria', code: 'CRITERION_TOO_LONG' })]);
		expect(packRules(territory({ criteria: [{ field: 'Products__c', operation: 'includes', values: long.slice(0, 100) }] })).rules[0].items).toHaveLength(1);
	});

	it('writes a criterion without values as an empty value', () => {
		const { rules } = packRules(territory({ criteria: [{ field: 'BillingCity', operation: 'equals', values: [] }] }));
		expect(rules[0].items).toEqual([{ sortOrder: 1, field: 'BillingCity', operation: 'equals', value: '' }]);
	});
});

describe('packRules: limits', () => {
	it('fills each Value up to 1,000 characters and no further', () => {
		const values = codes(500);
		const { chunks } = packValues(values);
		expect(chunks.join(',')).toBe(values.join(','));
		for (const c of chunks) expect(c.length).toBeLessThanOrEqual(LIMITS.ruleItemValueLength);
		// 5-digit codes: 166 fit (995 characters), a 167th would make 1,001.
		expect(chunks[0].split(',')).toHaveLength(166);
		expect(chunks.length).toBe(Math.ceil(500 / 166));
	});

	it('takes a value of exactly 1,000 characters, refuses 1,001', () => {
		expect(packValues(['x'.repeat(1000)]).chunks).toEqual(['x'.repeat(1000)]);
		const { issues, rules } = packRules(territory({ row: 7, criteria: [{ field: 'Name', operation: 'contains', values: ['y'.repeat(1001)] }] }));
		expect(rules).toEqual([]);
		expect(issues).toEqual([expect.objectContaining({ row: 7, column: 'Criteria', code: 'VALUE_TOO_LONG' })]);
	});

	it('refuses values with a comma', () => {
		const { issues } = packRules(territory({ row: 4, countries: ['Korea, Republic of'] }));
		expect(issues).toEqual([expect.objectContaining({ row: 4, column: 'Countries', code: 'VALUE_WITH_COMMA', value: 'Korea, Republic of' })]);
	});

	it('holds 10 items in one rule and spills the 11th', () => {
		const ten = packRules(territory({ postalCodes: codes(166 * 10) }));
		expect(ten.rules).toHaveLength(1);
		expect(ten.rules[0].items).toHaveLength(10);
		const eleven = packRules(territory({ postalCodes: codes(166 * 10 + 1) }));
		expect(eleven.rules).toHaveLength(2);
		expect(eleven.rules.map((r) => r.items.length)).toEqual([10, 1]);
		expect(eleven.rules.map((r) => r.developerName)).toEqual(['TP_Bay_Area', 'TP_Bay_Area_2']);
		expect(eleven.rules.map((r) => r.masterLabel)).toEqual(['Bay Area', 'Bay Area (2)']);
		expect(eleven.rules[1].booleanFilter).toBeNull();
	});

	it('repeats the ANDed groups in every spilled rule and slices the large OR group', () => {
		const t = territory({
			postalCodes: codes(166 * 25),
			countries: ['US'],
			criteria: [{ field: 'Industry', operation: 'equals', values: ['Tech'] }],
		});
		const { rules, issues } = packRules(t);
		expect(issues).toEqual([]);
		expect(rules).toHaveLength(Math.ceil(25 / 8));
		for (const r of rules) {
			expect(r.items.length).toBeLessThanOrEqual(10);
			expect(r.items.filter((i) => i.field === 'BillingCountry').map((i) => i.value)).toEqual(['US']);
			expect(r.items.filter((i) => i.field === 'Industry').map((i) => i.value)).toEqual(['Tech']);
			expect(r.booleanFilter!.length).toBeLessThanOrEqual(LIMITS.booleanFilterLength);
		}
		expect(rules[0].booleanFilter).toBe('(1 OR 2 OR 3 OR 4 OR 5 OR 6 OR 7 OR 8) AND 9 AND 10');
		const postal = rules.flatMap((r) => r.items.filter((i) => i.field === 'BillingPostalCode').map((i) => i.value));
		expect(postal.join(',')).toBe(t.postalCodes.join(','));
	});

	it('allows 15 rules and refuses the 16th, naming the row', () => {
		const fifteen = packRules(territory({ postalCodes: codes(166 * 150) }));
		expect(fifteen.issues).toEqual([]);
		expect(fifteen.rules).toHaveLength(15);
		const sixteen = packRules(territory({ row: 12, postalCodes: codes(166 * 150 + 1) }));
		expect(sixteen.rules).toEqual([]);
		expect(sixteen.issues).toEqual([expect.objectContaining({ row: 12, code: 'TOO_MANY_RULES', value: '16' })]);
		expect(sixteen.issues[0].message).toContain('Row 12');
	});

	it('refuses more ANDed conditions than one rule holds', () => {
		const criteria = Array.from({ length: 11 }, (_, i) => ({ field: `F${i}__c`, operation: 'equals', values: ['a'] }));
		const { issues } = packRules(territory({ row: 3, criteria }));
		expect(issues).toEqual([expect.objectContaining({ row: 3, code: 'TOO_MANY_RULE_ITEMS' })]);
		expect(packRules(territory({ criteria: criteria.slice(0, 10) })).rules).toHaveLength(1);
	});

	it('spills two large OR groups as a product of slices, the fewest rules possible', () => {
		const t = territory({ postalCodes: codes(166 * 6), states: codes(166 * 6, 50000) });
		const { rules, issues } = packRules(t);
		expect(issues).toEqual([]);
		// 6 + 6 items: slices of 5 + 5 would need 2 × 2 = 4 rules; 6 + 4 needs 1 × 2 = 2.
		expect(rules).toHaveLength(2);
		expect(rules.map((r) => r.items.filter((i) => i.field === 'BillingPostalCode').length)).toEqual([6, 6]);
		for (const r of rules) expect(r.items.length).toBeLessThanOrEqual(10);
	});

	it('keeps rule names valid and within 80 characters for long keys', () => {
		const key = `K${'x'.repeat(79)}`;
		const names = Array.from({ length: 15 }, (_, i) => ruleDeveloperName(key, i + 1));
		for (const n of names) {
			expect(n.length).toBeLessThanOrEqual(80);
			expect(isValidDeveloperName(n)).toBe(true);
			expect(isToolRule(n)).toBe(true);
		}
		expect(new Set(names).size).toBe(15);
		expect(ruleDeveloperName(`K${'x'.repeat(78)}y`, 1)).not.toBe(names[0]);
		expect(ruleMasterLabel('n'.repeat(80), 12)).toHaveLength(80);
		expect(ruleMasterLabel('n'.repeat(80), 12).endsWith(' (12)')).toBe(true);
	});

	it('recognises tool rules by prefix', () => {
		expect(isToolRule('TP_West')).toBe(true);
		expect(isToolRule('West_Rule')).toBe(false);
	});
});

describe('packRules: meaning (rules as Salesforce evaluates them = the plan)', () => {
	it('matches the same accounts as the plan, for random territories and accounts', () => {
		const rnd = random(42);
		for (let n = 0; n < 200; n++) {
			const size = pick(rnd, [0, 1, 3, 200, 900, 2500]);
			const prefixes = Array.from({ length: pick(rnd, [0, 2, 400]) }, (_, i) => `${300 + i}*`);
			const t = territory({
				postalCodes: [...codes(size, 10000 + Math.floor(rnd() * 100)), ...prefixes],
				countries: pick(rnd, [[], ['US'], ['US', 'CA']]),
				states: pick(rnd, [[], codes(400, 70000)]),
				criteria: pick(rnd, [[], [{ field: 'Industry', operation: 'notEqual', values: ['Retail'] }], [{ field: 'Name', operation: 'contains', values: ['a', 'b'] }]]),
			});
			const { rules, issues } = packRules(t);
			if (issues.length) {
				expect(issues.map((i) => i.code)).toEqual(['TOO_MANY_RULES']);
				continue;
			}
			for (const r of rules) {
				expect(r.items.length).toBeLessThanOrEqual(LIMITS.itemsPerRule);
				expect((r.booleanFilter ?? '').length).toBeLessThanOrEqual(LIMITS.booleanFilterLength);
				for (const it of r.items) expect(it.value.length).toBeLessThanOrEqual(LIMITS.ruleItemValueLength);
			}
			expect(rules.length).toBeLessThanOrEqual(LIMITS.rulesPerTerritory);
			for (let a = 0; a < 30; a++) {
				const account = {
					BillingPostalCode: pick(rnd, [String(10000 + Math.floor(rnd() * 3000)), `${300 + Math.floor(rnd() * 500)}12`, '99999']),
					BillingCountry: pick(rnd, ['US', 'CA', 'MX']),
					BillingState: String(70000 + Math.floor(rnd() * 500)),
					Industry: pick(rnd, ['Retail', 'Tech']),
					Name: pick(rnd, ['Acme', 'Zed', 'Bob']),
				};
				expect(rulesMatch(rules, account)).toBe(planMatches(t, account));
			}
		}
	});
});

describe('decodeRules', () => {
	function roundTrip(t: PlanTerritory) {
		const { rules, issues } = packRules(t);
		expect(issues).toEqual([]);
		return { rules, decoded: decodeOf(rules) };
	}

	it('gives back the lists packRules was given, in order', () => {
		const t = territory({
			postalCodes: ['940*', '941*', '94501'],
			countries: ['US', 'CA'],
			states: ['CA', 'NV'],
			criteria: [
				{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] },
				{ field: 'AnnualRevenue', operation: 'greaterThan', values: ['1000'] },
				{ field: 'BillingCountry', operation: 'notEqual', values: ['MX'] },
				{ field: 'Industry', operation: 'equals', values: ['Energy'] },
			],
		});
		expect(roundTrip(t).decoded).toEqual({ postalCodes: t.postalCodes, countries: t.countries, states: t.states, criteria: t.criteria, exact: true });
	});

	it('gives back spilled lists whatever order the rules come in', () => {
		const t = territory({ postalCodes: codes(166 * 10), states: codes(166 * 10, 50000), criteria: [{ field: 'Industry', operation: 'equals', values: ['Tech'] }] });
		const { rules } = roundTrip(t);
		// Both lists spill: 6 rules, each a postal slice × a state slice.
		expect(rules).toHaveLength(6);
		const shuffled = [...rules].reverse();
		const decoded = decodeOf(shuffled);
		expect(decoded.exact).toBe(true);
		expect(decoded.postalCodes).toEqual(t.postalCodes);
		expect(decoded.states).toEqual(t.states);
		expect(decoded.criteria).toEqual(t.criteria);
		expect(decodeOf(shuffled, 'Bay_Area')).toEqual(decoded);
	});

	it('orders rules with long (shortened) names by the key', () => {
		const key = `K${'x'.repeat(79)}`;
		const t = territory({ key, postalCodes: codes(166 * 40) });
		const { rules } = packRules(t);
		expect(rules).toHaveLength(4);
		const shuffled = [rules[2], rules[0], rules[3], rules[1]];
		expect(decodeOf(shuffled, key).postalCodes).toEqual(t.postalCodes);
		expect(decodeOf(shuffled).postalCodes).toEqual(t.postalCodes);
	});

	it('accepts the "Account." field prefix and operations in another case as stored', () => {
		const { rules } = packRules(territory({ postalCodes: ['1', '2*'], criteria: [{ field: 'Industry', operation: 'equals', values: ['A'] }] }));
		const stored = rules.map((r) => ({ ...r, items: r.items.map((i) => ({ ...i, field: `Account.${i.field}`, operation: i.operation.toUpperCase() })) }));
		expect(decodeOf(stored)).toEqual({ postalCodes: ['1', '2*'], countries: [], states: [], criteria: [{ field: 'Industry', operation: 'equals', values: ['A'] }], exact: true });
	});

	it('round-trips random territories', () => {
		const rnd = random(7);
		const fields = ['Industry', 'Type', 'Rating', 'My_Field__c'];
		const ops = ['equals', 'notEqual', 'startsWith', 'contains', 'greaterThan'];
		for (let n = 0; n < 300; n++) {
			const prefixFirst = rnd() < 0.5;
			const exact = codes(Math.floor(rnd() * 600), 10000 + n);
			const prefixes = Array.from({ length: Math.floor(rnd() * 300) }, (_, i) => `${100 + i}*`);
			const t = territory({
				key: `T${n}`,
				postalCodes: prefixFirst ? [...prefixes, ...exact] : [...exact, ...prefixes],
				countries: Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => `C${i}`),
				states: Array.from({ length: Math.floor(rnd() * 400) }, (_, i) => `State ${i}`),
				criteria: Array.from({ length: Math.floor(rnd() * 3) }, () => {
					const operation = pick(rnd, ops);
					// An ordering operator takes one value (SINGLE_VALUE_OPERATIONS), as parseCriterion gives it.
					const count = operation === 'greaterThan' ? 1 : 1 + Math.floor(rnd() * 3);
					return { field: pick(rnd, fields), operation, values: Array.from({ length: count }, (_, i) => `v${i}`) };
				}),
			});
			const { rules, issues } = packRules(t);
			if (issues.length) continue;
			const shuffled = [...rules].sort(() => rnd() - 0.5);
			expect(decodeOf(shuffled)).toEqual({ postalCodes: t.postalCodes, countries: t.countries, states: t.states, criteria: t.criteria, exact: true });
		}
	});

	it('puts hand-made rules in Criteria, not exact', () => {
		const decoded = decodeRules([
			{
				developerName: 'Enterprise_West',
				booleanFilter: '(1 AND 2) OR 3',
				items: [
					{ sortOrder: 1, field: 'Account.BillingState', operation: 'equals', value: 'CA, NV' },
					{ sortOrder: 2, field: 'Account.AnnualRevenue', operation: 'greaterThan', value: '1000000' },
					{ sortOrder: 3, field: 'Account.Industry', operation: 'equals', value: 'Energy' },
				],
			},
		]);
		expect(decoded).toEqual({
			postalCodes: [],
			countries: [],
			states: [],
			criteria: [
				{ field: 'BillingState', operation: 'equals', values: ['CA', 'NV'] },
				{ field: 'AnnualRevenue', operation: 'greaterThan', values: ['1000000'] },
				{ field: 'Industry', operation: 'equals', values: ['Energy'] },
			],
			exact: false,
		});
	});

	it('is not exact for tool-named rules of another shape', () => {
		const item = (sortOrder: number, field: string, value: string) => ({ sortOrder, field, operation: 'equals', value });
		const odd = [
			{ developerName: 'TP_X', booleanFilter: '1 OR 2', items: [item(1, 'BillingState', 'CA'), item(2, 'Industry', 'A')] },
		];
		expect(decodeRules(odd).exact).toBe(false);
		expect(decodeRules([{ developerName: 'TP_X', booleanFilter: '(1 OR 2) AND 3', items: [item(1, 'A', '1'), item(2, 'A', '2')] }]).exact).toBe(false);
		expect(decodeRules([{ developerName: 'TP_X', booleanFilter: null, items: [item(1, 'A', '1'), item(2, 'B', '2')] }]).exact).toBe(false);
		// Two rules that are not a product of slices.
		const two = [
			{ developerName: 'TP_X', booleanFilter: '1 AND 2', items: [item(1, 'A', '1'), item(2, 'B', '1')] },
			{ developerName: 'TP_X_2', booleanFilter: '1 AND 2', items: [item(1, 'A', '2'), item(2, 'B', '2')] },
		];
		const decoded = decodeRules(two);
		expect(decoded.exact).toBe(false);
		expect(decoded.criteria).toHaveLength(4);
	});

	it('is exact and empty for no rules', () => {
		expect(decodeRules([])).toEqual({ postalCodes: [], countries: [], states: [], criteria: [], exact: true });
	});
});

describe('boolean filters', () => {
	it('writes and reads back the shapes packRules uses', () => {
		const shapes = [
			[{ join: 'OR' as const, size: 1 }],
			[{ join: 'OR' as const, size: 3 }],
			[{ join: 'AND' as const, size: 2 }],
			[{ join: 'OR' as const, size: 2 }, { join: 'OR' as const, size: 1 }, { join: 'AND' as const, size: 3 }],
		];
		for (const s of shapes) {
			const filter = booleanFilterFor(s);
			const total = s.reduce((n, g) => n + g.size, 0);
			const parsed = parseBooleanFilter(filter, total)!;
			expect(parsed.map((g) => g.numbers.length)).toEqual(s.map((g) => g.size));
			expect(parsed.filter((g) => g.numbers.length > 1).map((g) => g.join)).toEqual(s.filter((g) => g.size > 1).map((g) => g.join));
		}
		expect(booleanFilterFor([{ join: 'OR', size: 1 }])).toBeNull();
		expect(parseBooleanFilter('1 OR 2 AND 3', 3)).toBeNull();
		expect(parseBooleanFilter('(1 OR 2', 2)).toBeNull();
		expect(parseBooleanFilter('NOT 1', 1)).toBeNull();
	});
});
