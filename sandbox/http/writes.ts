import { SalesforceError, type RouteResponse, type SaveResult } from '../contracts';
import type { RestContext } from './context';
import { CrashError } from './faults';
import type { EndpointKind } from './request-log';

/**
 * Every data change the REST routes make goes through here, so that faults (row locks, the simulated
 * crash) and the write counters behave the same for single records, collections and composite.
 */

export type WriteOp = 'create' | 'update' | 'upsert' | 'remove';

export interface WriteBatch {
	op: WriteOp;
	/** The object type; for remove, undefined (ids carry their type). */
	type?: string;
	externalIdField?: string;
	/** Field maps; for remove, `{ Id }` only. */
	records: Record<string, unknown>[];
	allOrNone: boolean;
	kind: EndpointKind;
	/** Collections draw a lock per record; single-record calls draw one for the request. */
	perRecordLocks: boolean;
}

export function lockError(id: unknown): SaveResult['errors'][number] {
	const suffix = typeof id === 'string' && id ? `: ${id}` : '';
	return {
		statusCode: 'UNABLE_TO_LOCK_ROW',
		message: `unable to obtain exclusive access to this record or 1 records${suffix}`,
		fields: [],
	};
}

export const ROLLED_BACK = {
	statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
	message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
	fields: [] as string[],
};

function failed(id: unknown, error: SaveResult['errors'][number]): SaveResult {
	return { id: typeof id === 'string' && id ? id : null, success: false, errors: [error] };
}

function callStore(ctx: RestContext, batch: WriteBatch, records: Record<string, unknown>[]): SaveResult[] {
	if (!records.length) return [];
	const { store } = ctx;
	switch (batch.op) {
		case 'create':
			return store.create(batch.type as string, records, batch.allOrNone);
		case 'update':
			return store.update(batch.type as string, records, batch.allOrNone);
		case 'upsert':
			return store.upsert(batch.type as string, batch.externalIdField as string, records, batch.allOrNone);
		case 'remove':
			return store.remove(
				records.map((r) => String(r.Id)),
				batch.allOrNone,
			);
	}
}

/** Runs one write batch with faults applied; returns one SaveResult per input record, in order. */
export function runWrite(ctx: RestContext, batch: WriteBatch): SaveResult[] {
	const { faults, info } = ctx;
	info.write = true;
	info.touch(batch.type);
	if (batch.op === 'remove') for (const r of batch.records) info.touch(ctx.store.get(String(r.Id))?.type);
	if (faults.crashed) throw new CrashError();

	const locked = batch.records.map(() => false);
	if (batch.perRecordLocks) {
		batch.records.forEach((_, i) => (locked[i] = faults.lockRow(batch.kind, batch.type)));
	} else if (faults.lockRow(batch.kind, batch.type)) {
		const err = lockError(batch.records[0]?.Id);
		throw new SalesforceError(400, err.statusCode, err.message);
	}

	const results: (SaveResult | undefined)[] = batch.records.map(() => undefined);
	if (batch.allOrNone && locked.some(Boolean)) {
		return batch.records.map((r, i) => failed(r.Id, locked[i] ? lockError(r.Id) : ROLLED_BACK));
	}

	// The simulated crash: only the records that fit in the allowance are written, then the request dies.
	const pending = batch.records.map((_, i) => i).filter((i) => !locked[i]);
	const allowance = faults.writeAllowance;
	const crashAfter = pending.length > allowance;
	const toWrite = crashAfter ? (batch.allOrNone ? [] : pending.slice(0, allowance)) : pending;

	const written = callStore(ctx, batch, toWrite.map((i) => batch.records[i]));
	toWrite.forEach((recordIndex, k) => (results[recordIndex] = written[k]));
	const successes = written.filter((r) => r.success).length;
	info.recordsWritten += successes;
	if (batch.kind === 'bulk2') info.jobRecordsWritten += successes;
	faults.noteWritten(successes);
	if (crashAfter) throw new CrashError();

	return results.map((r, i) => r ?? failed(batch.records[i].Id, lockError(batch.records[i].Id)));
}

/** A failed single-record SaveResult as the REST error response: every error, in order. */
export function saveResultError(result: SaveResult): RouteResponse {
	const errors = result.errors.length
		? result.errors
		: [{ statusCode: 'UNKNOWN_EXCEPTION', message: 'The record was not saved', fields: [] }];
	return {
		status: 400,
		body: errors.map((e) => new SalesforceError(400, e.statusCode, e.message, e.fields ?? []).toJSON()),
	};
}
