/**
 * Options → Change Report: the summary item carries the change as an HTML page (binary `report`, readable
 * in n8n's binary viewer or a browser, to attach to an approval message) and the row outcomes as CSV
 * (binary `outcomes`), on dry runs and publishes alike.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { renderChangeReport, rowOutcomesCsv, type PublishResult } from '../../../lib';

export const changeReportOption: INodeProperties = {
	displayName: 'Change Report',
	name: 'changeReport',
	type: 'boolean',
	default: false,
	displayOptions: { show: { '/output': ['summary'] } },
	description:
		'Whether to add the change as an HTML page (binary "report": the hierarchy as a tree, each territory marked created, updated, moved, deleted or unchanged) and the row outcomes as CSV (binary "outcomes") to the summary item',
};

/**
 * Reads the option and takes it out of the options the engine gets (publishPlan refuses unknown ones).
 * It applies to the summary item only: an option set before Output was switched to rows is ignored.
 */
export function takeChangeReportOption(options: object, ctx: IExecuteFunctions): boolean {
	const bag = options as { changeReport?: unknown };
	const wanted = bag.changeReport === true;
	delete bag.changeReport;
	return wanted && ctx.getNodeParameter('output', 0) === 'summary';
}

/** A model's DeveloperName is already a safe file name; anything else is reduced to one. */
function fileStem(result: PublishResult): string {
	const name = result.summary.model.developerName.replace(/[^A-Za-z0-9_-]+/g, '_');
	return name || 'territory-model';
}

/** Adds `report` (text/html) and `outcomes` (text/csv) to the summary item. */
export async function attachChangeReport(ctx: IExecuteFunctions, item: INodeExecutionData | undefined, result: PublishResult): Promise<void> {
	if (!item) return;
	const stem = fileStem(result);
	const [report, outcomes] = await Promise.all([
		ctx.helpers.prepareBinaryData(Buffer.from(renderChangeReport(result), 'utf8'), `${stem}-change-report.html`, 'text/html'),
		ctx.helpers.prepareBinaryData(Buffer.from(rowOutcomesCsv(result), 'utf8'), `${stem}-row-outcomes.csv`, 'text/csv'),
	]);
	item.binary = { ...item.binary, report, outcomes };
}
