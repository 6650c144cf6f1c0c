/** BooleanFilters of packRules' shape: written from group sizes, and read back into groups. */
import { readBooleanFilter, type FilterExpr } from '../../salesforce';

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
