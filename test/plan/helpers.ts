/** Shared test helpers for lib/plan: a seeded random source and territory builders. */
import type { Criterion, PlanTerritory, RuleSpec } from '../../lib/plan';
import { blankTerritory } from '../../lib/plan';
import { prng } from '../../sandbox/random';

/** Deterministic, so a failing case can be replayed from its seed (the sandbox's PRNG, reused). */
export const random = prng;

export function pick<T>(rnd: () => number, list: readonly T[]): T {
	return list[Math.floor(rnd() * list.length)];
}

export function territory(partial: Partial<PlanTerritory> = {}): PlanTerritory {
	return blankTerritory({ row: 2, rows: [2], name: 'Bay Area', key: 'Bay_Area', ...partial });
}

/** Distinct 5-digit codes starting at `from`. */
export function codes(count: number, from = 10000): string[] {
	return Array.from({ length: count }, (_, i) => String(from + i));
}

type Account = Record<string, string>;

function itemMatches(account: Account, field: string, operation: string, value: string): boolean {
	const actual = (account[field] ?? '').toLowerCase();
	const values = value.split(',').map((v) => v.toLowerCase());
	switch (operation) {
		case 'equals':
			return values.includes(actual);
		case 'notEqual':
			return !values.includes(actual);
		case 'startsWith':
			return values.some((v) => actual.startsWith(v));
		case 'contains':
			return values.some((v) => actual.includes(v));
		default:
			throw new Error(`operation ${operation} not modelled`);
	}
}

/** How Salesforce evaluates a territory's rules for one account: rules ORed, each by its BooleanFilter (AND of all items when null). */
export function rulesMatch(rules: readonly RuleSpec[], account: Account): boolean {
	return rules.some((rule) => {
		const results = new Map(rule.items.map((it) => [it.sortOrder, itemMatches(account, it.field, it.operation, it.value)]));
		if (rule.booleanFilter === null) return [...results.values()].every(Boolean);
		const expr = rule.booleanFilter.replace(/\d+/g, (n) => String(results.get(Number(n)))).replace(/AND/g, '&&').replace(/OR/g, '||');
		return Boolean(new Function(`return ${expr};`)());
	});
}

/** What the plan means for one account, straight from the lists (the specification the rules must meet). */
export function planMatches(t: PlanTerritory, account: Account): boolean {
	const code = (account.BillingPostalCode ?? '').toLowerCase();
	if (t.postalCodes.length && !t.postalCodes.some((p) => (p.endsWith('*') ? code.startsWith(p.slice(0, -1).toLowerCase()) : code === p.toLowerCase()))) return false;
	if (t.countries.length && !t.countries.some((c) => c.toLowerCase() === (account.BillingCountry ?? '').toLowerCase())) return false;
	if (t.states.length && !t.states.some((c) => c.toLowerCase() === (account.BillingState ?? '').toLowerCase())) return false;
	return t.criteria.every((c: Criterion) => itemMatches(account, c.field, c.operation, c.values.join(',')));
}
