/**
 * The few REST shapes the org layer uses, over the OrgConnection's jsforce Connection: reads with
 * paging (GET, which jsforce retries itself on 5xx and socket errors) and JSON posts (never retried by
 * jsforce: apply.ts decides what is safe to repeat).
 */
import type { OrgConnection } from './connect';
import { OrgError, errorCodeOf, fieldsOf, messageOf, statusOf } from './errors';

interface QueryPage<T> {
	totalSize: number;
	done: boolean;
	records: T[];
	nextRecordsUrl?: string;
}

function readOptions(org: OrgConnection): object {
	return {
		timeout: org.tuning.timeoutMs,
		retry: { maxRetries: org.tuning.maxTries - 1, minTimeout: org.tuning.retryDelayMs, timeoutFactor: 2 },
	};
}

/**
 * A query as error messages name it: by the object it reads, not its text. The text would quote field
 * names, and n8n rewrites any error message containing "EACCES" (a file-permission code) into "Forbidden
 * by access permissions", which field names such as CaseAccessLevel and DefaultCaseAccess set off.
 * Salesforce's own message still names the field at fault.
 */
export function queryLabel(soql: string): string {
	const object = /\bFROM\s+(\w+)/i.exec(soql)?.[1];
	return object ? `Query of ${object}` : 'Query';
}

/** Wraps a jsforce failure into an OrgError whose message carries no secret. */
export function toOrgError(org: OrgConnection, err: unknown, what: string): OrgError {
	if (err instanceof OrgError) return err;
	// The session expired and could not be renewed: that, not the request that found out, is the failure.
	if (org.renewalFailure && /^Unable to refresh session/.test(messageOf(err))) return org.renewalFailure;
	const code = errorCodeOf(err);
	// jsforce's HttpApiError carries no status: the connection saw it on the answer (a socket error has none).
	const status = statusOf(err) ?? (org.lastStatus !== null && org.lastStatus >= 400 ? org.lastStatus : undefined);
	return new OrgError(code, org.redact(`${what} failed (${code}): ${messageOf(err)}`), status, fieldsOf(err));
}

export async function restGet<T>(org: OrgConnection, path: string, what = `GET ${path}`): Promise<T> {
	try {
		return (await org.conn.request<T>({ method: 'GET', url: path }, readOptions(org))) as T;
	} catch (err) {
		throw toOrgError(org, err, what);
	}
}

/**
 * Every record of a SOQL query, following nextRecordsUrl page by page (2,000 records a page) with no
 * cap: jsforce's autoFetch stops silently at maxFetch (10,000 by default), which a large model exceeds.
 */
export async function queryAll<T = Record<string, unknown>>(
	org: OrgConnection,
	soql: string,
	onPage?: (fetched: number, total: number) => void,
): Promise<T[]> {
	const records: T[] = [];
	let url: string | undefined = `${org.basePath}/query?q=${encodeURIComponent(soql)}`;
	while (url) {
		const page: QueryPage<T> = await restGet<QueryPage<T>>(org, url, queryLabel(soql));
		for (const r of page.records ?? []) records.push(r);
		onPage?.(records.length, page.totalSize ?? records.length);
		url = page.done === false && page.nextRecordsUrl ? page.nextRecordsUrl : undefined;
	}
	return records;
}

export async function restPost<T>(org: OrgConnection, path: string, body: unknown): Promise<T> {
	return (await org.conn.request<T>(
		{ method: 'POST', url: path, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
		{ timeout: org.tuning.timeoutMs },
	)) as T;
}
