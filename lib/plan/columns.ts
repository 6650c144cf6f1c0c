/** Column headers: aliases and the mapping from a source's headers to the canonical plan columns. */
import type { PlanColumn, PlanIssue, PlanRow } from './types';
import { PLAN_COLUMNS } from './types';
import { closestName } from './suggest';

/** Case-insensitive; spaces, underscores, dashes (and dots) are ignored, so "Postal Codes" = "postal_codes" = "PostalCodes". */
function normalizeHeader(header: string): string {
	return header
		.replace(/^\uFEFF/, '')
		.trim()
		.toLowerCase()
		.replace(/[\s_\-.]+/g, '');
}

/**
 * Headers accepted for each column without any mapping (matched as normalizeHeader says). The table in
 * docs/plan-format.md lists the same (test/plan/columns-doc.test.ts keeps them together).
 */
export const COLUMN_SYNONYMS: Readonly<Record<PlanColumn, readonly string[]>> = {
	Territory: ['Territory', 'Territory Name', 'Name', 'Territory2 Name'],
	Key: ['Key', 'Territory Key', 'Developer Name', 'API Name', 'Territory Developer Name'],
	Parent: [
		'Parent',
		'Parent Key',
		'Parent Territory',
		'Parent Name',
		'Parent Territory Key',
		'Parent Developer Name',
		'Parent Territory Name',
	],
	Type: ['Type', 'Territory Type'],
	Description: ['Description'],
	'Account Access': ['Account Access', 'Account Access Level'],
	'Opportunity Access': ['Opportunity Access', 'Opportunity Access Level'],
	'Case Access': ['Case Access', 'Case Access Level'],
	'Postal Codes': ['Postal Codes', 'Postal Code', 'Zip Codes', 'Zip Code', 'Zip', 'Zips', 'Postcodes', 'Postcode'],
	Countries: ['Countries', 'Country', 'Billing Country'],
	States: ['States', 'State', 'Billing State', 'Provinces', 'Province', 'States/Provinces'],
	Criteria: ['Criteria', 'Criterion', 'Rule Criteria'],
	Users: ['Users', 'User', 'Assigned Users', 'Members'],
	'Forecast Manager': ['Forecast Manager', 'Forecast User'],
	Accounts: ['Accounts', 'Account Ids', 'Manual Accounts'],
};

const ALIASES = new Map<string, PlanColumn>();
for (const column of PLAN_COLUMNS) {
	for (const synonym of COLUMN_SYNONYMS[column]) ALIASES.set(normalizeHeader(synonym), column);
}

/** The canonical column a header means, or null when it is not a known column or alias. */
export function canonicalColumn(header: string): PlanColumn | null {
	return ALIASES.get(normalizeHeader(header)) ?? null;
}

/** ` (did you mean "Territory"?)` for a misspelt header, compared with every alias as headers are. */
function columnHint(header: string): string {
	const close = closestName(normalizeHeader(header), [...ALIASES.keys()]);
	return close === null ? '' : ` (did you mean "${ALIASES.get(close)}"?)`;
}

/**
 * How an unknown column's issue names the options that fix it: the public API's names. A caller with
 * other names for them (the Publish node's Options) replaces these phrases.
 */
export const MAPPING_OPTIONS = { columnMap: 'option columnMap', ignoreUnknownColumns: 'option ignoreUnknownColumns' } as const;

export interface ColumnMapping {
	/** Source header → canonical column, for every header that is used. */
	columns: Map<string, PlanColumn>;
	/** Canonical columns present, in canonical order. */
	present: PlanColumn[];
	issues: PlanIssue[];
}

/** Headers of all rows, in order of first appearance (items from n8n need not share keys). */
export function collectHeaders(rows: readonly PlanRow[]): string[] {
	const seen = new Set<string>();
	for (const row of rows) for (const h of Object.keys(row)) seen.add(h);
	return [...seen];
}

/**
 * Maps source headers to columns. `columnMap` (keys matched exactly, then like headers) wins over aliases;
 * a null target ignores the column. Unknown headers are issues unless `ignoreUnknown`.
 */
export function mapColumns(
	headers: readonly string[],
	columnMap: Record<string, string | null> = {},
	ignoreUnknown = false,
): ColumnMapping {
	const issues: PlanIssue[] = [];
	const columns = new Map<string, PlanColumn>();
	const exactMap = new Map<string, PlanColumn | null>();
	const userMap = new Map<string, PlanColumn | null>();
	for (const [from, to] of Object.entries(columnMap)) {
		if (to !== null && canonicalColumn(to) === null) {
			issues.push({
				row: 1,
				column: from,
				value: to,
				code: 'INVALID_COLUMN_MAP',
				message: `Column "${from}" is mapped to "${to}", which is not a plan column (${PLAN_COLUMNS.join(', ')}).`,
			});
			continue;
		}
		exactMap.set(from, to === null ? null : canonicalColumn(to));
		userMap.set(normalizeHeader(from), to === null ? null : canonicalColumn(to));
	}
	const sourceOf = new Map<PlanColumn, string>();
	for (const header of headers) {
		const mapped = exactMap.has(header) ? exactMap.get(header) : userMap.get(normalizeHeader(header));
		if (mapped === null) continue;
		const column = mapped !== undefined ? mapped : canonicalColumn(header);
		if (column === null) {
			if (!ignoreUnknown && normalizeHeader(header) !== '') {
				issues.push({
					row: 1,
					column: header,
					value: header,
					code: 'UNKNOWN_COLUMN',
					message: `Column "${header}" is not a plan column${columnHint(header)}; map it to one of ${PLAN_COLUMNS.join(', ')} (${MAPPING_OPTIONS.columnMap}) or ignore it (${MAPPING_OPTIONS.ignoreUnknownColumns}).`,
				});
			}
			continue;
		}
		const previous = sourceOf.get(column);
		if (previous !== undefined) {
			issues.push({
				row: 1,
				column: header,
				value: header,
				code: 'DUPLICATE_COLUMN',
				message: `Columns "${previous}" and "${header}" both mean "${column}"; keep one, or map or ignore the other.`,
			});
			continue;
		}
		sourceOf.set(column, header);
		columns.set(header, column);
	}
	const present = PLAN_COLUMNS.filter((c) => sourceOf.has(c));
	return { columns, present, issues };
}

/**
 * A row's spreadsheet number, when its source knows it better than its position (parseCsv skips blank
 * lines but keeps the numbers a spreadsheet shows). A symbol, so it never shows up as a column.
 */
export const ROW_NUMBER: unique symbol = Symbol.for('n8n-nodes-territory-planning.rowNumber');

/** Spreadsheet row number of rows[index]: its ROW_NUMBER, or index + 2 (header = 1). */
export function rowNumberOf(row: PlanRow, index: number): number {
	const n = (row as Record<symbol, unknown>)[ROW_NUMBER];
	return typeof n === 'number' ? n : index + 2;
}
