/**
 * Bulk API 2.0 in the sandbox org: ingest jobs (CSV upload → processing through the same
 * validation as REST writes) and query jobs (SOQL → paged CSV), on the routes jsforce's
 * `conn.bulk2` uses. Jobs live in memory for the life of the server.
 *
 * Choices where Salesforce's exact behaviour is unconfirmed (the safe, stricter one is taken):
 * - Error codes: unknown job → 404 NOT_FOUND; bad job definitions → 400 INVALIDJOB; a request the
 *   job's state does not allow (upload after close, second upload, results before completion,
 *   deleting an open job, bad state change) → 400 INVALIDJOBSTATE; bad locator/maxRecords → 400
 *   INVALIDLOCATOR / INVALIDMAXRECORDS.
 * - A job takes one upload only. Closing a job without data fails it ("InvalidBatch").
 * - Unknown CSV columns fail the whole job ("InvalidBatch : Field name not found : X"), as do a
 *   line ending that does not match `lineEnding` and unparseable CSV. Relationship columns
 *   ("Rel.Field") must name an external Id field (or Id) of the parent.
 * - Empty cells leave a field unset; "#N/A" sets it to null.
 * - Results use the job's column delimiter and line ending, every value quoted; a query with no
 *   rows returns the header line only.
 * - Query jobs validate the SOQL when created (the SOQL error code is returned as is) and read
 *   the data when they complete. Child subqueries and aggregates are refused.
 * - With `completeAfterPolls: n`, a closed job reports InProgress for n status checks before it
 *   is processed; with 0 (the default) it is processed when closed.
 */
import Papa from 'papaparse';
import { SalesforceError, selectFrom, type FieldMeta, type ObjectMeta, type QuerySource, type RouteRequest, type RouteResponse, type SaveResult, type SRecord, type WriteSource } from './contracts';
import { makeId } from './ids';
import { executeFlatQuery } from './soql';

type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

const DELIMITERS: Record<string, string> = { COMMA: ',', TAB: '\t', SEMICOLON: ';', PIPE: '|', CARET: '^', BACKQUOTE: '`' };
const LINE_ENDINGS: Record<string, string> = { LF: '\n', CRLF: '\r\n' };
const INGEST_OPERATIONS: IngestOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];
/** Rows per store call, as Salesforce processes bulk data in chunks of records. */
const CHUNK = 200;

interface JobBase {
	id: string;
	object: string;
	createdById: string;
	createdDate: string;
	systemModstamp: string;
	state: JobState;
	apiVersion: number;
	lineEnding: string;
	columnDelimiter: string;
	pollsLeft: number;
	errorMessage?: string;
	numberRecordsProcessed: number;
}

interface IngestJob extends JobBase {
	kind: 'ingest';
	operation: IngestOperation;
	externalIdFieldName?: string;
	data?: string;
	results?: { successful: string; failed: string; unprocessed: string; failedCount: number };
}

interface QueryJob extends JobBase {
	kind: 'query';
	operation: 'query' | 'queryAll';
	query: string;
	version: string;
	rows?: string[][];
	header?: string[];
}

type Job = IngestJob | QueryJob;

function now(): string {
	return new Date().toISOString().replace('Z', '+0000');
}

function json(status: number, body: unknown): RouteResponse {
	return { status, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body };
}

function fail(status: number, errorCode: string, message: string): RouteResponse {
	return json(status, [{ errorCode, message }]);
}

function csv(body: string, extra: Record<string, string> = {}): RouteResponse {
	return { status: 200, headers: { 'Content-Type': 'text/csv', ...extra }, body };
}

function methodNotAllowed(method: string, allowed: string[]): RouteResponse {
	return {
		status: 405,
		headers: { Allow: allowed.join(', '), 'Content-Type': 'application/json;charset=UTF-8' },
		body: [{ errorCode: 'METHOD_NOT_ALLOWED', message: `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}` }],
	};
}

class JobError extends Error {
	constructor(
		readonly status: number,
		readonly errorCode: string,
		message: string,
	) {
		super(message);
	}
}

function parseBody(body: string): Record<string, unknown> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		throw new JobError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON.');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new JobError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object.');
	}
	return parsed as Record<string, unknown>;
}

function toCsv(header: string[], rows: string[][], job: JobBase): string {
	if (header.length === 0) return '';
	const newline = LINE_ENDINGS[job.lineEnding];
	const text = Papa.unparse({ fields: header, data: rows }, { quotes: true, delimiter: DELIMITERS[job.columnDelimiter], newline });
	// Papa ends a header-only file with a newline but not one with rows: end both with exactly one.
	return text.endsWith(newline) ? text : text + newline;
}

function cell(value: unknown): string {
	if (value === null || value === undefined) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A CSV header column resolved against the job's object. */
type Column =
	| { kind: 'field'; header: string; field: FieldMeta }
	| { kind: 'lookup'; header: string; reference: FieldMeta; target: ObjectMeta; key: FieldMeta };

export class Bulk2Jobs {
	private readonly jobs = new Map<string, Job>();
	private counter = 0;
	private readonly completeAfterPolls: number;

	constructor(
		private readonly store: QuerySource & WriteSource,
		options: { completeAfterPolls?: number } = {},
	) {
		this.completeAfterPolls = Math.max(0, options.completeAfterPolls ?? 0);
	}

	/** Serves `/jobs/...`; undefined for any other path. */
	handle(req: RouteRequest): RouteResponse | undefined {
		const segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
		if (segments[0] !== 'jobs') return undefined;
		const [, kind, id, sub, ...extra] = segments;
		try {
			if ((kind !== 'ingest' && kind !== 'query') || extra.length) return this.notFound();
			if (id === undefined) return kind === 'ingest' ? this.ingestRoot(req) : this.queryRoot(req);
			const job = this.jobs.get(id);
			if (!job || job.kind !== kind) return this.notFound();
			return job.kind === 'ingest' ? this.ingestJob(req, job, sub) : this.queryJob(req, job, sub);
		} catch (error) {
			if (error instanceof JobError) return fail(error.status, error.errorCode, error.message);
			if (error instanceof SalesforceError) return fail(error.status, error.errorCode, error.message);
			throw error;
		}
	}

	private notFound(): RouteResponse {
		return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
	}

	private newJobBase(req: RouteRequest, object: string, body: Record<string, unknown>): JobBase {
		const lineEnding = body.lineEnding === undefined ? 'LF' : String(body.lineEnding);
		const columnDelimiter = body.columnDelimiter === undefined ? 'COMMA' : String(body.columnDelimiter);
		if (!(lineEnding in LINE_ENDINGS)) throw new JobError(400, 'INVALIDJOB', `Invalid lineEnding: ${lineEnding}. Use LF or CRLF.`);
		if (!(columnDelimiter in DELIMITERS)) {
			throw new JobError(400, 'INVALIDJOB', `Invalid columnDelimiter: ${columnDelimiter}. Use one of ${Object.keys(DELIMITERS).join(', ')}.`);
		}
		if (body.contentType !== undefined && body.contentType !== 'CSV') {
			throw new JobError(400, 'INVALIDJOB', `Invalid contentType: ${String(body.contentType)}. Only CSV is supported.`);
		}
		const stamp = now();
		return {
			id: makeId('750', ++this.counter),
			object,
			createdById: this.store.records('User')[0]?.Id ?? makeId('005', 1),
			createdDate: stamp,
			systemModstamp: stamp,
			state: 'Open',
			apiVersion: Number(req.version.replace(/^v/, '')),
			lineEnding,
			columnDelimiter,
			pollsLeft: 0,
			numberRecordsProcessed: 0,
		};
	}

	// ---- ingest ----

	private ingestRoot(req: RouteRequest): RouteResponse {
		if (req.method === 'GET') return json(200, this.list('ingest'));
		if (req.method !== 'POST') return methodNotAllowed(req.method, ['GET', 'POST']);
		const body = parseBody(req.body);
		const operation = String(body.operation ?? '') as IngestOperation;
		if (!INGEST_OPERATIONS.includes(operation)) {
			throw new JobError(400, 'INVALIDJOB', `Invalid operation: '${String(body.operation ?? '')}'. Use one of ${INGEST_OPERATIONS.join(', ')}.`);
		}
		const meta = typeof body.object === 'string' ? this.store.describe(body.object) : undefined;
		if (!meta) throw new JobError(400, 'INVALIDJOB', `Entity '${String(body.object ?? '')}' is not supported by the Bulk API.`);
		let externalIdFieldName: string | undefined;
		if (operation === 'upsert') {
			const wanted = typeof body.externalIdFieldName === 'string' ? body.externalIdFieldName.toLowerCase() : '';
			const field = meta.fields.find((f) => f.name.toLowerCase() === wanted);
			if (!wanted) throw new JobError(400, 'INVALIDJOB', 'The externalIdFieldName is required for upsert jobs.');
			if (!field || (field.name !== 'Id' && !field.externalId)) {
				throw new JobError(400, 'INVALIDJOB', `The field '${String(body.externalIdFieldName)}' is not an external Id field of ${meta.name}.`);
			}
			externalIdFieldName = field.name;
		}
		const job: IngestJob = { ...this.newJobBase(req, meta.name, body), kind: 'ingest', operation, externalIdFieldName };
		this.jobs.set(job.id, job);
		return json(200, this.ingestInfo(job, req, false));
	}

	private ingestInfo(job: IngestJob, req: RouteRequest, full: boolean): Record<string, unknown> {
		const info: Record<string, unknown> = {
			...jobInfoBase(job),
			...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
			concurrencyMode: 'Parallel',
			contentType: 'CSV',
			apiVersion: job.apiVersion,
			contentUrl: `services/data/${req.version}/jobs/ingest/${job.id}/batches`,
			lineEnding: job.lineEnding,
			columnDelimiter: job.columnDelimiter,
		};
		if (!full) return info;
		return {
			...info,
			jobType: 'V2Ingest',
			numberRecordsProcessed: job.numberRecordsProcessed,
			numberRecordsFailed: job.results?.failedCount ?? 0,
			retries: 0,
			totalProcessingTime: 0,
			apiActiveProcessingTime: 0,
			apexProcessingTime: 0,
			...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
		};
	}

	private ingestJob(req: RouteRequest, job: IngestJob, sub: string | undefined): RouteResponse {
		switch (sub) {
			case undefined:
				if (req.method === 'GET') {
					this.advance(job);
					return json(200, this.ingestInfo(job, req, true));
				}
				if (req.method === 'PATCH') return this.changeIngestState(req, job);
				if (req.method === 'DELETE') return this.remove(job);
				return methodNotAllowed(req.method, ['GET', 'PATCH', 'DELETE']);
			case 'batches':
				if (req.method !== 'PUT') return methodNotAllowed(req.method, ['PUT']);
				if (job.state !== 'Open') throw new JobError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not Open: data can only be uploaded to an Open job.`);
				if (job.data !== undefined) throw new JobError(400, 'INVALIDJOBSTATE', `Data has already been uploaded to job ${job.id}.`);
				job.data = req.body;
				return { status: 201 };
			case 'successfulResults':
			case 'failedResults':
			case 'unprocessedrecords': {
				if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET']);
				if (!['JobComplete', 'Failed', 'Aborted'].includes(job.state)) {
					throw new JobError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not complete (state ${job.state}).`);
				}
				const results = job.results ?? this.unprocessedOnly(job);
				return csv(sub === 'successfulResults' ? results.successful : sub === 'failedResults' ? results.failed : results.unprocessed);
			}
			default:
				return this.notFound();
		}
	}

	private changeIngestState(req: RouteRequest, job: IngestJob): RouteResponse {
		const state = parseBody(req.body).state;
		if (state === 'UploadComplete') {
			if (job.state !== 'Open') throw new JobError(400, 'INVALIDJOBSTATE', `Job ${job.id} cannot change from ${job.state} to UploadComplete.`);
			this.setState(job, 'UploadComplete');
			job.pollsLeft = this.completeAfterPolls;
			const answer = this.ingestInfo(job, req, false);
			if (job.pollsLeft === 0) this.processIngest(job);
			return json(200, answer);
		}
		if (state === 'Aborted') {
			if (!['Open', 'UploadComplete', 'InProgress'].includes(job.state)) {
				throw new JobError(400, 'INVALIDJOBSTATE', `Job ${job.id} cannot change from ${job.state} to Aborted.`);
			}
			this.setState(job, 'Aborted');
			return json(200, this.ingestInfo(job, req, false));
		}
		throw new JobError(400, 'INVALIDJOBSTATE', `Invalid state change: '${String(state)}'. Use UploadComplete or Aborted.`);
	}

	/** Moves a closed job along as it is polled: InProgress for the configured polls, then done. */
	private advance(job: Job): void {
		if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return;
		if (job.pollsLeft > 0) {
			job.pollsLeft--;
			this.setState(job, 'InProgress');
			return;
		}
		if (job.kind === 'ingest') this.processIngest(job);
		else this.processQuery(job);
	}

	private setState(job: Job, state: JobState): void {
		job.state = state;
		job.systemModstamp = now();
	}

	private remove(job: Job): RouteResponse {
		if (job.state === 'Open' || job.state === 'InProgress' || (job.state === 'UploadComplete' && job.pollsLeft > 0)) {
			throw new JobError(400, 'INVALIDJOBSTATE', `Job ${job.id} cannot be deleted in state ${job.state}.`);
		}
		this.jobs.delete(job.id);
		return { status: 204 };
	}

	private list(kind: Job['kind']): Record<string, unknown> {
		const records = [...this.jobs.values()]
			.filter((j) => j.kind === kind)
			.map((j) => ({
				id: j.id,
				operation: j.operation,
				object: j.object,
				createdById: j.createdById,
				createdDate: j.createdDate,
				systemModstamp: j.systemModstamp,
				state: j.state,
				concurrencyMode: 'Parallel',
				contentType: 'CSV',
				apiVersion: j.apiVersion,
				jobType: kind === 'ingest' ? 'V2Ingest' : 'V2Query',
				lineEnding: j.lineEnding,
				columnDelimiter: j.columnDelimiter,
			}));
		return { done: true, records, nextRecordsUrl: null };
	}

	private failJob(job: IngestJob, message: string): void {
		job.errorMessage = message;
		job.results = { ...this.unprocessedOnly(job), failedCount: 0 };
		this.setState(job, 'Failed');
	}

	/** Results of a job that processed nothing: every uploaded row is unprocessed. */
	private unprocessedOnly(job: IngestJob): { successful: string; failed: string; unprocessed: string; failedCount: number } {
		const parsed = job.data ? this.parseCsv(job, job.data) : undefined;
		const header = Array.isArray(parsed) ? parsed[0] ?? [] : [];
		const rows = Array.isArray(parsed) ? parsed.slice(1) : [];
		return {
			successful: toCsv(['sf__Id', 'sf__Created', ...header], [], job),
			failed: toCsv(['sf__Id', 'sf__Error', ...header], [], job),
			unprocessed: toCsv(header, rows, job),
			failedCount: 0,
		};
	}

	/** Parsed rows (header first), or the InvalidBatch/ClientInputError message. */
	private parseCsv(job: JobBase, data: string): string[][] | string {
		const hasCrlf = data.includes('\r\n');
		if (job.lineEnding === 'LF' && hasCrlf) return 'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF';
		if (job.lineEnding === 'CRLF' && data.includes('\n') && !hasCrlf) {
			return 'ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF';
		}
		const parsed = Papa.parse<string[]>(data, {
			delimiter: DELIMITERS[job.columnDelimiter],
			newline: LINE_ENDINGS[job.lineEnding] as '\n' | '\r\n',
			skipEmptyLines: true,
		});
		const problem = parsed.errors.find((e) => e.type === 'Quotes' || e.code === 'UndetectableDelimiter');
		if (problem) return `InvalidBatch : Failed to parse CSV: ${problem.message} (row ${(problem.row ?? 0) + 1})`;
		return parsed.data;
	}

	private resolveColumns(meta: ObjectMeta, header: string[], operation: IngestOperation): Column[] | string {
		const columns: Column[] = [];
		const seen = new Set<string>();
		for (const name of header) {
			const lower = name.trim().toLowerCase();
			if (seen.has(lower)) return `InvalidBatch : Duplicate field name: ${name}`;
			seen.add(lower);
			const field = meta.fields.find((f) => f.name.toLowerCase() === lower);
			if (field) {
				columns.push({ kind: 'field', header: name, field });
				continue;
			}
			const [relationship, keyName, ...more] = lower.split('.');
			const reference = meta.fields.find((f) => f.relationshipName?.toLowerCase() === relationship);
			const target = reference?.referenceTo?.length ? this.store.describe(reference.referenceTo[0]) : undefined;
			const key = target?.fields.find((f) => f.name.toLowerCase() === keyName);
			if (!reference || !target || !key || more.length || (key.name !== 'Id' && !key.externalId)) {
				return `InvalidBatch : Field name not found : ${name}`;
			}
			columns.push({ kind: 'lookup', header: name, reference, target, key });
		}
		if ((operation === 'update' || operation === 'delete' || operation === 'hardDelete') && !columns.some((c) => c.kind === 'field' && c.field.name === 'Id')) {
			return 'InvalidBatch : Field name not found : Id';
		}
		return columns;
	}

	/** The record of a type a foreign-key cell names by Id (its first 15 characters decide, as in Bulk CSV). */
	private byId(type: string, value: string): SRecord[] {
		const hit = this.store.get(value.slice(0, 15));
		return hit && hit.type === type ? [hit.record] : [];
	}

	/** Builds the record for one row, or the row's error ("CODE:message:fields"). */
	private buildRecord(columns: Column[], row: string[]): Record<string, unknown> | SaveResult['errors'] {
		const record: Record<string, unknown> = {};
		for (let i = 0; i < columns.length; i++) {
			const column = columns[i];
			const raw = row[i] ?? '';
			// Bulk CSV: an empty cell leaves the field alone, #N/A clears it.
			if (raw === '') continue;
			const value = raw === '#N/A' ? null : raw;
			if (column.kind === 'field') {
				record[column.field.name] = value;
				continue;
			}
			if (value === null) {
				record[column.reference.name] = null;
				continue;
			}
			// Looked up by Id or through the index of the external Id field: never a scan per row.
			const matches = column.key.name === 'Id' ? this.byId(column.target.name, value) : selectFrom(this.store, column.target.name, column.key.name, value, true);
			if (matches.length !== 1) {
				const message =
					matches.length === 0
						? `Foreign key external ID: ${value} not found for field ${column.key.name} in entity ${column.target.name}`
						: `More than 1 record found for external ID field ${column.key.name} with value ${value} in entity ${column.target.name}`;
				return [{ statusCode: matches.length === 0 ? 'INVALID_FIELD' : 'DUPLICATE_EXTERNAL_ID', message, fields: [] }];
			}
			record[column.reference.name] = matches[0].Id;
		}
		return record;
	}

	private write(job: IngestJob, records: Record<string, unknown>[]): SaveResult[] {
		switch (job.operation) {
			case 'insert':
				return this.store.create(job.object, records, false);
			case 'update':
				return this.store.update(job.object, records, false);
			case 'upsert':
				return this.store.upsert(job.object, job.externalIdFieldName as string, records, false);
			case 'delete':
			case 'hardDelete':
				return this.removeRecords(job, records);
		}
	}

	private removeRecords(job: IngestJob, records: Record<string, unknown>[]): SaveResult[] {
		const results: (SaveResult | undefined)[] = records.map((r) => {
			const id = typeof r.Id === 'string' ? r.Id : '';
			const found = id ? this.store.get(id) : undefined;
			// Deleting by Id through a job for another object must not touch that record.
			return found && found.type !== job.object
				? { id: null, success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] }
				: undefined;
		});
		const pending = records.map((r, i) => ({ i, id: String(r.Id ?? '') })).filter(({ i }) => !results[i]);
		const removed = pending.length ? this.store.remove(pending.map((p) => p.id), false) : [];
		pending.forEach((p, k) => (results[p.i] = removed[k]));
		return results as SaveResult[];
	}

	private processIngest(job: IngestJob): void {
		if (job.state === 'Aborted' || job.results) return;
		this.setState(job, 'InProgress');
		if (!job.data?.trim()) return this.failJob(job, 'InvalidBatch : No data was uploaded to the job.');
		const parsed = this.parseCsv(job, job.data);
		if (typeof parsed === 'string') return this.failJob(job, parsed);
		const [header = [], ...rows] = parsed;
		const meta = this.store.describe(job.object) as ObjectMeta;
		const columns = this.resolveColumns(meta, header, job.operation);
		if (typeof columns === 'string') return this.failJob(job, columns);

		const successRows: string[][] = [];
		const failedRows: string[][] = [];
		const pending: { row: string[]; record: Record<string, unknown> }[] = [];
		const flush = () => {
			if (!pending.length) return;
			const saved = this.write(
				job,
				pending.map((p) => p.record),
			);
			saved.forEach((result, k) => {
				const { row, record } = pending[k];
				if (result.success) {
					const created = job.operation === 'insert' || (job.operation === 'upsert' && result.created === true);
					successRows.push([result.id ?? '', String(created), ...row]);
				} else {
					failedRows.push([result.id ?? cell(record.Id), formatErrors(result.errors), ...row]);
				}
			});
			pending.length = 0;
		};
		for (const row of rows) {
			if (row.length !== header.length) {
				flush();
				failedRows.push(['', `INVALID_FIELD:Wrong number of columns: expected ${header.length}, found ${row.length}:--`, ...row]);
				continue;
			}
			const built = this.buildRecord(columns, row);
			if (Array.isArray(built)) {
				flush();
				failedRows.push(['', formatErrors(built), ...row]);
				continue;
			}
			pending.push({ row, record: built });
			if (pending.length === CHUNK) flush();
		}
		flush();
		job.numberRecordsProcessed = rows.length;
		job.results = {
			successful: toCsv(['sf__Id', 'sf__Created', ...header], successRows, job),
			failed: toCsv(['sf__Id', 'sf__Error', ...header], failedRows, job),
			unprocessed: toCsv(header, [], job),
			failedCount: failedRows.length,
		};
		this.setState(job, 'JobComplete');
	}

	// ---- query ----

	private queryRoot(req: RouteRequest): RouteResponse {
		if (req.method === 'GET') return json(200, this.list('query'));
		if (req.method !== 'POST') return methodNotAllowed(req.method, ['GET', 'POST']);
		const body = parseBody(req.body);
		const operation = body.operation === undefined ? 'query' : body.operation;
		if (operation !== 'query' && operation !== 'queryAll') {
			throw new JobError(400, 'INVALIDJOB', `Invalid operation: '${String(operation)}'. Use query or queryAll.`);
		}
		if (typeof body.query !== 'string' || !body.query.trim()) throw new JobError(400, 'INVALIDJOB', 'The query is required.');
		const probe = executeFlatQuery(body.query, this.store, { version: req.version, includeDeleted: operation === 'queryAll' });
		const job: QueryJob = {
			...this.newJobBase(req, probe.object, body),
			kind: 'query',
			operation,
			query: body.query,
			version: req.version,
			state: 'UploadComplete',
			pollsLeft: this.completeAfterPolls,
		};
		this.jobs.set(job.id, job);
		const answer = this.queryInfo(job, false);
		if (job.pollsLeft === 0) this.processQuery(job);
		return json(200, answer);
	}

	private queryInfo(job: QueryJob, full: boolean): Record<string, unknown> {
		const info: Record<string, unknown> = {
			...jobInfoBase(job),
			concurrencyMode: 'Parallel',
			contentType: 'CSV',
			apiVersion: job.apiVersion,
			lineEnding: job.lineEnding,
			columnDelimiter: job.columnDelimiter,
		};
		if (!full) return info;
		return {
			...info,
			jobType: 'V2Query',
			numberRecordsProcessed: job.numberRecordsProcessed,
			retries: 0,
			totalProcessingTime: 0,
			...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
		};
	}

	private queryJob(req: RouteRequest, job: QueryJob, sub: string | undefined): RouteResponse {
		if (sub === undefined) {
			if (req.method === 'GET') {
				this.advance(job);
				return json(200, this.queryInfo(job, true));
			}
			if (req.method === 'DELETE') return this.remove(job);
			if (req.method !== 'PATCH') return methodNotAllowed(req.method, ['GET', 'PATCH', 'DELETE']);
			const state = parseBody(req.body).state;
			if (state !== 'Aborted') throw new JobError(400, 'INVALIDJOBSTATE', `Invalid state change: '${String(state)}'. Use Aborted.`);
			if (job.state !== 'UploadComplete' && job.state !== 'InProgress') {
				throw new JobError(400, 'INVALIDJOBSTATE', `Job ${job.id} cannot change from ${job.state} to Aborted.`);
			}
			this.setState(job, 'Aborted');
			return json(200, this.queryInfo(job, false));
		}
		if (sub !== 'results') return this.notFound();
		if (req.method !== 'GET') return methodNotAllowed(req.method, ['GET']);
		if (job.state !== 'JobComplete' || !job.rows || !job.header) {
			throw new JobError(400, 'INVALIDJOBSTATE', `Job ${job.id} is not complete (state ${job.state}).`);
		}
		const start = this.locatorOf(req.query.get('locator'), job.rows.length);
		const maxRaw = req.query.get('maxRecords');
		const max = maxRaw === null ? job.rows.length : Number(maxRaw);
		if (!Number.isInteger(max) || max <= 0) throw new JobError(400, 'INVALIDMAXRECORDS', `Invalid maxRecords: ${maxRaw ?? ''}. Use a positive integer.`);
		const page = job.rows.slice(start, start + max);
		const next = start + page.length;
		return csv(toCsv(job.header, page, job), {
			'Sforce-Locator': next < job.rows.length ? Buffer.from(String(next)).toString('base64') : 'null',
			'Sforce-NumberOfRecords': String(page.length),
		});
	}

	private locatorOf(locator: string | null, total: number): number {
		if (locator === null || locator === '') return 0;
		const decoded = Buffer.from(locator, 'base64').toString('utf8');
		const start = /^\d+$/.test(decoded) ? Number(decoded) : NaN;
		if (!Number.isInteger(start) || start < 0 || start > total) throw new JobError(400, 'INVALIDLOCATOR', `Invalid locator: ${locator}`);
		return start;
	}

	private processQuery(job: QueryJob): void {
		if (job.state === 'Aborted' || job.rows) return;
		try {
			const result = executeFlatQuery(job.query, this.store, { version: job.version, includeDeleted: job.operation === 'queryAll' });
			job.header = result.columns.map((c) => c.join('.'));
			job.rows = result.records.map((record) => result.columns.map((path) => cell(readFlat(record, path))));
			job.numberRecordsProcessed = job.rows.length;
			this.setState(job, 'JobComplete');
		} catch (error) {
			// The data changed under the job (e.g. a field was removed): the job fails as a whole.
			job.errorMessage = error instanceof Error ? error.message : String(error);
			this.setState(job, 'Failed');
		}
	}
}

function readFlat(record: Record<string, unknown>, path: string[]): unknown {
	let value: unknown = record;
	for (const segment of path) {
		if (value === null || typeof value !== 'object') return null;
		value = (value as Record<string, unknown>)[segment];
	}
	return value;
}

function formatErrors(errors: SaveResult['errors']): string {
	return errors.map((e) => `${e.statusCode}:${e.message}:${e.fields.join(',')} --`).join(' ');
}

/** The fields every job description starts with, ingest and query alike. */
function jobInfoBase(job: IngestJob | QueryJob): Record<string, unknown> {
	return {
		id: job.id,
		operation: job.operation,
		object: job.object,
		createdById: job.createdById,
		createdDate: job.createdDate,
		systemModstamp: job.systemModstamp,
		state: job.state,
	};
}
