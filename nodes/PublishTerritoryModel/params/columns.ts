/**
 * Options → Column Names: which header of the plan means which plan column, for a CSV file's headers and
 * for the input items' field names alike (the engine's columnMap).
 *
 * Why a fixedCollection of header → column pairs and not n8n's resource mapper: the resource mapper maps
 * item fields only (it never sees a CSV file's headers, so the CSV source would need a second UI), it
 * evaluates an expression per column per item (slow at thousands of rows), and a column it shows but
 * leaves blank arrives as an empty value, which the plan reads as "clear this field" rather than "not
 * managed" (docs/plan-format.md, absent vs empty). Pairs keep one mechanism for both sources, keep the
 * synonyms and "did you mean" of lib/plan/columns.ts, and let a header be ignored on purpose.
 */
import type { INodeProperties } from 'n8n-workflow';
import { MAPPING_OPTIONS, PLAN_COLUMNS, type PlanIssue, type PublishResult } from '../../../lib';

/** The Plan Column value that ignores the header (the engine's columnMap null). */
const IGNORE = '__ignore__';

export const columnNames: INodeProperties = {
	displayName: 'Column Names',
	name: 'columnNames',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Column Name',
	default: {},
	description:
		'Headers of your sheet or CSV file (or field names of the input items) that mean a plan column. Common synonyms such as Zip or Territory Name need no mapping (see the plan format).',
	options: [
		{
			displayName: 'Column',
			name: 'column',
			values: [
				{
					displayName: 'Header',
					name: 'header',
					type: 'string',
					default: '',
					placeholder: 'Sales Region',
					description: 'The header as it is written in the sheet or file (case, spaces and underscores do not matter)',
				},
				{
					displayName: 'Plan Column',
					name: 'planColumn',
					type: 'options',
					options: [
						...[...PLAN_COLUMNS].sort().map((column) => ({ name: column, value: column })),
						{ name: 'Ignore This Column', value: IGNORE },
					],
					// The options come from PLAN_COLUMNS, which the rule cannot read; Territory is one of them.
					// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options
					default: 'Territory',
				},
			],
		},
	],
};

export interface ColumnNamesValue {
	column?: { header?: string; planColumn?: string }[];
}

/** The pairs as the engine's columnMap (header → plan column, null to ignore); undefined when none. */
export function toColumnMap(value: ColumnNamesValue | undefined): Record<string, string | null> | undefined {
	const pairs = (value?.column ?? []).filter((pair) => (pair.header ?? '').trim() !== '');
	if (pairs.length === 0) return undefined;
	return Object.fromEntries(pairs.map((pair) => [pair.header as string, pair.planColumn === IGNORE ? null : (pair.planColumn ?? null)]));
}

/**
 * Takes Column Names out of the node's Options (the engine has no option of that name) and returns it as
 * columnMap.
 */
export function takeColumnMap(options: { columnNames?: ColumnNamesValue }): Record<string, string | null> | undefined {
	const map = toColumnMap(options.columnNames);
	delete options.columnNames;
	return map;
}

/** An unknown column's issue names the node's options that fix it, not the API's. */
export function inNodeTerms<T extends PublishResult>(result: T): T {
	return {
		...result,
		issues: result.issues.map(withNodeOptionNames),
		// The grouped lines are what the error shows first: they speak the node's words too.
		...(result.issueGroups
			? { issueGroups: result.issueGroups.map((g) => ({ ...g, message: withNodeOptionNames({ ...g.issues[0], message: g.message }).message, issues: g.issues.map(withNodeOptionNames) })) }
			: {}),
	};
}

function withNodeOptionNames(issue: PlanIssue): PlanIssue {
	if (issue.code !== 'UNKNOWN_COLUMN') return issue;
	const message = issue.message
		.replace(MAPPING_OPTIONS.columnMap, 'Options → Column Names')
		.replace(MAPPING_OPTIONS.ignoreUnknownColumns, 'Options → Ignore Unknown Columns');
	return { ...issue, message };
}
