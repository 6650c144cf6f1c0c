import { SalesforceError, type RouteRequest, type RouteResponse } from '../contracts';
import { handleCollections } from './collections';
import { handleComposite } from './composite';
import type { RestContext } from './context';
import { batchSizeOf } from './query';
import { queryColumns } from './query-columns';
import { methodNotAllowed, notFound } from './respond';
import { handleSobjects } from './sobjects';

/** Routes one request under `/services/data/vNN.N`; also serves composite subrequests. */
export function routeData(ctx: RestContext, req: RouteRequest): RouteResponse {
	const segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
	const [head, ...rest] = segments;
	switch (head) {
		case undefined:
			ctx.info.kind = 'versions';
			if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET', 'HEAD']);
			return { status: 200, body: resources(req.version) };
		case 'sobjects':
			return handleSobjects(ctx, req, rest);
		case 'composite':
			if (rest.length === 0) return handleComposite(ctx, req, routeData);
			if (rest[0] === 'sobjects') return handleCollections(ctx, req, rest.slice(1));
			ctx.info.kind = 'composite';
			return notFound();
		case 'query':
		case 'queryAll':
			return query(ctx, req, head === 'queryAll', rest);
		case 'limits':
			ctx.info.kind = 'limits';
			if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET', 'HEAD']);
			return { status: 200, body: limits(ctx) };
		case 'jobs': {
			ctx.info.kind = 'bulk2';
			if (ctx.inComposite) throw new SalesforceError(400, 'INVALID_INPUT', 'Bulk API jobs cannot run inside a composite request');
			return ctx.bulk2?.handle(req) ?? notFound();
		}
		default:
			return notFound();
	}
}

/** The object a SOQL query reads, for the request log only. */
function fromObject(soql: string): string | undefined {
	return /\bfrom\s+([A-Za-z0-9_]+)/i.exec(soql)?.[1];
}

function query(ctx: RestContext, req: RouteRequest, includeDeleted: boolean, rest: string[]): RouteResponse {
	ctx.info.kind = 'query';
	if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET', 'HEAD']);
	if (rest.length === 1) {
		const next = ctx.queries.more(rest[0], req.version);
		ctx.info.recordsRead += next.records.length;
		return { status: 200, body: next };
	}
	if (rest.length > 1) return notFound();
	const soql = req.query.get('q') ?? '';
	const type = fromObject(soql);
	const meta = type ? ctx.store.describe(type) : undefined;
	ctx.info.touch(meta?.name ?? type);
	if (req.query.get('columns') === 'true') return { status: 200, body: queryColumns(soql, ctx.store) };
	const page = ctx.queries.run(soql, ctx.store, {
		version: req.version,
		batchSize: batchSizeOf(req.headers['sforce-query-options']),
		includeDeleted,
	});
	ctx.info.recordsRead += page.records.length;
	return { status: 200, body: page };
}

function resources(version: string): Record<string, string> {
	const base = `/services/data/${version}`;
	const names = ['sobjects', 'query', 'queryAll', 'composite', 'limits', 'jobs'];
	return Object.fromEntries(names.map((n) => [n, `${base}/${n}`]));
}

function limits(ctx: RestContext): Record<string, { Max: number; Remaining: number }> {
	const { used, max } = ctx.usage;
	return {
		DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
		DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
		DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
		DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
		SingleEmail: { Max: 15, Remaining: 15 },
	};
}
