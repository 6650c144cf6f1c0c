/**
 * Cells: any value to text, lists, users, criteria and access levels, in both directions
 * (what the format functions write, these parse back unchanged).
 */
import type { IssueCode } from '../issue-codes';
import type { Criterion, PlanUser } from './types';
import { ACCOUNT_ACCESS, OPPORTUNITY_CASE_ACCESS, RULE_OPERATORS, bareRuleItemField } from '../salesforce';

/** A problem with one cell; the parser adds row and column. */
export interface CellProblem {
	code: IssueCode;
	value: string;
	message: string;
}

/** Text of a cell of any type: null/undefined → '', arrays → one entry per line, trimmed. */
export function cellToString(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
	if (Array.isArray(value)) return value.map(cellToString).filter((s) => s !== '').join('\n');
	return JSON.stringify(value);
}

/** Case-insensitive de-duplication that keeps the first spelling and the order. */
export function uniqueInOrder(values: Iterable<string>): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const v of values) {
		const k = v.toLowerCase();
		if (seen.has(k)) continue;
		seen.add(k);
		out.push(v);
	}
	return out;
}

/** A list cell: entries separated by commas, semicolons or new lines; trimmed, empty entries dropped, de-duplicated. */
export function splitList(text: string): string[] {
	// Most list cells of a plan are empty (a territory has postal codes or states, not both).
	if (text === '') return [];
	return uniqueInOrder(
		text
			.split(/[,;\r\n]+/)
			.map((s) => s.trim())
			.filter((s) => s !== ''),
	);
}

/**
 * Splits on `separators` except inside parentheses (a role may contain a comma). Each part is cut out of
 * the text at once: adding it up a character at a time made a string per character (a Users cell of
 * 50,000 territories is a few million of them).
 */
function splitOutsideParens(text: string, separators: RegExp): string[] {
	const parts: string[] = [];
	let depth = 0;
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (ch === '(') depth++;
		else if (ch === ')') depth = Math.max(0, depth - 1);
		if (depth === 0 && separators.test(ch)) {
			parts.push(text.slice(start, i));
			start = i + 1;
		}
	}
	parts.push(text.slice(start));
	return parts.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Users: `username` or `username (Role)` entries separated by `;` or new lines (commas are accepted too,
 * except inside the parentheses, where a role name may contain one).
 */
export function parseUsers(text: string): { users: PlanUser[]; problems: CellProblem[] } {
	const users: PlanUser[] = [];
	const problems: CellProblem[] = [];
	for (const entry of splitOutsideParens(text, /[;,\r\n]/)) {
		const m = /^(.*?)\s*\(([^()]*)\)$/s.exec(entry);
		const ref = (m ? m[1] : entry).trim();
		const role = m ? m[2].trim() || null : null;
		if (ref === '' || /[()\s]/.test(ref)) {
			problems.push({
				code: 'INVALID_USER',
				value: entry,
				message: `"${entry}" is not a user: write "username" or "username (Role)".`,
			});
			continue;
		}
		users.push({ ref, role });
	}
	return { users, problems };
}

/**
 * Adds users to a list: the same user (case-insensitive) once; a role fills in a missing one;
 * two different roles for one user are a problem (Salesforce holds one association per user and territory).
 */
export function mergeUsers(into: PlanUser[], more: readonly PlanUser[]): CellProblem[] {
	const problems: CellProblem[] = [];
	for (const u of more) {
		const existing = into.find((e) => e.ref.toLowerCase() === u.ref.toLowerCase());
		if (!existing) into.push({ ...u });
		else if (existing.role === null) existing.role = u.role;
		else if (u.role !== null && u.role !== existing.role) {
			problems.push({
				code: 'CONFLICTING_ROLE',
				value: u.ref,
				message: `User "${u.ref}" is given two roles, "${existing.role}" and "${u.role}"; a user has one role per territory.`,
			});
		}
	}
	return problems;
}

function formatUser(u: PlanUser): string {
	return u.role ? `${u.ref} (${u.role})` : u.ref;
}

export function formatUsers(users: readonly PlanUser[]): string {
	return users.map(formatUser).join('; ');
}

/** Field API name as a rule item may use it: `Account.X` or `X`, X an API name (custom fields end in __c). */
const FIELD_NAME = /^(?:Account\.)?[A-Za-z][A-Za-z0-9_]*$/i;

// Operators written as words; longest first so that "not equal to" wins over "not".
const WORD_OPERATORS: [string, string][] = (
	[
		['does not contain', 'notContain'],
		['greater or equal', 'greaterOrEqual'],
		['not equal to', 'notEqual'],
		['less or equal', 'lessOrEqual'],
		['greater than', 'greaterThan'],
		['not contains', 'notContain'],
		['not contain', 'notContain'],
		['starts with', 'startsWith'],
		['not equal', 'notEqual'],
		['less than', 'lessThan'],
		['equal to', 'equals'],
	] as [string, string][]
).sort((a, b) => b[0].length - a[0].length);

/** Salesforce operator name for a spelling (name, symbol or phrase), or null when unknown. */
export function normalizeOperator(op: string): string | null {
	const k = op.trim().toLowerCase().replace(/\s+/g, ' ');
	return RULE_OPERATORS[k] ?? RULE_OPERATORS[k.replace(/ /g, '')] ?? WORD_OPERATORS.find(([w]) => w === k)?.[1] ?? null;
}

/** One Criteria entry: `Field operator value[,value…]` (operator: Salesforce name, symbol or phrase). */
export function parseCriterion(entry: string): { criterion: Criterion | null; problem: CellProblem | null } {
	const bad = (code: IssueCode, message: string) => ({ criterion: null, problem: { code, value: entry, message } });
	const m = /^([^\s=!<>]+)\s*(.*)$/s.exec(entry.trim());
	if (!m || m[2] === '') {
		return bad('INVALID_CRITERION', `"${entry}" is not a criterion: write "Field operator value[,value…]", e.g. "Industry equals Technology".`);
	}
	const [, fieldText, rest] = m;
	if (!FIELD_NAME.test(fieldText)) {
		return bad('INVALID_FIELD', `"${fieldText}" in "${entry}" is not an Account field API name (e.g. Industry, BillingState, My_Field__c).`);
	}
	let operation: string | null = null;
	let valueText = '';
	const symbol = /^(<=|>=|!=|<>|==|=|<|>)\s*(.*)$/s.exec(rest);
	if (symbol) {
		operation = normalizeOperator(symbol[1]);
		valueText = symbol[2];
	} else {
		const lower = rest.toLowerCase();
		const phrase = WORD_OPERATORS.find(([w]) => lower.startsWith(w) && (lower.length === w.length || /\s/.test(lower[w.length])));
		if (phrase) {
			operation = phrase[1];
			valueText = rest.slice(phrase[0].length);
		} else {
			const word = /^(\S+)\s*(.*)$/s.exec(rest)!;
			operation = normalizeOperator(word[1]);
			valueText = word[2];
			if (operation === null) {
				const later = /^(.*?)\s*(<=|>=|!=|<>|==|=|<|>)/s.exec(rest) ?? /^(.*?)\s+(\S+)(?:\s|$)/s.exec(rest);
				if (later && normalizeOperator(later[2]) !== null) {
					const field = `${fieldText} ${later[1]}`;
					return bad('INVALID_FIELD', `"${field}" in "${entry}" is not an Account field API name (API names have no spaces, e.g. AnnualRevenue).`);
				}
				const known = [...new Set(Object.values(RULE_OPERATORS))].join(', ');
				return bad('UNKNOWN_OPERATOR', `"${word[1]}" in "${entry}" is not a rule operator (${known}, =, !=, <, >, <=, >=).`);
			}
		}
	}
	return { criterion: { field: bareRuleItemField(fieldText), operation: operation!, values: criterionValues(operation!, valueText) }, problem: null };
}

/**
 * Operators whose Value is one value, never a comma list: ordering comparisons (Salesforce cannot OR
 * them meaningfully, and "1,000,000" is one number) and `within` (a location; its Value format is
 * unconfirmed, so it is carried whole rather than cut apart).
 */
const SINGLE_VALUE_OPERATIONS: ReadonlySet<string> = new Set(['lessThan', 'greaterThan', 'lessOrEqual', 'greaterOrEqual', 'within']);

export function isSingleValueOperation(operation: string): boolean {
	return SINGLE_VALUE_OPERATIONS.has(normalizeOperator(operation) ?? operation);
}

/**
 * The values of a criterion or rule item Value: one trimmed value for single-value operators, otherwise
 * the comma-separated entries, trimmed, empty ones dropped, de-duplicated.
 */
export function criterionValues(operation: string, valueText: string | null): string[] {
	const text = (valueText ?? '').trim();
	if (isSingleValueOperation(operation)) return text === '' ? [] : [text];
	return uniqueInOrder(
		text
			.split(',')
			.map((v) => v.trim())
			.filter((v) => v !== ''),
	);
}

/** The Criteria cell: entries separated by `;` or new lines. */
export function parseCriteria(text: string): { criteria: Criterion[]; problems: CellProblem[] } {
	const criteria: Criterion[] = [];
	const problems: CellProblem[] = [];
	for (const entry of text.split(/[;\r\n]+/).map((s) => s.trim()).filter((s) => s !== '')) {
		const { criterion, problem } = parseCriterion(entry);
		if (criterion) criteria.push(criterion);
		if (problem) problems.push(problem);
	}
	return { criteria, problems };
}

function criterionKey(c: Criterion): string {
	return `${c.field.toLowerCase()}\u0000${c.operation}\u0000${c.values.join('\u0001').toLowerCase()}`;
}

/** Adds criteria not already present (long form: the same criterion on several rows counts once). */
export function mergeCriteria(into: Criterion[], more: readonly Criterion[]): void {
	for (const c of more) if (!into.some((e) => criterionKey(e) === criterionKey(c))) into.push(c);
}

export function formatCriterion(c: Criterion): string {
	return c.values.length ? `${c.field} ${c.operation} ${c.values.join(',')}` : `${c.field} ${c.operation}`;
}

export function formatCriteria(criteria: readonly Criterion[]): string {
	return criteria.map(formatCriterion).join('; ');
}

export type AccessKind = 'account' | 'opportunity' | 'case';

/** API value of an access level (API values and Setup labels, any case), or null when unknown. */
export function normalizeAccess(kind: AccessKind, text: string): string | null {
	const table = kind === 'account' ? ACCOUNT_ACCESS : OPPORTUNITY_CASE_ACCESS;
	return table[text.trim().toLowerCase().replace(/\s+/g, ' ')] ?? null;
}
