import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeListSearchResult,
} from 'n8n-workflow';
import { checkOrg, listModels } from '../../lib';
import { connectionSettings } from './authentication';
import { toConnectionSettings } from './connection';

export const CREDENTIAL_NAME = 'salesforceTerritoryApi';

/** Lists the org's territory models for the Model parameter's "From list" mode. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const models = await listModels({ connection: await connectionSettings(this) });
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
		// The same read-only report as checkOrg and a dry run's summary: who and where, and whether the
		// user may publish territories (a credential that logs in but lacks Manage Territories is an error
		// the user should see before the first publish fails).
		const report = await checkOrg({ connection: toConnectionSettings(credential.data ?? {}) });
		const who = `Connected as ${report.user.username ?? 'an unknown user'} to ${report.org.name ?? 'the org'}${report.org.edition ? ` (${report.org.edition})` : ''}`;
		if (!report.ok) return { status: 'Error', message: `${who}, but: ${report.problems.join(' ')}` };
		const models = report.models.limit !== null ? `; ${report.models.left} of ${report.models.limit} territory models left` : '';
		// ok means nothing is known to be missing; a permission the user may not read stays "unknown".
		const manage = report.permissions.manageTerritories === null ? 'unknown (this user may not read permission sets)' : 'yes';
		return { status: 'OK', message: `${who}; Manage Territories: ${manage}; rule links via ${report.ruleLinks === 'rest' ? 'REST' : 'the Metadata API'}${models}` };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
