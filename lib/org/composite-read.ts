/**
 * Independent reads sent together through Composite (`POST /composite`), so that a snapshot costs a
 * few API calls instead of one per query. Each query still reads every record (returned, or handed to its
 * `each`): the first page comes back inside the Composite answer, later pages are followed with plain GETs
 * on nextRecordsUrl.
 *
 * jsforce never retries a POST, but a Composite call made only of GETs changes nothing, so it is safe
 * to send again: a whole call that fails with a 5xx or a dropped connection is retried, and so is each
 * subrequest that answers a 5xx, with the connection's tuning (the policy: retry.ts).
 * A 401 is renewed by jsforce itself (its session refresh covers every method) before we see it.
 */
import { LIMITS } from '../salesforce';
import type { OrgConnection } from './connect';
import { OrgError, errorCodeOf, messageOf, statusOf } from './errors';
import { queryLabel } from './http';
import { restGet, restPost, toOrgError } from './http';
import { backoff, isTransient } from './retry';


export type ReadRequest = (
	/**
	 * A SOQL query; its answer is every record, all pages followed. With `each`, every record is handed to
	 * it as its page arrives and the answer is empty: a large read (the guard's 100,000 territories and rules
	 * at XL, at every check) then never holds all its raw records at once.
	 */
	| { kind: 'query'; soql: string; each?: (record: Record<string, unknown>) => void }
	/** A GET of a REST path under /services/data (e.g. a describe); its answer is the body. */
	| { kind: 'get'; path: string }
) & {
	/**
	 * A read the caller can do without (e.g. settings a restricted user may not see): when it fails for
	 * good its answer is null instead of failing the whole read. Transient failures are still retried.
	 */
	optional?: boolean;
};

interface QueryPage {
	done?: boolean;
	records?: Record<string, unknown>[];
	nextRecordsUrl?: string;
}

interface SubAnswer {
	body: unknown;
	httpStatusCode: number;
	referenceId: string;
}

function pathOf(org: OrgConnection, request: ReadRequest): string {
	return request.kind === 'query' ? `${org.basePath}/query?q=${encodeURIComponent(request.soql)}` : request.path;
}

/** How a request is named in errors (the same words queryAll and restGet use). */
function describe(request: ReadRequest): string {
	return request.kind === 'query' ? queryLabel(request.soql) : `GET ${request.path}`;
}

/** Groups requests, in order, into calls that respect Composite's limits. */
function packCalls(requests: readonly ReadRequest[]): number[][] {
	const calls: number[][] = [];
	let current: number[] = [];
	let queries = 0;
	requests.forEach((request, i) => {
		const isQuery = request.kind === 'query';
		if (current.length === LIMITS.compositeSubrequests || (isQuery && queries === LIMITS.compositeCollections)) {
			calls.push(current);
			current = [];
			queries = 0;
		}
		current.push(i);
		if (isQuery) queries++;
	});
	if (current.length) calls.push(current);
	return calls;
}

/**
 * Runs the requests in as few calls as Composite allows and returns their answers in the same order:
 * for a query its records (every page; an empty list when its `each` took them), for a get its body. A
 * subrequest that fails for good (a bad field, a missing object) throws an OrgError naming the query, as a
 * plain REST read would; records already handed to an `each` are not taken back, so its caller drops what
 * it built when this throws.
 */
export async function readTogether(org: OrgConnection, requests: readonly ReadRequest[]): Promise<unknown[]> {
	const answers: unknown[] = new Array(requests.length);
	for (const call of packCalls(requests)) {
		// One subrequest costs one call either way; a plain GET is simpler and jsforce retries it.
		const bodies = call.length === 1 ? [await readOne(org, requests[call[0]])] : await sendComposite(org, call.map((i) => requests[i]));
		for (let k = 0; k < call.length; k++) {
			const request = requests[call[k]];
			const body = bodies[k];
			answers[call[k]] = body === OPTIONAL_FAILED ? null : request.kind === 'query' ? await allRecords(org, request, body as QueryPage) : body;
		}
	}
	return answers;
}

/** What an optional request that failed for good answers inside this module (null to callers). */
const OPTIONAL_FAILED = Symbol('optional read failed');

async function readOne(org: OrgConnection, request: ReadRequest): Promise<unknown> {
	try {
		return await restGet<unknown>(org, pathOf(org, request), describe(request));
	} catch (err) {
		if (request.optional && !isTransient(errorCodeOf(err), statusOf(err))) return OPTIONAL_FAILED;
		throw err;
	}
}

/** The first page's records plus every later page (2,000 records a page), with no cap. */
async function allRecords(org: OrgConnection, request: ReadRequest, first: QueryPage): Promise<Record<string, unknown>[]> {
	const records: Record<string, unknown>[] = [];
	const each = (request.kind === 'query' && request.each) || ((r: Record<string, unknown>) => void records.push(r));
	let page = first;
	for (;;) {
		for (const r of page.records ?? []) each(r);
		if (page.done !== false || !page.nextRecordsUrl) return records;
		page = await restGet<QueryPage>(org, page.nextRecordsUrl, describe(request));
	}
}

interface Failure {
	code: string;
	message: string;
	status?: number;
}

function subrequestFailure(answer: SubAnswer | undefined): Failure {
	if (!answer) return { code: 'NO_ANSWER', message: 'Composite returned no answer for this subrequest' };
	const first = (Array.isArray(answer.body) ? answer.body[0] : answer.body) as { errorCode?: string; message?: string } | null | undefined;
	return {
		code: first?.errorCode ?? `ERROR_HTTP_${answer.httpStatusCode}`,
		message: first?.message ?? `HTTP ${answer.httpStatusCode}`,
		status: answer.httpStatusCode,
	};
}

/** One Composite call of GETs, re-sent (only what is still missing) while failures are transient. */
async function sendComposite(org: OrgConnection, requests: ReadRequest[]): Promise<unknown[]> {
	const { maxTries } = org.tuning;
	const bodies: unknown[] = new Array(requests.length);
	let pending = requests.map((_, i) => i);
	let lastFailure: { index: number | null; failure: Failure } | null = null;
	for (let attempt = 1; attempt <= maxTries && pending.length; attempt++) {
		await backoff(org, attempt);
		let response: { compositeResponse?: SubAnswer[] };
		try {
			// No collateSubrequests: false here, unlike apply.ts: these GETs are independent reads, so the order
			// Salesforce runs collated subrequests in (not guaranteed, REST API guide, Composite) cannot matter.
			response = await restPost(org, `${org.basePath}/composite`, {
				allOrNone: false,
				compositeRequest: pending.map((i) => ({ method: 'GET', url: pathOf(org, requests[i]), referenceId: `r${i}` })),
			});
		} catch (err) {
			const code = errorCodeOf(err);
			const status = statusOf(err) ?? org.lastStatus ?? undefined;
			if (!isTransient(code, status)) throw toOrgError(org, err, `Composite read (${pending.map((i) => describe(requests[i])).join(', ')})`);
			lastFailure = { index: null, failure: { code, message: org.redact(messageOf(err)), status } };
			continue;
		}
		const byRef = new Map((response.compositeResponse ?? []).map((a) => [a.referenceId, a]));
		const retry: number[] = [];
		for (const i of pending) {
			const answer = byRef.get(`r${i}`);
			if (answer && answer.httpStatusCode < 300) {
				bodies[i] = answer.body;
				continue;
			}
			const failure = subrequestFailure(answer);
			if (!answer || isTransient(failure.code, failure.status)) {
				retry.push(i);
				lastFailure = { index: i, failure };
				continue;
			}
			if (requests[i].optional) {
				bodies[i] = OPTIONAL_FAILED;
				continue;
			}
			throw new OrgError(failure.code, org.redact(`${describe(requests[i])} failed (${failure.code}): ${failure.message}`), failure.status);
		}
		pending = retry;
	}
	if (pending.length) {
		const f = lastFailure?.failure ?? { code: 'UNKNOWN_ERROR', message: 'no answer' };
		const what = lastFailure?.index !== null && lastFailure ? describe(requests[lastFailure.index]) : 'Composite read';
		throw new OrgError(f.code, org.redact(`${what} failed after ${maxTries} tries (${f.code}): ${f.message}`), f.status);
	}
	return bodies;
}
