/**
 * Writes a ChangeSet: phase by phase, batched through Composite (up to 5 sObject Collections
 * subrequests of 200 records per call), with retries that cannot create duplicates.
 *
 * Choices made here (unconfirmed Salesforce behaviour, safe side chosen):
 * - Within a phase, deletes run before updates and updates before creates (a role change is a delete
 *   and a create of the same user/territory pair; one row per pair is allowed).
 * - A call that fails as a whole with a transient error (5xx, reset connection, timeout) has an unknown
 *   outcome: before its creates are re-sent, they are looked up by natural key and adopted when found.
 *   Updates are re-sent as they are (same values); deletes are re-sent and "already deleted" counts as done.
 * - A whole call still failing after the last try, or failing with a non-transient error (auth,
 *   malformed request), stops the run: what was not written is reported as skipped.
 * - REQUEST_LIMIT_EXCEEDED stops the run at once, cleanly.
 */
import type { ChangeOutcome, PhaseTiming, ProgressCallback } from '../api-types';
import { OBJECTS } from '../salesforce';
import type { SObjectName } from '../salesforce';
import type { Change, ChangeAction, ChangeSet, FieldValue, RecordRef } from '../sync/types';
import { phaseName } from '../sync';
import { applyBulk, BULK_OBJECTS, BULK_THRESHOLD } from './bulk';
import type { OrgConnection } from './connect';
import { errorCodeOf, messageOf, OrgError } from './errors';
import { restPost } from './http';
import { CallBuilder, type PackedRecord, type Subrequest } from './composite-pack';
import { applyRuleLinksViaMetadata, type RuleLinkWrite } from './metadata-links';
import type { OwnWrites } from './types';
import { findExisting } from './natural-keys';
import { retryLater } from './next-step';
import { backoff, isTransient, LIMIT_CODE } from './retry';

export interface ApplyOptions {
	onProgress?: ProgressCallback;
	/**
	 * Look every create up by natural key before sending it, adopting what exists. For re-running the
	 * remaining changes after a run that stopped with writes of unknown outcome (see remainingChangeSet).
	 */
	verifyCreates?: boolean;
	/** Creates of assignment objects above this count go through Bulk API 2.0 (default BULK_THRESHOLD). */
	bulkThreshold?: number;
	/**
	 * How RuleTerritory2Association creates and deletes are written: 'rest' (default) with the other
	 * changes, 'metadata' through the Territory2 component's ruleAssociations (metadata-links.ts), for orgs
	 * whose describe says the object is not createable.
	 */
	ruleLinks?: 'rest' | 'metadata';
	/** Stops the apply between calls (the n8n execution's cancel signal): the result says stopped CANCELLED. */
	signal?: AbortSignal;
	/**
	 * Run before each named phase (phaseName), and once more with AFTER_WRITES after the last write call:
	 * a reason to stop (e.g. MODEL_CHANGED from the guard, guard.ts) ends the apply there, cleanly, with
	 * what was written so far.
	 */
	beforePhase?: (phase: string, own: OwnWrites) => Promise<{ code: string; message: string; status?: number } | null>;
}

export interface ApplyResult {
	/** One per change, in change-set order. */
	outcomes: ChangeOutcome[];
	/** status: the HTTP status of the Salesforce answer that stopped the run, when one did. */
	stopped: { code: string; message: string; status?: number } | null;
	/** change id → Id of the record it created (or adopted). */
	created: Record<string, string>;
	phases: PhaseTiming[];
}

/** What a re-sent delete of an already deleted record answers. */
const ALREADY_DELETED = new Set(['ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY', 'NOT_FOUND']);
const ACTION_ORDER: ChangeAction[] = ['delete', 'update', 'create'];
/** The name beforePhase gets for the check after the last write call (and the phase timing it is counted in). */
export const AFTER_WRITES = 'afterWrites';
/** The code of an apply stopped through ApplyOptions.signal. */
export const CANCELLED = 'CANCELLED';

interface SaveResult {
	id?: string | null;
	success: boolean;
	errors?: { statusCode?: string; errorCode?: string; message?: string; fields?: string[] }[];
}

interface WorkItem {
	change: Change;
	index: number;
	/** The wave it belongs to (its first position in the queue): changes of one step are independent. */
	step: number;
	/** Tries that failed in a way worth another (locks, whole calls lost, look-ups). */
	tries: number;
	/** The last try failed in a way that may or may not have written the record. */
	unknown: boolean;
	lastError: { code: string; message: string } | null;
	/**
	 * Indexes of the changes whose created Ids its fields or target take: most changes have one or none, held
	 * as a number (NO_REF for none), an array only for two or more (a Set each held some 90 MB at XL's 497,000
	 * changes, and an array each still 23 MB). Read through refsInclude and refList.
	 */
	refs: number | readonly number[];
	/** Fields resolved to Ids, for look-ups, Bulk and the Metadata API path. */
	record?: Record<string, unknown>;
	targetId?: string | null;
	/** The special path of its step left it to Composite. */
	viaComposite?: boolean;
}

export function isRecordRef(value: unknown): value is RecordRef {
	return !!value && typeof value === 'object' && typeof (value as RecordRef).$ref === 'string';
}

const NO_REF = -1;

function refsInclude(w: WorkItem, j: number): boolean {
	return typeof w.refs === 'number' ? w.refs === j : w.refs.includes(j);
}

function refList(w: WorkItem): readonly number[] {
	if (typeof w.refs !== 'number') return w.refs;
	return w.refs === NO_REF ? [] : [w.refs];
}

function refsOf(change: Change): string[] {
	return Object.values(change.fields).filter(isRecordRef).map((r) => r.$ref);
}

function verb(action: ChangeAction): string {
	return action === 'create' ? 'Creating' : action === 'update' ? 'Updating' : 'Deleting';
}

class Applier {
	readonly outcomes: ChangeOutcome[];
	readonly created: Record<string, string> = {};
	stopped: { code: string; message: string; status?: number } | null = null;
	private readonly indexById = new Map<string, number>();
	private settledCount = 0;
	/** Changes sent to the org at least once, the org's clock when the last write answered, the slowest write call (the guard's OwnWrites). */
	private readonly sentFlags: Uint8Array;
	/** A flag per change, not a set of ids: 497,000 strings at XL. */
	private readonly sent = { has: (id: string): boolean => this.sentFlags[this.indexById.get(id) ?? -1] === 1 };
	private lastWriteAt: string | null = null;
	private slowestCallMs = 0;

	constructor(
		private readonly org: OrgConnection,
		private readonly cs: ChangeSet,
		private readonly options: ApplyOptions,
	) {
		this.outcomes = cs.changes.map((c) => ({
			changeId: c.id,
			object: c.object,
			action: c.action,
			label: c.label,
			status: 'planned',
			recordId: c.recordId,
		}));
		this.sentFlags = new Uint8Array(cs.changes.length);
		cs.changes.forEach((c, i) => {
			// A defect of whoever built the change set (a hand-made or edited review): refused before any write.
			if (this.indexById.has(c.id)) throw new OrgError('INVALID_CHANGE', `The change set has two changes with id ${c.id}`);
			this.indexById.set(c.id, i);
		});
	}

	async run(): Promise<void> {
		// The changes of each phase, in one pass (one pass per phase over 497,000 changes at XL was garbage).
		const byPhase = new Map<number, number[]>();
		this.cs.changes.forEach((c, i) => {
			const list = byPhase.get(c.phase);
			if (list) list.push(i);
			else byPhase.set(c.phase, [i]);
		});
		const queue: WorkItem[] = [];
		for (const phase of [...byPhase.keys()].sort((a, b) => a - b)) {
			// One push per item: spreading a wave of 200,000 account assignments (XL) into push overflows the stack.
			for (const wave of this.waves(byPhase.get(phase) ?? [])) for (const w of this.workItems(wave, queue.length)) queue.push(w);
		}
		byPhase.clear(); // released before the drain, which run() lives through
		// Phases and waves are no longer one call each: consecutive ones share Composite calls (packCall).
		await this.drain(queue);
		if (!this.stopped) await this.checkAfterWrites();
		if (this.stopped) {
			// Stopped with creates whose earlier try may have written them: say so rather than "not attempted"
			// (a half-written change set must never read as untouched).
			for (const w of queue) {
				if (w.change.action === 'create' && w.unknown && this.isPlanned(w)) {
					const err = w.lastError ?? { code: 'OUTCOME_UNKNOWN', message: 'no answer' };
					this.settle(w.index, 'failed', null, 'OUTCOME_UNKNOWN', `Not confirmed before the run stopped (${err.code}: ${err.message}); a re-run looks the record up before creating it`);
				}
			}
			for (let i = 0; i < this.outcomes.length; i++) {
				if (this.outcomes[i].status === 'planned') {
					this.settle(i, 'skipped', null, this.stopped.code, `Not attempted: ${this.stopped.message}`);
				}
			}
		}
		this.progress('Done');
	}

	/** Whether the caller asked to stop (ApplyOptions.signal); the first time, the run is stopped with CANCELLED. */
	private cancelled(phase: string): boolean {
		if (this.stopped?.code === CANCELLED) return true;
		if (!this.options.signal?.aborted) return false;
		const written = this.outcomes.filter((o) => o.status === 'done').length;
		this.stopped = {
			code: CANCELLED,
			message: `Stopped on request during ${phase}: ${written} of ${this.outcomes.length} changes were written (those whose answer was lost are marked OUTCOME_UNKNOWN); publishing the same plan again completes it without duplicates`,
		};
		return true;
	}

	/** Splits a phase into waves so that a change runs after the same-phase changes it depends on. */
	private waves(indexes: number[]): number[][] {
		const inPhase = new Set(indexes);
		const level = new Map<number, number>();
		const visiting = new Set<number>();
		const levelOf = (i: number): number => {
			const known = level.get(i);
			if (known !== undefined) return known;
			if (visiting.has(i)) return Number.POSITIVE_INFINITY;
			visiting.add(i);
			let l = 0;
			const change = this.cs.changes[i];
			for (const dep of [...change.dependsOn, ...refsOf(change)]) {
				const j = this.indexById.get(dep);
				if (j !== undefined && inPhase.has(j) && j !== i) l = Math.max(l, levelOf(j) + 1);
			}
			visiting.delete(i);
			level.set(i, l);
			return l;
		};
		const waves: number[][] = [];
		for (const i of indexes) {
			const l = levelOf(i);
			if (!Number.isFinite(l)) {
				this.settle(i, 'failed', null, 'DEPENDENCY_CYCLE', 'The change depends on itself through other changes of its phase');
				continue;
			}
			(waves[l] ??= []).push(i);
		}
		return waves.filter((w) => w && w.length);
	}

	/** A wave's work items, deletes before updates before creates, one object after the other. */
	private workItems(wave: number[], offset: number): WorkItem[] {
		const step = offset; // the wave's place in the order: the first queue position it takes
		const items: WorkItem[] = [];
		for (const action of ACTION_ORDER) {
			const objects = [...new Set(wave.map((i) => this.cs.changes[i]).filter((c) => c.action === action).map((c) => c.object))];
			for (const object of objects) {
				for (const i of wave) {
					const change = this.cs.changes[i];
					if (change.action !== action || change.object !== object) continue;
					const unknown = !!this.options.verifyCreates && action === 'create';
					items.push({ change, index: i, step, tries: 0, unknown, lastError: null, refs: this.refIndexes(change) });
				}
			}
		}
		return items;
	}

	/** Indexes of the changes whose created Id this change's fields or target take (WorkItem.refs). */
	private refIndexes(change: Change): number | readonly number[] {
		let one = NO_REF;
		let more: number[] | undefined;
		const add = (id: string) => {
			const j = this.indexById.get(id);
			if (j === undefined || j === one || more?.includes(j)) return;
			if (one === NO_REF) one = j;
			else (more ??= [one]).push(j);
		};
		for (const value of Object.values(change.fields)) if (isRecordRef(value)) add(value.$ref);
		if (change.recordRef) add(change.recordRef);
		return more ?? one;
	}

	/**
	 * Writes the queue, call after call, until nothing is planned or the run stops. Each round: adopt
	 * creates of unknown outcome, then the special paths for the head of the queue (rule links through the
	 * Metadata API, large assignment sets through Bulk API 2.0), else one Composite call packed from the head.
	 * `pending` is trimmed in place: after a stop, run() reads the items left in it.
	 */
	private async drain(pending: WorkItem[]): Promise<void> {
		while (!this.stopped) {
			if (!this.trimSettled(pending)) return;
			// Between calls: a stop asked through the signal ends the run here, cleanly.
			if (this.cancelled(phaseName(pending[0].change.phase))) return;
			await this.adoptExisting(pending);
			if (this.stopped) return;
			if (!this.trimSettled(pending)) return;
			const started = Date.now();
			// The scan of every pending change only when the head could go a special way: at XL it ran before
			// each of some 250 Composite calls over 500,000 changes (bench/RESULTS.md, L's engine profile).
			if (this.maySendSpecially(pending[0]) && this.specialItems(pending).has(pending[0])) {
				if (!(await this.checkBefore([pending[0]]))) return;
				if (await this.sendSpecial(pending)) {
					this.timePhases([pending[0]], started);
					continue;
				}
			}
			const call = this.packCall(pending);
			// A head of unknown outcome whose look-up failed: look it up again (adoptExisting counts the tries).
			if (call.isEmpty() && pending[0].unknown) continue;
			if (call.isEmpty()) {
				// Nothing could be placed; the head is settled below so the loop always moves on.
				this.settleBlockedHead(pending);
				continue;
			}
			const items = call.subrequests.flatMap((s) => s.records.map((r) => r.item));
			if (!(await this.checkBefore(items))) return;
			const attempt = 1 + Math.max(...items.map((w) => w.tries));
			await backoff(this.org, attempt);
			await this.sendCall(call);
			this.timePhases(items, started);
		}
	}

	private isPlanned(w: WorkItem): boolean {
		return this.outcomes[w.index].status === 'planned';
	}

	/**
	 * Drops the settled items from the queue, in place, keeping the order; returns how many remain. In place
	 * because a new array per call was the apply's largest garbage at XL: two copies of a queue of up to
	 * 497,000 items before each of some 250 calls (the worker's peak RSS, bench/RESULTS.md).
	 */
	private trimSettled(queue: WorkItem[]): number {
		let kept = 0;
		for (let i = 0; i < queue.length; i++) {
			const w = queue[i];
			if (this.isPlanned(w)) queue[kept++] = w;
		}
		queue.length = kept;
		return kept;
	}

	/** Named phases (phaseName) whose check (beforePhase) has run. */
	private readonly checkedPhases = new Set<string>();

	/**
	 * The check before a phase (ApplyOptions.beforePhase, the guard of guard.ts): run before the first call
	 * that writes a change of a named phase not checked yet. One call may carry several phases (packed
	 * levels and phases, composite-pack.ts): one check covers them all, as they are written together; such
	 * a call starts at the beginning of a phase and carries no rest of a phase checked before (packCall),
	 * so a stop falls between phases.
	 * False when the check stopped the run.
	 */
	private async checkBefore(items: WorkItem[]): Promise<boolean> {
		const names = [...new Set(items.map((w) => phaseName(w.change.phase)))].filter((n) => !this.checkedPhases.has(n));
		if (!names.length || !this.options.beforePhase) return true;
		names.forEach((n) => this.checkedPhases.add(n));
		return this.runCheck(this.options.beforePhase, names[0]);
	}

	/** Runs the check named `name`, its time and calls counted in that phase's timing; false when it stopped the run. */
	private async runCheck(check: NonNullable<ApplyOptions['beforePhase']>, name: string): Promise<boolean> {
		const calls = this.org.usage().calls;
		const started = Date.now();
		const reason = await check(name, {
			changes: this.cs.changes,
			outcomes: this.outcomes,
			created: this.created,
			sent: this.sent,
			lastWriteAt: this.lastWriteAt,
			slowestCallMs: this.slowestCallMs,
		});
		this.timing(name).ms += Date.now() - started;
		this.timing(name).calls += this.org.usage().calls - calls;
		if (reason) this.stopped = reason;
		return !reason;
	}

	/**
	 * The check once more after the last write call (ApplyOptions.beforePhase with AFTER_WRITES), when
	 * anything was written: a run whose calls all went before the other writer's first write became
	 * visible would otherwise never see it, and two such runs would both report success on a model that
	 * holds both change sets. Of two runs, the later post-check sees the other's writes.
	 */
	private async checkAfterWrites(): Promise<void> {
		if (!this.options.beforePhase || !this.outcomes.some((o) => o.status === 'done')) return;
		await this.runCheck(this.options.beforePhase, AFTER_WRITES);
	}

	/**
	 * Each named phase's time and calls. A call that carries several phases (packed, composite-pack.ts)
	 * counts once, for the first phase it carries, so the phases' calls add up to the run's; the records
	 * are each phase's own.
	 */
	private readonly timings = new Map<string, PhaseTiming>();

	private timing(name: string): PhaseTiming {
		let t = this.timings.get(name);
		if (!t) this.timings.set(name, (t = { phase: name, ms: 0, calls: 0, records: 0 }));
		return t;
	}

	private timePhases(items: WorkItem[], started: number): void {
		const first = Math.min(...items.map((w) => w.change.phase));
		const t = this.timing(phaseName(first));
		t.ms += Date.now() - started;
		t.calls += 1;
	}

	/** The timings in phase order, with the changes each phase settled (done or failed). */
	phaseTimings(): PhaseTiming[] {
		for (const [i, o] of this.outcomes.entries()) {
			if (o.status === 'done' || o.status === 'failed') this.timing(phaseName(this.cs.changes[i].phase)).records++;
		}
		const order = [...new Set([...this.cs.changes].sort((a, b) => a.phase - b.phase).map((c) => phaseName(c.phase))), AFTER_WRITES];
		return order.filter((n) => this.timings.has(n)).map((n) => this.timings.get(n) as PhaseTiming);
	}

	/** What a dependency's outcome means for a change that needs it: null when it may go ahead. */
	private dependencyProblem(i: number, w: WorkItem, call: CallBuilder<WorkItem> | null, placed: Map<number, WorkItem>): 'blocked' | 'settled' | null {
		// Its dependencies, then the references and target refIndexes found (WorkItem.refs), in that order and
		// without a Set of them per resolve (the writer's largest garbage after the queue's copies); one named
		// twice answers the same twice.
		for (const dep of w.change.dependsOn) {
			const j = this.indexById.get(dep);
			const problem = j === undefined ? null : this.problemWith(j, i, w, call, placed);
			if (problem) return problem;
		}
		if (typeof w.refs === 'number') return w.refs === NO_REF ? null : this.problemWith(w.refs, i, w, call, placed);
		for (const j of w.refs) {
			const problem = this.problemWith(j, i, w, call, placed);
			if (problem) return problem;
		}
		return null;
	}

	/** dependencyProblem for one change it needs (index `j`). */
	private problemWith(j: number, i: number, w: WorkItem, call: CallBuilder<WorkItem> | null, placed: Map<number, WorkItem>): 'blocked' | 'settled' | null {
		const dep = this.cs.changes[j].id;
		const o = this.outcomes[j];
		if (o.status === 'failed' || o.status === 'skipped') {
			const what = o.status === 'failed' ? 'failed' : 'was skipped';
			this.settle(i, 'skipped', null, 'DEPENDENCY_FAILED', `Skipped: depends on ${o.label} (${dep}), which ${what}`);
			return 'settled';
		}
		if (o.status !== 'planned') return null;
		const parent = placed.get(j);
		if (!parent) {
			if (this.cs.changes[j].phase > w.change.phase) {
				this.settle(i, 'failed', null, 'DEPENDENCY_ORDER', `Depends on ${dep}, which runs in a later phase`);
				return 'settled';
			}
			return 'blocked';
		}
		// In this call: only a reference to a record it creates can wait for it (Composite reference);
		// a dependency without one needs the parent's outcome first (a later call).
		if (!call || !refsInclude(w, j) || parent.change.action !== 'create') return 'blocked';
		return null;
	}

	/** Resolves a change's fields and target to Ids (or references into `call`); null when settled instead. */
	private resolve(w: WorkItem, call: CallBuilder<WorkItem> | null, placed: Map<number, WorkItem>): PackedRecord<WorkItem> | 'blocked' | null {
		const i = w.index;
		const problem = this.dependencyProblem(i, w, call, placed);
		if (problem === 'settled') return null;
		if (problem === 'blocked') return 'blocked';
		const change = w.change;
		let inCallRef = false;
		const idOf = (ref: string): string | undefined => {
			const id = this.created[ref];
			if (id) return id;
			const j = this.indexById.get(ref);
			const parent = j === undefined ? undefined : placed.get(j);
			const expr = parent && call ? call.referenceTo(parent) : undefined;
			if (expr) inCallRef = true;
			return expr;
		};
		const record: Record<string, unknown> = {};
		for (const [field, value] of Object.entries(change.fields) as [string, FieldValue][]) {
			if (isRecordRef(value)) {
				const id = idOf(value.$ref);
				if (!id) {
					this.settle(i, 'failed', null, 'UNRESOLVED_REFERENCE', `${field} refers to ${value.$ref}, which created no record in this run`);
					return null;
				}
				record[field] = id;
			} else {
				record[field] = value;
			}
		}
		// An update may target a record created earlier in this run (a rule's filter, a new territory's forecast manager).
		const targetId = change.recordId ?? (change.recordRef ? (idOf(change.recordRef) ?? null) : null);
		if (change.action !== 'create' && !targetId) {
			const why = change.recordRef ? `${change.recordRef} created no record in this run` : 'it names no record Id';
			this.settle(i, 'failed', null, change.recordRef ? 'UNRESOLVED_REFERENCE' : 'INVALID_CHANGE', `Cannot ${change.action}: ${why}`);
			return null;
		}
		// A delete's Ids go in the URL: it waits for a created target's Id rather than refer to it.
		if (change.action === 'delete' && inCallRef) return 'blocked';
		if (change.action === 'update' && Object.keys(record).length === 0) {
			if (inCallRef) return 'blocked';
			this.settle(i, 'done', targetId);
			return null;
		}
		return { item: w, object: change.object, action: change.action, record, targetId, inCallRef };
	}

	/**
	 * One Composite call packed from the head of the queue, in queue order. A change that waits for the
	 * outcome of one placed in this call (a rule for its territory, a forecast manager for its user's
	 * assignment: nothing in them can refer to that record, composite-pack.ts) is left for a later call,
	 * and the creates after it go on filling this one, each referring to what it needs in this call (a
	 * user's or account's assignment to its new territory, `@{b3[7].id}`). What may be left so: canLeave.
	 * Only creates pass what was left: an update or a delete never overtakes what the queue put before it;
	 * a create of unknown outcome (adopted first) or one for a special path ends the call.
	 * A delete never follows a subrequest that may be halted: a halted write goes again in a later call.
	 */
	private packCall(pending: WorkItem[]): CallBuilder<WorkItem> {
		const call = new CallBuilder<WorkItem>();
		const placed = new Map<number, WorkItem>();
		// The scan of every pending change (specialItems) only once a change that could be special is met.
		let specialSet: Set<WorkItem> | undefined;
		const special = { has: (w: WorkItem) => this.maySendSpecially(w) && (specialSet ??= this.specialItems(pending)).has(w) };
		const guarded = !!this.options.beforePhase;
		// Guarded, a call that goes on with a phase already checked (the rest of a phase too large for the
		// last call, retries) carries only checked phases, and a call that starts a phase carries no rest of
		// a checked one: a new phase starts a call of its own, after its check, so a run told to stop stops at
		// a phase boundary (guard.ts). Unguarded, calls pack freely.
		let continuing: boolean | undefined;
		let left = false;
		let k = 0;
		while (k < pending.length && !call.full) {
			const head = pending[k];
			if (!this.isPlanned(head)) {
				k++;
				continue;
			}
			if (head.unknown || special.has(head)) break;
			const checked = this.checkedPhases.has(phaseName(head.change.phase));
			continuing ??= guarded && checked;
			// A run: consecutive changes of one step, action and object (independent of each other).
			let end = k;
			while (end < pending.length) {
				const w = pending[end];
				if (w.step !== head.step || w.change.action !== head.change.action || w.change.object !== head.change.object) break;
				end++;
			}
			// The run's items still planned are read in place (pending[k..end)): a copy of each run before each
			// call was garbage of the size of the run (200,000 account assignments at XL).
			const leftBefore = left;
			if (guarded && continuing !== checked) {
				// A phase this call may not carry: its creates are passed, and its updates that wait for an
				// outcome anyway (a forecast manager behind its user's assignment); anything else ends the call.
				const passable = (w: WorkItem) => {
					if (this.canLeave(w, 'phase')) return true;
					if (!this.canLeave(w, 'waits')) return false;
					const r = this.resolve(w, call, placed);
					return r === 'blocked' || r === null;
				};
				let all = true;
				for (let m = k; m < end && all; m++) all = !this.isPlanned(pending[m]) || passable(pending[m]);
				if (!all) break;
				left = true;
				k = end;
				continue;
			}
			const run: PackedRecord<WorkItem>[] = [];
			let barrier = false;
			// One record more than the call can take is enough to know the run goes on in a later call: the
			// rest is resolved then. Resolving the whole run here, before every call, was quadratic (a level of
			// 50,000 territories: about 1.2 million resolves at XL, the engine's largest CPU cost).
			const room = call.room;
			for (let m = k; m < end; m++) {
				const w = pending[m];
				if (!this.isPlanned(w)) continue;
				if (run.length > room) break;
				if (w.unknown || special.has(w)) {
					barrier = true;
					break;
				}
				const r = this.resolve(w, call, placed);
				if (r === 'blocked') {
					if (!this.canLeave(w, 'waits')) {
						barrier = true;
						break;
					}
					left = true;
				} else if (r && r.action === 'delete' && call.hasDependent) {
					barrier = true;
					break;
				} else if (r) run.push(r);
			}
			if (run.length) {
				// After a change left for later, only creates go on; guarded, only a run that is all of its phase
				// not written yet and that this call holds whole: the change left may start the next call, whose
				// check could stop the run with that phase half written.
				if (leftBefore && (head.change.action !== 'create' || (guarded && !(call.fits(run.length) && this.isRestOfPhase(run, pending))))) break;
				const n = call.place(run);
				for (const r of run.slice(0, n)) placed.set(r.item.index, r.item);
				if (n < run.length) break;
			}
			if (barrier) break;
			k = end;
		}
		return call;
	}

	/** Whether `run` holds every change of its (named) phase still planned. */
	private isRestOfPhase(run: PackedRecord<WorkItem>[], pending: WorkItem[]): boolean {
		const name = phaseName(run[0].item.change.phase);
		let planned = 0;
		for (const w of pending) if (this.isPlanned(w) && phaseName(w.change.phase) === name) planned++;
		return planned === run.length;
	}

	/**
	 * Whether a change may be left for a later call while the ones after it go on: a create or an update
	 * that waits for an outcome ('waits': a dependency placed in this call that it cannot refer to, or one
	 * not placed yet), or under the guard a create of a phase this call may not carry ('phase'; an update of
	 * such a phase only when it waits as well). An update that could go, or a delete, keeps its place:
	 * nothing passes it, as the order of phases.ts is kept for them.
	 */
	private canLeave(w: WorkItem, why: 'waits' | 'phase'): boolean {
		if (w.change.action === 'create') return true;
		return why === 'waits' && w.change.action === 'update';
	}

	/**
	 * Changes that go another way than Composite: rule links through the Metadata API (ruleLinks), and
	 * creates of an assignment object whose step holds at least the Bulk threshold of them. What such a
	 * path handed back (viaComposite) goes through Composite.
	 */
	private specialItems(pending: WorkItem[]): Set<WorkItem> {
		const out = new Set<WorkItem>();
		const threshold = this.options.bulkThreshold ?? BULK_THRESHOLD;
		const bulkRuns = new Map<string, WorkItem[]>();
		for (const w of pending) {
			if (!this.isPlanned(w) || w.viaComposite) continue;
			if (this.options.ruleLinks === 'metadata' && w.change.object === OBJECTS.ruleTerritory) out.add(w);
			if (w.change.action === 'create' && BULK_OBJECTS.includes(w.change.object) && !w.unknown) {
				const key = `${w.step}:${w.change.object}`;
				if (!bulkRuns.has(key)) bulkRuns.set(key, []);
				bulkRuns.get(key)!.push(w);
			}
		}
		for (const run of bulkRuns.values()) if (run.length >= threshold) run.forEach((w) => out.add(w));
		return out;
	}

	/** specialItems' conditions on one change, without the count of its run: false means it is not special. */
	private maySendSpecially(w: WorkItem): boolean {
		if (!this.isPlanned(w) || w.viaComposite) return false;
		if (this.options.ruleLinks === 'metadata' && w.change.object === OBJECTS.ruleTerritory) return true;
		return w.change.action === 'create' && BULK_OBJECTS.includes(w.change.object) && !w.unknown;
	}

	/** The head's special changes (of its step), when the head is one and they are ready: sent; true if so. */
	private async sendSpecial(pending: WorkItem[]): Promise<boolean> {
		const head = pending[0];
		const special = this.specialItems(pending);
		if (!special.has(head)) return false;
		const items: WorkItem[] = [];
		for (const w of pending) {
			if (w.step !== head.step || !special.has(w)) continue;
			const r = this.resolve(w, null, new Map());
			if (r === 'blocked') return false;
			if (r) {
				w.record = r.record;
				w.targetId = r.targetId;
				items.push(w);
			}
		}
		if (!items.length) return true;
		let rest = items;
		if (this.options.ruleLinks === 'metadata') rest = await this.writeRuleLinksViaMetadata(rest);
		if (!this.stopped && rest.length) rest = await this.sendLargeAssignmentSetsInBulk(rest);
		// What neither path took (retryable Bulk rows, rows of a job whose fate is unknown) continues through Composite.
		for (const w of rest) w.viaComposite = true;
		return true;
	}

	/** A head that can neither be sent nor wait (should not happen): fail it rather than loop. */
	private settleBlockedHead(pending: WorkItem[]): void {
		const w = pending.find((x) => this.isPlanned(x));
		if (!w) return;
		this.settle(w.index, 'failed', null, 'DEPENDENCY_ORDER', 'The change could not be scheduled after the changes it depends on');
	}

	/** The wave's rule links through the Metadata API (ApplyOptions.ruleLinks); returns the rest of the wave. */
	private async writeRuleLinksViaMetadata(pending: WorkItem[]): Promise<WorkItem[]> {
		const links = pending.filter((w) => w.change.object === OBJECTS.ruleTerritory);
		if (!links.length || this.stopped) return pending;
		const writes: RuleLinkWrite[] = [];
		for (const w of links) {
			const names = w.change.ruleLink;
			if (!names || w.change.action === 'update') {
				this.settle(w.index, 'failed', null, 'INVALID_CHANGE', 'A rule link written through the Metadata API needs its rule and territory DeveloperNames (ruleLink)');
				continue;
			}
			writes.push({ index: w.index, action: w.change.action, ...names, inherited: w.record?.IsInherited === true });
		}
		const byIndex = new Map(links.map((w) => [w.index, w]));
		const started = this.wrote(links);
		const stop = await applyRuleLinksViaMetadata(this.org, this.cs.modelDeveloperName, writes, {
			// The Metadata API answers by component, not by record: a created link's Id is not known.
			settle: (i, status, failure) => this.settle(i, status, status === 'done' ? (byIndex.get(i)?.targetId ?? null) : null, failure?.code, failure?.message),
			progress: (phase) => this.progress(phase),
			isTransient: (code) => isTransient(code),
		});
		this.answered(started);
		if (stop) this.stopped = stop;
		return pending.filter((w) => !byIndex.has(w.index));
	}

	/** Creates whose earlier try has an unknown outcome and whose references are known: adopt the ones that exist. */
	private async adoptExisting(pending: WorkItem[]): Promise<void> {
		const byObject = new Map<SObjectName, WorkItem[]>();
		for (const w of pending) {
			if (!(w.change.action === 'create' && w.unknown) || !this.isPlanned(w)) continue;
			const r = this.resolve(w, null, new Map());
			if (!r || r === 'blocked') continue;
			w.record = r.record;
			if (!byObject.has(w.change.object)) byObject.set(w.change.object, []);
			byObject.get(w.change.object)!.push(w);
		}
		const { maxTries } = this.org.tuning;
		for (const [object, items] of byObject) {
			try {
				const found = await findExisting(this.org, object, items.map((w) => w.record ?? {}));
				items.forEach((w, k) => {
					const id = found.get(k);
					if (id) this.settle(w.index, 'done', id, undefined, 'Adopted the existing record (an earlier try may have created it)');
					else w.unknown = false;
				});
			} catch (err) {
				// Still unknown: they are not re-sent until a lookup succeeds.
				const failure = { code: errorCodeOf(err), message: this.org.redact(messageOf(err)) };
				for (const w of items) {
					w.lastError = failure;
					w.tries++;
				}
				if (failure.code === LIMIT_CODE) {
					this.stopped = failure;
					return;
				}
				if (items.some((w) => w.tries >= maxTries)) {
					this.giveUp(items, failure);
					return;
				}
				await backoff(this.org, items.reduce((n, w) => Math.max(n, w.tries), 0) + 1);
			}
			this.progress(`Checking ${object}`);
		}
	}

	/** One Composite call: sends it and reads every subrequest's answer. */
	private async sendCall(call: CallBuilder<WorkItem>): Promise<void> {
		const items = call.subrequests.flatMap((s) => s.records.map((r) => r.item));
		const label = describeCall(call);
		let response: { compositeResponse?: CompositeAnswer[] };
		const started = this.wrote(items);
		try {
			response = await restPost(this.org, `${this.org.basePath}/composite`, call.body(this.org.basePath));
			this.answered(started);
		} catch (err) {
			this.answered(started);
			const code = errorCodeOf(err);
			const message = this.org.redact(messageOf(err));
			const status = this.org.lastStatus ?? undefined;
			if (code === LIMIT_CODE) {
				this.stopped = { code, message, ...(status ? { status } : {}) };
			} else if (isTransient(code, this.org.lastStatus)) {
				// The whole call's outcome is unknown: creates are looked up before they go again.
				for (const w of items) {
					if (w.change.action === 'create') w.unknown = true;
				}
				this.retryOrGiveUp(items, { code, message }, true);
			} else {
				this.stopped = { code, message, ...(status ? { status } : {}) };
				for (const w of items) this.settle(w.index, 'failed', null, code, message);
			}
			this.progress(label);
			return;
		}
		const answers = response.compositeResponse ?? [];
		const retry: WorkItem[] = [];
		call.subrequests.forEach((sub, n) => {
			const answer = answers.find((a) => a.referenceId === sub.referenceId) ?? answers[n];
			retry.push(...this.readAnswer(sub, answer));
		});
		this.retryOrGiveUp(retry, null, false);
		this.progress(label);
	}

	/** Items to try again: counted, and failed once they had their tries (the run stops if whole calls kept failing). */
	private retryOrGiveUp(items: WorkItem[], failure: { code: string; message: string } | null, wholeCall: boolean): void {
		const { maxTries } = this.org.tuning;
		for (const w of items) {
			w.tries++;
			if (failure) w.lastError = failure;
		}
		const spent = items.filter((w) => w.tries >= maxTries);
		if (!spent.length) return;
		if (wholeCall) {
			this.giveUp(items, failure);
			return;
		}
		for (const w of spent) {
			const err = w.lastError ?? { code: 'OUTCOME_UNKNOWN', message: 'no answer' };
			// A passing fault (a locked row, a busy server) that outlasted the tries: say that a re-run finishes it.
			const message = `${err.message} (after ${maxTries} tries)`;
			this.settle(w.index, 'failed', null, err.code, isTransient(err.code) ? retryLater(message) : message);
		}
	}

	/** Calls or look-ups that kept failing: the org is not answering, and what was written is unknown. */
	private giveUp(items: WorkItem[], failure: { code: string; message: string } | null): void {
		const { maxTries } = this.org.tuning;
		for (const w of items) {
			if (!this.isPlanned(w)) continue;
			const unknownCreate = w.change.action === 'create' && w.unknown;
			const err = w.lastError ?? { code: 'OUTCOME_UNKNOWN', message: 'no answer' };
			this.settle(
				w.index,
				'failed',
				null,
				unknownCreate ? 'OUTCOME_UNKNOWN' : err.code,
				unknownCreate
					? `Not confirmed after ${maxTries} tries (${err.code}: ${err.message}); a re-run looks the record up before creating it`
					: isTransient(err.code)
						? retryLater(`${err.message} (after ${maxTries} tries)`)
						: `${err.message} (after ${maxTries} tries)`,
			);
		}
		const lost = failure ?? items.find((w) => w.lastError)?.lastError ?? null;
		if (lost) this.stopped = { code: lost.code, message: `Salesforce kept failing after ${maxTries} tries: ${lost.message}` };
	}

	/** Reads one subrequest's answer; returns the items to try again. */
	private readAnswer(sub: Subrequest<WorkItem>, answer: CompositeAnswer | undefined): WorkItem[] {
		const items = sub.records.map((r) => r.item);
		const status = answer?.httpStatusCode ?? 0;
		const results = sub.kind === 'single' ? singleResults(sub, answer) : Array.isArray(answer?.body) && status < 300 ? (answer.body as SaveResult[]) : null;
		if (!answer || !results || results.length !== items.length) {
			const first = Array.isArray(answer?.body) ? (answer.body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
			const code = first?.errorCode ?? `ERROR_HTTP_${answer?.httpStatusCode ?? 'NO_ANSWER'}`;
			const message = first?.message ?? 'The subrequest returned no per-record results';
			if (code === HALTED && sub.dependent) return this.readHalted(sub);
			if (code === LIMIT_CODE) {
				this.stopped = { code, message };
				return [];
			}
			if (isTransient(code, answer?.httpStatusCode)) {
				for (const w of items) {
					if (w.change.action === 'create') w.unknown = true;
					w.lastError = { code, message };
				}
				return items;
			}
			// Refused as a whole while a record it refers to in this call failed: not run for that reason
			// (REST guide, Composite: "Dependent subrequests aren't executed"), whatever code Salesforce gives
			// it (none is documented; the sandbox answers PROCESSING_HALTED, test/org/apply-packed-s.test.ts
			// plays another). The changes of the failed record are skipped, the others go again with Ids
			// (readHalted); an error of their own then shows, as nothing in them refers into a call any more.
			if (sub.dependent && sub.records.some((r) => r.inCallRef && this.failedReference(r.item))) return this.readHalted(sub);
			for (const w of items) this.settle(w.index, 'failed', null, code, message);
			return [];
		}
		const retry: WorkItem[] = [];
		results.forEach((res, k) => {
			const r = sub.records[k];
			const w = r.item;
			const failedParent = r.inCallRef ? this.failedReference(w) : null;
			if (res.success) {
				if (failedParent) {
					// The org resolved the failed record's reference to nothing and wrote the change without it.
					this.settle(
						w.index,
						'failed',
						sub.action === 'create' ? (res.id ?? null) : r.targetId,
						'DEPENDENCY_FAILED',
						`Written without ${failedParent.what}, which failed in the same call (${failedParent.code}); publish again to complete it`,
					);
					if (sub.action === 'create' && res.id) this.created[w.change.id] = res.id;
					return;
				}
				this.settle(w.index, 'done', sub.action === 'create' ? (res.id ?? null) : r.targetId);
				return;
			}
			const errors = res.errors ?? [];
			const code = errors[0]?.statusCode ?? errors[0]?.errorCode ?? 'UNKNOWN_ERROR';
			const message = errors.map((e) => `${e.message ?? ''}${e.fields?.length ? ` [${e.fields.join(', ')}]` : ''}`).join('; ');
			if (failedParent) {
				this.settle(w.index, 'skipped', null, 'DEPENDENCY_FAILED', `Skipped: depends on ${failedParent.what}, which failed`);
			} else if (sub.action === 'delete' && w.unknown && ALREADY_DELETED.has(code)) {
				this.settle(w.index, 'done', r.targetId);
			} else if (code === 'UNABLE_TO_LOCK_ROW') {
				// Refused, so certainly not written: safe to send again.
				w.unknown = false;
				w.lastError = { code, message };
				retry.push(w);
			} else {
				this.settle(w.index, 'failed', null, code, message || code);
			}
		});
		return retry;
	}

	/**
	 * A halted subrequest was not executed (REST guide, Composite request body): its changes whose
	 * dependency failed are skipped with that failure; the others go again in a later call, where their
	 * references are Ids (not a blind retry: nothing of it was written).
	 */
	private readHalted(sub: Subrequest<WorkItem>): WorkItem[] {
		for (const r of sub.records) {
			const failed = this.failedReference(r.item);
			if (failed) this.settle(r.item.index, 'skipped', null, 'DEPENDENCY_FAILED', `Skipped: depends on ${failed.what}, which ${failed.verb}`);
		}
		return [];
	}

	/** The first dependency of w that failed or was skipped, if any. */
	private failedReference(w: WorkItem): { what: string; code: string; verb: string } | null {
		for (const j of refList(w)) {
			const o = this.outcomes[j];
			if (o.status === 'failed' || o.status === 'skipped') {
				return { what: `${o.label} (${o.changeId})`, code: o.errorCode ?? o.status, verb: o.status === 'failed' ? 'failed' : 'was skipped' };
			}
		}
		return null;
	}

	/** Large assignment creates go through Bulk API 2.0; the rest continue through Composite. */
	private async sendLargeAssignmentSetsInBulk(pending: WorkItem[]): Promise<WorkItem[]> {
		const threshold = this.options.bulkThreshold ?? BULK_THRESHOLD;
		let rest = pending;
		for (const object of BULK_OBJECTS) {
			const items = rest.filter((w) => w.change.object === object && w.change.action === 'create' && !w.unknown);
			// An empty set must not open a job: a job closed without data fails and costs about five calls.
			if (!items.length || items.length < threshold || this.stopped) continue;
			const started = this.wrote(items);
			const outcome = await applyBulk(this.org, object, items.map((w) => w.record ?? {}));
			this.answered(started);
			if ('stopped' in outcome) {
				if (outcome.stopped.code === LIMIT_CODE) {
					this.stopped = outcome.stopped;
					return [];
				}
				// The job's fate is unknown: Composite takes over, looking records up first.
				for (const w of items) {
					w.unknown = true;
					w.lastError = outcome.stopped;
				}
				continue;
			}
			const retryable = new Set<WorkItem>();
			outcome.results.forEach((r, k) => {
				const w = items[k];
				if (r.success) this.settle(w.index, 'done', r.id);
				else if (r.code === 'UNABLE_TO_LOCK_ROW' || r.unprocessed) {
					w.lastError = { code: r.code, message: r.message };
					w.unknown = !!r.unprocessed;
					w.tries++;
					retryable.add(w);
				} else this.settle(w.index, 'failed', null, r.code, r.message);
			});
			const sent = new Set(items);
			rest = rest.filter((w) => !sent.has(w) || retryable.has(w));
			this.progress(`Creating ${object} (Bulk API 2.0)`);
		}
		return rest;
	}

	/** Notes the items as sent (the guard counts their writes as this run's); returns when. */
	private wrote(items: readonly WorkItem[]): number {
		for (const w of items) this.sentFlags[w.index] = 1;
		return Date.now();
	}

	/** A write call answered (or failed): the org's clock then, and how long it took. */
	private answered(started: number): void {
		this.lastWriteAt = this.org.lastResponseDate ?? this.lastWriteAt;
		this.slowestCallMs = Math.max(this.slowestCallMs, Date.now() - started);
	}

	private settle(i: number, status: ChangeOutcome['status'], recordId: string | null, errorCode?: string, message?: string): void {
		const o = this.outcomes[i];
		if (o.status === 'planned') this.settledCount++;
		o.status = status;
		o.recordId = recordId ?? (status === 'done' ? o.recordId : this.cs.changes[i].recordId);
		if (errorCode) o.errorCode = errorCode;
		else delete o.errorCode;
		if (message) o.message = message;
		else delete o.message;
		const change = this.cs.changes[i];
		if (status === 'done' && change.action === 'create' && recordId) this.created[change.id] = recordId;
	}

	private progress(phase: string): void {
		this.options.onProgress?.({ phase, done: this.settledCount, total: this.outcomes.length });
	}
}

/** What Salesforce answers for a subrequest that was not executed because one it depends on failed. */
const HALTED = 'PROCESSING_HALTED';

interface CompositeAnswer {
	body: unknown;
	httpStatusCode: number;
	referenceId: string;
}

/** A single-record subrequest's answer as a one-element SaveResult list (201 with an id, 204, or errors). */
function singleResults(sub: Subrequest<WorkItem>, answer: CompositeAnswer | undefined): SaveResult[] | null {
	if (!answer) return null;
	const body = answer.body as { id?: string } | { errorCode?: string; message?: string; fields?: string[] }[] | null;
	if (answer.httpStatusCode < 300) return [{ id: sub.action === 'create' ? ((body as { id?: string } | null)?.id ?? null) : null, success: true }];
	if (!Array.isArray(body)) return null;
	const first = body[0];
	// Whole-request failures (halted, limits, 5xx) are read like a collection's.
	if (!first || first.errorCode === HALTED || first.errorCode === LIMIT_CODE || isTransient(first.errorCode ?? '', answer.httpStatusCode)) return null;
	return [{ success: false, errors: body.map((e) => ({ statusCode: e.errorCode, message: e.message, fields: e.fields })) }];
}

/** "Creating Territory2, UserTerritory2Association": the objects of one call, for progress. */
function describeCall(call: CallBuilder<WorkItem>): string {
	const first = call.subrequests[0];
	const objects = [...new Set(call.subrequests.map((s) => s.object))];
	return `${verb(first.action)} ${objects.join(', ')}`;
}

export async function applyChangeSet(org: OrgConnection, cs: ChangeSet, options: ApplyOptions = {}): Promise<ApplyResult> {
	const applier = new Applier(org, cs, options);
	await applier.run();
	return { outcomes: applier.outcomes, stopped: applier.stopped, created: applier.created, phases: applier.phaseTimings() };
}

/**
 * The changes of `cs` that a run did not complete, with references to completed creates replaced by
 * the Ids they created: apply it (with verifyCreates) to finish an interrupted publish.
 */
export function remainingChangeSet(cs: ChangeSet, result: ApplyResult): ChangeSet {
	const done = new Set(result.outcomes.filter((o) => o.status === 'done').map((o) => o.changeId));
	const changes = cs.changes
		.filter((c) => !done.has(c.id))
		.map((c) => {
			const fields: Record<string, FieldValue> = {};
			for (const [k, v] of Object.entries(c.fields)) {
				fields[k] = isRecordRef(v) && result.created[v.$ref] ? result.created[v.$ref] : v;
			}
			// An update of a record created by the interrupted run now names that record directly.
			const target = c.recordRef && !c.recordId ? (result.created[c.recordRef] ?? null) : null;
			const retargeted = target ? { recordId: target, recordRef: undefined } : {};
			return { ...c, ...retargeted, fields, dependsOn: c.dependsOn.filter((d) => !done.has(d)) };
		});
	const modelChange = cs.changes.find((c) => c.object === 'Territory2Model' && c.action === 'create');
	const modelId = cs.modelId ?? (modelChange ? (result.created[modelChange.id] ?? null) : null);
	return { ...cs, modelId, changes };
}
