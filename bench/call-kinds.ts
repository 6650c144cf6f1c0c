/**
 * What each API call of an operation was for, from the sandbox's request log (`log` over --control):
 * the counts of bench/RESULTS.md split into login, snapshot reads, guard reads (lib/org/guard.ts: one
 * Composite call of the model, its territories and its rules), write calls, the steps of a Bulk API 2.0
 * job and the rest. Read from the log alone (method, path, objects), never from the engine.
 */

/** One request as the sandbox logs it (sandbox/http/request-log.ts; the fields the split needs). */
export interface LoggedRequest {
	method: string;
	path: string;
	kind: string;
	objects: string[];
	write: boolean;
	recordsWritten: number;
	recordsRead?: number;
	apiCall: boolean;
	serveMs?: number;
	waitMs?: number;
}

export type CallPurpose =
	| 'login'
	| 'snapshot read'
	| 'guard read'
	| 'write call'
	| 'bulk job: create'
	| 'bulk job: upload'
	| 'bulk job: close'
	| 'bulk job: status poll'
	| 'bulk job: results'
	| 'other';

export interface PurposeCount {
	calls: number;
	/** Of those, follow-up query pages (GET /query/{locator}). */
	pages: number;
	recordsRead: number;
	recordsWritten: number;
	/** Time the sandbox spent serving them (its CPU, before the latency model's wait). */
	serveMs: number;
	/** The latency model's waits after them. */
	waitMs: number;
}

/**
 * The five objects of a guard read (lib/org/guard.ts: the model, its territories and rules, and the two
 * assignment aggregates), and nothing else (the snapshot's calls also read types, describes, rule items and links).
 */
const GUARD_OBJECTS = ['ObjectTerritory2AssignmentRule', 'ObjectTerritory2Association', 'Territory2', 'Territory2Model', 'UserTerritory2Association'].join('+');

function bulkStep(e: LoggedRequest): CallPurpose {
	if (e.method === 'POST') return 'bulk job: create';
	if (e.method === 'PUT') return 'bulk job: upload';
	if (e.method === 'PATCH') return 'bulk job: close';
	return /\/(successfulResults|failedResults|unprocessedrecords)$/i.test(e.path) ? 'bulk job: results' : 'bulk job: status poll';
}

/**
 * Splits the requests by purpose. A follow-up query page belongs to the read it continues: the engine
 * follows every page of a Composite read before its next call (lib/org/composite-read.ts), so it is
 * counted with the last read before it.
 */
export function callsByPurpose(entries: readonly LoggedRequest[]): Partial<Record<CallPurpose, PurposeCount>> {
	const out: Partial<Record<CallPurpose, PurposeCount>> = {};
	let lastRead: CallPurpose = 'snapshot read';
	for (const e of entries) {
		let purpose: CallPurpose;
		const page = e.kind === 'query' && /\/query\/[^/]+$/.test(e.path);
		if (e.kind === 'auth' || e.kind === 'identity' || e.kind === 'versions') purpose = 'login';
		else if (e.kind === 'bulk2') purpose = bulkStep(e);
		else if (e.write) purpose = 'write call';
		else if (page) purpose = lastRead;
		else if (e.kind === 'composite' || e.kind === 'query' || e.kind === 'describe') {
			purpose = [...e.objects].sort().join('+') === GUARD_OBJECTS && e.kind === 'composite' ? 'guard read' : 'snapshot read';
			lastRead = purpose;
		} else purpose = 'other';
		const count = (out[purpose] ??= { calls: 0, pages: 0, recordsRead: 0, recordsWritten: 0, serveMs: 0, waitMs: 0 });
		// Auth and identity calls do not count against the API allowance; they are listed, not counted.
		if (e.apiCall) count.calls++;
		if (page) count.pages++;
		count.recordsRead += e.recordsRead ?? 0;
		count.recordsWritten += e.recordsWritten;
		count.serveMs += e.serveMs ?? 0;
		count.waitMs += e.waitMs ?? 0;
	}
	return out;
}
