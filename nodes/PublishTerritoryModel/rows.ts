/**
 * Output = One Item per Plan Row: each item is one row's outcome, shaped to be written back next to the
 * row it came from (a Google Sheets "Update Row" node matching on row_number, or on Key).
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import type { PublishResult, RowOutcome } from '../../lib';
import { SHEETS_ROW_NUMBER, type PlanInput } from './input';

/**
 * One item per row outcome, paired with its input item. `outcome` is the engine's status (created,
 * updated, unchanged, deleted, failed, skipped; a dry run's planned) and `action` what the row's territory
 * gets or would get; `status` is the same as `outcome`, kept for workflows written before `outcome`.
 *
 * Under "Continue (using error output)" a failed row goes to the error output: n8n sends there the items
 * whose JSON holds only error, message and details, and merges the input item (the sheet's row and its
 * row_number) into each (n8n-core WorkflowExecute.handleNodeErrorOutput; an item's own `error` property
 * would not do: n8n replaces such an item's JSON with the error message alone, normalizeNodeErrors).
 */
export function toRowItems(result: PublishResult, input: PlanInput, node: INode): INodeExecutionData[] {
	const toErrorOutput = node.onError === 'continueErrorOutput';
	return result.rows.map((row) => {
		const sheetRow = row.row > 0 ? input.sheetRowOf(row.row) : undefined;
		const outcome: IDataObject = { ...(sheetRow !== undefined ? { [SHEETS_ROW_NUMBER]: sheetRow } : {}), ...rowJson(row) };
		const pairedItem = { item: input.itemOfRow(row.row) };
		if (toErrorOutput && row.status === 'failed') {
			const error = `${row.row ? `Row ${row.row}` : 'Model'} (${row.key}): ${row.message ?? 'failed'}`;
			return { json: { error, message: row.message ?? null, details: outcome }, pairedItem };
		}
		return { json: outcome, pairedItem };
	});
}

function rowJson(row: RowOutcome): IDataObject {
	return {
		row: row.row,
		key: row.key,
		territory: row.territory,
		outcome: row.status,
		status: row.status,
		action: row.action ?? null,
		territoryId: row.ids?.territory ?? null,
		ruleIds: row.ids?.rules ?? [],
		userAssignmentIds: row.ids?.userAssignments ?? [],
		accountAssignmentIds: row.ids?.accountAssignments ?? [],
		errorCode: row.errorCode ?? null,
		message: row.message ?? null,
		changes: row.changes as unknown as IDataObject[],
	};
}
