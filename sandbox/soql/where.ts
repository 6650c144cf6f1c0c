/**
 * WHERE clauses. soql-parser-js hands back a right-leaning chain with parenthesis counts on the
 * conditions; it is flattened into tokens and re-parsed here so that parentheses and NOT bind as
 * in SOQL. As in Salesforce, AND and OR cannot be mixed at one level without parentheses.
 */
import type { ObjectMeta, QuerySource, SRecord } from '../contracts';
import { invalidField, invalidFilterOperator, malformedQuery, unsupported } from './errors';
import { type ResolvedPath, readPath, resolvePath } from './paths';
import { type Literal, categoryOf, checkLiteral, compare, equalityKey, idKey, isNullish, likePattern, parseLiteral } from './values';

export type Predicate = (record: SRecord) => boolean;

/** Runs a semi-join subquery and returns the values of its single selected field. */
export type SemiJoinRunner = (query: RawQuery) => unknown[];

// The parser's types are loose unions; only the members read here are described.
interface RawCondition {
	field?: string;
	fn?: unknown;
	operator: string;
	value?: string | string[];
	literalType?: string | string[];
	valueQuery?: RawQuery;
	dateLiteralVariable?: number | number[];
	openParen?: number;
	closeParen?: number;
}
interface RawWhere {
	left: (RawCondition | { openParen?: number }) | null;
	operator?: string;
	right?: RawWhere;
}
export interface RawQuery {
	sObject?: string;
	[key: string]: unknown;
}

type Token = { kind: '(' } | { kind: ')' } | { kind: 'NOT' } | { kind: 'AND' } | { kind: 'OR' } | { kind: 'cond'; cond: RawCondition };

function flatten(where: RawWhere | undefined, out: Token[] = []): Token[] {
	for (let node = where; node; node = node.right) {
		const left = node.left;
		for (let i = 0; i < (left?.openParen ?? 0); i++) out.push({ kind: '(' });
		if (left && ('field' in left || 'fn' in left)) {
			const cond = left as RawCondition;
			out.push({ kind: 'cond', cond });
			for (let i = 0; i < (cond.closeParen ?? 0); i++) out.push({ kind: ')' });
		}
		if (node.operator === 'AND' || node.operator === 'OR' || node.operator === 'NOT') out.push({ kind: node.operator });
	}
	return out;
}

interface Context {
	soql: string;
	source: QuerySource;
	meta: ObjectMeta;
	alias?: string;
	semiJoin: SemiJoinRunner;
}

/** Compiles a WHERE clause into a predicate, validating fields and values up front. */
export function compileWhere(where: unknown, ctx: Context): Predicate {
	if (!where) return () => true;
	const tokens = flatten(where as RawWhere);
	let pos = 0;
	const peek = () => tokens[pos];
	const describe = (t: Token | undefined) => (t === undefined ? '<EOF>' : t.kind === 'cond' ? `'${t.cond.field ?? ''}'` : `'${t.kind}'`);

	const parseExpression = (): Predicate => {
		const first = parseUnary();
		const op = peek()?.kind;
		if (op !== 'AND' && op !== 'OR') return first;
		const operands = [first];
		while (peek()?.kind === 'AND' || peek()?.kind === 'OR') {
			if (peek().kind !== op) throw malformedQuery(ctx.soql, `unexpected token: '${peek().kind}'`, peek().kind);
			pos++;
			operands.push(parseUnary());
		}
		return op === 'AND' ? (r) => operands.every((p) => p(r)) : (r) => operands.some((p) => p(r));
	};
	const parseUnary = (): Predicate => {
		const token = tokens[pos++];
		if (token?.kind === 'NOT') {
			const inner = parseUnary();
			return (r) => !inner(r);
		}
		if (token?.kind === '(') {
			const inner = parseExpression();
			if (tokens[pos++]?.kind !== ')') throw malformedQuery(ctx.soql, `unexpected token: ${describe(tokens[pos - 1])}`);
			return inner;
		}
		if (token?.kind === 'cond') return compileCondition(token.cond, ctx);
		throw malformedQuery(ctx.soql, `unexpected token: ${describe(token)}`);
	};

	const predicate = parseExpression();
	if (pos < tokens.length) throw malformedQuery(ctx.soql, `unexpected token: ${describe(tokens[pos])}`);
	return predicate;
}

function asArray<T>(value: T | T[] | undefined): T[] {
	return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function compileCondition(cond: RawCondition, ctx: Context): Predicate {
	const { soql, source } = ctx;
	if (cond.fn !== undefined || cond.field === undefined) throw unsupported(soql, 'functions in WHERE');
	const fieldToken = cond.field;
	const path: ResolvedPath = resolvePath(soql, source, ctx.meta, fieldToken, ctx.alias);
	const field = path.field;
	if (!field.filterable) throw invalidField(soql, fieldToken, `field '${field.name}' can not be filtered in a query call`);
	const category = categoryOf(field.type);
	const op = cond.operator.toUpperCase();
	const read = (r: SRecord) => readPath(source, r, path);

	if (cond.valueQuery) {
		if (op !== 'IN' && op !== 'NOT IN') throw malformedQuery(soql, `unexpected token: '('`, '(');
		if (category !== 'id') throw invalidFilterOperator(soql, fieldToken, `Field '${field.name}' cannot be used in a semi join`);
		let keys: Set<string> | undefined;
		const inner = cond.valueQuery;
		const keyOf = () => (keys ??= new Set(ctx.semiJoin(inner).filter((v) => !isNullish(v)).map((v) => idKey(String(v)))));
		keyOf(); // validates the subquery now, not at the first record
		return (r) => {
			const value = read(r);
			const hit = !isNullish(value) && keyOf().has(idKey(String(value)));
			return op === 'IN' ? hit : !hit;
		};
	}

	const rawValues = asArray(cond.value);
	const types = asArray(cond.literalType);
	const variables = asArray(cond.dateLiteralVariable);
	const literals: Literal[] = rawValues.map((raw, i) => parseLiteral(soql, raw, types[i] ?? types[0], variables[i] ?? variables[0]));

	if (op === 'LIKE') {
		if (category !== 'text') throw invalidField(soql, fieldToken, `invalid operator on field ${field.name}: LIKE`);
		if (literals.length !== 1 || literals[0].kind !== 'string') throw invalidField(soql, fieldToken, `value of filter criterion for field '${field.name}' must be of type string and should be enclosed in quotes`);
		const pattern = likePattern(soql, rawValues[0]);
		return (r) => {
			const value = read(r);
			return !isNullish(value) && pattern.test(String(value));
		};
	}
	if (op === 'INCLUDES' || op === 'EXCLUDES') throw unsupported(soql, `${op} (multi-select picklists)`);
	for (const literal of literals) checkLiteral(soql, fieldToken, field, literal);
	if (category === 'boolean' && !['=', '!=', 'IN', 'NOT IN'].includes(op)) {
		throw invalidField(soql, fieldToken, `invalid operator on field ${field.name}: ${op}`);
	}
	if (op === 'IN' || op === 'NOT IN') {
		if (category === 'id' || category === 'text') {
			// Long IN lists of Ids are common (one per territory): look values up in a set.
			const withNull = literals.some((l) => l.kind === 'null');
			const keys = new Set(literals.flatMap((l) => (l.kind === 'string' ? [equalityKey(category, l.value)] : [])));
			return (r) => {
				const value = read(r);
				const hit = isNullish(value) ? withNull : keys.has(equalityKey(category, value));
				return op === 'IN' ? hit : !hit;
			};
		}
		return (r) => {
			const value = read(r);
			const hit = literals.some((l) => compare(category, value, '=', l));
			return op === 'IN' ? hit : !hit;
		};
	}
	const normalisedOp = op === '<>' ? '!=' : op;
	if (literals.length !== 1) throw malformedQuery(soql, `unexpected token: '('`, '(');
	const literal = literals[0];
	return (r) => compare(category, read(r), normalisedOp, literal);
}
