/**
 * The optimistic check run before the write calls of an apply and after its last one. Salesforce has no
 * lock a client can take on a territory model, so two publishes to one model are kept apart by reading what is
 * cheap and decisive: the model record and the Id, DeveloperName and SystemModstamp of every territory
 * and rule of the model (one Composite call, three queries), compared with what was read before the
 * apply began plus what this run itself wrote. SystemModstamp is the system field Salesforce updates on
 * every change of a record, by a user or by the system (Object Reference, System Fields).
 *
 * When another writer's changes are found, the earlier claim decides (goesOn: the CreatedDate of the
 * earliest record each run created; both runs compare the same two values, so they decide the same way):
 * one goes on, the other stops before its next call with MODEL_CHANGED; on equal CreatedDates both stop.
 * A run that has written nothing yet always stops (it refuses before writing).
 */
import type { ModelTarget } from '../api-types';
import { ID_PATTERN, OBJECTS } from '../salesforce';
import type { OrgConnection } from './connect';
import type { ForeignChange, GuardRecord, GuardState, OwnWrites } from './types';
import { readTogether } from './composite-read';
import { sleep } from './retry';
import { soqlQuote } from './soql';

type Row = Record<string, unknown>;

const id15 = (id: string) => id.slice(0, 15);

/** Reads the guarded records of the model the target names (present or not): one Composite call. */
export async function readGuardState(org: OrgConnection, target: ModelTarget): Promise<GuardState> {
	let modelWhere: string;
	let inModel: string;
	if (target.id) {
		// Not an Id at all: no model can match (the snapshot reports MODEL_NOT_FOUND), nothing to guard.
		if (!ID_PATTERN.test(target.id)) return {};
		modelWhere = `Id = ${soqlQuote(target.id)}`;
		inModel = `Territory2ModelId = ${soqlQuote(target.id)}`;
	} else {
		const name = soqlQuote(String(target.developerName ?? ''));
		modelWhere = `DeveloperName = ${name}`;
		inModel = `Territory2Model.DeveloperName = ${name}`;
	}
	const [models, territories, rules] = (await readTogether(org, [
		{ kind: 'query', soql: `SELECT Id, DeveloperName, State, CreatedDate, SystemModstamp FROM ${OBJECTS.model} WHERE ${modelWhere}` },
		{ kind: 'query', soql: `SELECT Id, DeveloperName, CreatedDate, SystemModstamp FROM ${OBJECTS.territory} WHERE ${inModel}` },
		{ kind: 'query', soql: `SELECT Id, DeveloperName, CreatedDate, SystemModstamp FROM ${OBJECTS.rule} WHERE ${inModel}` },
	])) as Row[][];
	const state: GuardState = {};
	const add = (object: string, rows: Row[]) => {
		for (const r of rows) {
			state[id15(String(r.Id))] = {
				object,
				developerName: String(r.DeveloperName ?? ''),
				stamp: String(r.SystemModstamp ?? ''),
				createdDate: String(r.CreatedDate ?? ''),
				...(object === OBJECTS.model ? { state: String(r.State ?? '') } : {}),
			};
		}
	};
	add(OBJECTS.model, models);
	add(OBJECTS.territory, territories);
	add(OBJECTS.rule, rules);
	return state;
}

/** The guarded records as one comparable text: Id, SystemModstamp and state, in Id order. */
function fingerprintOf(state: GuardState): string {
	return Object.keys(state)
		.sort()
		.map((id) => `${id} ${state[id].stamp} ${state[id].state ?? ''}`)
		.join('\n');
}

/**
 * Waits until the model is quiet: two reads of its guarded records `intervalMs` apart agree (the other
 * writer has stopped; a loser stops at its next check, one call after it can see this run's writes).
 * At most `reads` reads; false when the model kept changing or could not be read.
 */
export async function waitForQuiet(org: OrgConnection, target: ModelTarget, intervalMs: number, signal?: AbortSignal, reads = 10): Promise<boolean> {
	try {
		let last = fingerprintOf(await readGuardState(org, target));
		for (let n = 1; n < reads; n++) {
			// An execution stopped in n8n is not kept waiting for the other writer.
			if (signal?.aborted) return false;
			await sleep(intervalMs);
			const now = fingerprintOf(await readGuardState(org, target));
			if (now === last) return true;
			last = now;
		}
	} catch {
		// Not read: the second pass's own guard reads the model again before it writes.
	}
	return false;
}

const GUARDED: ReadonlySet<string> = new Set([OBJECTS.model, OBJECTS.territory, OBJECTS.rule]);

/**
 * Changes between `before` and `now` that this run's writes do not explain. Pure. A record counts as
 * this run's when it created it (by Id, or by the DeveloperName of a create it attempted: a create whose
 * answer was lost is adopted later), or updated or deleted it.
 */
export function foreignChanges(before: GuardState, now: GuardState, own: OwnWrites): ForeignChange[] {
	const attempted = own.changes.filter((c, i) => own.outcomes[i]?.status !== 'planned' && GUARDED.has(c.object));
	const failed = new Set(own.outcomes.filter((o) => o.status === 'failed').map((o) => o.changeId));
	const createdIds = new Set(Object.values(own.created).map(id15));
	// By name only for creates whose answer is not known yet (adopted later by key): a create that failed
	// (DUPLICATE_DEVELOPER_NAME: the other run made that record) or one whose Id is known claims nothing by name.
	const createdNames = new Set(
		attempted
			.filter((c) => c.action === 'create' && !failed.has(c.id) && !own.created[c.id])
			.map((c) => `${c.object}:${String(c.fields.DeveloperName ?? '').toLowerCase()}`),
	);
	const touched = new Set(
		attempted
			.filter((c) => c.action !== 'create')
			.map((c) => c.recordId ?? (c.recordRef ? own.created[c.recordRef] : undefined))
			.filter((id): id is string => !!id)
			.map(id15),
	);
	const ours = (id: string, r: GuardRecord) => createdIds.has(id) || touched.has(id) || createdNames.has(`${r.object}:${r.developerName.toLowerCase()}`);
	const out: ForeignChange[] = [];
	for (const [id, r] of Object.entries(now)) {
		const was = before[id];
		if (ours(id, r)) continue;
		if (!was) out.push({ id, object: r.object, developerName: r.developerName, what: 'created', stamp: r.stamp });
		else if (was.state !== r.state) out.push({ id, object: r.object, developerName: r.developerName, what: 'state', stamp: r.stamp, detail: `${was.state} → ${r.state}` });
		else if (was.stamp !== r.stamp) out.push({ id, object: r.object, developerName: r.developerName, what: 'updated', stamp: r.stamp });
	}
	for (const [id, r] of Object.entries(before)) {
		if (!now[id] && !touched.has(id)) out.push({ id, object: r.object, developerName: r.developerName, what: 'deleted', stamp: null });
	}
	return out;
}

/** A run's claim to go on: the CreatedDate of its earliest created record (see goesOn). */
interface Claim {
	createdDate: string;
}

function earliest(now: GuardState, ids: Iterable<string>): Claim | null {
	let best: Claim | null = null;
	for (const id of ids) {
		const r = now[id];
		if (!r || !r.createdDate) continue;
		if (!best || r.createdDate < best.createdDate) best = { createdDate: r.createdDate };
	}
	return best;
}

/**
 * Whether this run goes on although another writer changed the model under it. Both runs must decide
 * the same way, each from its own read of the org, taken at different moments; so only what never
 * moves and what the other run is sure to see counts: the **CreatedDate and Id of created records**.
 * A run's claim is its earliest created record of the model (territories, rules, the model itself),
 * ordered by CreatedDate. Its earliest record is the first of its writes the other run can see, so a
 * partial view of the other run's writes still finds the same claim. Updates do not claim (SystemModstamp
 * moves with every later write, so two reads disagree on it), deletes carry no stamp at all.
 *
 * - This run has no claim (it wrote nothing, or only updates and deletes): it stops.
 * - The model's state changed (activated, archived under the publish): it stops.
 * - This run has a claim and the other writer none visible (only updates or deletes, or creates not
 *   yet visible, which are then later than this run's claim): it goes on; the other, seeing this
 *   claim without one of its own, stops.
 * - Both have claims: the earlier CreatedDate goes on, the other stops. Both runs compare the same two
 *   values, so at most one goes on.
 * - Both claims carry the same CreatedDate: both stop (MODEL_CHANGED; publishing one plan again then
 *   converges). Salesforce returns datetimes to the second (".000" milliseconds), so two publishes
 *   released within one second tie; the Ids cannot break the tie, since Salesforce documents no order of
 *   Ids (app servers draw them in blocks): a run's smallest Id could change as more of the other's
 *   records become visible, and both could go on.
 */
export function goesOn(now: GuardState, own: OwnWrites, foreign: readonly ForeignChange[]): boolean {
	if (foreign.some((f) => f.what === 'state')) return false;
	const ownClaim = earliest(now, Object.values(own.created).map(id15));
	if (!ownClaim) return false;
	const foreignClaim = earliest(
		now,
		foreign.filter((f) => f.what === 'created').map((f) => f.id),
	);
	return !foreignClaim || ownClaim.createdDate < foreignClaim.createdDate;
}

export function describeForeign(f: ForeignChange): string {
	const what = f.what === 'state' ? `changed state (${f.detail})` : f.what;
	return `${f.object} ${f.developerName} ${what}${f.stamp ? ` at ${f.stamp}` : ''}`;
}
