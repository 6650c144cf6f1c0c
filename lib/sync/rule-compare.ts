/**
 * Comparing assignment rules: item by item (for the tool's own rules, which are edited in place) and by
 * meaning (a plan's rules against hand-made rules, so that a model imported and published back unchanged
 * writes nothing).
 */
import { isSingleValueOperation } from '../plan';
import { bareRuleItemField, normalizeBooleanFilter, readBooleanFilter, ungrouped } from '../salesforce';

export interface ComparableItem {
	sortOrder: number;
	field: string;
	operation: string;
	value: string | null;
}
export interface ComparableRule {
	booleanFilter: string | null;
	items: ComparableItem[];
}

export function sameItem(a: ComparableItem, b: ComparableItem): boolean {
	return (
		bareRuleItemField(a.field).toLowerCase() === bareRuleItemField(b.field).toLowerCase() &&
		a.operation.toLowerCase() === b.operation.toLowerCase() &&
		(a.value ?? '') === (b.value ?? '')
	);
}

/** An item's meaning, independent of its position and of the order of its comma-separated values. */
export function itemAtom(item: ComparableItem): string {
	const values = isSingleValueOperation(item.operation)
		? [(item.value ?? '').trim()]
		: (item.value ?? '')
				.split(',')
				.map((v) => v.trim())
				.filter((v) => v !== '')
				.sort();
	return `${bareRuleItemField(item.field).toLowerCase()}|${item.operation.toLowerCase()}|${values.join(',')}`;
}

/** A rule's meaning: the filter's tree over item formulas; `never` is a rule with no items. */
type Expr = { atom: number } | { not: Expr } | { and: Expr[] } | { or: Expr[] } | { never: true };

/** The filter as a tree without parentheses, or null when it cannot be read. */
function parseFilter(filter: string): Expr | null {
	const parsed = readBooleanFilter(filter);
	return parsed ? (ungrouped(parsed) as Expr) : null;
}

/** Operators whose comma-separated Value means "any of" (the others' lists mean "none of"). */
const NEGATIVE = new Set(['notequal', 'notcontain', 'excludes']);
const LISTS = new Set(['equals', 'notequal', 'contains', 'notcontain', 'startswith', 'includes', 'excludes']);

/**
 * One item as a formula over single-value conditions, so that "Country equals US,CA" and
 * "(1 OR 2)" over "Country equals US" / "Country equals CA" read the same.
 */
function itemExpr(item: ComparableItem, atoms: string[]): Expr {
	const field = bareRuleItemField(item.field).toLowerCase();
	const op = item.operation.toLowerCase();
	const values = LISTS.has(op)
		? [...new Set((item.value ?? '').split(',').map((v) => v.trim()).filter((v) => v !== ''))].sort()
		: [(item.value ?? '').trim()];
	const parts: Expr[] = values.map((v) => {
		const atom = `${field}|${op}|${v}`;
		let i = atoms.indexOf(atom);
		if (i < 0) i = atoms.push(atom) - 1;
		return { atom: i };
	});
	if (parts.length === 1) return parts[0];
	return NEGATIVE.has(op) ? { and: parts } : { or: parts };
}

/** The rule as a formula over atom indexes (positions in `atoms`), or null when unreadable. */
function ruleExpr(rule: ComparableRule, atoms: string[]): Expr | null {
	if (rule.items.length === 0) return { never: true };
	const bySort = new Map<number, Expr>();
	for (const item of rule.items) bySort.set(item.sortOrder, itemExpr(item, atoms));
	const filter = normalizeBooleanFilter(rule.booleanFilter);
	const sorted = [...rule.items].sort((a, b) => a.sortOrder - b.sortOrder);
	if (filter === null) return { and: sorted.map((it) => bySort.get(it.sortOrder) as Expr) };
	const parsed = parseFilter(filter);
	if (!parsed) return null;
	// Filter numbers are item SortOrders: replace each by its item's formula.
	const remap = (e: Expr): Expr | null => {
		if ('atom' in e) return bySort.get(e.atom) ?? null;
		if ('not' in e) {
			const inner = remap(e.not);
			return inner ? { not: inner } : null;
		}
		if ('and' in e || 'or' in e) {
			const parts = ('and' in e ? e.and : e.or).map(remap);
			if (parts.some((p) => p === null)) return null;
			return 'and' in e ? { and: parts as Expr[] } : { or: parts as Expr[] };
		}
		return e;
	};
	return remap(parsed);
}

function evaluate(e: Expr, bits: number): boolean {
	if ('atom' in e) return ((bits >> e.atom) & 1) === 1;
	if ('not' in e) return !evaluate(e.not, bits);
	if ('and' in e) return e.and.every((p) => evaluate(p, bits));
	if ('or' in e) return e.or.some((p) => evaluate(p, bits));
	return false;
}

/** Beyond this many distinct conditions, rules are compared structurally instead of by truth table. */
const MAX_TRUTH_TABLE_ATOMS = 12;

function structuralKey(rules: ComparableRule[]): string {
	return rules
		.map((r) => {
			const items = [...r.items].sort((a, b) => a.sortOrder - b.sortOrder);
			return `${normalizeBooleanFilter(r.booleanFilter) ?? '*'}#${items.map(itemAtom).join(';')}`;
		})
		.sort()
		.join('\n');
}

/**
 * Whether two sets of rules assign the same accounts: a territory's rules are ORed, each rule is its
 * items combined by its BooleanFilter (AND of all items when null). Distinct conditions are treated as
 * independent, so rules that agree only because of the data (two exclusive values) are called different,
 * which only costs a write.
 */
export function sameMeaning(a: ComparableRule[], b: ComparableRule[]): boolean {
	if (a.length === 0 || b.length === 0) return a.length === b.length;
	const atoms: string[] = [];
	const ea = a.map((r) => ruleExpr(r, atoms));
	const eb = b.map((r) => ruleExpr(r, atoms));
	if (ea.some((e) => e === null) || eb.some((e) => e === null) || atoms.length > MAX_TRUTH_TABLE_ATOMS) {
		return structuralKey(a) === structuralKey(b);
	}
	const fa = { or: ea as Expr[] };
	const fb = { or: eb as Expr[] };
	for (let bits = 0; bits < 1 << atoms.length; bits++) {
		if (evaluate(fa, bits) !== evaluate(fb, bits)) return false;
	}
	return true;
}

/** A filter that only ANDs its items (or none: null), so the rule reads as a list of conditions. */
export function isAndOnly(rule: ComparableRule): boolean {
	const f = normalizeBooleanFilter(rule.booleanFilter);
	if (f === null) return true;
	const parsed = parseFilter(f);
	if (!parsed) return false;
	const atoms = new Set<number>();
	const walk = (e: Expr): boolean => {
		if ('atom' in e) return atoms.add(e.atom), true;
		if ('and' in e) return e.and.every(walk);
		return false;
	};
	if (!walk(parsed)) return false;
	// Every item must take part, or the filter ignores some of them.
	return rule.items.every((it) => atoms.has(it.sortOrder)) && atoms.size === rule.items.length;
}
