/**
 * What every reliability scenario must end with, judged on the org's records: the model is the plan
 * (read back through importModel), no territory object has two records for one natural key anywhere in
 * the org, and every plan row has an outcome that says what happened.
 */
import { importModel, type ConnectionSettings, type PublishResult } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import type { OrgStore, Sandbox } from '../../sandbox';
import { duplicates, normalisedPlan } from '../helpers/engine-org';

/** What the checks need of an org: its records and a way in (an EngineOrg, or a restarted sandbox). */
export interface CheckedOrg {
	sandbox: Sandbox;
	connection: ConnectionSettings;
}

/** Natural keys of every territory object: what a retried or repeated create must never double. */
const NATURAL_KEYS: Record<string, string[]> = {
	Territory2Model: ['DeveloperName'],
	Territory2Type: ['DeveloperName'],
	Territory2: ['Territory2ModelId', 'DeveloperName'],
	ObjectTerritory2AssignmentRule: ['Territory2ModelId', 'DeveloperName'],
	ObjectTerritory2AssignmentRuleItem: ['RuleId', 'SortOrder'],
	RuleTerritory2Association: ['RuleId', 'Territory2Id'],
	UserTerritory2Association: ['UserId', 'Territory2Id'],
	ObjectTerritory2Association: ['ObjectId', 'Territory2Id'],
};

/** Every duplicate natural key in the whole org, as "Object:key" (DeveloperNames compared case-insensitively). */
export function orgDuplicates(store: OrgStore): string[] {
	return Object.entries(NATURAL_KEYS).flatMap(([object, fields]) =>
		duplicates(store.records(object).map((r) => `${object}:${fields.map((f) => String(r[f] ?? '').toLowerCase()).join('/')}`)),
	);
}

type Normalised = ReturnType<typeof normalisedPlan>[number];

/** Plan records the model does not hold: a territory (and what it carries) or one of its users, accounts, rule values. */
function lostRecords(expected: Normalised[], actual: Normalised[]): number {
	const byKey = new Map(actual.map((t) => [t.key, t]));
	let lost = 0;
	for (const want of expected) {
		const got = byKey.get(want.key);
		const missing = <T>(a: T[], b: T[] | undefined) => a.filter((x) => !(b ?? []).some((y) => JSON.stringify(y) === JSON.stringify(x))).length;
		if (!got) lost++;
		lost += missing(want.users, got?.users);
		lost += missing(want.accounts, got?.accounts);
		lost += missing([...want.postalCodes, ...want.states, ...want.countries], got ? [...got.postalCodes, ...got.states, ...got.countries] : undefined);
		lost += missing(want.criteria, got?.criteria);
	}
	return lost;
}

export interface Verdict {
	/** Plan records missing from the org. */
	lost: number;
	/** Duplicate natural keys in the org. */
	duplicates: number;
}

/**
 * The org after a re-run: the model equals the plan (territories, hierarchy, access, rules, users,
 * accounts), and no territory object anywhere holds a duplicate. Returns the figures it measured.
 */
export async function expectModelIsPlan(org: CheckedOrg, developerName: string, plan: PlanRow[]): Promise<Verdict> {
	const imported = await importModel({ connection: org.connection, model: { developerName }, includeAccounts: true });
	const expected = normalisedPlan(plan);
	const actual = normalisedPlan(imported.rows);
	const verdict = { lost: lostRecords(expected, actual), duplicates: orgDuplicates(org.sandbox.store).length };
	expect(orgDuplicates(org.sandbox.store)).toEqual([]);
	expect(actual).toEqual(expected);
	return verdict;
}

/**
 * Every plan row has an outcome, and one that did not go through says why (code and message). An
 * unchanged row needs none; a failed or skipped one carries Salesforce's code or ours, and words.
 */
export function expectEveryRowAccounted(result: PublishResult, plan: PlanRow[]): void {
	const keys = new Set(result.rows.map((r) => r.key));
	for (const row of plan) expect(keys).toContain(String(row.Key));
	for (const r of result.rows) {
		expect(['created', 'updated', 'unchanged', 'deleted', 'failed', 'skipped']).toContain(r.status);
		if (r.status === 'failed' || r.status === 'skipped') {
			expect(r.errorCode).toEqual(expect.any(String));
			expect(r.message).toEqual(expect.stringMatching(/\w/));
		}
	}
}
