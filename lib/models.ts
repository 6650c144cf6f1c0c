/** Small reads the nodes need besides publish and import: the pickers' lists and a credential check. */
import type { ConnectionOptions, ModelTarget } from './api-types';
import type { OrgCheckReport } from './api-types';
import { checkOrg as checkOrgConnection, connect, listModels as listOrgModels, listTerritories as listModelTerritories, readAccountFields, soqlQuote } from './org';

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

export interface TerritorySummary {
	id: string;
	name: string;
	/** The territory's Key in the plan table. */
	developerName: string;
	/** Names from the model's top level down to this territory, e.g. ["West", "Pacific", "Bay Area"]. */
	path: string[];
}

/**
 * The territories of a model whose name or Key contains `filter` (case-insensitive; all when empty), in
 * hierarchy order (sorted by path), for an "Under Territory" picker. A model that does not exist has none.
 */
export async function listTerritories(options: ConnectionOptions & { model: ModelTarget; filter?: string }): Promise<TerritorySummary[]> {
	const territories = await listModelTerritories(await connect(options), options.model);
	const byId = new Map(territories.map((t) => [t.id.slice(0, 15), t]));
	const pathOf = (id: string): string[] => {
		const names: string[] = [];
		// `seen` stops at a cycle, which Salesforce does not allow but a stale read could show.
		const seen = new Set<string>();
		let t = byId.get(id.slice(0, 15));
		while (t && !seen.has(t.id)) {
			seen.add(t.id);
			names.unshift(t.name);
			t = t.parentId ? byId.get(t.parentId.slice(0, 15)) : undefined;
		}
		return names;
	};
	const wanted = (options.filter ?? '').trim().toLowerCase();
	return territories
		.filter((t) => !wanted || t.name.toLowerCase().includes(wanted) || t.developerName.toLowerCase().includes(wanted))
		.map((t) => ({ id: t.id, name: t.name, developerName: t.developerName, path: pathOf(t.id) }))
		.sort((a, b) => comparePaths(a.path, b.path));
}

function comparePaths(a: string[], b: string[]): number {
	for (let i = 0; i < Math.min(a.length, b.length); i++) {
		const c = a[i].localeCompare(b[i]);
		if (c !== 0) return c;
	}
	return a.length - b.length;
}

export interface AccountKeyField {
	name: string;
	label: string;
}

/**
 * Account fields that can key the Accounts column: those the describe marks externalId (Object
 * Reference, DescribeFieldResult.externalId: "Indicates whether the field is used as an external ID"),
 * by label. The Account Id itself is always possible and is not listed.
 */
export async function listAccountKeyFields(options: ConnectionOptions): Promise<AccountKeyField[]> {
	const fields = await readAccountFields(await connect(options));
	return fields
		.filter((f) => f.externalId)
		.map((f) => ({ name: f.name, label: f.label }))
		.sort((a, b) => a.label.localeCompare(b.label));
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
