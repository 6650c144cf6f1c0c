/**
 * Which accounts an assignment rule matches, the way running the rules in Setup would decide: the
 * sandbox runs no assignment jobs, but tests ask "would this published rule assign these accounts?".
 *
 * Modelling choices (sandbox/RULES.md):
 * - text comparisons ignore case; a comma-separated Value lists alternatives (equals, startsWith,
 *   contains: any of them; notEqual, notContain: none of them);
 * - with State and Country/Territory Picklists, `equals` on BillingState or BillingCountry matches
 *   nothing: Salesforce says such rules "return incomplete results" and must use `contains`
 *   (Help, Create Rules to Assign Accounts to Territories; knowledge article 005321975); the sandbox
 *   plays the worst case so that a rule written with equals is seen to fail;
 * - no BooleanFilter means every item must match (AND); `within` (distance) matches nothing here.
 */
import type { RuleStore, SRecord } from '../contracts';

const PICKLIST_TEXT_FIELDS = new Set(['billingstate', 'billingcountry']);

function fieldValue(account: SRecord, field: string): string {
	const name = field.replace(/^Account\./i, '');
	const key = Object.keys(account).find((k) => k.toLowerCase() === name.toLowerCase());
	const v = key ? account[key] : null;
	return v === null || v === undefined ? '' : String(v);
}

function compare(a: string, b: string): number {
	const x = Number(a);
	const y = Number(b);
	if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
	return a.localeCompare(b);
}

function itemMatches(store: RuleStore, account: SRecord, item: SRecord): boolean {
	const field = String(item.Field ?? '');
	const have = fieldValue(account, field).toLowerCase();
	const wants = String(item.Value ?? '')
		.split(',')
		.map((v) => v.trim().toLowerCase())
		.filter((v) => v !== '');
	const op = String(item.Operation);
	const bare = field.replace(/^Account\./i, '').toLowerCase();
	if (op === 'equals' && store.settings.stateCountryPicklists && PICKLIST_TEXT_FIELDS.has(bare)) return false;
	switch (op) {
		case 'equals':
			return wants.length === 0 ? have === '' : wants.includes(have);
		case 'notEqual':
			return !wants.includes(have);
		case 'startsWith':
			return have !== '' && wants.some((w) => have.startsWith(w));
		case 'contains':
			return have !== '' && wants.some((w) => have.includes(w));
		case 'notContain':
			return !wants.some((w) => have.includes(w));
		case 'lessThan':
			return have !== '' && compare(have, String(item.Value).toLowerCase()) < 0;
		case 'greaterThan':
			return have !== '' && compare(have, String(item.Value).toLowerCase()) > 0;
		case 'lessOrEqual':
			return have !== '' && compare(have, String(item.Value).toLowerCase()) <= 0;
		case 'greaterOrEqual':
			return have !== '' && compare(have, String(item.Value).toLowerCase()) >= 0;
		case 'includes': {
			const selected = have.split(';').map((v) => v.trim());
			return wants.some((w) => selected.includes(w));
		}
		case 'excludes': {
			const selected = have.split(';').map((v) => v.trim());
			return !wants.some((w) => selected.includes(w));
		}
		default:
			return false;
	}
}

/** Evaluates "(1 OR 2) AND NOT 3" over item results (1-based). */
function evaluateFilter(filter: string, result: (n: number) => boolean): boolean {
	const tokens = filter.match(/\(|\)|\d+|AND|OR|NOT/gi) ?? [];
	let at = 0;
	const expr = (): boolean => {
		let value = term();
		while (tokens[at]?.toUpperCase() === 'OR') {
			at++;
			const right = term();
			value = value || right;
		}
		return value;
	};
	const term = (): boolean => {
		let value = factor();
		while (tokens[at]?.toUpperCase() === 'AND') {
			at++;
			const right = factor();
			value = value && right;
		}
		return value;
	};
	const factor = (): boolean => {
		const t = tokens[at++];
		if (t === undefined) return false;
		if (t.toUpperCase() === 'NOT') return !factor();
		if (t === '(') {
			const v = expr();
			at++; // ')'
			return v;
		}
		return result(Number(t));
	};
	return expr();
}

/** Ids of the accounts the rule matches (an inactive rule or one without items matches none). */
export function accountsMatchingRule(store: RuleStore, ruleId: string): string[] {
	const rule = store.get(ruleId)?.record;
	if (!rule || rule.IsActive !== true) return [];
	const items = store
		.select('ObjectTerritory2AssignmentRuleItem', 'RuleId', rule.Id)
		.sort((a, b) => Number(a.SortOrder) - Number(b.SortOrder));
	if (!items.length) return [];
	const bySort = new Map(items.map((it) => [Number(it.SortOrder), it]));
	const filter = rule.BooleanFilter ? String(rule.BooleanFilter) : items.map((it) => String(it.SortOrder)).join(' AND ');
	return store
		.records('Account')
		.filter((account) => evaluateFilter(filter, (n) => {
			const item = bySort.get(n);
			return !!item && itemMatches(store, account, item);
		}))
		.map((a) => a.Id);
}
