/**
 * SOQL literals and how they compare with stored values, per field type. Strings compare
 * case-insensitively (as Salesforce does); Ids compare on their case-sensitive 15-character form,
 * so 15- and 18-character Ids are interchangeable.
 */
import type { FieldMeta, FieldType } from '../contracts';
import { invalidField, invalidFilterOperator, malformedQuery, unsupported } from './errors';

export type Literal =
	| { kind: 'null' }
	| { kind: 'string'; value: string }
	| { kind: 'boolean'; value: boolean }
	| { kind: 'number'; value: number }
	/** A DATE or DATETIME literal, as epoch milliseconds (dates at UTC midnight). */
	| { kind: 'instant'; value: number; dateOnly: boolean }
	/** A relative date literal (TODAY, LAST_N_DAYS:n, ...): the range [start, end). */
	| { kind: 'range'; start: number; end: number };

export type Category = 'id' | 'text' | 'boolean' | 'number' | 'date' | 'datetime';

export function categoryOf(type: FieldType): Category {
	switch (type) {
		case 'id':
		case 'reference':
			return 'id';
		case 'boolean':
			return 'boolean';
		case 'int':
		case 'double':
			return 'number';
		case 'date':
			return 'date';
		case 'datetime':
			return 'datetime';
		default:
			return 'text';
	}
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** The text between the quotes of a SOQL string literal, with escapes resolved. */
export function unquote(soql: string, raw: string, keepLikeEscapes = false): string {
	const body = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw;
	let out = '';
	for (let i = 0; i < body.length; i++) {
		const ch = body[i];
		if (ch !== '\\') {
			out += ch;
			continue;
		}
		const next = body[++i];
		if (next !== undefined && next in ESCAPES) {
			out += keepLikeEscapes && next === '\\' ? '\\\\' : ESCAPES[next];
		} else if (next === '_' || next === '%') {
			// Only meaningful in LIKE; elsewhere Salesforce keeps the backslash.
			out += `\\${next}`;
		} else {
			throw malformedQuery(soql, `Invalid string literal '${body}'. Illegal character sequence '\\${next ?? ''}' in string literal.`);
		}
	}
	return out;
}

/** LIKE pattern → anchored, case-insensitive RegExp (% any run, _ one character, \% \_ literal). */
export function likePattern(soql: string, raw: string): RegExp {
	const text = unquote(soql, raw, true);
	let source = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (ch === '\\' && i + 1 < text.length) {
			source += escapeForRegExp(text[++i]);
		} else if (ch === '%') {
			source += '.*';
		} else if (ch === '_') {
			source += '.';
		} else {
			source += escapeForRegExp(ch);
		}
	}
	return new RegExp(`^${source}$`, 'is');
}

function escapeForRegExp(ch: string): string {
	return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

const DAY = 86_400_000;

function startOfTodayUtc(now: number): number {
	return Math.floor(now / DAY) * DAY;
}

/** Relative date literals the sandbox knows, as [start, end) in UTC (the org's time zone is UTC). */
function dateRange(soql: string, raw: string, n: number | undefined, now = Date.now()): Literal {
	const today = startOfTodayUtc(now);
	const name = raw.split(':')[0].toUpperCase();
	const days = n ?? 0;
	switch (name) {
		case 'TODAY':
			return { kind: 'range', start: today, end: today + DAY };
		case 'YESTERDAY':
			return { kind: 'range', start: today - DAY, end: today };
		case 'TOMORROW':
			return { kind: 'range', start: today + DAY, end: today + 2 * DAY };
		case 'LAST_N_DAYS':
			return { kind: 'range', start: today - days * DAY, end: today + DAY };
		case 'NEXT_N_DAYS':
			return { kind: 'range', start: today + DAY, end: today + (days + 1) * DAY };
		default:
			throw unsupported(soql, `the date literal ${raw}`);
	}
}

/** Parses one literal as the parser reports it (`value` raw text, `literalType`). */
export function parseLiteral(soql: string, raw: string, literalType: string | undefined, n?: number): Literal {
	switch (literalType) {
		case 'STRING':
			return { kind: 'string', value: unquote(soql, raw) };
		case 'NULL':
			return { kind: 'null' };
		case 'BOOLEAN':
			return { kind: 'boolean', value: raw.toUpperCase() === 'TRUE' };
		case 'INTEGER':
		case 'DECIMAL':
			return { kind: 'number', value: Number(raw) };
		case 'DATE':
			return { kind: 'instant', value: Date.parse(`${raw}T00:00:00Z`), dateOnly: true };
		case 'DATETIME': {
			const value = Date.parse(raw.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
			if (Number.isNaN(value)) throw malformedQuery(soql, `line 1:0 no viable alternative at character '${raw}'`, raw);
			return { kind: 'instant', value, dateOnly: false };
		}
		case 'DATE_LITERAL':
		case 'DATE_N_LITERAL':
			return dateRange(soql, raw, n);
		default:
			throw unsupported(soql, `literals of type ${literalType ?? 'unknown'} (${raw})`);
	}
}

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function idKey(value: string): string {
	return value.length === 18 ? value.slice(0, 15) : value;
}

function typeWord(field: FieldMeta): string {
	switch (field.type) {
		case 'int':
			return 'integer';
		case 'double':
			return 'double';
		case 'date':
			return 'date';
		case 'datetime':
			return 'dateTime';
		case 'boolean':
			return 'boolean';
		default:
			return 'string';
	}
}

/**
 * Checks a literal against the field's type the way Salesforce does before running the query
 * (a quoted 'true' on a checkbox, a number on a text field, a malformed Id are all refused).
 */
export function checkLiteral(soql: string, token: string, field: FieldMeta, literal: Literal): void {
	if (literal.kind === 'null') return;
	const category = categoryOf(field.type);
	const quotedMismatch = () =>
		invalidField(
			soql,
			token,
			`value of filter criterion for field '${field.name}' must be of type ${typeWord(field)} and should ${category === 'text' || category === 'id' ? '' : 'not '}be enclosed in quotes`,
		);
	switch (category) {
		case 'id':
			if (literal.kind !== 'string') throw quotedMismatch();
			if (!ID_PATTERN.test(literal.value)) throw invalidFilterOperator(soql, token, `invalid ID field: ${literal.value}`);
			return;
		case 'text':
			if (literal.kind !== 'string') throw quotedMismatch();
			return;
		case 'boolean':
			if (literal.kind !== 'boolean') throw quotedMismatch();
			return;
		case 'number':
			if (literal.kind !== 'number') throw quotedMismatch();
			return;
		case 'date':
			if (literal.kind === 'range' || (literal.kind === 'instant' && literal.dateOnly)) return;
			throw quotedMismatch();
		case 'datetime':
			if (literal.kind === 'range' || (literal.kind === 'instant' && !literal.dateOnly)) return;
			throw quotedMismatch();
	}
}

export function isNullish(value: unknown): boolean {
	return value === null || value === undefined || value === '';
}

/** The key two equal values of a text or Id field share (for IN lists as sets). */
export function equalityKey(category: 'id' | 'text', value: unknown): string {
	return category === 'id' ? idKey(String(value)) : String(value).toLowerCase();
}

/** A stored value as a comparable number or lower-cased/normalised string. */
function comparable(category: Category, value: unknown): string | number | boolean {
	switch (category) {
		case 'id':
			return idKey(String(value));
		case 'text':
			return String(value).toLowerCase();
		case 'boolean':
			return value === true || value === 'true';
		case 'number':
			return Number(value);
		case 'date':
			return Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`);
		case 'datetime':
			return Date.parse(String(value).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
	}
}

function literalComparable(category: Category, literal: Literal): string | number | boolean {
	switch (literal.kind) {
		case 'string':
			return comparable(category, literal.value);
		case 'boolean':
		case 'number':
		case 'instant':
			return literal.value;
		default:
			return 0;
	}
}

/** Evaluates `value <op> literal` for a non-list operator. */
export function compare(category: Category, value: unknown, op: string, literal: Literal): boolean {
	if (literal.kind === 'null') {
		if (op === '=') return isNullish(value);
		if (op === '!=') return !isNullish(value);
		return false;
	}
	// Salesforce includes null values in != results, and excludes them from every other comparison.
	if (isNullish(value)) return op === '!=';
	const left = comparable(category, value);
	if (literal.kind === 'range') {
		const at = left as number;
		switch (op) {
			case '=':
				return at >= literal.start && at < literal.end;
			case '!=':
				return at < literal.start || at >= literal.end;
			case '<':
				return at < literal.start;
			case '<=':
				return at < literal.end;
			case '>':
				return at >= literal.end;
			case '>=':
				return at >= literal.start;
			default:
				return false;
		}
	}
	const right = literalComparable(category, literal);
	switch (op) {
		case '=':
			return left === right;
		case '!=':
			return left !== right;
		case '<':
			return left < right;
		case '<=':
			return left <= right;
		case '>':
			return left > right;
		case '>=':
			return left >= right;
		default:
			return false;
	}
}

/** Orders two stored values of one field for ORDER BY (nulls handled by the caller). */
export function orderValues(category: Category, a: unknown, b: unknown): number {
	const x = comparable(category, a);
	const y = comparable(category, b);
	return x < y ? -1 : x > y ? 1 : 0;
}
