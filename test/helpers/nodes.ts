/**
 * The package's two nodes as a workflow holds them (name, type, parameters, credential reference), for
 * the tests that run them in n8n's engine (test/helpers/n8n.ts). One builder, so a parameter renamed in
 * the node is renamed here once, not in every test file.
 */
import type { INode, INodeParameters } from 'n8n-workflow';
import { PACKAGE } from './n8n';

/** A node as a workflow's JSON lists it, before the engine gives it an id and a position. */
export type NodeSpec = Omit<INode, 'id' | 'position' | 'typeVersion'>;

/** The credential references the nodes name; the test credentials helper answers by type (nodeCredentials). */
export const CREDENTIAL_REFS = {
	password: { salesforceTerritoryApi: { id: '1', name: 'Sandbox org' } },
	oAuth2: { salesforceTerritoryOAuth2Api: { id: '7', name: 'My Salesforce account' } },
} as const;

/** The Model parameter as the "By DeveloperName" field of the resource locator leaves it. */
export function modelByName(developerName: string): INodeParameters {
	return { __rl: true, mode: 'developerName', value: developerName };
}

export interface NodeOptions {
	/** The model's DeveloperName, or a resource locator (e.g. as the list picker leaves it); absent when the parameters carry it. */
	model?: string | INodeParameters;
	/** Parameters over the defaults (they win, Model included). */
	parameters?: INodeParameters;
	/** Node name in the workflow; default 'Publish' or 'Import'. */
	name?: string;
	/** Which credential the node names; default the password credential (the oAuth2 one sets Authentication too). */
	credential?: keyof typeof CREDENTIAL_REFS;
	/** Node settings beyond the parameters (onError, disabled…). */
	node?: Partial<NodeSpec>;
}

function nodeSpec(type: 'publishTerritoryModel' | 'importTerritoryModel', defaults: INodeParameters, o: NodeOptions): NodeSpec {
	const credential = o.credential ?? 'password';
	return {
		name: o.name ?? (type === 'publishTerritoryModel' ? 'Publish' : 'Import'),
		type: `${PACKAGE}.${type}`,
		parameters: {
			...(credential === 'oAuth2' ? { authentication: 'oAuth2' } : {}),
			...(o.model === undefined ? {} : { model: typeof o.model === 'string' ? modelByName(o.model) : o.model }),
			...defaults,
			...o.parameters,
		},
		credentials: CREDENTIAL_REFS[credential],
		...o.node,
	};
}

/**
 * The Publish node: the model, Method overwriteMatching, and the node's own defaults for everything not
 * given (Mode dry run, If the Model Is Missing stop), so a test states what it changes.
 */
export function publishNode(o: NodeOptions): NodeSpec {
	return nodeSpec('publishTerritoryModel', { method: 'overwriteMatching' }, o);
}

/** The Import node reading the model. */
export function importNode(o: NodeOptions): NodeSpec {
	return nodeSpec('importTerritoryModel', {}, o);
}
