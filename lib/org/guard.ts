/**
 * The optimistic check run before the write calls of an apply and after its last one. Salesforce has no
 * lock a client can take on a territory model, so two publishes to one model are kept apart by reading what is
 * cheap and decisive, in one Composite call of five queries: the model record; the Id, DeveloperName,
 * CreatedDate and SystemModstamp of every territory and rule of the model; and, for the user and the manual
 * account assignments, two aggregates each (COUNT and MAX(SystemModstamp): 200,000 account assignments would
 * be 100 query pages at every check). That is compared with the first state, taken from the snapshot's own
 * reads (lib/org/snapshot.ts readSnapshotAndGuard: what the change set was computed against), plus what
 * this run itself wrote. SystemModstamp is the system field Salesforce updates on every change of a record,
 * by a user or by the system (Object Reference, System Fields).
 *
 * When another writer's changes are found, the earlier claim decides (decide: the CreatedDate of the
 * earliest record each run created; both runs compare the same two values, so they decide the same way):
 * one goes on, the other stops before its next call with MODEL_CHANGED. Equal claims (Salesforce keeps
 * datetimes to the second, so two publishes released together often tie) are broken once the model is
 * quiet, when both runs see the same records (breakTie). A run that has written nothing yet always stops
 * (it refuses before writing).
 */
import type { ModelTarget } from '../api-types';
import { ID_PATTERN, OBJECTS } from '../salesforce';
import { AFTER_WRITES } from './apply';
import type { OrgConnection } from './connect';
import { OrgError } from './errors';
import type { ForeignChange, GuardActivity, GuardRecord, GuardState, OwnWrites, PriorClaim } from './types';
import { readTogether } from './composite-read';
import { isTransient, sleep } from './retry';
import { soqlQuote } from './soql';

type Row = Record<string, unknown>;

const id15 = (id: string) => id.slice(0, 15);

/** The assignment objects whose activity the guard counts, and the filter that keeps it to what a plan writes. */
const ASSIGNMENTS: ReadonlyArray<{ object: string; filter: string }> = [
	{ object: OBJECTS.userTerritory, filter: '' },
	// Rule-made account assignments (Run Assignment Rules) are the org's, not a writer's: only manual ones count.
	{ object: OBJECTS.objectTerritory, filter: " AND AssociationCause = 'Territory2Manual'" },
];

const EMPTY_ACTIVITY: GuardActivity = { count: 0, latest: '' };

/** Reads the guarded records of the model the target names (present or not): one Composite call. */
export async function readGuardState(org: OrgConnection, target: ModelTarget, previous?: GuardState): Promise<GuardState> {
	let modelWhere: string;
	let inModel: string;
	let territoryInModel: string;
	if (target.id) {
		// Not an Id at all: no model can match (the snapshot reports MODEL_NOT_FOUND), nothing to guard.
		if (!ID_PATTERN.test(target.id)) return { records: {}, activity: {} };
		modelWhere = `Id = ${soqlQuote(target.id)}`;
		inModel = `Territory2ModelId = ${soqlQuote(target.id)}`;
		territoryInModel = `Territory2.Territory2ModelId = ${soqlQuote(target.id)}`;
	} else {
		const name = soqlQuote(String(target.developerName ?? ''));
		modelWhere = `DeveloperName = ${name}`;
		inModel = `Territory2Model.DeveloperName = ${name}`;
		territoryInModel = `Territory2.Territory2Model.DeveloperName = ${name}`;
	}
	const state: GuardState = { records: {}, activity: {} };
	// The model, territories and rules become guarded records page by page (readTogether's `each`): the raw rows of a
	// large model, read at every check, are not kept.
	const stamps = new Map<string, string>();
	const into = (object: string) => (row: Row) => addGuardRecord(state, object, row, stamps, previous);
	const answers = (await readTogether(org, [
		{ kind: 'query', soql: `SELECT Id, DeveloperName, State, CreatedDate, SystemModstamp FROM ${OBJECTS.model} WHERE ${modelWhere}`, each: into(OBJECTS.model) },
		{ kind: 'query', soql: `SELECT Id, DeveloperName, CreatedDate, SystemModstamp FROM ${OBJECTS.territory} WHERE ${inModel}`, each: into(OBJECTS.territory) },
		{ kind: 'query', soql: `SELECT Id, DeveloperName, CreatedDate, SystemModstamp FROM ${OBJECTS.rule} WHERE ${inModel}`, each: into(OBJECTS.rule) },
		...ASSIGNMENTS.map(({ object, filter }) => ({
			kind: 'query' as const,
			soql: `SELECT COUNT(Id) n, MAX(SystemModstamp) latest FROM ${object} WHERE ${territoryInModel}${filter}`,
		})),
	])) as Row[][];
	ASSIGNMENTS.forEach(({ object }, k) => {
		const row = answers[3 + k][0] ?? {};
		state.activity[object] = { count: Number(row.n ?? 0), latest: String(row.latest ?? '') };
	});
	return state;
}

/**
 * Rows of the model, its territories or its rules (Id, DeveloperName, CreatedDate, SystemModstamp, and the
 * model's State) as guarded records: the one shape of the guard's reads and of the snapshot's (readSnapshotAndGuard).
 */
export function addGuardRecords(state: GuardState, object: string, rows: readonly Row[]): void {
	const stamps = new Map<string, string>();
	for (const r of rows) addGuardRecord(state, object, r, stamps);
}

/**
 * One row as a guarded record. `stamps` shares equal datetimes (a publish writes thousands of records in
 * one second): one string each instead of two per record, in a state of 100,000 records at XL.
 */
function addGuardRecord(state: GuardState, object: string, r: Row, stamps: Map<string, string>, previous?: GuardState): void {
	const id = id15(String(r.Id));
	// A record unchanged since the previous read (most of them, at every check of a large model) keeps its
	// object: a state is compared, never changed, once read.
	const was = previous?.records[id];
	if (was && was.object === object && was.stamp === r.SystemModstamp && was.developerName === r.DeveloperName && (object !== OBJECTS.model || was.state === r.State)) {
		state.records[id] = was;
		return;
	}
	state.records[id] = {
		object,
		developerName: String(r.DeveloperName ?? ''),
		stamp: shared(stamps, r.SystemModstamp),
		createdDate: shared(stamps, r.CreatedDate),
		...(object === OBJECTS.model ? { state: String(r.State ?? '') } : {}),
	};
}

function shared(strings: Map<string, string>, value: unknown): string {
	const text = String(value ?? '');
	const known = strings.get(text);
	if (known !== undefined) return known;
	strings.set(text, text);
	return text;
}

/** The guarded records and assignment activity as one comparable text, in Id order. */
function fingerprintOf(state: GuardState): string {
	const records = Object.keys(state.records)
		.sort()
		.map((id) => `${id} ${state.records[id].stamp} ${state.records[id].state ?? ''}`);
	const activity = Object.keys(state.activity)
		.sort()
		.map((object) => `${object} ${state.activity[object].count} ${state.activity[object].latest}`);
	return [...records, ...activity].join('\n');
}

/**
 * Waits until the model is quiet: two reads of its guarded records and assignment activity `intervalMs`
 * apart agree (the other writer has stopped; a loser stops at its next check, one call after it can see
 * this run's writes). At most `reads` reads; the last state read when quiet, null when the model kept
 * changing, could not be read or the wait was stopped.
 */
export async function waitForQuiet(org: OrgConnection, target: ModelTarget, intervalMs: number, signal?: AbortSignal, reads = 10): Promise<GuardState | null> {
	try {
		let last = await readGuardState(org, target);
		for (let n = 1; n < reads; n++) {
			// An execution stopped in n8n is not kept waiting for the other writer.
			if (signal?.aborted) return null;
			await sleep(intervalMs);
			const now = await readGuardState(org, target);
			if (fingerprintOf(now) === fingerprintOf(last)) return now;
			last = now;
		}
	} catch {
		// Not read: the caller treats the model as not quiet (the second pass's guard reads it again anyway).
	}
	return null;
}

const GUARDED: ReadonlySet<string> = new Set([OBJECTS.model, OBJECTS.territory, OBJECTS.rule]);

/** What the guard last saw, to tell this run's assignment writes from another's (foreignChanges). */
interface GuardCheckpoint {
	state: GuardState;
	/** Per assignment object: how many of this run's changes of it had been sent by then. */
	sent: Record<string, number>;
}

/** Key of sentPerObject's count of territory deletes, which take their assignments with them. */
const TERRITORY_DELETES = `${OBJECTS.territory}:delete`;

/** Per object: how many of this run's changes of it have been sent; and how many territory deletes. */
function sentPerObject(own: OwnWrites): Record<string, number> {
	const out: Record<string, number> = {};
	for (const c of own.changes) {
		if (!own.sent.has(c.id)) continue;
		out[c.object] = (out[c.object] ?? 0) + 1;
		if (c.object === OBJECTS.territory && c.action === 'delete') out[TERRITORY_DELETES] = (out[TERRITORY_DELETES] ?? 0) + 1;
	}
	return out;
}

/**
 * Changes between `before` and `now` that this run's writes do not explain. Pure. A record counts as
 * this run's when it created it (by Id, or by the DeveloperName of a create it attempted: a create whose
 * answer was lost is adopted later), or updated or deleted it. Assignments are counted, not listed
 * (activityChanges); `last` is the previous check, whose latest SystemModstamp tells whether assignments
 * changed while this run wrote none of them.
 */
export function foreignChanges(before: GuardState, now: GuardState, own: OwnWrites, last?: GuardCheckpoint): ForeignChange[] {
	const attempted = own.changes.filter((c, i) => own.outcomes[i]?.status !== 'planned' && GUARDED.has(c.object));
	const failed = new Set(own.outcomes.filter((o) => o.status === 'failed').map((o) => o.changeId));
	// Only the guarded objects' creates: the records compared are theirs (a set of every created Id held
	// some 500,000 at XL, anew at each check).
	const createdIds = new Set<string>();
	for (const c of attempted) {
		const id = own.created[c.id];
		if (id) createdIds.add(id15(id));
	}
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
	for (const [id, r] of Object.entries(now.records)) {
		const was = before.records[id];
		if (ours(id, r)) continue;
		if (!was) out.push({ id, object: r.object, developerName: r.developerName, what: 'created', stamp: r.stamp });
		else if (was.state !== r.state) out.push({ id, object: r.object, developerName: r.developerName, what: 'state', stamp: r.stamp, detail: `${was.state} → ${r.state}` });
		else if (was.stamp !== r.stamp) out.push({ id, object: r.object, developerName: r.developerName, what: 'updated', stamp: r.stamp });
	}
	for (const [id, r] of Object.entries(before.records)) {
		if (!now.records[id] && !touched.has(id)) out.push({ id, object: r.object, developerName: r.developerName, what: 'deleted', stamp: null });
	}
	return [...out, ...activityChanges(before, now, own, last)];
}

/**
 * Assignment activity this run's writes do not explain, per assignment object:
 * - the count is outside what this run's writes allow: the count before, plus its creates that are done,
 *   minus its deletes that are done, give or take those sent whose answer is not known yet (a lost answer may
 *   still have written). A territory this run deleted takes its assignments with it (Salesforce deletes
 *   them), so after such a delete fewer is allowed;
 * - or the latest SystemModstamp moved since the last check while this run sent none of that object's
 *   changes in between (and none it sent is still unanswered), nor a territory delete (whose assignments go with it, which can lower the latest):
 *   an update of another writer, or a create and a delete that keep the count.
 * What this does not see: another writer's assignment writes in the same interval as this run's own writes
 * of that object that leave the count where this run's writes explain it (README, "Concurrent publishes").
 */
function activityChanges(before: GuardState, now: GuardState, own: OwnWrites, last?: GuardCheckpoint): ForeignChange[] {
	const out: ForeignChange[] = [];
	const deletedTerritory = own.changes.some((c) => c.object === OBJECTS.territory && c.action === 'delete' && own.sent.has(c.id));
	const sentNow = sentPerObject(own);
	for (const { object } of ASSIGNMENTS) {
		const was = before.activity[object] ?? EMPTY_ACTIVITY;
		const is = now.activity[object];
		if (!is) continue;
		let done = 0;
		let maybeMore = 0;
		let maybeFewer = 0;
		own.changes.forEach((c, i) => {
			if (c.object !== object || c.action === 'update') return;
			const status = own.outcomes[i]?.status;
			const sign = c.action === 'create' ? 1 : -1;
			if (status === 'done') done += sign;
			else if (own.sent.has(c.id)) {
				if (sign > 0) maybeMore++;
				else maybeFewer++;
			}
		});
		const low = deletedTerritory ? -Infinity : was.count + done - maybeFewer;
		const high = was.count + done + maybeMore;
		const explained = low === high ? `${low}` : low === -Infinity ? `at most ${high}` : `${low} to ${high}`;
		if (is.count < low || is.count > high) {
			out.push({ id: object, object, developerName: '', what: 'activity', stamp: is.latest || null, detail: `${is.count} in the model where this run's writes explain ${explained}` });
			continue;
		}
		const ref = last ?? { state: before, sent: {} };
		const refLatest = (ref.state.activity[object] ?? EMPTY_ACTIVITY).latest;
		// A change of this object sent but not answered yet (a timed-out call, a Bulk job of unknown fate) may
		// still land: its write would look like another's.
		const unsettled = own.changes.some((c, i) => c.object === object && own.sent.has(c.id) && own.outcomes[i]?.status === 'planned');
		const quietHere = !unsettled && (sentNow[object] ?? 0) === (ref.sent[object] ?? 0) && (sentNow[TERRITORY_DELETES] ?? 0) === (ref.sent[TERRITORY_DELETES] ?? 0);
		if (quietHere && is.latest !== refLatest) {
			out.push({ id: object, object, developerName: '', what: 'activity', stamp: is.latest || null, detail: `changed at ${is.latest} while this run wrote none` });
		}
	}
	return out;
}

/**
 * A run's claim to go on: the CreatedDate of its earliest created territory or rule (see decide). The model
 * record claims nothing: a run that created the model may have done so before the other run's first read,
 * which then holds it as a record that was there, not as the other run's (both must compare the same records).
 */
function earliest(now: GuardState, ids: Iterable<string>): string | null {
	let best: string | null = null;
	for (const id of ids) {
		const r = now.records[id15(id)];
		if (!r || !r.createdDate || r.object === OBJECTS.model) continue;
		if (best === null || r.createdDate < best) best = r.createdDate;
	}
	return best;
}

/**
 * Whether this run goes on although another writer changed the model under it. Both runs must decide
 * the same way, each from its own read of the org, taken at different moments; so only what never
 * moves and what the other run is sure to see counts: the **CreatedDate of created records**. A run's
 * claim is its earliest created territory or rule of the model (`claimIds`: this pass's creates and, in a
 * second pass, the first pass's, against writers that began before the first pass's last write). Its earliest record is the first of its
 * writes the other run can see, so a partial view of the other run's writes still finds the same claim.
 * Updates and assignment activity do not claim (SystemModstamp moves with every later write, so two reads
 * disagree on it), deletes carry no stamp at all.
 *
 * - This run has no claim (it wrote nothing, or only updates, deletes and assignments): 'stop'.
 * - The model's state changed (activated, archived under the publish): 'stop'.
 * - This run has a claim and the other writer none visible (only updates, deletes or assignments, or
 *   creates not yet visible, which are then later than this run's claim): 'go'; the other, seeing this
 *   claim without one of its own, stops.
 * - Both have claims: the earlier CreatedDate goes on, the other stops.
 * - Both claims carry the same CreatedDate: 'tie' (breakTie decides once the model is quiet).
 */
export function decide(now: GuardState, claimIds: readonly string[], foreign: readonly ForeignChange[]): 'go' | 'stop' | 'tie' {
	if (foreign.some((f) => f.what === 'state')) return 'stop';
	const ownClaim = earliest(now, claimIds);
	if (ownClaim === null) return 'stop';
	const foreignClaim = earliest(
		now,
		foreign.filter((f) => f.what === 'created').map((f) => f.id),
	);
	if (foreignClaim === null || ownClaim < foreignClaim) return 'go';
	return ownClaim === foreignClaim ? 'tie' : 'stop';
}

/**
 * Two claims with the same CreatedDate (Salesforce returns datetimes to the second, ".000"): the run that
 * holds the smallest Id among the records created at that moment goes on. Ids carry no documented order,
 * but any fixed order will do as long as both runs compare the same records: so this is asked only of a
 * quiet model (both runs paused at their checks, every record of both visible to both), and it counts every
 * territory and rule of that moment that is not this run's, those read before this run began included (the
 * other run may have created some before this run's first read). The model record is left out on both sides.
 */
export function breakTie(now: GuardState, claimIds: readonly string[]): boolean {
	const mine = new Set(claimIds.map(id15));
	const moment = earliest(now, mine);
	if (moment === null) return false;
	const least = (a: string, b: string) => (a === '' || b < a ? b : a);
	let ownMin = '';
	let otherMin = '';
	for (const [id, r] of Object.entries(now.records)) {
		// Territories and rules only: a model made in that second by someone else (Setup, a script) would
		// otherwise hold the smallest Id (0MC… before 0MI…) for both runs, and both would stop.
		if (r.createdDate !== moment || r.object === OBJECTS.model) continue;
		if (mine.has(id)) ownMin = least(ownMin, id);
		else otherMin = least(otherMin, id);
	}
	return ownMin !== '' && (otherMin === '' || ownMin < otherMin);
}

export function describeForeign(f: ForeignChange): string {
	if (f.what === 'activity') return `${f.object} records ${f.detail ?? 'changed'}`;
	const what = f.what === 'state' ? `changed state (${f.detail})` : f.what;
	return `${f.object} ${f.developerName} ${what}${f.stamp ? ` at ${f.stamp}` : ''}`;
}

/** Why a guarded apply stops (ApplyOptions.beforePhase's answer). */
export interface GuardStop {
	code: string;
	message: string;
	status?: number;
}

/**
 * One guarded apply's checks (ApplyOptions.beforePhase): reads the model, finds what another writer did,
 * decides whether this run goes on, and remembers what the publish must tell its user afterwards.
 */
export class ModelGuard {
	/** Another writer changed the model during the apply and this run went on: it publishes again once the other stopped (lib/converge.ts). */
	sawOtherWriter = false;
	/**
	 * Found only by the check after the last write, and begun after that write answered (its earliest record
	 * is later than the org's clock then): a later publish or edit, which this run must not undo. Reported,
	 * not acted on.
	 */
	readonly laterWriters: ForeignChange[] = [];
	/** The check after the last write could not be made (the org did not answer it): why. Everything was written. */
	uncheckedAfterWrites: string | null = null;
	/** The org's clock when this run's last write answered, as the last check saw it (a second pass's PriorClaim.until). */
	lastWriteAt: string | null = null;
	private readonly accepted = new Set<string>();
	private last: GuardCheckpoint | undefined;
	/** Won a tie (breakTie): every later check asks again, and a changed answer stops the run. */
	private wonTie = false;

	constructor(
		private readonly org: OrgConnection,
		private readonly target: ModelTarget,
		private readonly before: GuardState,
		private readonly priorClaim: PriorClaim | null = null,
		private readonly signal?: AbortSignal,
	) {}

	/** The check before `phase` (or after the last write): null to go on, else why this run stops. */
	async check(phase: string, own: OwnWrites): Promise<GuardStop | null> {
		const afterWrites = phase === AFTER_WRITES;
		let now: GuardState;
		try {
			now = await readGuardState(this.org, this.target, this.last?.state ?? this.before);
		} catch (err) {
			const code = err instanceof OrgError ? err.code : 'UNKNOWN_ERROR';
			const status = err instanceof OrgError ? err.status : undefined;
			// After the last write there is nothing left to protect: the publish is done, the check just could not be made.
			if (afterWrites) {
				this.uncheckedAfterWrites = `${code}: ${(err as Error).message}`;
				return null;
			}
			// The check compares with the state before the apply, so a check skipped while the org is
			// briefly unavailable (its retries spent) is made up by the next one; other failures stop.
			if (isTransient(code, status)) return null;
			return { code, message: `Could not check the model before ${phase}: ${(err as Error).message}`, ...(status ? { status } : {}) };
		}
		this.lastWriteAt = own.lastWriteAt;
		const foreign = this.unaccepted(now, own);
		const claimIds = (seen: readonly ForeignChange[]) => [...this.priorClaimAgainst(now, seen), ...Object.values(own.created)];
		// A tie won on a view that was not complete after all: the other run's records of that second now
		// hold a smaller Id, and it goes on; this run stops (both stopping is safe, both going on is not).
		if (this.wonTie && !breakTie(now, claimIds(foreign))) return this.stop(phase, own, foreign.length ? foreign : [{ id: '', object: 'Territory2', developerName: '(another run of the same second)', what: 'created', stamp: null }]);
		if (!foreign.length) {
			this.last = { state: now, sent: sentPerObject(own) };
			return null;
		}
		if (afterWrites && this.begunAfterLastWrite(now, foreign, own)) {
			this.laterWriters.push(...foreign);
			this.accept(foreign, now, own);
			return null;
		}
		let verdict = decide(now, claimIds(foreign), foreign);
		let seen = foreign;
		if (verdict === 'tie') {
			// Both runs pause here; once nothing moves, both see every record of both and decide alike. At least
			// two seconds between the reads: the other run's call in flight must land (its calls are like ours).
			const quiet = await waitForQuiet(this.org, this.target, Math.min(10_000, Math.max(2_000, 2 * own.slowestCallMs)), this.signal);
			if (quiet) {
				seen = this.unaccepted(quiet, own);
				now = quiet;
				verdict = !seen.length ? 'go' : decide(quiet, claimIds(seen), seen);
				if (verdict === 'tie') {
					verdict = breakTie(quiet, claimIds(seen)) ? 'go' : 'stop';
					this.wonTie = verdict === 'go';
				}
			} else verdict = 'stop';
		}
		if (verdict === 'go') {
			// The other writer lost: it stops at its own next check; this run goes on, and publishPlan
			// makes the model match the plan once the other has stopped (lib/converge.ts).
			if (seen.length) this.sawOtherWriter = true;
			this.accept(seen, now, own);
			return null;
		}
		return this.stop(phase, own, seen);
	}

	/** The MODEL_CHANGED stop, naming what changed. */
	private stop(phase: string, own: OwnWrites, seen: readonly ForeignChange[]): GuardStop {
		const written = own.outcomes.filter((o) => o.status === 'done').length;
		const listed = seen.slice(0, 10).map(describeForeign).join('; ');
		const when = phase === AFTER_WRITES ? 'after its last write' : `before ${phase}`;
		return {
			code: 'MODEL_CHANGED',
			message: `The model changed under this publish ${when} (${listed}${seen.length > 10 ? `; and ${seen.length - 10} more` : ''}): another publish or a person is writing to it. ${written ? `${written} changes of this run were written before; ` : 'Nothing was written; '}run the plan again (a dry run first) once the other writer is done.`,
		};
	}

	/**
	 * The first pass's records, as this (second) pass's claim, only against a writer that began before the
	 * first pass's last write (the loser it went on past, whose late call may land now): a writer that began
	 * later read those records as there already, so they are no claim it can see (both must compare the same).
	 */
	private priorClaimAgainst(now: GuardState, foreign: readonly ForeignChange[]): readonly string[] {
		if (!this.priorClaim?.until) return [];
		const theirs = earliest(now, foreign.filter((f) => f.what === 'created').map((f) => f.id));
		return theirs === null || seconds(theirs) <= seconds(this.priorClaim.until) ? this.priorClaim.ids : [];
	}

	private unaccepted(now: GuardState, own: OwnWrites): ForeignChange[] {
		return foreignChanges(this.before, now, own, this.last).filter((f) => !this.accepted.has(keyOf(f)));
	}

	private accept(foreign: readonly ForeignChange[], now: GuardState, own: OwnWrites): void {
		for (const f of foreign) this.accepted.add(keyOf(f));
		this.last = { state: now, sent: sentPerObject(own) };
	}

	/**
	 * Whether what the check after the last write found was begun after that write answered: the other
	 * writer created records, all of them later than the org's clock when this run's last write call answered
	 * by more than LATER_MARGIN_MS plus this run's slowest call, and deleted nothing and changed no state.
	 * Such a writer read the model with all of this run's writes in it (its own check before its first write
	 * would have seen any of them arriving and stopped it), so it is a later publish; undoing it in a second
	 * pass would be wrong. The margin keeps a concurrent writer whose check came just before this run's last
	 * write and whose create landed just after (across a second boundary, or a clock a little off) a concurrent
	 * one: it stops at its next check, and the second pass removes what it wrote.
	 */
	private begunAfterLastWrite(now: GuardState, foreign: readonly ForeignChange[], own: OwnWrites): boolean {
		if (!own.lastWriteAt) return false;
		const creates = foreign.filter((f) => f.what === 'created');
		if (!creates.length || foreign.some((f) => f.what === 'deleted' || f.what === 'state')) return false;
		const claim = earliest(now, creates.map((f) => f.id));
		return claim !== null && seconds(claim) * 1000 > seconds(own.lastWriteAt) * 1000 + LATER_MARGIN_MS + own.slowestCallMs;
	}
}

/** How much later than this run's last write another writer must have begun to count as a later publish. */
const LATER_MARGIN_MS = 2_000;

/** A Salesforce datetime ("2026-12-02T03:00:01.000+0000") in whole seconds since 1970. */
function seconds(datetime: string): number {
	return Math.floor(Date.parse(datetime.slice(0, 19) + 'Z') / 1000);
}

/**
 * What identifies a foreign change once accepted. Assignment activity is keyed by what was seen (its count
 * and latest change), so that a third writer's assignments after the accepted ones are seen again.
 */
function keyOf(f: ForeignChange): string {
	return f.what === 'activity' ? `${f.object}::activity:${f.stamp ?? ''}:${f.detail ?? ''}` : `${f.object}:${f.developerName}:${f.what}`;
}
