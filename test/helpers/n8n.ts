/**
 * Runs real n8n workflows in-process (n8n-core's WorkflowExecute + n8n-workflow), the way n8n's own
 * nodes-testing harness does, with our two nodes, the credential, and two small stand-ins: a manual
 * trigger and a node that emits given items or a CSV file as binary data.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// InstanceSettings reads the user folder when n8n-core is first used: give it a throwaway one.
process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'n8n-user-'));

import { Container } from '@n8n/di';
import { BinaryDataService, ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type ITriggerFunctions,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type IConnections,
} from 'n8n-workflow';
import type { Sandbox } from '../../sandbox';
import { SalesforceTerritoryApi } from '../../credentials/SalesforceTerritoryApi.credentials';
import { SalesforceTerritoryOAuth2Api } from '../../credentials/SalesforceTerritoryOAuth2Api.credentials';
import { ImportTerritoryModel } from '../../nodes/ImportTerritoryModel/ImportTerritoryModel.node';
import { PublishTerritoryModel } from '../../nodes/PublishTerritoryModel/PublishTerritoryModel.node';

export const PACKAGE = 'n8n-nodes-territory-planning';

class ManualTrigger implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow',
		defaults: { name: 'When clicking Execute' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async trigger(this: ITriggerFunctions) {
		const emit = () => this.emit([[{ json: {} }]]);
		return { manualTriggerFunction: async () => emit() };
	}
}

/**
 * Emits `items` (a JSON array) as items, or `csv` as a binary file (`fileName`, default plan.csv, and
 * `mimeType`) on `copies` items (1), each with `fileJson` as its JSON (the metadata file nodes put there).
 */
class EmitItems implements INodeType {
	description = {
		displayName: 'Emit Items',
		name: 'emitItems',
		group: ['transform'],
		version: 1,
		description: 'Test source',
		defaults: { name: 'Emit Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Items', name: 'items', type: 'json', default: '[]' },
			{ displayName: 'CSV', name: 'csv', type: 'string', default: '' },
			{ displayName: 'Copies', name: 'copies', type: 'number', default: 1 },
			{ displayName: 'File JSON', name: 'fileJson', type: 'json', default: '{}' },
			{ displayName: 'File Name', name: 'fileName', type: 'string', default: 'plan.csv' },
			{ displayName: 'MIME Type', name: 'mimeType', type: 'string', default: 'text/csv' },
		],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const csv = this.getNodeParameter('csv', 0) as string;
		if (csv) {
			const copies = this.getNodeParameter('copies', 0) as number;
			const fileJson = this.getNodeParameter('fileJson', 0, '{}') as string | IDataObject;
			const fileName = this.getNodeParameter('fileName', 0, 'plan.csv') as string;
			const mimeType = this.getNodeParameter('mimeType', 0, 'text/csv') as string;
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < copies; i++) {
				const binary = await this.helpers.prepareBinaryData(Buffer.from(csv, 'utf8'), fileName, mimeType);
				out.push({ json: typeof fileJson === 'string' ? (JSON.parse(fileJson) as IDataObject) : fileJson, binary: { data: binary } });
			}
			return [out];
		}
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

/** Hooks a test registers for Pass Through nodes to run (e.g. a change made in the org meanwhile). */
export const passThroughHooks = new Map<string, () => Promise<void>>();

/**
 * Passes its input items on, after running the hook its `hook` parameter names (if any): a stand-in
 * for a Slack or e-mail "send and wait for approval" step between a dry run and its apply.
 */
class PassThrough implements INodeType {
	description = {
		displayName: 'Pass Through',
		name: 'passThrough',
		group: ['transform'],
		version: 1,
		description: 'Test approval step',
		defaults: { name: 'Approve' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Hook', name: 'hook', type: 'string', default: '' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const hook = passThroughHooks.get(this.getNodeParameter('hook', 0) as string);
		if (hook) await hook();
		return [this.getInputData()];
	}
}

const NODE_TYPES: Record<string, INodeType> = {
	'test.passThrough': new PassThrough(),
	'n8n-nodes-base.manualTrigger': new ManualTrigger(),
	'test.emitItems': new EmitItems(),
	[`${PACKAGE}.publishTerritoryModel`]: new PublishTerritoryModel(),
	[`${PACKAGE}.importTerritoryModel`]: new ImportTerritoryModel(),
};

const nodeTypes: INodeTypes = {
	getByName: (type: string) => NODE_TYPES[type] as INodeType | IVersionedNodeType,
	getByNameAndVersion: (type: string, version?: number) =>
		NodeHelpers.getVersionedNodeType(NODE_TYPES[type] as INodeType | IVersionedNodeType, version),
	getKnownTypes: () => ({}),
};

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	salesforceTerritoryApi: new SalesforceTerritoryApi(),
	salesforceTerritoryOAuth2Api: new SalesforceTerritoryOAuth2Api(),
};

/**
 * Hands nodes the decrypted credential data given to the run (expressions already resolved). OAuth2 token
 * data that n8n's refresh writes back replaces `oauthTokenData` in that object, as n8n stores it.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}
	getParentTypes(type: string): string[] {
		return CREDENTIAL_TYPES[type]?.extends ?? [];
	}
	isCredentialUsableByNode(): boolean {
		return true;
	}
	async authenticate(_c: ICredentialDataDecryptedObject, _t: string, requestOptions: object) {
		return requestOptions as never;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these nodes');
	}
	async getDecrypted(_a: unknown, _n: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const found = this.data[type];
		if (!found) throw new Error(`No test credentials of type ${type}`);
		// A copy each time, as n8n decrypts a fresh one: what a node changes in it is not stored.
		return structuredClone(found);
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData(_n: unknown, type: string, data: ICredentialDataDecryptedObject) {
		this.data[type].oauthTokenData = structuredClone(data.oauthTokenData);
	}
	getCredentialsProperties(type: string): INodeProperties[] {
		return CREDENTIAL_TYPES[type]?.properties ?? [];
	}
}

let binaryReady: Promise<void> | undefined;
/** prepareBinaryData needs the binary data service; its config comes from the environment (default mode). */
function initBinaryData(): Promise<void> {
	binaryReady ??= Container.get(BinaryDataService).init();
	return binaryReady;
}

export interface WorkflowRun {
	run: IRun;
	/** Output items of a node (first output, first run). */
	output(nodeName: string): INodeExecutionData[];
	/** The error a node stopped with, if any. */
	error(nodeName: string): (Error & { description?: string }) | undefined;
}

/** Runs a workflow (nodes + connections, as in an exported workflow JSON) from its manual trigger. */
export async function runWorkflow(
	workflowData: { nodes: INode[]; connections: IConnections },
	credentials: Record<string, ICredentialDataDecryptedObject>,
	/** Gets the way to stop the execution as n8n's Stop button does (the nodes' cancel signal aborts). */
	control: { onStarted?: (cancel: () => void) => void } = {},
): Promise<WorkflowRun> {
	await initBinaryData();
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		nodeTypes,
		active: false,
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', { nodes: workflowData.nodes } as never);
	let resolveRun!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run: IRun) => resolveRun(run));

	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper(credentials),
		executionId: 'test-execution',
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		formWaitingBaseUrl: 'http://localhost/form-waiting',
		webhookBaseUrl: 'http://localhost/webhook',
		webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		logAiEvent: async () => undefined,
		getRunExecutionData: async () => undefined,
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used here');
		},
		getRunnerStatus: () => ({ available: false }),
		startRunnerTask: async () => {
			throw new Error('task runners are not used here');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const start = workflow.getStartNode();
	if (!start) throw new Error('The workflow has no start node');
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;

	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	control.onStarted?.(() => execution.cancel());
	await execution;
	const run = await finished;
	const runData = run.data.resultData.runData;
	return {
		run,
		output: (nodeName) => runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
		error: (nodeName) => runData[nodeName]?.[0]?.error as WorkflowRun['error'] extends (n: string) => infer R ? R : never,
	};
}

/** A linear workflow: trigger → Emit Items → the node under test. */
export function linearWorkflow(
	source: { items?: IDataObject[]; csv?: string; copies?: number; fileJson?: IDataObject; fileName?: string; mimeType?: string },
	node: Omit<INode, 'id' | 'position' | 'typeVersion'> & { typeVersion?: number },
) {
	const nodes: INode[] = [
		{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: '2',
			name: 'Plan',
			type: 'test.emitItems',
			typeVersion: 1,
			position: [200, 0],
			parameters: {
				items: JSON.stringify(source.items ?? []),
				csv: source.csv ?? '',
				copies: source.copies ?? 1,
				fileJson: JSON.stringify(source.fileJson ?? {}),
				fileName: source.fileName ?? 'plan.csv',
				mimeType: source.mimeType ?? 'text/csv',
			},
		},
		{ id: '3', typeVersion: 1, position: [400, 0], ...node } as INode,
	];
	const connections: IConnections = {
		Start: { main: [[{ node: 'Plan', type: 'main', index: 0 }]] },
		Plan: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
	};
	return { nodes, connections };
}

/** The bytes of a binary property a node produced (n8n may keep them on disk rather than inline). */
export async function binaryText(item: INodeExecutionData, property = 'data'): Promise<string> {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`No binary property '${property}' on the item`);
	const buffer = await Container.get(BinaryDataService).getAsBuffer(binary);
	return buffer.toString('utf8');
}

/**
 * Calls a node's list search or load-options method the way n8n's editor backend does
 * (DynamicNodeParametersService): a one-node workflow holding the node's current parameters, an
 * n8n-core LoadOptionsContext on it, the method called with that context (and the search filter).
 */
export async function callNodeMethod(
	nodeType: 'publishTerritoryModel' | 'importTerritoryModel',
	kind: 'listSearch' | 'loadOptions',
	method: string,
	parameters: INodeParameters,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	filter?: string,
): Promise<unknown> {
	const type = `${PACKAGE}.${nodeType}`;
	// The editor sends the node's parameters with their defaults filled in (the Authentication parameter's
	// default decides which credential the method may read).
	const description = (NODE_TYPES[type] as INodeType).description;
	const withDefaults = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, null, description) ?? parameters;
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: withDefaults,
		credentials: { salesforceTerritoryApi: { id: '1', name: 'Sandbox org' } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, nodeTypes, active: false, settings: {} });
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentials),
		currentNodeParameters: withDefaults,
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, workflow.getNode('Temp-Node') as INode, additionalData, `parameters.${method}`);
	const fn = NODE_TYPES[type].methods?.[kind]?.[method] as ((this: unknown, filter?: string) => Promise<unknown>) | undefined;
	if (!fn) throw new Error(`${nodeType} has no ${kind} method ${method}`);
	return kind === 'listSearch' ? fn.call(context, filter) : fn.call(context);
}

export type NodeAuth = 'password' | 'jwt' | 'clientCredentials';

/** The credential a user would save for this sandbox org (salesforceTerritoryApi), for one auth flow. */
export function nodeCredentials(sandbox: Sandbox, authType: NodeAuth = 'password'): Record<string, Record<string, string>> {
	const c = sandbox.credentials;
	const common = { authType, environment: 'custom', loginUrl: sandbox.loginUrl, clientId: c.clientId };
	const byFlow: Record<NodeAuth, Record<string, string>> = {
		password: { ...common, clientSecret: c.clientSecret, username: c.username, password: c.password },
		jwt: { ...common, username: c.username, privateKey: c.privateKey },
		clientCredentials: { ...common, clientSecret: c.clientSecret },
	};
	return { salesforceTerritoryApi: byFlow[authType] };
}
