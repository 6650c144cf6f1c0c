/**
 * Bulk API 2.0 for very large assignment sets (user and manual account assignments), through jsforce's
 * `bulk2.loadAndWaitForResults`. Results come back as CSV without the input row number, so each result
 * row is matched to its input record by natural key (both key fields are echoed back).
 */
import type { SObjectName } from '../salesforce';
import { OBJECTS } from '../salesforce';
import type { OrgConnection } from './connect';
import { errorCodeOf, messageOf } from './errors';
import { naturalKeyOf } from './natural-keys';

/**
 * Creates of one assignment object at or above this count go through Bulk API 2.0.
 * Measured (bench/RESULTS.md, "Earlier measurements"): Composite cost one call per 1,000 records;
 * a Bulk 2.0 load costs 7 calls when the job is done at its first status poll (create, upload, close,
 * poll, 3 result reads), so Bulk costs fewer calls above 7,000 records in the best case. On a real org a
 * job queues and runs for seconds: each further poll (POLL_INTERVAL_MS) is one more call. At 10,000
 * Bulk still breaks even with 3 extra polls (about 6 s of job time) and its saving grows with the set
 * (20 vs 7 calls at 20,000); below it Composite is as cheap and needs no job queue or polling.
 */
export const BULK_THRESHOLD = 10_000;

/** Objects that may be loaded through Bulk API 2.0 (create only: they have no update). */
export const BULK_OBJECTS: SObjectName[] = [OBJECTS.userTerritory, OBJECTS.objectTerritory];

/** How long to wait for a job: Salesforce queues jobs behind others of the org. */
const POLL_TIMEOUT_MS = 15 * 60_000;
const POLL_INTERVAL_MS = 2_000;

export interface BulkRowResult {
	success: boolean;
	id: string | null;
	code: string;
	message: string;
	/** Not processed by the job (it failed or was aborted part way). */
	unprocessed?: boolean;
}

function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '#N/A';
	const s = String(value);
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(records: Record<string, unknown>[]): string {
	const names = new Set<string>();
	for (const r of records) for (const name of Object.keys(r)) names.add(name);
	const columns = [...names];
	const lines = [columns.join(',')];
	for (const r of records) lines.push(columns.map((c) => csvCell(r[c])).join(','));
	return `${lines.join('\n')}\n`;
}

/** "CODE:message:fields --" → code and message. */
function parseBulkError(text: unknown): { code: string; message: string } {
	const s = String(text ?? '');
	const i = s.indexOf(':');
	if (i < 0) return { code: 'UNKNOWN_ERROR', message: s };
	return { code: s.slice(0, i), message: s.slice(i + 1).replace(/:[^:]*--\s*$/, '').trim() };
}

export async function applyBulk(
	org: OrgConnection,
	object: SObjectName,
	records: Record<string, unknown>[],
	polling: { pollInterval?: number; pollTimeout?: number } = {},
): Promise<{ results: BulkRowResult[] } | { stopped: { code: string; message: string } }> {
	let outcome: { successfulResults: Record<string, unknown>[]; failedResults: Record<string, unknown>[]; unprocessedRecords: Record<string, unknown>[] | string };
	try {
		outcome = (await org.conn.bulk2.loadAndWaitForResults({
			object,
			operation: 'insert',
			input: toCsv(records),
			pollInterval: polling.pollInterval ?? POLL_INTERVAL_MS,
			pollTimeout: polling.pollTimeout ?? POLL_TIMEOUT_MS,
		})) as unknown as typeof outcome;
	} catch (err) {
		return { stopped: { code: errorCodeOf(err), message: org.redact(messageOf(err)) } };
	}
	// Input records by natural key; duplicates of a key are served in order. A key's first record is a number,
	// only a repeated key gets a list: an array per record was 200,000 of them for XL's account assignments.
	const queue = new Map<string, number | number[]>();
	records.forEach((r, k) => {
		const key = naturalKeyOf(object, r) ?? `#${k}`;
		const had = queue.get(key);
		queue.set(key, had === undefined ? k : typeof had === 'number' ? [had, k] : (had.push(k), had));
	});
	const results: (BulkRowResult | undefined)[] = new Array(records.length);
	const take = (row: Record<string, unknown>): number | undefined => {
		const key = naturalKeyOf(object, row);
		const had = key === null ? undefined : queue.get(key);
		if (typeof had === 'number') {
			queue.delete(key as string);
			return had;
		}
		return had?.shift();
	};
	for (const row of outcome.successfulResults ?? []) {
		const k = take(row);
		if (k !== undefined) results[k] = { success: true, id: String(row.sf__Id), code: '', message: '' };
	}
	for (const row of outcome.failedResults ?? []) {
		const k = take(row);
		if (k !== undefined) results[k] = { success: false, id: null, ...parseBulkError(row.sf__Error) };
	}
	return { results: Array.from(results, (r) => r ?? NO_RESULT) };
}

/** A record the job answered nothing for (shared: results are read, never changed). */
const NO_RESULT: BulkRowResult = Object.freeze({
	success: false,
	id: null,
	code: 'OUTCOME_UNKNOWN',
	message: 'The Bulk API job returned no result for this record',
	unprocessed: true,
});
