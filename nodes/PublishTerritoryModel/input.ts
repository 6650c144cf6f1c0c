import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { decodeCsvBytes, mapColumns, ROW_NUMBER, rowNumberOf, type PlanRow } from '../../lib';
import { toColumnMap, type ColumnNamesValue } from './params/columns';

/** Google Sheets' "Get Row(s)" adds the sheet's own row number to every item. */
export const SHEETS_ROW_NUMBER = 'row_number';

export interface PlanInput {
	plan: { rows: PlanRow[] } | { csv: string };
	/** The input item a plan row came from (for n8n's item pairing); a CSV file is all one item. */
	itemOfRow: (row: number) => number;
	/** How many input items the plan came from (a summary is paired with each of them). */
	itemCount: number;
	/** The Google Sheets row_number of the item a plan row came from, when it carried one. */
	sheetRowOf: (row: number) => number | undefined;
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
		return readFile(ctx, items, 0, property);
	}
	const columnMap = toColumnMap(ctx.getNodeParameter('options.columnNames', 0, {}) as ColumnNamesValue) ?? {};
	if (items.length > 0 && items.every((item) => carriesFileNotRow(item, columnMap))) {
		return readFileOfItems(ctx, items);
	}
	const rows = items.map((item) => toPlanRow(item.json as PlanRow));
	const itemByRow = new Map(rows.map((row, index) => [rowNumberOf(row, index), index]));
	return {
		plan: { rows },
		itemOfRow: (row) => itemByRow.get(row) ?? 0,
		itemCount: items.length,
		sheetRowOf: (row) => {
			const index = itemByRow.get(row);
			return index === undefined ? undefined : sheetRowNumber(items[index].json as PlanRow);
		},
	};
}

async function readFile(ctx: IExecuteFunctions, items: INodeExecutionData[], index: number, property: string): Promise<PlanInput> {
	const buffer = await ctx.helpers.getBinaryDataBuffer(index, property);
	// Excel's plain "CSV" is Windows-1252, not UTF-8: decoded by what the bytes are, not assumed.
	return { plan: { csv: decodeCsvBytes(buffer) }, itemOfRow: () => index, itemCount: items.length, sheetRowOf: () => undefined };
}

/** File types that are spreadsheets, not CSV: read as text they would be nothing but unknown columns. */
const SPREADSHEET = /\.(xlsx|xlsm|xls|ods|numbers)$|spreadsheetml|ms-excel|opendocument\.spreadsheet/i;

/**
 * Plan Source is Input Items, but the items carry a file and no plan row (a Read Files, HTTP Request or
 * Google Drive node before Publish): one item's CSV file is read as Plan Source = CSV File would read it;
 * anything else is one line saying what to change, never the file's metadata reported as unknown columns.
 */
async function readFileOfItems(ctx: IExecuteFunctions, items: INodeExecutionData[]): Promise<PlanInput> {
	const switchSource = 'set Plan Source to CSV File (Binary Property)';
	if (items.length > 1) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The ${items.length} input items carry files, not plan rows: ${switchSource} and merge the files into one first, or publish each one in a loop`,
		);
	}
	const properties = Object.keys(items[0].binary ?? {});
	const property = properties.length === 1 ? properties[0] : properties.includes('data') ? 'data' : null;
	if (property === null) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The input item carries files (${properties.join(', ')}), not plan rows: ${switchSource} and name the one that holds the plan`,
		);
	}
	const file = items[0].binary?.[property];
	const fileName = file?.fileName ?? property;
	if (SPREADSHEET.test(`${file?.fileName ?? ''} ${file?.mimeType ?? ''}`)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The input item carries the spreadsheet file ${fileName}, not plan rows: add an Extract from File node (From XLSX) before Publish, or save the sheet as CSV`,
		);
	}
	ctx.addExecutionHints({
		message: `The plan was read from the file ${fileName} the input item carries; ${switchSource} to say so`,
		type: 'info',
		location: 'outputPane',
	});
	return readFile(ctx, items, 0, property);
}

/**
 * An item with a file and no plan column: its fields are the file's metadata (mimeType, fileName,
 * fileSize…). A field holding the file's own name (the "name" of Google Drive and other storage nodes,
 * which would read as the Territory column) is metadata too.
 */
function carriesFileNotRow(item: INodeExecutionData, columnMap: Record<string, string | null>): boolean {
	const files = Object.values(item.binary ?? {});
	if (files.length === 0) return false;
	const fileNames = new Set(files.map((file) => file.fileName).filter((name): name is string => !!name));
	const headers = Object.entries(item.json)
		.filter(([key, value]) => key !== SHEETS_ROW_NUMBER && !(typeof value === 'string' && fileNames.has(value)))
		.map(([key]) => key);
	return mapColumns(headers, columnMap, true).present.length === 0;
}

function sheetRowNumber(json: PlanRow): number | undefined {
	const sheetRow = Number(json[SHEETS_ROW_NUMBER]);
	return SHEETS_ROW_NUMBER in json && Number.isInteger(sheetRow) ? sheetRow : undefined;
}

/**
 * Rows from Google Sheets carry the sheet's row number: errors then name the row the user sees in the
 * sheet, and the column is not mistaken for a plan column (the outcome items carry it back).
 */
function toPlanRow(json: PlanRow): PlanRow {
	const sheetRow = sheetRowNumber(json);
	if (sheetRow === undefined) return json;
	const row: PlanRow = { ...json };
	delete row[SHEETS_ROW_NUMBER];
	Object.defineProperty(row, ROW_NUMBER, { value: sheetRow, enumerable: false });
	return row;
}
