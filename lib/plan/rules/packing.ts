/** Packing: a territory's geography and criteria as the fewest rules that hold them (the shape is in ./index.ts). */
import type { Criterion, GeographyMatch, PlanIssue, PlanTerritory, RuleItemSpec, RuleSpec } from '../types';
import { GEOGRAPHY_FIELDS, LIMITS, bareRuleItemField } from '../../salesforce';
import { isSingleValueOperation } from '../cells';
import { booleanFilterFor } from './filters';
import { ruleDeveloperName, ruleMasterLabel } from './naming';
import { EQUALS_GEOGRAPHY, NEGATIVE_OPERATIONS, type RuleGroup, type RuleItem } from './shape';

/**
 * Multi-select picklist operators: how Salesforce combines the values of one includes/excludes item
 * differs by how rules are run (Help article 004205206), so their lists are never split into items.
 */
const UNSPLITTABLE_OPERATIONS = new Set(['includes', 'excludes']);

/**
 * Values comma-joined into as few Values of ≤ 1,000 characters as possible, in order. A chunk's values
 * are joined once it is full: `+=` per value built each Value as a chain of one concatenation node per
 * value (1,300 bytes for 40 postal codes, where the text is 240), kept by the change set of every rule item.
 */
export function packValues(values: readonly string[], limit: number = LIMITS.ruleItemValueLength): { chunks: string[]; tooLong: string[]; withComma: string[] } {
	const chunks: string[] = [];
	const tooLong: string[] = [];
	const withComma: string[] = [];
	let current: string[] = [];
	/** The length of current's values joined by commas. */
	let length = 0;
	for (const v of values) {
		if (v.includes(',')) {
			withComma.push(v);
			continue;
		}
		if (v.length > limit) {
			tooLong.push(v);
			continue;
		}
		// length 0: the chunk holds no text yet (an empty value alone is dropped, never written as a Value).
		if (length !== 0 && length + 1 + v.length <= limit) {
			current.push(v);
			length += 1 + v.length;
		} else {
			if (length !== 0) chunks.push(current.join(','));
			current = [v];
			length = v.length;
		}
	}
	if (length !== 0) chunks.push(current.join(','));
	return { chunks, tooLong, withComma };
}

function groupsOf(t: PlanTerritory, issues: PlanIssue[], match: GeographyMatch): RuleGroup[] {
	const groups: RuleGroup[] = [];
	const items = (field: string, operation: string, values: readonly string[], column: string): RuleItem[] => {
		if (values.length === 0) return [];
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
	const singleValueItem = (field: string, c: Criterion): RuleItem[] => {
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

/**
 * Chunk sizes per group that fit one rule and need the fewest rules: AND groups cannot be cut (rules are
 * ORed), OR groups can. Exhaustive over the few possible size vectors (they sum to at most 10).
 */
function chooseChunkSizes(groups: readonly RuleGroup[]): number[] | null {
	const n = groups.map((g) => g.items.length);
	let best: { sizes: number[]; rules: number } | null = null;
	const sizes: number[] = [];
	const fits = (s: number[]) =>
		(booleanFilterFor(groups.map((g, i) => ({ join: g.join, size: s[i] })))?.length ?? 0) <= LIMITS.booleanFilterLength;
	// Everything in one rule, when it fits, is what the search below finds first and keeps (no fewer
	// rules exist): most territories, whose search would build a filter per candidate to find it.
	if (n.reduce((a, b) => a + b, 0) <= LIMITS.itemsPerRule && fits(n)) return n;
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
		const out: RuleItem[][] = [];
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
