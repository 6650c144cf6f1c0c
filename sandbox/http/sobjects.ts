import type { ObjectMeta, RouteRequest, RouteResponse, SRecord } from '../contracts';
import { SalesforceError, selectFrom } from '../contracts';
import type { RestContext } from './context';
import { describeGlobalEntry, describeObject } from './describe';
import { isPlainObject, methodNotAllowed, notFound, parseJsonBody } from './respond';
import { runWrite, saveResultError } from './writes';

/** `/sobjects/...`: describe, and the single-record create, read, update, upsert and delete. */

export function requireType(ctx: RestContext, type: string): ObjectMeta {
	const meta = ctx.store.describe(type);
	if (!meta) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
	ctx.info.touch(meta.name);
	return meta;
}

/** A record as REST returns it: attributes first, then every field (null when unset) or only the asked ones. */
export function restRecord(meta: ObjectMeta, record: SRecord, version: string, fields?: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = {
		attributes: { type: meta.name, url: `/services/data/${version}/sobjects/${meta.name}/${record.Id}` },
	};
	const wanted = fields?.length
		? fields.map((f) => {
				const field = meta.fields.find((m) => m.name.toLowerCase() === f.toLowerCase());
				if (!field) throw new SalesforceError(400, 'INVALID_FIELD', `No such column '${f}' on sobject of type ${meta.name}`);
				return field.name;
			})
		: meta.fields.map((f) => f.name);
	if (fields?.length && !wanted.includes('Id')) wanted.push('Id');
	for (const name of wanted) out[name] = record[name] ?? null;
	return out;
}

/** The record with that Id, if it exists and is of the given type. */
export function findRecord(ctx: RestContext, meta: ObjectMeta, id: string): SRecord | undefined {
	const hit = ctx.store.get(id);
	return hit && hit.type.toLowerCase() === meta.name.toLowerCase() ? hit.record : undefined;
}

function fieldsParam(req: RouteRequest): string[] | undefined {
	const raw = req.query.get('fields');
	return raw ? raw.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
}

function recordBody(req: RouteRequest): Record<string, unknown> {
	const body = parseJsonBody(req.body);
	if (!isPlainObject(body)) {
		throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of an sObject from a non-object value');
	}
	// The REST API ignores the attributes key on single-record writes.
	const { attributes: _ignored, ...fields } = body;
	return fields;
}

export function handleSobjects(ctx: RestContext, req: RouteRequest, segments: string[]): RouteResponse {
	ctx.info.kind = segments.length <= 1 || segments[1] === 'describe' ? 'describe' : 'sobject';
	if (segments.length === 0) {
		if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET', 'HEAD']);
		return {
			status: 200,
			body: {
				encoding: 'UTF-8',
				maxBatchSize: 200,
				sobjects: ctx.objectTypes().map((m) => describeGlobalEntry(m, req.version)),
			},
		};
	}
	const meta = requireType(ctx, segments[0]);
	if (segments.length === 1) {
		if (req.method === 'GET') {
			return { status: 200, body: { objectDescribe: describeGlobalEntry(meta, req.version), recentItems: [] } };
		}
		if (req.method !== 'POST') return methodNotAllowed(req.method, ['GET', 'HEAD', 'POST']);
		ctx.info.kind = 'sobject';
		const fields = recordBody(req);
		const [result] = runWrite(ctx, { op: 'create', type: meta.name, records: [fields], allOrNone: true, kind: 'sobject', perRecordLocks: false });
		if (!result.success) return saveResultError(result);
		return { status: 201, body: { id: result.id, success: true, errors: [] } };
	}
	if (segments.length === 2 && segments[1] === 'describe') {
		if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET', 'HEAD']);
		return { status: 200, body: describeObject(meta, req.version) };
	}
	if (segments.length === 2) return recordRoute(ctx, req, meta, segments[1]);
	if (segments.length === 3) return externalIdRoute(ctx, req, meta, segments[1], decodeURIComponent(segments[2]));
	return notFound();
}

function recordRoute(ctx: RestContext, req: RouteRequest, meta: ObjectMeta, id: string): RouteResponse {
	const record = findRecord(ctx, meta, id);
	switch (req.method) {
		case 'GET': {
			if (!record) return notFound();
			return { status: 200, body: restRecord(meta, record, req.version, fieldsParam(req)) };
		}
		case 'PATCH': {
			const fields = recordBody(req);
			if (!record) return notFound();
			const [result] = runWrite(ctx, {
				op: 'update',
				type: meta.name,
				records: [{ ...fields, Id: record.Id }],
				allOrNone: true,
				kind: 'sobject',
				perRecordLocks: false,
			});
			return result.success ? { status: 204 } : saveResultError(result);
		}
		case 'DELETE': {
			if (!record) return notFound();
			const [result] = runWrite(ctx, { op: 'remove', type: meta.name, records: [{ Id: record.Id }], allOrNone: true, kind: 'sobject', perRecordLocks: false });
			return result.success ? { status: 204 } : saveResultError(result);
		}
		default:
			return methodNotAllowed(req.method, ['GET', 'HEAD', 'PATCH', 'DELETE']);
	}
}

function externalIdRoute(ctx: RestContext, req: RouteRequest, meta: ObjectMeta, fieldName: string, value: string): RouteResponse {
	const field = meta.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
	if (!field || !(field.externalId || field.type === 'id')) {
		return {
			status: 404,
			body: [{ errorCode: 'NOT_FOUND', message: `Provided external ID field does not exist or is not accessible: ${fieldName}` }],
		};
	}
	const matches = selectFrom(ctx.store, meta.name, field.name, value, true);
	switch (req.method) {
		case 'GET':
			if (matches.length === 0) return notFound();
			if (matches.length > 1) return { status: 300, body: matches.map((m) => `/services/data/${req.version}/sobjects/${meta.name}/${m.Id}`) };
			return { status: 200, body: restRecord(meta, matches[0], req.version, fieldsParam(req)) };
		case 'PATCH': {
			const fields = recordBody(req);
			const [result] = runWrite(ctx, {
				op: 'upsert',
				type: meta.name,
				externalIdField: field.name,
				records: [{ ...fields, [field.name]: value }],
				allOrNone: true,
				kind: 'sobject',
				perRecordLocks: false,
			});
			if (!result.success) {
				const code = result.errors[0]?.statusCode;
				if (code === 'MULTIPLE_CHOICES' || code === 'DUPLICATE_EXTERNAL_ID') {
					return { status: 300, body: matches.map((m) => `/services/data/${req.version}/sobjects/${meta.name}/${m.Id}`) };
				}
				return saveResultError(result);
			}
			return { status: result.created ? 201 : 200, body: { id: result.id, success: true, errors: [], created: result.created === true } };
		}
		case 'DELETE':
			if (matches.length !== 1) return matches.length ? { status: 300, body: [] } : notFound();
			return recordRoute(ctx, { ...req }, meta, matches[0].Id);
		default:
			return methodNotAllowed(req.method, ['GET', 'HEAD', 'PATCH', 'DELETE']);
	}
}
