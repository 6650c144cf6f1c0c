/**
 * The retry policy, in one place for every reader and writer of lib/org: which failures are worth
 * another try, and how long to wait before it. jsforce itself retries only GET/PUT/DELETE (lib/org/http.ts
 * passes it the same tuning); POSTs and PATCHes (Composite, Collections, SOAP) are retried here, after
 * re-reading whatever the lost call may have written (apply.ts, metadata-links.ts).
 */
import type { OrgConnection } from './connect';

/** Failures worth another try; the outcome of a whole call failing this way is unknown. */
const TRANSIENT_CODES = new Set([
	'UNABLE_TO_LOCK_ROW',
	'SERVER_UNAVAILABLE',
	'UNKNOWN_EXCEPTION',
	'REQUEST_RUNNING_TOO_LONG',
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'EPIPE',
	'UND_ERR_SOCKET',
	'FetchError',
	'AbortError',
]);

/** The org's daily allowance is used up: stop at once, cleanly; trying again only spends more. */
export const LIMIT_CODE = 'REQUEST_LIMIT_EXCEEDED';

/** Whether a failure (an error code, an HTTP status) is worth another try. */
export function isTransient(code: string, status?: number | null): boolean {
	return TRANSIENT_CODES.has(code) || /^ERROR_HTTP_5\d\d$/.test(code) || (!!status && status >= 500);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits before try `attempt` (1-based; the first try does not wait): retryDelayMs, doubled per retry. */
export async function backoff(org: OrgConnection, attempt: number): Promise<void> {
	if (attempt > 1) await sleep(org.tuning.retryDelayMs * 2 ** (attempt - 2));
}
