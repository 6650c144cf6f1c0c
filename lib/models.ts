/** Small reads the nodes need besides publish and import: the model list and a credential check. */
import type { ConnectionOptions } from './api-types';
import type { OrgCheckReport } from './api-types';
import { checkOrg as checkOrgConnection } from './org/check';
import { connect } from './org/connect';
import { listModels as listOrgModels } from './org/snapshot';
import { soqlQuote } from './org/soql';

export interface ModelSummary {
	id: string;
	name: string;
	developerName: string;
	state: string;
}

/** The org's models by label, for a picker. */
export async function listModels(options: ConnectionOptions): Promise<ModelSummary[]> {
	const models = await listOrgModels(await connect(options));
	return models
		.map((m) => ({ id: m.id, name: m.name, developerName: m.developerName, state: m.state }))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What the org offers a publish (user, permissions, rule-link path, picklists, models left, API allowance); writes nothing. */
export async function checkOrg(options: ConnectionOptions): Promise<OrgCheckReport> {
	return checkOrgConnection(await connect(options));
}

/** Logs in and reads the session user's name: proof that the credential works and may use the API. */
export async function testConnection(options: ConnectionOptions): Promise<{ username: string; userId: string | null }> {
	const org = await connect(options);
	if (!org.userId) return { username: '(unknown user)', userId: null };
	const result = await org.conn.query<{ Username: string }>(`SELECT Username FROM User WHERE Id = ${soqlQuote(org.userId)}`);
	return { username: result.records[0]?.Username ?? '(unknown user)', userId: org.userId };
}
