/**
 * SOQL text building. Every value that reaches a query goes through `soqlQuote` / `soqlLiteral`:
 * plan values (usernames, emails, external keys) are user input.
 */
import { OrgError } from './errors';

const ESCAPES: Record<string, string> = {
	'\\': '\\\\',
	"'": "\\'",
	'"': '\\"',
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t',
	'\b': '\\b',
	'\f': '\\f',
};

/** A SOQL string literal: quoted, with backslash escapes for the characters SOQL reserves. */
export function soqlQuote(value: string): string {
	return `'${String(value).replace(/[\\'"\n\r\t\b\f]/g, (c) => ESCAPES[c])}'`;
}

/** A SOQL literal for a string, number, boolean or null. */
export function soqlLiteral(value: string | number | boolean | null): string {
	if (value === null) return 'null';
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new OrgError('INVALID_SOQL_VALUE', `Cannot use ${value} in a SOQL query`);
		return String(value);
	}
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	return soqlQuote(value);
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** Field and object names cannot be quoted in SOQL: accept only plain API names. */
export function assertSoqlName(name: string, what = 'field'): string {
	if (typeof name !== 'string' || !FIELD_NAME.test(name) || name.length > 255) {
		throw new OrgError('INVALID_SOQL_NAME', `Invalid ${what} name for a query: ${JSON.stringify(name)} (letters, digits and underscores only)`);
	}
	return name;
}

/**
 * Splits values into groups whose quoted IN lists stay under `maxChars`, so that a query (sent in the
 * URL of a GET) stays well below Salesforce's 16,384-byte URI limit after percent-encoding.
 */
export function chunkForIn<T extends string | number>(values: readonly T[], maxChars = 4000, maxItems = 200): T[][] {
	const chunks: T[][] = [];
	let current: T[] = [];
	let size = 0;
	for (const v of values) {
		const len = soqlLiteral(v).length + 1;
		if (current.length && (size + len > maxChars || current.length >= maxItems)) {
			chunks.push(current);
			current = [];
			size = 0;
		}
		current.push(v);
		size += len;
	}
	if (current.length) chunks.push(current);
	return chunks;
}

/** `(v1,v2,…)` for an IN clause. */
export function inList(values: readonly (string | number)[]): string {
	return `(${values.map((v) => soqlLiteral(v)).join(',')})`;
}
