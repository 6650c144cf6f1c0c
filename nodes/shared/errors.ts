import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

/**
 * An engine call failed as a whole (no connection, rejected credentials, unknown model). With
 * "Continue On Fail" the workflow goes on with one item carrying the message; otherwise the node stops.
 */
export function engineFailure(ctx: IExecuteFunctions, error: unknown): INodeExecutionData[][] {
	if (ctx.continueOnFail()) return [[{ json: { error: (error as Error).message }, pairedItem: { item: 0 } }]];
	throw new NodeOperationError(ctx.getNode(), error as Error);
}
