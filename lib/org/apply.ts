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
import { LIMITS, OBJECTS } from '../salesforce';
import type { SObjectName } from '../salesforce';
import type { Change, ChangeAction, ChangeSet, FieldValue, RecordRef } from '../sync/types';
import { phaseName } from '../sync/phases';
import { applyBulk, BULK_OBJECTS, BULK_THRESHOLD } from './bulk';
import type { OrgConnection } from './connect';
import { errorCodeOf, messageOf } from './errors';
import { restPost } from './http';
import { applyRuleLinksViaMetadata, type RuleLinkWrite } from './metadata-links';
import type { OwnWrites } from './guard';
import { findExisting } from './natural-keys';
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
	 * Run before each named phase (phaseName): a reason to stop (e.g. MODEL_CHANGED from the guard,
	 * guard.ts) ends the apply there, cleanly, with what was written so far.
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
	/** Fields with references resolved (no attributes, no id). */
	record: Record<string, unknown>;
	/** The record an update or delete targets: the change's recordId, or the Id its recordRef created. */
	targetId: string | null;
	/** The last try failed in a way that may or may not have written the record. */
	unknown: boolean;
	lastError: { code: string; message: string } | null;
}

interface Batch {
	object: SObjectName;
	action: ChangeAction;
	items: WorkItem[];
}

export function isRecordRef(value: unknown): value is RecordRef {
	return !!value && typeof value === 'object' && typeof (value as RecordRef).$ref === 'string';
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
	/** Each named phase: its time, the API calls it made (its check included) and the changes it settled. */
	readonly phases: PhaseTiming[] = [];
	private readonly indexById = new Map<string, number>();
	private settledCount = 0;

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
		cs.changes.forEach((c, i) => {
			if (this.indexById.has(c.id)) throw new Error(`The change set has two changes with id ${c.id}`);
			this.indexById.set(c.id, i);
		});
	}

	async run(): Promise<void> {
		const phases = [...new Set(this.cs.changes.map((c) => c.phase))].sort((a, b) => a - b);
		// Phases by name (every depth of territory creates is one): the unit of the check and of the timings.
		const named: { name: string; phases: number[] }[] = [];
		for (const phase of phases) {
			const name = phaseName(phase);
			if (named.at(-1)?.name === name) named.at(-1)!.phases.push(phase);
			else named.push({ name, phases: [phase] });
		}
		for (const { name, phases: numbers } of named) {
			if (this.stopped || this.cancelled(name)) break;
			const started = Date.now();
			const calls = this.org.usage().calls;
			const settled = this.settledCount;
			const reason = await this.options.beforePhase?.(name, { changes: this.cs.changes, outcomes: this.outcomes, created: this.created });
			if (reason) this.stopped = reason;
			for (const phase of numbers) {
				const indexes = this.cs.changes.map((c, i) => (c.phase === phase ? i : -1)).filter((i) => i >= 0);
				for (const wave of this.waves(indexes)) {
					if (this.stopped || this.cancelled(name)) break;
					await this.runWave(wave);
				}
			}
			this.phases.push({ phase: name, ms: Date.now() - started, calls: this.org.usage().calls - calls, records: this.settledCount - settled });
		}
		if (this.stopped) {
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
			message: `Stopped on request during ${phase}: ${written} of ${this.outcomes.length} changes were written; publishing the same plan again completes it without duplicates`,
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

	/** Checks dependencies and resolves references; null when the change was settled instead. */
	private prepare(i: number): WorkItem | null {
		const change = this.cs.changes[i];
		if (this.outcomes[i].status !== 'planned') return null;
		for (const dep of new Set([...change.dependsOn, ...refsOf(change)])) {
			const j = this.indexById.get(dep);
			if (j === undefined) continue;
			const o = this.outcomes[j];
			if (o.status === 'failed' || o.status === 'skipped') {
				const what = o.status === 'failed' ? 'failed' : 'was skipped';
				this.settle(i, 'skipped', null, 'DEPENDENCY_FAILED', `Skipped: depends on ${o.label} (${dep}), which ${what}`);
				return null;
			}
			if (o.status === 'planned') {
				this.settle(i, 'failed', null, 'DEPENDENCY_ORDER', `Depends on ${dep}, which runs in a later phase`);
				return null;
			}
		}
		const record: Record<string, unknown> = {};
		for (const [field, value] of Object.entries(change.fields) as [string, FieldValue][]) {
			if (isRecordRef(value)) {
				const id = this.created[value.$ref];
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
		const targetId = change.recordId ?? (change.recordRef ? (this.created[change.recordRef] ?? null) : null);
		if (change.action !== 'create' && !targetId) {
			const why = change.recordRef ? `${change.recordRef} created no record in this run` : 'it names no record Id';
			this.settle(i, 'failed', null, change.recordRef ? 'UNRESOLVED_REFERENCE' : 'INVALID_CHANGE', `Cannot ${change.action}: ${why}`);
			return null;
		}
		if (change.action === 'update' && Object.keys(record).length === 0) {
			this.settle(i, 'done', targetId);
			return null;
		}
		return { change, index: i, record, targetId, unknown: false, lastError: null };
	}

	private async runWave(indexes: number[]): Promise<void> {
		const phase = phaseName(this.cs.changes[indexes[0]].phase);
		let pending = indexes.map((i) => this.prepare(i)).filter((w): w is WorkItem => w !== null);
		if (this.options.ruleLinks === 'metadata') pending = await this.writeRuleLinksViaMetadata(pending);
		if (!pending.length) return;
		if (this.options.verifyCreates) pending.forEach((w) => (w.unknown = w.change.action === 'create'));
		pending = await this.sendLargeAssignmentSetsInBulk(pending);

		const { maxTries } = this.org.tuning;
		for (let attempt = 1; pending.length && !this.stopped; attempt++) {
			await backoff(this.org, attempt);
			pending = await this.adoptExisting(pending);
			const batches = this.batches(pending.filter((w) => !(w.change.action === 'create' && w.unknown)));
			const unverified = pending.filter((w) => w.change.action === 'create' && w.unknown);
			const retry: WorkItem[] = [...unverified];
			let callFailure: { code: string; message: string } | null = null;
			for (let b = 0; b < batches.length && !this.stopped && !this.cancelled(phase); b += LIMITS.compositeCollections) {
				const call = batches.slice(b, b + LIMITS.compositeCollections);
				const result = await this.sendComposite(call);
				retry.push(...result.retry);
				if (result.callFailure) callFailure = result.callFailure;
			}
			pending = retry;
			if (pending.length && attempt >= maxTries) {
				for (const w of pending) {
					const unknownCreate = w.change.action === 'create' && w.unknown;
					const err = w.lastError ?? { code: 'OUTCOME_UNKNOWN', message: 'no answer' };
					this.settle(
						w.index,
						'failed',
						null,
						unknownCreate ? 'OUTCOME_UNKNOWN' : err.code,
						unknownCreate
							? `Not confirmed after ${maxTries} tries (${err.code}: ${err.message}); a re-run looks the record up before creating it`
							: `${err.message} (after ${maxTries} tries)`,
					);
				}
				// Calls or look-ups that kept failing: the org is not answering, and what was written is unknown.
				const lost = callFailure ?? pending.find((w) => w.change.action === 'create' && w.unknown)?.lastError ?? null;
				if (lost) {
					this.stopped = { code: lost.code, message: `Salesforce kept failing after ${maxTries} tries: ${lost.message}` };
				}
				pending = [];
			}
		}
		// Stopped with creates whose earlier try may have written them: say so rather than "not attempted".
		for (const w of pending) {
			if (w.change.action === 'create' && w.unknown && this.outcomes[w.index].status === 'planned') {
				const err = w.lastError ?? { code: 'OUTCOME_UNKNOWN', message: 'no answer' };
				this.settle(w.index, 'failed', null, 'OUTCOME_UNKNOWN', `Not confirmed before the run stopped (${err.code}: ${err.message}); a re-run looks the record up before creating it`);
			}
		}
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
			writes.push({ index: w.index, action: w.change.action, ...names, inherited: w.record.IsInherited === true });
		}
		const byIndex = new Map(links.map((w) => [w.index, w]));
		const stop = await applyRuleLinksViaMetadata(this.org, this.cs.modelDeveloperName, writes, {
			// The Metadata API answers by component, not by record: a created link's Id is not known.
			settle: (i, status, failure) => this.settle(i, status, status === 'done' ? (byIndex.get(i)?.targetId ?? null) : null, failure?.code, failure?.message),
			progress: (phase) => this.progress(phase),
			isTransient: (code) => isTransient(code),
		});
		if (stop) this.stopped = stop;
		return pending.filter((w) => !byIndex.has(w.index));
	}

	/** Creates whose earlier try has an unknown outcome: adopt the ones that exist. */
	private async adoptExisting(pending: WorkItem[]): Promise<WorkItem[]> {
		const unknown = pending.filter((w) => w.change.action === 'create' && w.unknown);
		if (!unknown.length) return pending;
		const byObject = new Map<SObjectName, WorkItem[]>();
		for (const w of unknown) {
			if (!byObject.has(w.change.object)) byObject.set(w.change.object, []);
			byObject.get(w.change.object)!.push(w);
		}
		const adopted = new Set<WorkItem>();
		for (const [object, items] of byObject) {
			try {
				const found = await findExisting(this.org, object, items.map((w) => w.record));
				items.forEach((w, k) => {
					const id = found.get(k);
					if (id) {
						this.settle(w.index, 'done', id, undefined, 'Adopted the existing record (an earlier try may have created it)');
						adopted.add(w);
					} else {
						w.unknown = false;
					}
				});
			} catch (err) {
				// Still unknown: they are not re-sent until a lookup succeeds.
				const failure = { code: errorCodeOf(err), message: this.org.redact(messageOf(err)) };
				for (const w of items) w.lastError = failure;
				if (failure.code === LIMIT_CODE) {
					this.stopped = failure;
					return pending;
				}
			}
			this.progress(`Checking ${object}`);
		}
		return pending.filter((w) => !adopted.has(w));
	}

	private batches(items: WorkItem[]): Batch[] {
		const groups = new Map<string, Batch>();
		for (const action of ACTION_ORDER) {
			for (const w of items) {
				if (w.change.action !== action) continue;
				// One object per collection call: Salesforce refuses several types in one create when one is a
				// setup object, and every territory object is (REST API guide, sObject Collections Create).
				const key = `${action}:${w.change.object}`;
				if (!groups.has(key)) groups.set(key, { object: w.change.object, action, items: [] });
				groups.get(key)!.items.push(w);
			}
		}
		const out: Batch[] = [];
		for (const g of groups.values()) {
			for (let k = 0; k < g.items.length; k += LIMITS.collectionSize) {
				out.push({ ...g, items: g.items.slice(k, k + LIMITS.collectionSize) });
			}
		}
		return out;
	}

	private subrequest(batch: Batch, n: number): Record<string, unknown> {
		const url = `${this.org.basePath}/composite/sobjects`;
		const referenceId = `b${n}`;
		if (batch.action === 'delete') {
			const ids = batch.items.map((w) => w.targetId).join(',');
			return { method: 'DELETE', url: `${url}?ids=${ids}&allOrNone=false`, referenceId };
		}
		const records = batch.items.map((w) => ({
			attributes: { type: batch.object },
			...(batch.action === 'update' ? { id: w.targetId } : {}),
			...w.record,
		}));
		return { method: batch.action === 'create' ? 'POST' : 'PATCH', url, referenceId, body: { allOrNone: false, records } };
	}

	/** One Composite call; returns the items to try again. */
	private async sendComposite(call: Batch[]): Promise<{ retry: WorkItem[]; callFailure: { code: string; message: string } | null }> {
		const retry: WorkItem[] = [];
		let response: { compositeResponse?: { body: unknown; httpStatusCode: number; referenceId: string }[] };
		try {
			response = await restPost(this.org, `${this.org.basePath}/composite`, {
				allOrNone: false,
				// The subrequests run in request order (deletes, updates, creates): REST API guide, Composite
				// request body: collateSubrequests defaults to true from API 49.0, and then "the order of
				// execution is not guaranteed".
				collateSubrequests: false,
				compositeRequest: call.map((b, n) => this.subrequest(b, n)),
			});
		} catch (err) {
			const code = errorCodeOf(err);
			const message = this.org.redact(messageOf(err));
			const items = call.flatMap((b) => b.items);
			const status = this.org.lastStatus ?? undefined;
			if (code === LIMIT_CODE) {
				this.stopped = { code, message, ...(status ? { status } : {}) };
			} else if (isTransient(code, this.org.lastStatus)) {
				for (const w of items) {
					w.unknown = true;
					w.lastError = { code, message };
				}
				retry.push(...items);
				this.progress(`${verb(call[0].action)} ${call[0].object}`);
				return { retry, callFailure: { code, message } };
			} else {
				this.stopped = { code, message, ...(status ? { status } : {}) };
				for (const w of items) this.settle(w.index, 'failed', null, code, message);
			}
			this.progress(`${verb(call[0].action)} ${call[0].object}`);
			return { retry, callFailure: null };
		}
		const answers = response.compositeResponse ?? [];
		call.forEach((batch, n) => {
			const answer = answers.find((a) => a.referenceId === `b${n}`) ?? answers[n];
			retry.push(...this.readBatchAnswer(batch, answer));
		});
		this.progress(`${verb(call[0].action)} ${call[0].object}`);
		return { retry, callFailure: null };
	}

	private readBatchAnswer(batch: Batch, answer: { body: unknown; httpStatusCode: number } | undefined): WorkItem[] {
		const retry: WorkItem[] = [];
		const body = answer?.body;
		const ok = !!answer && answer.httpStatusCode < 300 && Array.isArray(body) && body.length === batch.items.length;
		if (!ok) {
			const first = Array.isArray(body) ? (body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
			const code = first?.errorCode ?? `ERROR_HTTP_${answer?.httpStatusCode ?? 'NO_ANSWER'}`;
			const message = first?.message ?? 'The subrequest returned no per-record results';
			if (code === LIMIT_CODE) {
				this.stopped = { code, message };
				return retry;
			}
			if (isTransient(code, answer?.httpStatusCode)) {
				for (const w of batch.items) {
					w.unknown = true;
					w.lastError = { code, message };
				}
				return batch.items;
			}
			for (const w of batch.items) this.settle(w.index, 'failed', null, code, message);
			return retry;
		}
		(body as SaveResult[]).forEach((res, k) => {
			const w = batch.items[k];
			if (res.success) {
				this.settle(w.index, 'done', batch.action === 'create' ? (res.id ?? null) : w.targetId);
				return;
			}
			const errors = res.errors ?? [];
			const code = errors[0]?.statusCode ?? errors[0]?.errorCode ?? 'UNKNOWN_ERROR';
			const message = errors
				.map((e) => `${e.message ?? ''}${e.fields?.length ? ` [${e.fields.join(', ')}]` : ''}`)
				.join('; ');
			if (batch.action === 'delete' && w.unknown && ALREADY_DELETED.has(code)) {
				this.settle(w.index, 'done', w.targetId);
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

	/** Large assignment creates go through Bulk API 2.0; the rest continue through Composite. */
	private async sendLargeAssignmentSetsInBulk(pending: WorkItem[]): Promise<WorkItem[]> {
		const threshold = this.options.bulkThreshold ?? BULK_THRESHOLD;
		let rest = pending;
		for (const object of BULK_OBJECTS) {
			const items = rest.filter((w) => w.change.object === object && w.change.action === 'create' && !w.unknown);
			// An empty set must not open a job: a job closed without data fails and costs about five calls.
			if (!items.length || items.length < threshold || this.stopped) continue;
			const outcome = await applyBulk(this.org, object, items.map((w) => w.record));
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
					retryable.add(w);
				} else this.settle(w.index, 'failed', null, r.code, r.message);
			});
			const sent = new Set(items);
			rest = rest.filter((w) => !sent.has(w) || retryable.has(w));
			this.progress(`Creating ${object} (Bulk API 2.0)`);
		}
		return rest;
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

export async function applyChangeSet(org: OrgConnection, cs: ChangeSet, options: ApplyOptions = {}): Promise<ApplyResult> {
	const applier = new Applier(org, cs, options);
	await applier.run();
	return { outcomes: applier.outcomes, stopped: applier.stopped, created: applier.created, phases: applier.phases };
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
