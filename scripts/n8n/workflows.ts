/**
 * Workflow files and the sandbox credential as a real n8n gets them: file paths of examples/ moved to
 * the run's files folder, and one credential under a fixed id and name (README: "Workflow files")
 * so any workflow file can refer to it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Sandbox } from '../../sandbox';
import { EXAMPLE_FILES_DIR, PACKAGE_NAME, type N8nCredential } from './instance';

/** The sandbox org's credential in every real-n8n run: refer to it by this id or this name. */
export const SANDBOX_CREDENTIAL = { id: 'tpSandboxCredential', name: 'Salesforce Territory Planning account', type: 'salesforceTerritoryApi' } as const;
/** The plan file workflows read (`/home/node/.n8n-files/plan.csv`): the sample plan, or `--input`. */
export const PLAN_FILE = 'plan.csv';

export function sandboxCredential(sandbox: Sandbox): N8nCredential {
	const { authType, loginUrl, clientId, clientSecret, username, password } = sandbox.passwordLogin();
	return { ...SANDBOX_CREDENTIAL, data: { authType, environment: 'custom', loginUrl, clientId, clientSecret, username, password } };
}

export interface WorkflowFile {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters?: Record<string, unknown>; disabled?: boolean }>;
	[key: string]: unknown;
}

const PUBLISH_NODE_TYPE = `${PACKAGE_NAME}.publishTerritoryModel`;

/** The workflow's Publish Territory Model nodes. */
export function publishNodes(workflow: Pick<WorkflowFile, 'nodes'>): WorkflowFile['nodes'] {
	return workflow.nodes.filter((node) => node.type === PUBLISH_NODE_TYPE);
}

export interface PrepareOptions {
	/** Top-level fields to replace, e.g. pinData. */
	overrides?: Partial<WorkflowFile>;
	/**
	 * 'write': every Publish node in Dry Run (the node's default) writes instead. The shipped examples
	 * run dry (examples/README.md, "Dry run first"); the demo and the tests that check what a publish
	 * created ask for the write here, so the files stay as users should get them. A Publish that applies
	 * a reviewed change set keeps its mode: it writes already, after the approval.
	 */
	publishMode?: 'write';
}

function switchDryRunsToWrite(workflow: WorkflowFile, file: string): void {
	const dryRuns = publishNodes(workflow).filter((node) => (node.parameters?.mode ?? 'dryRun') === 'dryRun');
	// Asked for a write that cannot happen: say so rather than run a workflow that writes nothing.
	if (!dryRuns.length) throw new Error(`${file} has no Publish Territory Model node in Dry Run mode to switch to Write to Salesforce`);
	for (const node of dryRuns) node.parameters = { ...node.parameters, mode: 'write' };
}

/**
 * Writes a copy of a workflow file into `outFolder` with its file paths in `filesDir` and the options
 * applied; a workflow without an id gets one (n8n executes workflows by id).
 */
export function prepareWorkflow(file: string, filesDir: string, outFolder: string, options: PrepareOptions = {}): WorkflowFile {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new Error(`Cannot read the workflow file ${file}: ${(error as Error).message}`);
	}
	text = text.split(EXAMPLE_FILES_DIR).join(`${filesDir.replace(/\/+$/, '')}/`);
	let workflow: WorkflowFile;
	try {
		workflow = JSON.parse(text) as WorkflowFile;
	} catch (error) {
		throw new Error(`${file} is not JSON: ${(error as Error).message}`);
	}
	if (!workflow || typeof workflow !== 'object' || !Array.isArray(workflow.nodes)) {
		throw new Error(`${file} is not an n8n workflow (no "nodes" array): export it from n8n with Download, or copy one from examples/`);
	}
	Object.assign(workflow, options.overrides);
	if (options.publishMode === 'write') switchDryRunsToWrite(workflow, file);
	// n8n takes ids of up to 21 characters as workflow ids (isWorkflowIdValid).
	workflow.id ||= `tpRun${Date.now().toString(36)}`;
	workflow.name ||= path.basename(file, '.json');
	mkdirSync(outFolder, { recursive: true });
	writeFileSync(path.join(outFolder, `${workflow.id}.json`), JSON.stringify(workflow, null, '\t'));
	return workflow;
}
