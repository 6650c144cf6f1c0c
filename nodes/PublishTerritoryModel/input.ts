import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import type { PlanRow } from '../../lib';

/** The plan from the node's input: every item is one row, or one item carries the CSV file. */
export async function readPlanInput(ctx: IExecuteFunctions): Promise<{ rows: PlanRow[] } | { csv: string }> {
	const source = ctx.getNodeParameter('source', 0) as 'items' | 'binary';
	const items = ctx.getInputData();
	if (source === 'binary') {
		const property = ctx.getNodeParameter('binaryPropertyName', 0) as string;
		if (!items[0]?.binary?.[property]) {
			throw new NodeOperationError(ctx.getNode(), `No binary property '${property}' on the first input item`, {
				description: 'Read the CSV file with a Read/Write Files from Disk or HTTP Request node first, or choose Input Items',
			});
		}
		const buffer = await ctx.helpers.getBinaryDataBuffer(0, property);
		return { csv: buffer.toString('utf8') };
	}
	return { rows: items.map((item) => item.json as PlanRow) };
}
