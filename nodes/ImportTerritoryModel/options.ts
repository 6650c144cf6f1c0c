import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { ImportResult } from '../../lib';

/** Rows an AI agent gets by default: enough to see the model's shape, small enough for its context. */
export const TOOL_ROWS = 20;

export interface ImportNodeOptions {
	csvBom?: boolean;
	maxRows?: number;
	outputSize?: 'auto' | 'full' | 'compact';
}

/** Import's Options collection (one line in the node's properties). */
export const importOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'CSV with UTF-8 Byte Order Mark',
			name: 'csvBom',
			type: 'boolean',
			default: false,
			displayOptions: { show: { '/output': ['binary'] } },
			description:
				'Whether to start the CSV file with a UTF-8 byte order mark, so that Excel opens it as UTF-8 and accents (Île-de-France, München) survive. Publish reads the file either way.',
		},
		{
			displayName: 'Output Size',
			name: 'outputSize',
			type: 'options',
			options: [
				{
					name: 'Auto',
					value: 'auto',
					description: 'Compact when an AI agent calls the node as a tool, full otherwise',
				},
				{ name: 'Full', value: 'full', description: 'Every territory row (and the CSV file when asked)' },
				{
					name: 'Compact',
					value: 'compact',
					description: `One item: the summary and the first rows (${TOOL_ROWS} unless Row Limit says otherwise)`,
				},
			],
			default: 'auto',
		},
		{
			displayName: 'Row Limit',
			name: 'maxRows',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			description:
				'Most territory rows to output as items (0: all). The CSV file always holds the whole model or scope, so that it publishes back without deleting what was left out.',
		},
	],
};

/**
 * Called by an AI agent: a tool node's type ends in "Tool" (n8n wraps usableAsTool nodes as
 * "<name>Tool", n8n-workflow isToolType), or the context says so (isToolExecution).
 */
export function calledAsTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool') || (typeof ctx.isToolExecution === 'function' && ctx.isToolExecution());
}

/** The summary and the first rows in one item: what an agent (or a quick look) needs. */
export function compactItem(result: ImportResult, limit: number, item: number): INodeExecutionData {
	const rows = result.rows.slice(0, limit);
	return {
		json: {
			...result.summary,
			notes: result.notes,
			rows,
			rowsShown: rows.length,
			rowsOmitted: result.rows.length - rows.length,
		} as unknown as IDataObject,
		pairedItem: { item },
	};
}

/** The CSV text as file bytes, with a UTF-8 byte order mark when asked (Excel reads BOM-less CSV as the system code page). */
export function csvBytes(csv: string, bom: boolean): Buffer {
	return Buffer.from(bom ? `\uFEFF${csv}` : csv, 'utf8');
}
