/**
 * Rules: a territory's geography and criteria as assignment rules the tool owns, and back.
 *
 * Shape packRules makes (and decodeRules recognises as exact):
 * - groups, in this order: postal codes, countries, states, then one group per criterion;
 * - a criterion with a single-value operator (ordering comparisons, within: SINGLE_VALUE_OPERATIONS) is
 *   one item whose Value is the value whole, commas included ("1,000,000");
 * - a group is one or more items of one field, ORed (ANDed for the negative operators notEqual and
 *   notContain, where "not a and not b" is what the comma list means; includes/excludes lists are
 *   never split, see UNSPLITTABLE_OPERATIONS); values are
 *   comma-joined into as few items as the 1,000-character Value allows; the postal group holds an
 *   `equals` item (exact codes) and a `startsWith` item (prefixes, stars dropped), the kind that
 *   appears first in the plan first;
 * - the groups are ANDed: "(1 OR 2) AND 3 AND (4 OR 5)"; a multi-item group is parenthesised unless it
 *   is the only one and ORed; a single item has no filter (null);
 * - when the items exceed one rule (10 items, 255-character filter), OR groups are cut into chunks and
 *   the territory gets one rule per combination of chunks (Salesforce ORs a territory's rules, so
 *   every rule repeats the other groups), at most 15 rules. Rules are numbered in odometer order
 *   (the last group's chunk changes fastest).
 * Limits: postal codes with exact codes and prefixes interleaved come back grouped by kind (same set,
 * same order within each kind); a criterion with the shape of an empty geography column (e.g.
 * "BillingCountry equals US" with no Countries) comes back in that column, which means the same.
 */
import type { Criterion, PlanIssue, PlanTerritory, RuleItemSpec, RuleSpec } from './types';
import { GEOGRAPHY_FIELDS, LIMITS, TOOL_RULE_PREFIX, bareRuleItemField, readBooleanFilter, type FilterExpr } from '../salesforce';
import { stableHash, withSuffix } from './keys';
import { criterionValues, isSingleValueOperation, normalizeOperator } from './cells';

/**
 * The operator a Countries or States cell is written with. With State and Country/Territory Picklists,
 * rules on states and countries "must use contains matching instead of equals matching" (Help, Create
 * Rules to Assign Accounts to Territories; knowledge article 005321975): the org's describe decides
 * (lib/sync/org-rules.ts), and each form reads back into its column only in its own org.
 */
export interface GeographyMatch {
	countries: 'equals' | 'contains';
	states: 'equals' | 'contains';
}
export const EQUALS_GEOGRAPHY: GeographyMatch = { countries: 'equals', states: 'equals' };

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

const NEGATIVE_OPERATIONS = new Set(['notEqual', 'notContain', 'excludes']);
/**
 * Multi-select picklist operators: how Salesforce combines the values of one includes/excludes item
 * differs by how rules are run (Help article 004205206), so their lists are never split into items.
 */
const UNSPLITTABLE_OPERATIONS = new Set(['includes', 'excludes']);

export function isToolRule(developerName: string): boolean {
	return developerName.startsWith(TOOL_RULE_PREFIX);
}

/**
 * DeveloperName of a territory's n-th rule (1-based): TP_<key>, TP_<key>_2, …; shortened with a hash of
 * the key when longer than 80. Note TP_<A>_2 (rule 2 of key A) equals rule 1 of key A_2: parsePlan
 * reports such a clash (RULE_NAME_COLLISION).
 */
export function ruleDeveloperName(key: string, n: number): string {
	const suffix = n >= 2 ? `_${n}` : '';
	const full = `${TOOL_RULE_PREFIX}${key}${suffix}`;
	if (full.length <= LIMITS.developerNameLength) return full;
	return `${withSuffix(`${TOOL_RULE_PREFIX}${key}`, stableHash(key), LIMITS.developerNameLength - suffix.length)}${suffix}`;
}

/** MasterLabel of a territory's n-th rule, ≤ 80. */
export function ruleMasterLabel(name: string, n: number): string {
	const suffix = n >= 2 ? ` (${n})` : '';
	return `${name.slice(0, LIMITS.nameLength - suffix.length)}${suffix}`;
}

interface Item {
	field: string;
	operation: string;
	value: string;
}
interface Group {
	join: 'OR' | 'AND';
	items: Item[];
}

/** Values comma-joined into as few Values of ≤ 1,000 characters as possible, in order. */
export function packValues(values: readonly string[], limit: number = LIMITS.ruleItemValueLength): { chunks: string[]; tooLong: string[]; withComma: string[] } {
	const chunks: string[] = [];
	const tooLong: string[] = [];
	const withComma: string[] = [];
	let current = '';
	for (const v of values) {
		if (v.includes(',')) {
			withComma.push(v);
			continue;
		}
		if (v.length > limit) {
			tooLong.push(v);
			continue;
		}
		if (current !== '' && current.length + 1 + v.length <= limit) current += `,${v}`;
		else {
			if (current !== '') chunks.push(current);
			current = v;
		}
	}
	if (current !== '') chunks.push(current);
	return { chunks, tooLong, withComma };
}

function groupsOf(t: PlanTerritory, issues: PlanIssue[], match: GeographyMatch): Group[] {
	const groups: Group[] = [];
	const items = (field: string, operation: string, values: readonly string[], column: string): Item[] => {
		const { chunks, tooLong, withComma } = packValues(values);
		for (const v of tooLong) {
			issues.push({
				row: t.row,
				column,
				value: v,
				code: 'VALUE_TOO_LONG',
				message: `Row ${t.row}: a rule value may be at most ${LIMITS.ruleItemValueLength} characters ("${v.slice(0, 40)}…").`,
			});
		}
		for (const v of withComma) {
			issues.push({
				row: t.row,
				column,
				value: v,
				code: 'VALUE_WITH_COMMA',
				message: `Row ${t.row}: "${v}" contains a comma, which Salesforce reads as a value separator in rule values.`,
			});
		}
		return chunks.map((value) => ({ field, operation, value }));
	};
	// One value, commas included, in one item (see SINGLE_VALUE_OPERATIONS): never split, never packed.
	const singleValueItem = (field: string, c: Criterion): Item[] => {
		const value = c.values.join(',');
		if (value.length <= LIMITS.ruleItemValueLength) return [{ field, operation: c.operation, value }];
		issues.push({
			row: t.row,
			column: 'Criteria',
			value,
			code: 'VALUE_TOO_LONG',
			message: `Row ${t.row}: a rule value may be at most ${LIMITS.ruleItemValueLength} characters ("${value.slice(0, 40)}…").`,
		});
		return [];
	};
	const exact = t.postalCodes.filter((p) => !p.endsWith('*'));
	const prefixes = t.postalCodes.filter((p) => p.endsWith('*')).map((p) => p.replace(/\*+$/, ''));
	const postalParts = [
		items(GEOGRAPHY_FIELDS.postalCodes, 'equals', exact, 'Postal Codes'),
		items(GEOGRAPHY_FIELDS.postalCodes, 'startsWith', prefixes, 'Postal Codes'),
	];
	if (t.postalCodes.length > 0 && t.postalCodes[0].endsWith('*')) postalParts.reverse();
	const postal = postalParts.flat();
	if (postal.length) groups.push({ join: 'OR', items: postal });
	const countries = items(GEOGRAPHY_FIELDS.countries, match.countries, t.countries, 'Countries');
	if (countries.length) groups.push({ join: 'OR', items: countries });
	const states = items(GEOGRAPHY_FIELDS.states, match.states, t.states, 'States');
	if (states.length) groups.push({ join: 'OR', items: states });
	for (const c of t.criteria) {
		const field = bareRuleItemField(c.field);
		const packed = c.values.length === 0 ? [{ field, operation: c.operation, value: '' }] : isSingleValueOperation(c.operation) ? singleValueItem(field, c) : items(field, c.operation, c.values, 'Criteria');
		if (packed.length > 1 && UNSPLITTABLE_OPERATIONS.has(c.operation)) {
			issues.push({
				row: t.row,
				column: 'Criteria',
				value: `${field} ${c.operation}`,
				code: 'CRITERION_TOO_LONG',
				message: `Row ${t.row}: the values of "${field} ${c.operation}" exceed ${LIMITS.ruleItemValueLength} characters; a multi-select ${c.operation} list cannot be split across rule items without changing its meaning.`,
			});
			continue;
		}
		if (packed.length) groups.push({ join: NEGATIVE_OPERATIONS.has(c.operation) ? 'AND' : 'OR', items: packed });
	}
	return groups;
}

/** The BooleanFilter for groups of the given sizes (items numbered from 1 in order), null for one item. */
export function booleanFilterFor(groups: readonly { join: 'OR' | 'AND'; size: number }[]): string | null {
	const total = groups.reduce((n, g) => n + g.size, 0);
	if (total <= 1) return null;
	let next = 1;
	const parts = groups.map((g) => {
		const numbers = Array.from({ length: g.size }, () => String(next++));
		const inner = numbers.join(` ${g.join} `);
		return g.size > 1 && (groups.length > 1 || g.join === 'AND') ? `(${inner})` : inner;
	});
	return parts.join(' AND ');
}

/**
 * Chunk sizes per group that fit one rule and need the fewest rules: AND groups cannot be cut (rules are
 * ORed), OR groups can. Exhaustive over the few possible size vectors (they sum to at most 10).
 */
function chooseChunkSizes(groups: readonly Group[]): number[] | null {
	const n = groups.map((g) => g.items.length);
	let best: { sizes: number[]; rules: number } | null = null;
	const sizes: number[] = [];
	const fits = (s: number[]) =>
		(booleanFilterFor(groups.map((g, i) => ({ join: g.join, size: s[i] })))?.length ?? 0) <= LIMITS.booleanFilterLength;
	const walk = (i: number, used: number) => {
		if (i === groups.length) {
			if (!fits(sizes)) return;
			const rules = n.reduce((p, ni, k) => p * Math.ceil(ni / sizes[k]), 1);
			if (!best || rules < best.rules) best = { sizes: [...sizes], rules };
			return;
		}
		const max = Math.min(n[i], LIMITS.itemsPerRule - used - (groups.length - i - 1));
		const min = groups[i].join === 'AND' ? n[i] : 1;
		for (let s = max; s >= min; s--) {
			sizes.push(s);
			walk(i + 1, used + s);
			sizes.pop();
		}
	};
	walk(0, 0);
	return best === null ? null : (best as { sizes: number[] }).sizes;
}

/** The territory's geography and criteria as rules (none when it has neither). */
export function packRules(t: PlanTerritory, match: GeographyMatch = EQUALS_GEOGRAPHY): { rules: RuleSpec[]; issues: PlanIssue[] } {
	const issues: PlanIssue[] = [];
	const groups = groupsOf(t, issues, match);
	if (groups.length === 0) return { rules: [], issues };
	const sizes = chooseChunkSizes(groups);
	if (sizes === null) {
		issues.push({
			row: t.row,
			column: 'Criteria',
			value: null,
			code: 'TOO_MANY_RULE_ITEMS',
			message: `Row ${t.row}: territory "${t.name}" needs more conditions ANDed together (${groups.length} groups) than one rule holds (${LIMITS.itemsPerRule} items).`,
		});
		return { rules: [], issues };
	}
	const chunks = groups.map((g, i) => {
		const out: Item[][] = [];
		for (let k = 0; k < g.items.length; k += sizes[i]) out.push(g.items.slice(k, k + sizes[i]));
		return out;
	});
	const count = chunks.reduce((p, c) => p * c.length, 1);
	if (count > LIMITS.rulesPerTerritory) {
		issues.push({
			row: t.row,
			column: null,
			value: String(count),
			code: 'TOO_MANY_RULES',
			message: `Row ${t.row}: territory "${t.name}" needs ${count} assignment rules for its postal codes, countries, states and criteria; Salesforce allows ${LIMITS.rulesPerTerritory}. Use prefixes (e.g. 940*) or split the territory.`,
		});
		return { rules: [], issues };
	}
	const rules: RuleSpec[] = [];
	const pick = new Array<number>(groups.length).fill(0);
	for (let r = 1; r <= count; r++) {
		const selected = pick.map((c, i) => chunks[i][c]);
		let sortOrder = 1;
		const items: RuleItemSpec[] = selected.flat().map((it) => ({ sortOrder: sortOrder++, ...it }));
		rules.push({
			developerName: ruleDeveloperName(t.key, r),
			masterLabel: ruleMasterLabel(t.name || t.key, r),
			booleanFilter: booleanFilterFor(selected.map((s, i) => ({ join: groups[i].join, size: s.length }))),
			items,
		});
		for (let i = groups.length - 1; i >= 0; i--) {
			if (++pick[i] < chunks[i].length) break;
			pick[i] = 0;
		}
	}
	return { rules, issues };
}

// ---- decoding ----

function splitValue(value: string | null): string[] {
	return (value ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter((v) => v !== '');
}

type FilterGroup = { join: 'OR' | 'AND'; numbers: number[] };

/**
 * Groups of a filter as lists of item numbers with their join, or null when not of packRules' shape:
 * groups ANDed at the top, each a single item or a parenthesised list of two or more items joined by one
 * operator ("(1 OR 2) AND 3 AND (4 AND 5)"); one group may stand without parentheses ("1 OR 2").
 * Read with the engine's one BooleanFilter grammar (lib/salesforce/boolean-filter.ts).
 */
export function parseBooleanFilter(filter: string | null, itemCount: number): FilterGroup[] | null {
	if (filter === null || filter.trim() === '') return itemCount === 1 ? [{ join: 'OR', numbers: [1] }] : null;
	const tree = readBooleanFilter(filter);
	if (!tree) return null;
	const atoms = (parts: FilterExpr[]): number[] | null => {
		const numbers = parts.map((p) => ('atom' in p ? p.atom : null));
		return numbers.every((n): n is number => n !== null) ? numbers : null;
	};
	/** A list of items under one operator: `1 OR 2 OR 3`, `1 AND 2`, or a lone item. */
	const list = (e: FilterExpr): FilterGroup | null => {
		if ('atom' in e) return { join: 'OR', numbers: [e.atom] };
		if (!('or' in e) && !('and' in e)) return null;
		const numbers = atoms('or' in e ? e.or : e.and);
		return numbers ? { join: 'or' in e ? 'OR' : 'AND', numbers } : null;
	};
	/** A group: a lone item, or a parenthesised list of at least two. */
	const group = (e: FilterExpr): FilterGroup | null => {
		if ('atom' in e) return { join: 'OR', numbers: [e.atom] };
		if (!('group' in e)) return null;
		const g = list(e.group);
		return g && g.numbers.length > 1 ? g : null;
	};
	if ('and' in tree) {
		const groups = tree.and.map(group);
		return groups.every((g): g is FilterGroup => g !== null) ? groups : null;
	}
	if ('group' in tree) {
		const g = group(tree);
		return g ? [g] : null;
	}
	// Top-level ANDs are groups of their own, so an unparenthesised single part can only be an OR list.
	const only = list(tree);
	return only && only.join === 'OR' ? [only] : null;
}

interface DecodedGroup {
	join: 'OR' | 'AND';
	items: Item[];
}

/** An item as stored (field maybe "Account."-prefixed, operation maybe in another case) in the form packRules writes. */
function storedItem(it: DecodableRule['items'][number]): Item {
	return { field: bareRuleItemField(it.field), operation: normalizeOperator(it.operation) ?? it.operation, value: it.value ?? '' };
}

/** One rule as groups, or null when it is not of packRules' shape (numbers 1..n in order, one field per group). */
function decodeRule(rule: DecodableRule): DecodedGroup[] | null {
	const items = [...rule.items].sort((a, b) => a.sortOrder - b.sortOrder);
	const groups = parseBooleanFilter(rule.booleanFilter, items.length);
	if (!groups) return null;
	const numbers = groups.flatMap((g) => g.numbers);
	if (numbers.length !== items.length) return null;
	for (let i = 0; i < numbers.length; i++) if (numbers[i] !== i + 1 || items[i].sortOrder !== i + 1) return null;
	let next = 0;
	const out: DecodedGroup[] = [];
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
	const perRule = decoded as DecodedGroup[][];
	const groupCount = perRule[0].length;
	if (perRule.some((d) => d.length !== groupCount)) return bestEffort(rules);
	// Each group position: its distinct chunks in first-appearance order (spilled groups repeat across rules).
	const positions: DecodedGroup[] = [];
	let combinations = 1;
	for (let g = 0; g < groupCount; g++) {
		const seen = new Set<string>();
		const items: Item[] = [];
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
