/**
 * Packs writes into Composite calls: sObject Collections subrequests of up to 200 records (at most 5 a
 * call) and single-record sObject subrequests in the remaining slots (25 subrequests a call in all), a
 * record referring to a record created earlier in the same call through a Composite reference.
 *
 * Salesforce's rules followed here (REST API Developer Guide):
 * - Composite: "up to 25 subrequests in a single call. Up to 5 of these subrequests can be sObject
 *   Collections or query operations"; so one call writes at most 5 × 200 + 20 × 1 = 1,020 records.
 * - Composite subrequest, referenceId: `@{referenceId.FieldName}`; "The [] operator indexes a JSON
 *   collection in the response", so `@{b0[3].id}` is the Id the fourth record of collection b0 got.
 * - Composite request body, allOrNone false: "the remaining subrequests that don't depend on the failed
 *   subrequest are executed. Dependent subrequests aren't executed" (they answer PROCESSING_HALTED).
 * - sObject Collections create, response example: a record that failed answers `{ success: false,
 *   errors }`, with no id.
 * What a reference to that id does (the collection itself answers 200) is not documented: the referring
 * subrequest may not run (with a code the guide does not name), or run with a null. apply.ts reads the
 * answers so that either way every change is reported and nothing is written twice: the changes of the
 * failed record are skipped with its failure, the others of a subrequest not run go again in a later
 * call, where their references are Ids.
 * Nothing in a rule can refer to its territory, nor in a forecast manager to its user's assignment: such
 * a change waits for a later call, and the creates after it go on filling this one (apply.ts packCall).
 */
import { LIMITS, type SObjectName } from '../salesforce';
import type { ChangeAction } from '../sync/types';

/** One record to write, with its fields resolved to Ids or to references into this call. */
export interface PackedRecord<T> {
	item: T;
	object: SObjectName;
	action: ChangeAction;
	/** Fields to send (no attributes, no id). */
	record: Record<string, unknown>;
	/** Target of an update or delete: an Id or a reference into this call. */
	targetId: string | null;
	/** Whether a field or the target refers to a record created in this call. */
	inCallRef: boolean;
}

export interface Subrequest<T> {
	referenceId: string;
	kind: 'collection' | 'single';
	object: SObjectName;
	action: ChangeAction;
	records: PackedRecord<T>[];
	/** It refers to earlier subrequests of the call, so it may be halted when one of them fails. */
	dependent: boolean;
}

/** Singles: every slot that is not one of the 5 collections may carry one record (REST guide, Composite). */
const SINGLE_SLOTS = LIMITS.compositeSubrequests - LIMITS.compositeCollections;

/** Records one call can write at most: the lower bound of write calls is ⌈records ÷ this⌉. */
export const RECORDS_PER_CALL = LIMITS.compositeCollections * LIMITS.collectionSize + SINGLE_SLOTS;

/** A Composite call being filled, in request order (subrequests run in that order: collateSubrequests false). */
export class CallBuilder<T> {
	readonly subrequests: Subrequest<T>[] = [];
	private collections = 0;
	private singles = 0;
	/** Where each placed record's created Id will be found, for later references. */
	private readonly refOf = new Map<T, string>();

	/** Whether some subrequest may be halted (it refers to an earlier one). */
	get hasDependent(): boolean {
		return this.subrequests.some((s) => s.dependent);
	}

	get full(): boolean {
		return this.collections >= LIMITS.compositeCollections && this.singles >= SINGLE_SLOTS;
	}

	/** Records the call can still take at most: the free collections full and every free single slot. */
	get room(): number {
		return (LIMITS.compositeCollections - this.collections) * LIMITS.collectionSize + (SINGLE_SLOTS - this.singles);
	}

	/** The reference expression to the Id `item` gets in this call, or undefined when it is not placed here. */
	referenceTo(item: T): string | undefined {
		return this.refOf.get(item);
	}

	isEmpty(): boolean {
		return this.subrequests.length === 0;
	}

	/** Whether `count` records of one run would all be placed (place) in what is left of this call. */
	fits(count: number): boolean {
		let left = count;
		let collections = LIMITS.compositeCollections - this.collections;
		const freeSingles = SINGLE_SLOTS - this.singles;
		while (left > freeSingles && collections > 0) {
			left -= Math.min(left, LIMITS.collectionSize);
			collections--;
		}
		return left <= freeSingles;
	}

	/**
	 * Places as many of `run` (records of one object and action, independent of each other) as fit; returns
	 * how many. Full collections first; a remainder that fits the free single slots goes as singles.
	 */
	place(run: PackedRecord<T>[]): number {
		let placed = 0;
		while (placed < run.length) {
			const left = run.length - placed;
			const freeSingles = SINGLE_SLOTS - this.singles;
			const canCollect = this.collections < LIMITS.compositeCollections;
			// A remainder that fits the single slots costs no collection slot (the scarcer room: 200 records each).
			if (left <= freeSingles) {
				for (const r of run.slice(placed)) this.addSingle(r);
				return run.length;
			}
			if (!canCollect) {
				// No collection slot left: fill the free singles and stop.
				const n = Math.min(left, freeSingles);
				for (const r of run.slice(placed, placed + n)) this.addSingle(r);
				return placed + n;
			}
			const chunk = run.slice(placed, placed + LIMITS.collectionSize);
			this.addCollection(chunk);
			placed += chunk.length;
		}
		return placed;
	}

	private addCollection(records: PackedRecord<T>[]): void {
		const referenceId = `b${this.subrequests.length}`;
		this.collections++;
		const first = records[0];
		this.subrequests.push({ referenceId, kind: 'collection', object: first.object, action: first.action, records, dependent: records.some((r) => r.inCallRef) });
		if (first.action === 'create') records.forEach((r, k) => this.refOf.set(r.item, `@{${referenceId}[${k}].id}`));
	}

	private addSingle(record: PackedRecord<T>): void {
		const referenceId = `s${this.subrequests.length}`;
		this.singles++;
		this.subrequests.push({ referenceId, kind: 'single', object: record.object, action: record.action, records: [record], dependent: record.inCallRef });
		if (record.action === 'create') this.refOf.set(record.item, `@{${referenceId}.id}`);
	}

	/** The Composite request body. */
	body(basePath: string): Record<string, unknown> {
		return {
			allOrNone: false,
			// The subrequests run in request order: REST API guide, Composite request body: collateSubrequests
			// defaults to true from API 49.0, and then "the order of execution is not guaranteed".
			collateSubrequests: false,
			compositeRequest: this.subrequests.map((s) => toSubrequest(s, basePath)),
		};
	}
}

function toSubrequest<T>(s: Subrequest<T>, basePath: string): Record<string, unknown> {
	const { referenceId } = s;
	if (s.kind === 'single') {
		const r = s.records[0];
		const url = `${basePath}/sobjects/${s.object}`;
		if (s.action === 'create') return { method: 'POST', url, referenceId, body: r.record };
		if (s.action === 'update') return { method: 'PATCH', url: `${url}/${r.targetId}`, referenceId, body: r.record };
		return { method: 'DELETE', url: `${url}/${r.targetId}`, referenceId };
	}
	const url = `${basePath}/composite/sobjects`;
	if (s.action === 'delete') {
		return { method: 'DELETE', url: `${url}?ids=${s.records.map((r) => r.targetId).join(',')}&allOrNone=false`, referenceId };
	}
	const records = s.records.map((r) => ({ attributes: { type: s.object }, ...(s.action === 'update' ? { id: r.targetId } : {}), ...r.record }));
	return { method: s.action === 'create' ? 'POST' : 'PATCH', url, referenceId, body: { allOrNone: false, records } };
}
