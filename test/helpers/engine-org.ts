/**
 * Shared set-up for the engine's end-to-end tests: a demo sandbox org reached through the public API
 * (publishPlan / importModel over real jsforce and HTTP), and ways to read the org's state straight from
 * its store, so that tests judge what the org holds rather than what the engine says it did.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionSettings, PublishOptions, PublishResult } from '../../lib';
import { publishPlan } from '../../lib';
import { parseCsv, parsePlan } from '../../lib/plan';
import type { PlanRow, PlanTerritory } from '../../lib/plan/types';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import type { SRecord } from '../../sandbox/contracts';

export { DEMO_USERNAMES, DEMO_USERS } from '../../sandbox/seed';

export const SAMPLE_CSV = readFileSync(path.join(__dirname, '../../demo/sample-plan.csv'), 'utf8');
export const SAMPLE_ROWS: PlanRow[] = parseCsv(SAMPLE_CSV).rows;

export interface EngineOrg {
	sandbox: Sandbox;
	connection: ConnectionSettings;
	/** publishPlan with this org's connection. */
	publish(options: Omit<PublishOptions, 'connection'>): Promise<PublishResult>;
	/** Deletes a model (and everything in it) as an admin would, to stay under the edition's model limit. */
	dropModel(developerName: string): void;
	/** Every record of the org, as text (the store's Id counter aside: a refused insert still draws an Id). */
	dump(): string;
	/** What differs from an earlier dump, as "+ Type Id" / "- Type Id" / "~ Type Id field…" lines; [] when nothing. */
	changesSince(dump: string): string[];
	/** The model's records, read from the store. */
	model(developerName: string): ModelState;
	stop(): Promise<void>;
}

export interface ModelState {
	id: string | null;
	state: string | null;
	territories: SRecord[];
	rules: SRecord[];
	ruleItems: SRecord[];
	ruleLinks: SRecord[];
	userLinks: SRecord[];
	/** territory DeveloperName → sorted "username (role)" */
	usersByTerritory: Record<string, string[]>;
	/** territory DeveloperName → parent DeveloperName (null at the top) */
	parents: Record<string, string | null>;
}

/**
 * A demo org with room for several models (Unlimited edition: 4) and few accounts (fast to start and
 * to dump). Options override these defaults.
 */
export async function startEngineOrg(options: SandboxOptions = {}): Promise<EngineOrg> {
	const sandbox = await startSandbox({
		port: 0,
		seed: 'demo',
		edition: 'Unlimited',
		...options,
		seedOptions: { accounts: 50, ...options.seedOptions },
	});
	const connection: ConnectionSettings = sandbox.passwordLogin();
	const store = sandbox.store;
	const findModel = (developerName: string) =>
		store.records('Territory2Model').find((m) => String(m.DeveloperName).toLowerCase() === developerName.toLowerCase());
	return {
		sandbox,
		connection,
		publish: (options) => publishPlan({ connection, ...options }),
		dropModel(developerName) {
			const model = findModel(developerName);
			if (model) store.deleteOne('Territory2Model', model.Id);
		},
		dump: () => JSON.stringify(store.image().records),
		changesSince(before) {
			return recordDifferences(JSON.parse(before), store.image().records as Records);
		},
		model(developerName) {
			const model = findModel(developerName);
			const empty: ModelState = {
				id: null,
				state: null,
				territories: [],
				rules: [],
				ruleItems: [],
				ruleLinks: [],
				userLinks: [],
				usersByTerritory: {},
				parents: {},
			};
			if (!model) return empty;
			const territories = store.records('Territory2').filter((t) => t.Territory2ModelId === model.Id);
			const territoryIds = new Set(territories.map((t) => t.Id));
			const nameById = new Map(territories.map((t) => [t.Id, String(t.DeveloperName)]));
			const rules = store.records('ObjectTerritory2AssignmentRule').filter((r) => r.Territory2ModelId === model.Id);
			const ruleIds = new Set(rules.map((r) => r.Id));
			const userLinks = store.records('UserTerritory2Association').filter((a) => territoryIds.has(String(a.Territory2Id)));
			const usernameById = new Map(store.records('User').map((u) => [u.Id, String(u.Username)]));
			const usersByTerritory: Record<string, string[]> = {};
			for (const link of userLinks) {
				const key = nameById.get(String(link.Territory2Id))!;
				const user = usernameById.get(String(link.UserId)) ?? String(link.UserId);
				(usersByTerritory[key] ??= []).push(link.RoleInTerritory2 ? `${user} (${String(link.RoleInTerritory2)})` : user);
			}
			for (const list of Object.values(usersByTerritory)) list.sort();
			return {
				id: model.Id,
				state: String(model.State),
				territories: [...territories],
				rules: [...rules],
				ruleItems: store.records('ObjectTerritory2AssignmentRuleItem').filter((i) => ruleIds.has(String(i.RuleId))),
				ruleLinks: store.records('RuleTerritory2Association').filter((a) => territoryIds.has(String(a.Territory2Id))),
				userLinks: [...userLinks],
				usersByTerritory,
				parents: Object.fromEntries(
					territories.map((t) => [String(t.DeveloperName), t.ParentTerritory2Id ? (nameById.get(String(t.ParentTerritory2Id)) ?? '?') : null]),
				),
			};
		},
		stop: () => sandbox.stop(),
	};
}

type Records = Record<string, SRecord[]>;

function recordDifferences(before: Records, after: Records): string[] {
	const out: string[] = [];
	for (const type of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
		const old = new Map((before[type] ?? []).map((r) => [r.Id, r]));
		const now = new Map((after[type] ?? []).map((r) => [r.Id, r]));
		for (const [id, r] of now) {
			const was = old.get(id);
			if (!was) out.push(`+ ${type} ${id}`);
			else {
				const fields = Object.keys({ ...was, ...r }).filter((f) => JSON.stringify(was[f]) !== JSON.stringify(r[f]));
				if (fields.length) out.push(`~ ${type} ${id} ${fields.join(', ')}`);
			}
		}
		for (const id of old.keys()) if (!now.has(id)) out.push(`- ${type} ${id}`);
	}
	return out;
}

/** Values that occur more than once: duplicates a crash-and-retry must never leave behind. */
export function duplicates(values: string[]): string[] {
	const seen = new Set<string>();
	const twice = new Set<string>();
	for (const v of values) (seen.has(v) ? twice : seen).add(v);
	return [...twice];
}

/** Every natural key of a model that must be unique: territory and rule names, user and rule links. */
export function naturalKeyDuplicates(state: ModelState): string[] {
	return [
		...duplicates(state.territories.map((t) => `Territory2:${String(t.DeveloperName).toLowerCase()}`)),
		...duplicates(state.rules.map((r) => `Rule:${String(r.DeveloperName).toLowerCase()}`)),
		...duplicates(state.ruleItems.map((i) => `Item:${String(i.RuleId)}:${String(i.SortOrder)}`)),
		...duplicates(state.ruleLinks.map((a) => `RuleLink:${String(a.RuleId)}:${String(a.Territory2Id)}`)),
		...duplicates(state.userLinks.map((a) => `UserLink:${String(a.UserId)}:${String(a.Territory2Id)}`)),
	];
}

/**
 * A plan's territories in a comparable form: parsed and validated by the plan parser, without the row
 * numbers, lists sorted where order carries no meaning.
 */
export function normalisedPlan(rows: PlanRow[]): Omit<PlanTerritory, 'row' | 'rows' | 'keyGenerated'>[] {
	const plan = parsePlan(rows);
	if (plan.issues.length) throw new Error(`Not a valid plan: ${JSON.stringify(plan.issues.slice(0, 3))}`);
	return plan.territories
		.map((t) => {
			const { row: _row, rows: _rows, keyGenerated: _generated, ...rest } = t;
			return {
				...rest,
				postalCodes: [...rest.postalCodes].sort(),
				countries: [...rest.countries].sort(),
				states: [...rest.states].sort(),
				users: [...rest.users].sort((a, b) => a.ref.localeCompare(b.ref)),
				accounts: [...rest.accounts].sort(),
			};
		})
		.sort((a, b) => a.key.localeCompare(b.key));
}

/** Total writes a result reports (summary.counts). */
export function writeCount(result: PublishResult): number {
	return Object.values(result.summary.counts).reduce((n, perAction) => n + Object.values(perAction).reduce((m, k) => m + k, 0), 0);
}

/** The issues as [row, column, code] triples, for exact comparisons. */
export function issueTriples(result: PublishResult): [number, string | null, string][] {
	return result.issues.map((i) => [i.row, i.column, i.code]);
}
