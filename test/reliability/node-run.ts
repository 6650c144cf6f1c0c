/**
 * The Publish node as a user's workflow runs it (n8n-core in-process, test/helpers/n8n.ts), for the
 * reliability scenarios: credentials of each auth flow against a sandbox org, and a run's outcome in the
 * shape a user sees it (the node's output items, or the error it stopped with and its description).
 */
import type { IDataObject } from 'n8n-workflow';
import type { PlanRow } from '../../lib/plan/types';
import { linearWorkflow, runWorkflow } from '../helpers/n8n';
import { publishNode } from '../helpers/nodes';
export { nodeCredentials, type NodeAuth } from '../helpers/n8n';

export interface NodeOutcome {
	/** The node's output items (one per plan row), when it did not stop. */
	rows: IDataObject[];
	/** What the user sees when the node stops: the error and its description. */
	error: { message: string; description: string } | null;
}

export async function runPublishNode(
	rows: PlanRow[],
	developerName: string,
	credentials: Record<string, Record<string, string>>,
	method?: string,
): Promise<NodeOutcome> {
	// A real (not dry) run to the model, every outcome as an item.
	const node = publishNode({ model: developerName, parameters: { method: method ?? 'overwriteMatching', mode: 'write', ifModelMissing: 'create', output: 'rows' } });
	const run = await runWorkflow(linearWorkflow({ items: rows as IDataObject[] }, node), credentials);
	const error = run.error('Publish');
	return {
		rows: run.output('Publish').map((i) => i.json),
		error: error ? { message: error.message, description: String(error.description ?? '') } : null,
	};
}
