/**
 * How a node signs in: the Authentication parameter, the two credential types it selects between (the way
 * n8n's Salesforce node offers OAuth2 and JWT), and the engine's connection settings for the chosen one.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeProperties,
} from 'n8n-workflow';
import type { ConnectionSettings } from '../../lib/api-types';
import { toConnectionSettings, toOAuth2ConnectionSettings } from './connection';

export const SERVER_CREDENTIAL = 'salesforceTerritoryApi';
export const CONNECTED_ACCOUNT_CREDENTIAL = 'salesforceTerritoryOAuth2Api';

const SERVER_TO_SERVER = 'serverToServer';
const OAUTH2 = 'oAuth2';

export const authenticationParameter: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'OAuth2 (Connect My Account)',
			value: OAUTH2,
			description: 'Sign in to Salesforce in the browser once; the node then works as you',
		},
		{
			name: 'Server-to-Server (JWT, Client Credentials, Password)',
			value: SERVER_TO_SERVER,
			description: 'A connected app signs in without a browser: best for scheduled workflows',
		},
	],
	// The credential every workflow used before this parameter existed: workflows saved without it keep working.
	default: SERVER_TO_SERVER,
};

/**
 * displayOptions of the two credential types in a node's `credentials` list. The list itself stays a
 * literal in each node file: n8n's lint rule credential-test-required looks there for `testedBy`.
 */
export const serverToServerOnly = { show: { authentication: [SERVER_TO_SERVER] } };
export const connectedAccountOnly = { show: { authentication: [OAUTH2] } };

type NodeContext = IExecuteFunctions | ILoadOptionsFunctions;

function authentication(ctx: NodeContext): string {
	const value = 'getCurrentNodeParameter' in ctx ? ctx.getNodeParameter('authentication', SERVER_TO_SERVER) : ctx.getNodeParameter('authentication', 0, SERVER_TO_SERVER);
	return String(value ?? SERVER_TO_SERVER);
}

/** The engine's connection settings for the node's Authentication and its credential. */
export async function connectionSettings(ctx: NodeContext): Promise<ConnectionSettings> {
	if (authentication(ctx) !== OAUTH2) return toConnectionSettings(await ctx.getCredentials(SERVER_CREDENTIAL));
	const credentials: ICredentialDataDecryptedObject = await ctx.getCredentials(CONNECTED_ACCOUNT_CREDENTIAL);
	// Every refresh goes through n8n, which stores the new token (and, with Refresh Token Rotation, the new
	// refresh token: the old one no longer works). jsforce refreshing by itself could not write it back, so
	// the next run would present a spent refresh token and the credential would need reconnecting.
	return toOAuth2ConnectionSettings(credentials, async () => (await ctx.helpers.refreshOAuth2Token.call(ctx, CONNECTED_ACCOUNT_CREDENTIAL)) as unknown);
}
