/** Small reads the nodes need besides publish and import: the model list and a credential check. */
import type { ConnectionOptions } from './api-types';
import { connect } from './org/connect';
import { soqlQuote } from './org/soql';

export interface ModelSummary {
	id: string;
	name: string;
	developerName: string;
	state: string;
}

export async function listModels(options: ConnectionOptions): Promise<ModelSummary[]> {
	const org = await connect(options);
	const result = await org.conn.query<{ Id: string; Name: string; DeveloperName: string; State: string }>(
		'SELECT Id, Name, DeveloperName, State FROM Territory2Model ORDER BY Name',
	);
	return result.records.map((r) => ({ id: r.Id, name: r.Name, developerName: r.DeveloperName, state: r.State }));
}

/** Logs in and reads the session user's name: proof that the credential works and may use the API. */
export async function testConnection(options: ConnectionOptions): Promise<{ username: string; userId: string | null }> {
	const org = await connect(options);
	if (!org.userId) return { username: '(unknown user)', userId: null };
	const result = await org.conn.query<{ Username: string }>(`SELECT Username FROM User WHERE Id = ${soqlQuote(org.userId)}`);
	return { username: result.records[0]?.Username ?? '(unknown user)', userId: org.userId };
}
