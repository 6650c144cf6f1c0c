import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import { decodeCsvBytes, ROW_NUMBER, rowNumberOf, type PlanRow } from '../../lib';

/** Google Sheets' "Get Row(s)" adds the sheet's own row number to every item. */
const SHEETS_ROW_NUMBER = 'row_number';

export interface PlanInput {
	plan: { rows: PlanRow[] } | { csv: string };
	/** The input item a plan row came from (for n8n's item pairing); a CSV file is all one item. */
	itemOfRow: (row: number) => number;
}

/** The plan from the node's input: every item is one row, or one item carries the CSV file. */
export async function readPlanInput(ctx: IExecuteFunctions): Promise<PlanInput> {
	const source = ctx.getNodeParameter('source', 0) as 'items' | 'binary';
	const items = ctx.getInputData();
	if (source === 'binary') {
		const property = ctx.getNodeParameter('binaryPropertyName', 0) as string;
		if (!items[0]?.binary?.[property]) {
			throw new NodeOperationError(ctx.getNode(), `No binary property '${property}' on the first input item`, {
				description: 'Read the CSV file with a Read/Write Files from Disk or HTTP Request node first, or choose Input Items',
			});
		}
		const withFile = items.filter((item) => item.binary?.[property]).length;
		if (withFile > 1) {
			// One run publishes one plan: silently using the first of several files would drop the others.
			throw new NodeOperationError(ctx.getNode(), `${withFile} input items carry a '${property}' file; one plan file is published per run`, {
				description: 'Merge the files first (for example Extract from File, then Aggregate), or publish each one in a loop',
			});
		}
		const buffer = await ctx.helpers.getBinaryDataBuffer(0, property);
		// Excel's plain "CSV" is Windows-1252, not UTF-8: decoded by what the bytes are, not assumed.
		return { plan: { csv: decodeCsvBytes(buffer) }, itemOfRow: () => 0 };
	}
	const rows = items.map((item) => toPlanRow(item.json as PlanRow));
	const itemByRow = new Map(rows.map((row, index) => [rowNumberOf(row, index), index]));
	return { plan: { rows }, itemOfRow: (row) => itemByRow.get(row) ?? 0 };
}

/**
 * Rows from Google Sheets carry the sheet's row number: errors then name the row the user sees in the
 * sheet, and the column is not mistaken for a plan column.
 */
function toPlanRow(json: PlanRow): PlanRow {
	const sheetRow = Number(json[SHEETS_ROW_NUMBER]);
	if (!(SHEETS_ROW_NUMBER in json) || !Number.isInteger(sheetRow)) return json;
	const row: PlanRow = { ...json };
	delete row[SHEETS_ROW_NUMBER];
	Object.defineProperty(row, ROW_NUMBER, { value: sheetRow, enumerable: false });
	return row;
}
