import { randomBytes } from 'node:crypto';
import { SalesforceError, type QueryResultPage, type QuerySource } from '../contracts';
import { executeQuery } from '../soql';

/** Salesforce returns at most 2,000 records a page; Sforce-Query-Options batchSize may ask for 200..2,000. */
export const MAX_QUERY_PAGE = 2000;
const MIN_BATCH_SIZE = 200;
/** Open cursors kept per org; older ones are dropped first (Salesforce also caps open cursors per user). */
const MAX_OPEN_CURSORS = 50;

interface Cursor {
	records: Record<string, unknown>[];
	totalSize: number;
	batchSize: number;
}

/** Reads `batchSize=N` from a Sforce-Query-Options header, clamped to what Salesforce honours. */
export function batchSizeOf(header: string | string[] | undefined): number {
	const text = Array.isArray(header) ? header.join(',') : header ?? '';
	const match = /batchSize\s*=\s*(\d+)/i.exec(text);
	if (!match) return MAX_QUERY_PAGE;
	return Math.min(MAX_QUERY_PAGE, Math.max(MIN_BATCH_SIZE, Number(match[1])));
}

/** Runs queries and keeps the cursors that `GET /query/{locator}` pages through. */
export class QueryCursors {
	private cursors = new Map<string, Cursor>();

	run(soql: string, source: QuerySource, opts: { version: string; batchSize: number; includeDeleted: boolean }): QueryResultPage {
		if (!soql.trim()) throw new SalesforceError(400, 'MALFORMED_QUERY', 'A query string (q) is required');
		const { version, batchSize } = opts;
		const result = executeQuery(soql, source, { version, includeDeleted: opts.includeDeleted });
		const cursor: Cursor = { records: result.records, totalSize: result.totalSize, batchSize };
		return this.page(cursor, this.newLocatorBase(), 0, version);
	}

	/** The next page for a locator such as "01g8d0000000001AAA-2000". */
	more(locator: string, version: string): QueryResultPage {
		const match = /^(.+)-(\d+)$/.exec(locator);
		const cursor = match && this.cursors.get(match[1]);
		if (!match || !cursor || Number(match[2]) >= cursor.records.length) {
			throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
		}
		return this.page(cursor, match[1], Number(match[2]), version);
	}

	get openCursors(): number {
		return this.cursors.size;
	}

	private page(cursor: Cursor, base: string, offset: number, version: string): QueryResultPage {
		const end = offset + cursor.batchSize;
		const records = cursor.records.slice(offset, end);
		if (end >= cursor.records.length) return { totalSize: cursor.totalSize, done: true, records };
		// Cursors outlive their last page so that a retried GET (jsforce retries them) still answers.
		if (!this.cursors.has(base)) this.cursors.set(base, cursor);
		while (this.cursors.size > MAX_OPEN_CURSORS) this.cursors.delete(this.cursors.keys().next().value as string);
		return {
			totalSize: cursor.totalSize,
			done: false,
			nextRecordsUrl: `/services/data/${version}/query/${base}-${end}`,
			records,
		};
	}

	private newLocatorBase(): string {
		return `01g8d${randomBytes(8).toString('hex').slice(0, 13).toUpperCase()}`;
	}
}
