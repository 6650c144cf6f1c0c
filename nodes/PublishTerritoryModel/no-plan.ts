import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/**
 * A plan that never arrived: no input items, or only empty ones (a file node pointed at a path that does
 * not exist returns nothing; a trigger straight into Publish gives one empty item). Said as such, instead
 * of the engine's "the plan has no territories" or a run that ends "successfully" with nothing published.
 */
export function assertPlanArrived(ctx: IExecuteFunctions): void {
	const items = ctx.getInputData();
	const empty = items.every((item) => Object.keys(item.json ?? {}).length === 0 && Object.keys(item.binary ?? {}).length === 0);
	if (!empty) return;
	const what = items.length === 0 ? 'returned nothing' : `returned only ${items.length === 1 ? 'an empty item' : `${items.length} empty items`}`;
	throw new NodeOperationError(ctx.getNode(), `No plan rows arrived: the node before Publish ${what}`, {
		description:
			'Check the file path of the node that reads the plan (in n8n 2.x, Read/Write Files from Disk reads only from its files folder, /home/node/.n8n-files in the Docker image, or N8N_RESTRICT_FILE_ACCESS_TO), that the sheet or query returns rows, and that the node before Publish is the one that reads the plan. Nothing was written.',
	});
}
