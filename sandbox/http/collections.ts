import { SalesforceError, type RouteRequest, type RouteResponse, type SaveResult } from '../contracts';
import { TERRITORY_OBJECTS } from '../schema';
import type { RestContext } from './context';
import { isPlainObject, methodNotAllowed, notFound, parseJsonBody } from './respond';
import { findRecord, requireType, restRecord } from './sobjects';
import { ROLLED_BACK, runWrite, type WriteOp } from './writes';

/** sObject Collections: `/composite/sobjects[/{Type}[/{ExternalIdField}]]`, up to 200 records a call. */

export const MAX_COLLECTION_RECORDS = 200;

function tooMany(count: number): SalesforceError {
	return new SalesforceError(
		400,
		'EXCEEDED_ID_LIMIT',
		`record limit reached. cannot submit more than ${MAX_COLLECTION_RECORDS} records into this call (got ${count})`,
	);
}

function booleanParam(value: string | null): boolean {
	return value !== null && value.toLowerCase() === 'true';
}

interface CollectionBody {
	allOrNone: boolean;
	records: Record<string, unknown>[];
}

function readBody(req: RouteRequest): CollectionBody {
	const body = parseJsonBody(req.body);
	if (!isPlainObject(body) || !Array.isArray(body.records)) {
		throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The request body must be an object with a records array');
	}
	if (body.records.length > MAX_COLLECTION_RECORDS) throw tooMany(body.records.length);
	if (!body.records.every(isPlainObject)) {
		throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'Every element of records must be an object');
	}
	return { allOrNone: body.allOrNone === true, records: body.records as Record<string, unknown>[] };
}

/** The type a collection record names in attributes.type (required by Salesforce). */
function typeOf(record: Record<string, unknown>, index: number): string {
	const attrs = record.attributes;
	const type = isPlainObject(attrs) && typeof attrs.type === 'string' ? attrs.type : undefined;
	if (!type) {
		throw new SalesforceError(400, 'INVALID_FIELD', `No SObject Type defined in record at index ${index}: set attributes.type`);
	}
	return type;
}

function stripAttributes(record: Record<string, unknown>): Record<string, unknown> {
	const { attributes: _ignored, ...fields } = record;
	return fields;
}

/**
 * Setup objects: REST API guide, sObject Collections Create: "You can't create records for multiple object
 * types in one call when one of the types is related to a feature in the Salesforce Setup area"; the Apex
 * guide's "sObjects That Can't Be Used Together in DML Operations" lists User and the territory objects.
 * Territory2Type and ObjectTerritory2Association are counted too (Sales Territories is configured in Setup).
 */
export const SETUP_OBJECTS: ReadonlySet<string> = new Set(['User', ...TERRITORY_OBJECTS]);

/**
 * A create or update mixing types where one is a setup object: every record fails, nothing is written.
 * Salesforce's answer to it is not documented; the code is Apex's for mixing setup and other objects in
 * one transaction (sandbox/RULES.md #33).
 */
function mixedSetupObjects(types: readonly string[]): SaveResult['errors'][number] | null {
	if (types.length < 2 || !types.some((t) => SETUP_OBJECTS.has(t))) return null;
	const setup = types.filter((t) => SETUP_OBJECTS.has(t));
	return {
		statusCode: 'MIXED_DML_OPERATION',
		message: `You can't create or update records of several object types in one call when one of them is a setup object (${setup.join(', ')}); this call has ${types.join(', ')}. Send each setup object in a call of its own.`,
		fields: [],
	};
}

/**
 * Create or update records of possibly several types, in runs of one type, honouring allOrNone across
 * runs. Several types are allowed only when none is a setup object.
 */
function writeMixed(ctx: RestContext, op: 'create' | 'update', body: CollectionBody): SaveResult[] {
	const typed = body.records.map((r, i) => ({ type: requireType(ctx, typeOf(r, i)).name, fields: stripAttributes(r) }));
	const mixed = mixedSetupObjects([...new Set(typed.map((t) => t.type))]);
	if (mixed) {
		ctx.info.write = true;
		for (const t of typed) ctx.info.touch(t.type);
		return typed.map(() => ({ id: null, success: false, errors: [mixed] }));
	}
	const runs: { type: string; start: number; fields: Record<string, unknown>[] }[] = [];
	typed.forEach((t, i) => {
		const last = runs[runs.length - 1];
		if (last && last.type === t.type) last.fields.push(t.fields);
		else runs.push({ type: t.type, start: i, fields: [t.fields] });
	});
	const exec = (): SaveResult[] =>
		runs.flatMap((run) =>
			runWrite(ctx, { op, type: run.type, records: run.fields, allOrNone: body.allOrNone, kind: 'collections', perRecordLocks: true }),
		);
	if (!body.allOrNone || runs.length <= 1) return exec();
	// Several runs under allOrNone: one failure anywhere rolls every run back.
	let results: SaveResult[] = [];
	const writtenBefore = ctx.info.recordsWritten;
	try {
		ctx.store.transaction(() => {
			results = exec();
			if (results.some((r) => !r.success)) throw new RollbackSignal();
		});
	} catch (err) {
		if (!(err instanceof RollbackSignal)) throw err;
		ctx.info.recordsWritten = writtenBefore;
		return results.map((r) => (r.success ? { id: null, success: false, errors: [ROLLED_BACK] } : r));
	}
	return results;
}

class RollbackSignal extends Error {}

/**
 * A create's answer as Salesforce shows it: a record that failed carries no id (REST API guide, sObject
 * Collections, Create Multiple Records: the response example's failed record is `{ "success": false,
 * "errors": [...] }`). So a Composite reference to its id (`@{b0[3].id}`) points at nothing (composite.ts).
 */
function createAnswer(result: SaveResult): Partial<SaveResult> {
	if (result.success) return result;
	const { id: _none, ...rest } = result;
	return rest;
}

export function handleCollections(ctx: RestContext, req: RouteRequest, segments: string[]): RouteResponse {
	ctx.info.kind = 'collections';
	if (segments.length === 0) {
		switch (req.method) {
			case 'POST':
				return { status: 200, body: writeMixed(ctx, 'create', readBody(req)).map(createAnswer) };
			case 'PATCH':
				return { status: 200, body: writeMixed(ctx, 'update', readBody(req)) };
			case 'DELETE': {
				const ids = (req.query.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
				if (!ids.length) throw new SalesforceError(400, 'MALFORMED_QUERY', 'The ids parameter is required');
				if (ids.length > MAX_COLLECTION_RECORDS) throw tooMany(ids.length);
				const allOrNone = booleanParam(req.query.get('allOrNone'));
				return {
					status: 200,
					body: runWrite(ctx, { op: 'remove', records: ids.map((Id) => ({ Id })), allOrNone, kind: 'collections', perRecordLocks: true }),
				};
			}
			default:
				return methodNotAllowed(req.method, ['POST', 'PATCH', 'DELETE']);
		}
	}
	const meta = requireType(ctx, segments[0]);
	if (segments.length === 1) {
		// Retrieve: GET ?ids=&fields= or POST {ids, fields}.
		let ids: string[];
		let fields: string[];
		if (req.method === 'GET') {
			ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
			fields = (req.query.get('fields') ?? '').split(',').filter(Boolean);
		} else if (req.method === 'POST') {
			const body = parseJsonBody(req.body);
			if (!isPlainObject(body) || !Array.isArray(body.ids) || !Array.isArray(body.fields)) {
				throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The request body must be an object with ids and fields arrays');
			}
			ids = body.ids.map(String);
			fields = body.fields.map(String);
		} else {
			return methodNotAllowed(req.method, ['GET', 'POST']);
		}
		if (!fields.length) throw new SalesforceError(400, 'INVALID_FIELD', 'The fields parameter is required');
		if (ids.length > 2000) throw tooMany(ids.length);
		return {
			status: 200,
			body: ids.map((id) => {
				const record = findRecord(ctx, meta, id);
				return record ? restRecord(meta, record, req.version, fields) : null;
			}),
		};
	}
	if (segments.length === 2) {
		if (req.method !== 'PATCH') return methodNotAllowed(req.method, ['PATCH']);
		const field = meta.fields.find((f) => f.name.toLowerCase() === segments[1].toLowerCase());
		if (!field || !(field.externalId || field.type === 'id')) {
			throw new SalesforceError(400, 'INVALID_FIELD', `Field name provided, ${segments[1]} is not an External ID or indexed field for ${meta.name}`);
		}
		const body = readBody(req);
		body.records.forEach((r, i) => {
			const type = typeOf(r, i);
			if (type.toLowerCase() !== meta.name.toLowerCase()) {
				throw new SalesforceError(400, 'INVALID_FIELD', `Record at index ${i} is a ${type}, not a ${meta.name}`);
			}
		});
		const op: WriteOp = 'upsert';
		return {
			status: 200,
			body: runWrite(ctx, {
				op,
				type: meta.name,
				externalIdField: field.name,
				records: body.records.map(stripAttributes),
				allOrNone: body.allOrNone,
				kind: 'collections',
				perRecordLocks: true,
			}),
		};
	}
	return notFound();
}
