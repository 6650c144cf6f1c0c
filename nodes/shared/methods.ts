import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeListSearchResult,
} from 'n8n-workflow';
import { listModels, testConnection } from '../../lib';
import { toConnectionSettings } from './connection';

export const CREDENTIAL_NAME = 'salesforceTerritoryApi';

/** Lists the org's territory models for the Model parameter's "From list" mode. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const models = await listModels({ connection: toConnectionSettings(credentials) });
	const wanted = (filter ?? '').toLowerCase();
	return {
		results: models
			.filter((m) => !wanted || m.name.toLowerCase().includes(wanted) || m.developerName.toLowerCase().includes(wanted))
			.map((m) => ({ name: `${m.name} (${m.state})`, value: m.developerName })),
	};
}

/** Logs in with the credential; the message names the failure without any secret. */
export async function salesforceTerritoryApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const identity = await testConnection({ connection: toConnectionSettings(credential.data ?? {}) });
		return { status: 'OK', message: `Connected as ${identity.username}` };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
