/**
 * The org's store wired to the Sales Territories rules: the one place that hands the rules' registry
 * (rules/) to the store (store.ts), so that neither imports the other. Everything that needs an org
 * (the server, the store's tests) makes it here; `new OrgStore({})` is a bare store without rules.
 */
import type { StoreSettings } from './contracts';
import { orgFromJSON } from './persist';
import { RULES } from './rules';
import { OrgStore } from './store';

/** A new, empty org (seed it with seed.ts). */
export function createOrgStore(settings?: Partial<StoreSettings>): OrgStore {
	return new OrgStore(RULES, settings);
}

/** The org of an org file's data (persist.ts: orgToJSON). */
export function loadOrgStore(json: unknown): OrgStore {
	return orgFromJSON(json, RULES);
}
