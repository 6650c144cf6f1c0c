/**
 * The sandbox org on disk: the org file format (the store's records and counters) and the state file
 * around it (the org plus its credentials), written atomically. The store itself only hands out and
 * takes back its contents as plain data (OrgStore.image / restore).
 */
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { OrgCredentials } from './auth';
import type { RuleBook, SRecord, StoreSettings } from './contracts';
import { OrgStore } from './store';

const ORG_FORMAT = 'territory-sandbox-org';

/** The org as plain JSON data: `{format, version, settings, counter, …, records}`. */
export function orgToJSON(store: OrgStore): unknown {
	return { format: ORG_FORMAT, version: 1, ...store.image() };
}

/** A store holding the org of orgToJSON's data, writing under `rules`; a clear error when it is not an org file. */
export function orgFromJSON(json: unknown, rules: RuleBook): OrgStore {
	const data = json as {
		format?: unknown;
		settings?: Partial<StoreSettings>;
		counter?: unknown;
		permissionCounter?: unknown;
		currentUserId?: unknown;
		deletedIds?: unknown;
		records?: Record<string, SRecord[]>;
	};
	if (!data || typeof data !== 'object' || data.format !== ORG_FORMAT || typeof data.counter !== 'number') {
		throw new Error(`Not a sandbox org file (expected format "${ORG_FORMAT}")`);
	}
	const store = new OrgStore(rules, data.settings);
	store.restore(
		{
			counter: data.counter,
			permissionCounter: typeof data.permissionCounter === 'number' ? data.permissionCounter : 0,
			currentUserId: typeof data.currentUserId === 'string' ? data.currentUserId : '',
			deletedIds: Array.isArray(data.deletedIds) ? data.deletedIds.map(String) : [],
			records: data.records ?? {},
		},
		'Sandbox org file',
	);
	return store;
}

/**
 * The state file: the org plus its credentials, so that a restarted CLI keeps the same client id,
 * secret, password and JWT key (n8n credentials keep working).
 */
export interface SandboxState {
	format: 'territory-sandbox-state';
	version: 1;
	credentials: OrgCredentials;
	/** orgToJSON(store). */
	org: unknown;
	/** API calls used so far today, so a restart does not reset the allowance. */
	apiUsed?: number;
}

/** Writes the state atomically: a temp file beside the target, then a rename (no half-written file on a crash). */
export function saveState(path: string, state: SandboxState): void {
	const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
	// The file holds the org's secrets: readable by its owner only.
	writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
	try {
		renameSync(temp, path);
	} catch (err) {
		try {
			unlinkSync(temp);
		} catch {
			// the temp file may already be gone
		}
		throw err;
	}
}

/** The saved state, or undefined when the file does not exist; a clear error when it is not a state file. */
export function loadState(path: string): SandboxState | undefined {
	if (!existsSync(path)) return undefined;
	let data: unknown;
	try {
		data = JSON.parse(readFileSync(path, 'utf8'));
	} catch (err) {
		throw new Error(`Sandbox state file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
	}
	const state = data as Partial<SandboxState> | null;
	const creds = state?.credentials as Partial<OrgCredentials> | undefined;
	if (!state || state.format !== 'territory-sandbox-state' || state.version !== 1) {
		throw new Error(`Sandbox state file ${path} is not a sandbox state (expected format "territory-sandbox-state", version 1)`);
	}
	for (const key of ['password', 'clientId', 'clientSecret', 'privateKeyPem', 'publicKeyPem'] as const) {
		if (typeof creds?.[key] !== 'string') throw new Error(`Sandbox state file ${path}: credentials.${key} is missing`);
	}
	return state as SandboxState;
}
