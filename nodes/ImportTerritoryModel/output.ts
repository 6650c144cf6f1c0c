import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { ImportResult } from '../../lib';
import { calledAsTool, compactItem, csvBytes, TOOL_ROWS, type ImportNodeOptions } from './options';

/** One import's output items: the rows, the CSV file, or (an AI tool's call, or asked) one compact item. */
export async function importOutput(ctx: IExecuteFunctions, result: ImportResult, i: number): Promise<INodeExecutionData[]> {
	// What the table cannot carry (hand-made rules kept in the org) is shown beside the output.
	const notes = result.notes.map((note) => ({ message: `${note.key}: ${note.message}`, type: 'warning' as const, location: 'outputPane' as const }));
	if (notes.length) ctx.addExecutionHints(...notes);

	const options = ctx.getNodeParameter('options', i, {}) as ImportNodeOptions;
	const limit = options.maxRows && options.maxRows > 0 ? options.maxRows : undefined;
	const size = options.outputSize ?? 'auto';
	if (size === 'compact' || (size === 'auto' && calledAsTool(ctx))) return [compactItem(result, limit ?? TOOL_ROWS, i)];

	if (ctx.getNodeParameter('output', i) === 'binary') {
		const fileName = ctx.getNodeParameter('fileName', i) as string;
		const property = ctx.getNodeParameter('binaryPropertyName', i) as string;
		const binary = await ctx.helpers.prepareBinaryData(csvBytes(result.csv, options.csvBom ?? false), fileName, 'text/csv');
		const json = { ...result.summary, notes: result.notes } as unknown as IDataObject;
		return [{ json, binary: { [property]: binary }, pairedItem: { item: i } }];
	}
	return result.rows.slice(0, limit).map((row) => ({ json: row as IDataObject, pairedItem: { item: i } }));
}
