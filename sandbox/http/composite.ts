import { SalesforceError, type RouteRequest, type RouteResponse } from '../contracts';
import type { RestContext } from './context';
import { isPlainObject, parseJsonBody } from './respond';

/**
 * Composite (`POST /composite`): up to 25 subrequests in one API call; later ones refer to earlier
 * results with `@{referenceId.path}`; allOrNone runs them in one transaction.
 *
 * Order: REST API guide, Composite request body: `collateSubrequests` defaults to true from API 49.0
 * (false in 48.0, absent before), and collated subrequests run in an order that "is not guaranteed"
 * unless one references another. So a request that does not send `collateSubrequests: false` (API ≥ 49)
 * runs here in a collated order: POST, then PATCH, PUT, DELETE, then GET, a subrequest never before
 * those it references (request order breaks ties). This exposes clients that rely on request order; it
 * is not a claim about the order Salesforce picks. With `collateSubrequests: false`, request order.
 * Answers always come back in request order.
 */

export const MAX_COMPOSITE_SUBREQUESTS = 25;
/** Of the 25, at most 5 may be sObject Collections or query calls. */
export const MAX_COMPOSITE_COLLECTIONS_OR_QUERIES = 5;

const HALTED_MESSAGE = 'The transaction was rolled back since another operation in the same transaction failed.';
const REFERENCE = /@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)\}/g;

interface Subrequest {
	method: string;
	url: string;
	referenceId: string;
	body?: unknown;
	httpHeaders?: Record<string, string>;
}

interface SubResult {
	body: unknown;
	httpHeaders: Record<string, string>;
	httpStatusCode: number;
	referenceId: string;
}

export type DataRouter = (ctx: RestContext, req: RouteRequest) => RouteResponse;

class ReferenceError_ extends SalesforceError {}
class RollbackSignal extends Error {}

function halted(referenceId: string, message = HALTED_MESSAGE): SubResult {
	return {
		body: [{ errorCode: 'PROCESSING_HALTED', message }],
		httpHeaders: {},
		httpStatusCode: 400,
		referenceId,
	};
}

function isCollectionOrQuery(url: string): boolean {
	const path = url.split('?')[0];
	return /\/composite\/sobjects(\/|$)/.test(path) || /\/query(All)?(\/|$)/.test(path);
}

interface CompositeBody {
	allOrNone: boolean;
	/** As sent: undefined when the request does not say. */
	collateSubrequests: boolean | undefined;
	subrequests: Subrequest[];
}

function parseSubrequests(raw: string): CompositeBody {
	const body = parseJsonBody(raw);
	if (!isPlainObject(body) || !Array.isArray(body.compositeRequest)) {
		throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The request body must be an object with a compositeRequest array');
	}
	const list = body.compositeRequest;
	if (list.length === 0) throw new SalesforceError(400, 'INVALID_INPUT', 'compositeRequest must contain at least one subrequest');
	if (list.length > MAX_COMPOSITE_SUBREQUESTS) {
		throw new SalesforceError(
			400,
			'LIMIT_EXCEEDED',
			`A composite request can contain at most ${MAX_COMPOSITE_SUBREQUESTS} subrequests; this one has ${list.length}`,
		);
	}
	const seen = new Set<string>();
	let heavy = 0;
	const subrequests = list.map((item, i): Subrequest => {
		if (!isPlainObject(item) || typeof item.method !== 'string' || typeof item.url !== 'string' || typeof item.referenceId !== 'string') {
			throw new SalesforceError(400, 'JSON_PARSER_ERROR', `Subrequest ${i} needs method, url and referenceId`);
		}
		if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(item.referenceId)) {
			throw new SalesforceError(400, 'INVALID_INPUT', `Subrequest ${i}: referenceId '${item.referenceId}' must start with a letter and use only letters, digits and underscores`);
		}
		if (seen.has(item.referenceId)) {
			throw new SalesforceError(400, 'INVALID_INPUT', `Duplicate referenceId '${item.referenceId}' in the composite request`);
		}
		seen.add(item.referenceId);
		if (isCollectionOrQuery(item.url)) heavy++;
		return {
			method: item.method.toUpperCase(),
			url: item.url,
			referenceId: item.referenceId,
			body: item.body,
			httpHeaders: isPlainObject(item.httpHeaders) ? (item.httpHeaders as Record<string, string>) : undefined,
		};
	});
	if (heavy > MAX_COMPOSITE_COLLECTIONS_OR_QUERIES) {
		throw new SalesforceError(
			400,
			'LIMIT_EXCEEDED',
			`A composite request can contain at most ${MAX_COMPOSITE_COLLECTIONS_OR_QUERIES} sObject Collections or query subrequests; this one has ${heavy}`,
		);
	}
	const collate = body.collateSubrequests;
	if (collate !== undefined && typeof collate !== 'boolean') {
		throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'collateSubrequests must be true or false');
	}
	return { allOrNone: body.allOrNone === true, collateSubrequests: collate, subrequests };
}

/** Whether the subrequests are collated: the flag when sent, else the version's default (true from 49.0). */
function collates(flag: boolean | undefined, version: string): boolean {
	const v = Number(version.replace(/^v/, ''));
	if (v < 48) return false;
	return flag ?? v >= 49;
}

const METHOD_RANK: Record<string, number> = { POST: 0, PATCH: 1, PUT: 2, DELETE: 3, GET: 4 };

/** Indexes of the earlier subrequests a subrequest references in its url or body. */
function referencedIndexes(sub: Subrequest, index: number, indexOf: Map<string, number>): number[] {
	const text = `${sub.url}\u0000${sub.body === undefined ? '' : JSON.stringify(sub.body)}`;
	const out: number[] = [];
	for (const m of text.matchAll(REFERENCE)) {
		const j = indexOf.get(m[1]);
		if (j !== undefined && j < index) out.push(j);
	}
	return out;
}

/**
 * The order to run the subrequests in: request order, or collated (by METHOD_RANK, each after the
 * subrequests it references, request order between equals).
 */
function executionOrder(subrequests: readonly Subrequest[], collated: boolean): number[] {
	const all = subrequests.map((_, i) => i);
	if (!collated) return all;
	const indexOf = new Map(subrequests.map((s, i) => [s.referenceId, i]));
	const needs = subrequests.map((s, i) => referencedIndexes(s, i, indexOf));
	const rank = (i: number) => METHOD_RANK[subrequests[i].method] ?? 5;
	const done = new Set<number>();
	const order: number[] = [];
	while (order.length < subrequests.length) {
		const ready = all.filter((i) => !done.has(i) && needs[i].every((j) => done.has(j)));
		// References point only to earlier subrequests, so something is always ready.
		const next = ready.reduce((a, b) => (rank(b) < rank(a) ? b : a));
		done.add(next);
		order.push(next);
	}
	return order;
}

/**
 * Follows `.name` and `[n]` steps through an earlier result body.
 *
 * REST API guide, Composite request body, allOrNone false: "the remaining subrequests that don't depend
 * on the failed subrequest are executed. Dependent subrequests aren't executed": a reference to a
 * subrequest that failed (status 400 or more) fails the referring one, which is answered, not run. The
 * guide names no code for that answer: PROCESSING_HALTED here, Salesforce's code for a subrequest not
 * run (the engine does not rely on it, lib/org/apply.ts readAnswer).
 *
 * A collection answers 200 even when records in it failed, and a failed record carries no id
 * (collections.ts createAnswer): what a reference to that id does is not documented. The sandbox plays
 * both (SandboxOptions.failedReference): 'halt' (default) fails the reference like one to a failed
 * subrequest ("Invalid reference specified. No value for …"); 'null' resolves a field of a failed record
 * to null, and the referring subrequest runs with it.
 */
function lookup(results: Map<string, SubResult>, refId: string, path: string, whole: string, nulls = false): unknown {
	const source = results.get(refId);
	const fail = () =>
		new ReferenceError_(
			400,
			'PROCESSING_HALTED',
			`Invalid reference specified. No value for ${whole.slice(2, -1)} found in ${refId}. Provided referenceId ('${refId}') must refer to an earlier successful subrequest.`,
		);
	if (!source || source.httpStatusCode >= 400) throw fail();
	let value: unknown = source.body;
	let holder: unknown = null;
	for (const step of path.match(/\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]/g) ?? []) {
		if (value === null || typeof value !== 'object') throw fail();
		const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1);
		holder = value;
		value = (value as Record<string | number, unknown>)[key];
	}
	const ofFailedRecord = isPlainObject(holder) && holder.success === false;
	if ((value === null || (value === undefined && ofFailedRecord)) && nulls) return null;
	if (value === undefined || value === null || typeof value === 'object') throw fail();
	return value;
}

function substituteText(text: string, results: Map<string, SubResult>, nulls = false): string {
	return text.replace(REFERENCE, (whole, refId: string, path: string) => String(lookup(results, refId, path, whole, nulls)));
}

function substitute(value: unknown, results: Map<string, SubResult>, nulls: boolean): unknown {
	if (typeof value === 'string') {
		const single = /^@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)\}$/.exec(value);
		return single ? lookup(results, single[1], single[2], value, nulls) : substituteText(value, results, nulls);
	}
	if (Array.isArray(value)) return value.map((v) => substitute(v, results, nulls));
	if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results, nulls)]));
	return value;
}

function runOne(ctx: RestContext, route: DataRouter, sub: Subrequest, results: Map<string, SubResult>): SubResult {
	try {
		const nulls = ctx.failedReference === 'null';
		const url = substituteText(sub.url, results);
		const body = sub.body === undefined ? '' : JSON.stringify(substitute(sub.body, results, nulls));
		const parsed = new URL(url, 'http://composite.invalid');
		const match = /^\/services\/data\/(v\d+\.\d)(\/.*)?$/.exec(parsed.pathname);
		if (!match) return { ...halted(sub.referenceId), body: [{ errorCode: 'NOT_FOUND', message: `Invalid subrequest url: ${sub.url}` }], httpStatusCode: 404 };
		const response = route(ctx, {
			method: sub.method,
			path: match[2] ?? '/',
			query: parsed.searchParams,
			headers: Object.fromEntries(Object.entries(sub.httpHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
			body,
			version: match[1],
		});
		const headers: Record<string, string> = {};
		if (response.status === 201 && isPlainObject(response.body) && typeof response.body.id === 'string') {
			const type = parsed.pathname.split('/')[5] ?? '';
			headers.Location = `/services/data/${match[1]}/sobjects/${type}/${response.body.id}`;
		}
		return { body: response.body ?? null, httpHeaders: headers, httpStatusCode: response.status, referenceId: sub.referenceId };
	} catch (err) {
		if (err instanceof SalesforceError) {
			return { body: [err.toJSON()], httpHeaders: {}, httpStatusCode: err.status, referenceId: sub.referenceId };
		}
		throw err;
	}
}

export function handleComposite(ctx: RestContext, req: RouteRequest, route: DataRouter): RouteResponse {
	ctx.info.kind = 'composite';
	if (req.method !== 'POST') {
		return { status: 405, body: [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${req.method}' not allowed. Allowed are POST` }] };
	}
	if (ctx.inComposite) throw new SalesforceError(400, 'INVALID_INPUT', 'Composite requests cannot be nested');
	const { allOrNone, collateSubrequests, subrequests } = parseSubrequests(req.body);
	const order = executionOrder(subrequests, collates(collateSubrequests, req.version));
	const indexOf = new Map(subrequests.map((s, i) => [s.referenceId, i]));
	const results = new Map<string, SubResult>();
	let failed: SubResult | null = null;
	const sub = { ...ctx, inComposite: true };

	const runAll = () => {
		for (const i of order) {
			const s = subrequests[i];
			// Only earlier subrequests (in request order) may be referenced, whatever ran first.
			const earlier = new Map([...results].filter(([referenceId]) => indexOf.get(referenceId)! < i));
			const result = runOne(sub, route, s, earlier);
			results.set(s.referenceId, result);
			if (allOrNone && result.httpStatusCode >= 400) {
				failed = result;
				throw new RollbackSignal();
			}
		}
	};

	if (!allOrNone) {
		runAll();
	} else {
		const writtenBefore = ctx.info.recordsWritten;
		try {
			ctx.store.transaction(runAll);
		} catch (err) {
			if (!(err instanceof RollbackSignal)) throw err;
			ctx.info.recordsWritten = writtenBefore;
			const body = subrequests.map((s) => (s.referenceId === failed?.referenceId ? failed : halted(s.referenceId)));
			ctx.info.kind = 'composite';
			return { status: 200, body: { compositeResponse: body } };
		}
	}
	ctx.info.kind = 'composite';
	return { status: 200, body: { compositeResponse: subrequests.map((s) => results.get(s.referenceId)!) } };
}
