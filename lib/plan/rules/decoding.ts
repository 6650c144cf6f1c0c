/** Decoding: a territory's rules read back into plan columns, exactly when packRules made them. */
import type { Criterion, GeographyMatch } from '../types';
import { GEOGRAPHY_FIELDS, LIMITS, bareRuleItemField } from '../../salesforce';
import { criterionValues, isSingleValueOperation, normalizeOperator } from '../cells';
import { parseBooleanFilter } from './filters';
import { isToolRule, ruleDeveloperName } from './naming';
import { EQUALS_GEOGRAPHY, NEGATIVE_OPERATIONS, type RuleGroup, type RuleItem } from './shape';

/**
 * Whether a state or country item reads back into its column. Where the org wants `contains`, an
 * `equals` item (written before the picklists were switched on, or by an older version) is read as the
 * column too, so that publishing rewrites it with `contains` instead of keeping it as a criterion beside
 * the new item (which would AND the two, and equals matches incompletely there).
 */
function readsAsGeography(operation: string, wanted: 'equals' | 'contains'): boolean {
	return operation === wanted || operation === 'equals';
}

export interface DecodableRule {
	developerName: string;
	booleanFilter: string | null;
	items: { field: string; operation: string; value: string | null; sortOrder: number }[];
}

export interface DecodedRules {
	postalCodes: string[];
	countries: string[];
	states: string[];
	criteria: Criterion[];
	/** false when some rule does not have the shape packRules makes: then everything is in `criteria`, best effort. */
	exact: boolean;
}

function splitValue(value: string | null): string[] {
	return (value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter((v) => v !== '');
}

/** An item as stored (field maybe "Account."-prefixed, operation maybe in another case) in the form packRules writes. */
function storedItem(it: DecodableRule['items'][number]): RuleItem {
	return { field: bareRuleItemField(it.field), operation: normalizeOperator(it.operation) ?? it.operation, value: it.value ?? '' };
}

/** One rule as groups, or null when it is not of packRules' shape (numbers 1..n in order, one field per group). */
function decodeRule(rule: DecodableRule): RuleGroup[] | null {
	const items = [...rule.items].sort((a, b) => a.sortOrder - b.sortOrder);
	const groups = parseBooleanFilter(rule.booleanFilter, items.length);
	if (!groups) return null;
	const numbers = groups.flatMap((g) => g.numbers);
	if (numbers.length !== items.length) return null;
	for (let i = 0; i < numbers.length; i++) if (numbers[i] !== i + 1 || items[i].sortOrder !== i + 1) return null;
	let next = 0;
	const out: RuleGroup[] = [];
	for (const g of groups) {
		const gi = g.numbers.map(() => items[next++]).map(storedItem);
		const fields = new Set(gi.map((it) => it.field.toLowerCase()));
		const ops = new Set(gi.map((it) => it.operation));
		if (fields.size !== 1) return null;
		const postal = gi[0].field.toLowerCase() === GEOGRAPHY_FIELDS.postalCodes.toLowerCase() && [...ops].every((o) => o === 'equals' || o === 'startsWith');
		if (ops.size !== 1 && !postal) return null;
		const negative = [...ops].every((o) => NEGATIVE_OPERATIONS.has(o));
		if (gi.length > 1 && g.join !== (negative ? 'AND' : 'OR')) return null;
		out.push({ join: negative ? 'AND' : 'OR', items: gi });
	}
	return out;
}

/**
 * Rules of one territory in their packing order: by `key` when given (exact), otherwise from the names'
 * shape (TP_x, TP_x_2, …; shortened names share a hash of the key).
 */
function orderRules(rules: readonly DecodableRule[], key?: string): DecodableRule[] | null {
	if (rules.length <= 1) return [...rules];
	const index = new Map<DecodableRule, number>();
	if (key !== undefined) {
		for (const r of rules) {
			for (let n = 1; n <= Math.max(LIMITS.rulesPerTerritory, rules.length); n++) {
				if (ruleDeveloperName(key, n) === r.developerName) index.set(r, n);
			}
		}
	} else {
		for (const first of rules) {
			const hash = /_([0-9a-z]{6})$/.exec(first.developerName)?.[1];
			index.clear();
			index.set(first, 1);
			for (const r of rules) {
				if (r === first) continue;
				const m = /^(.*)_(\d+)$/.exec(r.developerName);
				if (m && Number(m[2]) >= 2 && (m[1] === first.developerName || (hash !== undefined && m[1].endsWith(`_${hash}`)))) index.set(r, Number(m[2]));
			}
			if (index.size === rules.length) break;
		}
	}
	if (index.size !== rules.length || new Set(index.values()).size !== rules.length) return null;
	return [...rules].sort((a, b) => index.get(a)! - index.get(b)!);
}

/** Best effort for rules packRules did not make: every item a criterion (the OR/AND structure is lost). */
function bestEffort(rules: readonly DecodableRule[]): DecodedRules {
	const items = rules.flatMap((r) =>
		[...r.items].sort((a, b) => a.sortOrder - b.sortOrder).map(storedItem),
	);
	const criteria: Criterion[] = [];
	for (const it of items) {
		const c = { field: it.field, operation: it.operation, values: criterionValues(it.operation, it.value) };
		if (!criteria.some((e) => e.field === c.field && e.operation === c.operation && e.values.join(',') === c.values.join(','))) criteria.push(c);
	}
	return { postalCodes: [], countries: [], states: [], criteria, exact: false };
}

/**
 * The inverse of packRules for one territory's rules (any order). `key` (the territory's DeveloperName)
 * makes the rule order certain; without it the order is read from the names.
 */
export function decodeRules(rules: readonly DecodableRule[], options: { key?: string; match?: GeographyMatch } = {}): DecodedRules {
	const match = options.match ?? EQUALS_GEOGRAPHY;
	const result: DecodedRules = { postalCodes: [], countries: [], states: [], criteria: [], exact: true };
	if (rules.length === 0) return result;
	if (!rules.every((r) => isToolRule(r.developerName))) return bestEffort(rules);
	const ordered = orderRules(rules, options.key);
	if (!ordered) return bestEffort(rules);
	const decoded = ordered.map(decodeRule);
	if (decoded.some((d) => d === null)) return bestEffort(rules);
	const perRule = decoded as RuleGroup[][];
	const groupCount = perRule[0].length;
	if (perRule.some((d) => d.length !== groupCount)) return bestEffort(rules);
	// Each group position: its distinct chunks in first-appearance order (spilled groups repeat across rules).
	const positions: RuleGroup[] = [];
	let combinations = 1;
	for (let g = 0; g < groupCount; g++) {
		const seen = new Set<string>();
		const items: RuleItem[] = [];
		for (const d of perRule) {
			const sig = JSON.stringify(d[g].items);
			if (seen.has(sig)) continue;
			seen.add(sig);
			items.push(...d[g].items);
		}
		const first = perRule[0][g];
		const postal = items.every((it) => it.field.toLowerCase() === GEOGRAPHY_FIELDS.postalCodes.toLowerCase() && (it.operation === 'equals' || it.operation === 'startsWith'));
		if (items.some((it) => it.field.toLowerCase() !== first.items[0].field.toLowerCase() || (!postal && it.operation !== first.items[0].operation))) {
			return bestEffort(rules);
		}
		if (seen.size > 1 && first.join === 'AND') return bestEffort(rules);
		combinations *= seen.size;
		positions.push({ join: first.join, items });
	}
	const distinctRules = new Set(perRule.map((d) => JSON.stringify(d))).size;
	if (combinations !== perRule.length || distinctRules !== perRule.length) return bestEffort(rules);

	let stage = 0;
	for (const g of positions) {
		const field = g.items[0].field.toLowerCase();
		const ops = new Set(g.items.map((it) => it.operation));
		if (stage < 1 && field === GEOGRAPHY_FIELDS.postalCodes.toLowerCase() && [...ops].every((o) => o === 'equals' || o === 'startsWith')) {
			for (const it of g.items) result.postalCodes.push(...splitValue(it.value).map((v) => (it.operation === 'startsWith' ? `${v}*` : v)));
			stage = 1;
		} else if (stage < 2 && field === GEOGRAPHY_FIELDS.countries.toLowerCase() && ops.size === 1 && readsAsGeography([...ops][0], match.countries)) {
			for (const it of g.items) result.countries.push(...splitValue(it.value));
			stage = 2;
		} else if (stage < 3 && field === GEOGRAPHY_FIELDS.states.toLowerCase() && ops.size === 1 && readsAsGeography([...ops][0], match.states)) {
			for (const it of g.items) result.states.push(...splitValue(it.value));
			stage = 3;
		} else {
			stage = 3;
			result.criteria.push({ field: g.items[0].field, operation: g.items[0].operation, values: g.items.flatMap((it) => criterionValues(it.operation, it.value)) });
		}
	}
	return result;
}

/**
 * A territory's tool rules read item by item, for rules that are not of packRules' shape (decodeRules
 * says `exact: false`): an edit cut short between clearing a rule's filter and setting it again leaves
 * several items and no filter, and Setup can leave anything. The filter is not read. BillingPostalCode
 * items (equals, startsWith) are postal codes, BillingCountry and BillingState items with the org's
 * geography operator (GeographyMatch: `equals`, or `contains` with state and country picklists) countries
 * and states, every other item a criterion; items of one field and operator are merged into one
 * criterion (packRules splits a long list that way), single-value operators aside. Values keep their
 * first appearance, once each (rules past the first repeat the groups they were not cut from).
 * `exact` stays false: the AND/OR structure between the fields is the one packRules would give them.
 */
export function decodeRulesByField(rules: readonly DecodableRule[], match: GeographyMatch = EQUALS_GEOGRAPHY): DecodedRules {
	const postalCodes: string[] = [];
	const countries: string[] = [];
	const states: string[] = [];
	const criteria: Criterion[] = [];
	const add = (list: string[], values: string[]) => {
		for (const v of values) if (!list.includes(v)) list.push(v);
	};
	const items = [...rules]
		.sort((a, b) => (a.developerName < b.developerName ? -1 : a.developerName > b.developerName ? 1 : 0))
		.flatMap((r) => [...r.items].sort((a, b) => a.sortOrder - b.sortOrder).map(storedItem));
	for (const it of items) {
		const field = it.field.toLowerCase();
		if (field === GEOGRAPHY_FIELDS.postalCodes.toLowerCase() && (it.operation === 'equals' || it.operation === 'startsWith')) {
			add(postalCodes, splitValue(it.value).map((v) => (it.operation === 'startsWith' ? `${v}*` : v)));
		} else if (field === GEOGRAPHY_FIELDS.countries.toLowerCase() && readsAsGeography(it.operation, match.countries)) {
			add(countries, splitValue(it.value));
		} else if (field === GEOGRAPHY_FIELDS.states.toLowerCase() && readsAsGeography(it.operation, match.states)) {
			add(states, splitValue(it.value));
		} else {
			const values = criterionValues(it.operation, it.value);
			const mergeable = values.length > 0 && !isSingleValueOperation(it.operation);
			const same = criteria.find(
				(c) =>
					c.field.toLowerCase() === field &&
					c.operation === it.operation &&
					(mergeable ? c.values.length > 0 : c.values.join(',') === values.join(',')),
			);
			if (!same) criteria.push({ field: it.field, operation: it.operation, values });
			else if (mergeable) add(same.values, values);
		}
	}
	return { postalCodes, countries, states, criteria, exact: false };
}
