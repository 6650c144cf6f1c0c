/**
 * The shipped example workflows as a user imports them: every Publish runs dry unless it is the step
 * after an approval, says how to switch to Write to Salesforce, and a file node that reads a plan says
 * where to put the file and lets an empty read reach Publish (issue 9: a file path that exists only in
 * n8n's Docker image made the CSV example end "successfully" with nothing published).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { publishNodes, type WorkflowFile } from '../../scripts/n8n/workflows';

const examples = path.resolve(__dirname, '..', '..', 'examples');
const files = readdirSync(examples).filter((name) => name.endsWith('.json'));

type Node = WorkflowFile['nodes'][number] & { notes?: string; alwaysOutputData?: boolean };
interface Example {
	nodes: Node[];
	connections: Record<string, { main?: Array<Array<{ node: string }> | null> }>;
}

const load = (file: string) => JSON.parse(readFileSync(path.join(examples, file), 'utf8')) as Example;

/** The names of the nodes with a connection into `name`. */
function parents(workflow: Example, name: string): string[] {
	return Object.entries(workflow.connections)
		.filter(([, outputs]) => (outputs.main ?? []).some((targets) => (targets ?? []).some((target) => target.node === name)))
		.map(([from]) => from);
}

/** Every node upstream of `name` (its parents, theirs, …). */
function upstream(workflow: Example, name: string, seen = new Set<string>()): Set<string> {
	for (const parent of parents(workflow, name)) {
		if (seen.has(parent)) continue;
		seen.add(parent);
		upstream(workflow, parent, seen);
	}
	return seen;
}

/** A human approval: a "send and wait for approval" step (Slack, Gmail, …: operation sendAndWait). */
const isApproval = (node: Node) => node.parameters?.operation === 'sendAndWait';

/** Everything a user reads on the canvas about a node: its notes and the sticky notes. */
const canvasText = (workflow: Example, node: Node) =>
	[node.notes ?? '', ...workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters?.content ?? ''))].join('\n');

/**
 * The Read/Write Files nodes that read a plan for a Publish. n8n runs no node that gets no items, so
 * without Always Output Data a missing file would end the run "successfully" before Publish could say
 * "No plan rows arrived".
 */
function planReaders(workflow: Example): Node[] {
	const publishes = publishNodes(workflow as unknown as WorkflowFile).map((node) => node.name);
	return workflow.nodes.filter(
		(node) =>
			node.type === 'n8n-nodes-base.readWriteFile' &&
			node.parameters?.operation === 'read' &&
			publishes.some((name) => upstream(workflow, name).has(node.name)),
	);
}

const reading = files.filter((file) => planReaders(load(file)).length > 0);
const publishing = files.filter((file) => publishNodes(load(file) as unknown as WorkflowFile).length > 0);
/**
 * The examples whose job is to write (they did until issue 9): shipped dry, with the switch explained.
 * The others stay dry for good (drift-check, publish-items-dry-run) or write after an approval.
 */
const WRITE_ONCE_CHECKED = ['publish-csv-plan.json', 'copy-model.json', 'crm-territories-publish.json'];

describe('the shipped example workflows', () => {
	it('include the ones that publish', () => {
		expect(publishing).toEqual(expect.arrayContaining([...WRITE_ONCE_CHECKED, 'sheet-approval-publish.json']));
		expect(reading).toEqual(['drift-check.json', 'publish-csv-plan.json']);
	});

	it.each(publishing)('%s: every Publish runs dry, or applies a reviewed change set after an approval', (file) => {
		const workflow = load(file);
		for (const node of publishNodes(workflow as unknown as WorkflowFile) as Node[]) {
			const mode = node.parameters?.mode;
			if (mode === 'applyReview') {
				const approvals = [...upstream(workflow, node.name)].filter((name) => isApproval(workflow.nodes.find((n) => n.name === name) as Node));
				expect({ node: node.name, approvals: approvals.length > 0 }).toEqual({ node: node.name, approvals: true });
			} else {
				// Explicit, not left to the parameter's default: the file says what it does.
				expect({ node: node.name, mode }).toEqual({ node: node.name, mode: 'dryRun' });
			}
		}
	});

	it.each(WRITE_ONCE_CHECKED)('%s: its Publish says how to switch to Write to Salesforce once the dry run looks right', (file) => {
		const workflow = load(file);
		for (const node of publishNodes(workflow as unknown as WorkflowFile) as Node[]) {
			expect({ node: node.name, text: canvasText(workflow, node) }).toEqual({ node: node.name, text: expect.stringMatching(/Write to Salesforce/) });
		}
	});

	it.each(reading)('%s: its file node that reads the plan says where the file goes and passes an empty read on to Publish', (file) => {
		const workflow = load(file);
		for (const reader of planReaders(workflow)) {
			expect({ node: reader.name, alwaysOutputData: reader.alwaysOutputData }).toEqual({ node: reader.name, alwaysOutputData: true });
			const text = canvasText(workflow, reader);
			for (const words of [/\/home\/node\/\.n8n-files/, /~\/\.n8n-files/, /N8N_RESTRICT_FILE_ACCESS_TO/, /plan\.csv/]) {
				expect({ node: reader.name, text }).toEqual({ node: reader.name, text: expect.stringMatching(words) });
			}
		}
	});
});
