import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';
import { checkOrg, listAccountKeyFields, listModels, listTerritories } from '../../lib';
import { connectionSettings } from './authentication';
import { toConnectionSettings } from './connection';
import { currentModelTarget } from './targets';

export const CREDENTIAL_NAME = 'salesforceTerritoryApi';

/** Lists the org's territory models for the Model parameter's "From list" mode. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const models = await listModels({ connection: await connectionSettings(this) });
	const wanted = (filter ?? '').toLowerCase();
	const results = models
		.filter((m) => !wanted || m.name.toLowerCase().includes(wanted) || m.developerName.toLowerCase().includes(wanted))
		.map((m) => ({ name: `${m.name} (${m.state})`, value: m.developerName }));
	return { results: results.length ? results : [noModelEntry(filter ?? '', models.length)] };
}

/**
 * An empty list says how to go on. n8n's list search has no entry that cannot be chosen, so this one has an
 * empty value: choosing it leaves the parameter empty (and flagged as required), nothing else.
 */
function noModelEntry(filter: string, models: number): { name: string; value: string } {
	const how = 'switch the mode to By Name and type a new Developer Name (e.g. FY27_Sales): Publish creates the model in Planning state';
	return { name: models === 0 ? `No territory models yet: ${how}` : `No model matches "${filter}": ${how}`, value: '' };
}

/** Separates the names of a territory's path in the Under Territory list: "West › Pacific › Bay Area". */
const PATH_SEPARATOR = ' › ';

/**
 * Lists the chosen model's territories for Under Territory's "From list" mode, each shown by its path
 * (the Key beside it); the value is the Key. A model not picked yet, or not created yet, lists none.
 */
export async function searchTerritories(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const model = currentModelTarget(this);
	if (!model.id && !model.developerName) return { results: [] };
	const territories = await listTerritories({ connection: await connectionSettings(this), model, filter });
	return {
		results: territories.map((t) => ({ name: t.path.join(PATH_SEPARATOR), value: t.developerName, description: t.developerName })),
	};
}

/** Account Key Field's options: Account ID (the column holds Account Ids), then Account's external-ID fields. */
export async function getAccountKeyFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const fields = await listAccountKeyFields({ connection: await connectionSettings(this) });
	return [
		{ name: 'Account ID', value: '', description: 'The Accounts column holds Account IDs' },
		...fields.map((f) => ({ name: f.label, value: f.name, description: f.name })),
	];
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
