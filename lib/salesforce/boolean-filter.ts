/**
 * The one BooleanFilter grammar of the engine. An assignment rule's BooleanFilter combines its items by
 * SortOrder with AND, OR, NOT and parentheses (Object Reference, ObjectTerritory2AssignmentRule:
 * BooleanFilter; the same "filter logic" Setup shows). NOT binds tightest, then AND, then OR; keywords are
 * read case-insensitively. Parentheses are kept in the tree (`group`), since the rule packer's shapes are
 * told apart by them ("(1 AND 2)" is one group of two items, "1 AND 2" two groups of one).
 */

import type { FilterExpr } from './types';

/** Numbers, parentheses and words; anything else is a word too, so that junk makes the filter unreadable. */
function tokensOf(filter: string): string[] | null {
	return filter.match(/\d+|\(|\)|[^\s()\d]+/g);
}

/** "(1 or 2)  and 3" → "(1 OR 2) AND 3"; null and blank → null. */
export function normalizeBooleanFilter(filter: string | null | undefined): string | null {
	if (filter === null || filter === undefined) return null;
	const tokens = tokensOf(filter);
	if (!tokens) return null;
	return tokens
		.map((t) => (/^(and|or|not)$/i.test(t) ? t.toUpperCase() : t))
		.join(' ')
		.replace(/\( /g, '(')
		.replace(/ \)/g, ')');
}

/** The filter as a tree, or null when it cannot be read (unbalanced, a dangling operator, an unknown word). */
export function readBooleanFilter(filter: string): FilterExpr | null {
	const tokens = tokensOf(filter);
	if (!tokens) return null;
	let pos = 0;
	const peek = (): string | undefined => tokens[pos]?.toUpperCase();
	const list = (kind: 'and' | 'or', next: () => FilterExpr | null): FilterExpr | null => {
		const parts: FilterExpr[] = [];
		for (;;) {
			const part = next();
			if (!part) return null;
			parts.push(part);
			if (peek() !== kind.toUpperCase()) break;
			pos++;
		}
		if (parts.length === 1) return parts[0];
		return kind === 'and' ? { and: parts } : { or: parts };
	};
	const unary = (): FilterExpr | null => {
		const t = peek();
		if (t === 'NOT') {
			pos++;
			const inner = unary();
			return inner ? { not: inner } : null;
		}
		if (t === '(') {
			pos++;
			const inner = either();
			if (!inner || peek() !== ')') return null;
			pos++;
			return { group: inner };
		}
		if (t !== undefined && /^\d+$/.test(t)) {
			pos++;
			return { atom: Number(t) };
		}
		return null;
	};
	const both = (): FilterExpr | null => list('and', unary);
	const either = (): FilterExpr | null => list('or', both);
	const expr = either();
	return expr && pos === tokens.length ? expr : null;
}

/** The tree without its parentheses (for evaluating a filter, where grouping is already in the shape). */
export function ungrouped(e: FilterExpr): FilterExpr {
	if ('group' in e) return ungrouped(e.group);
	if ('not' in e) return { not: ungrouped(e.not) };
	if ('and' in e) return { and: e.and.map(ungrouped) };
	if ('or' in e) return { or: e.or.map(ungrouped) };
	return e;
}
