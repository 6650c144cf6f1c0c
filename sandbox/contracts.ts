/**
 * The seams inside the sandbox org: the object store (store.ts) on one side, the SOQL engine
 * (soql/) and the Bulk API 2.0 jobs (bulk2.ts) on the other. Neither side imports the engine
 * (lib/): the sandbox stands in for Salesforce, and shared code would let a bug agree with itself.
 */

/** A Salesforce API error, in the shape the REST API returns: `[{message, errorCode, fields}]`. */
export class SalesforceError extends Error {
	constructor(
		public readonly status: number,
		public readonly errorCode: string,
		message: string,
		public readonly fields: string[] = [],
	) {
		super(message);
		this.name = 'SalesforceError';
	}

	toJSON(): { message: string; errorCode: string; fields?: string[] } {
		return this.fields.length
			? { message: this.message, errorCode: this.errorCode, fields: this.fields }
			: { message: this.message, errorCode: this.errorCode };
	}
}

export type FieldType =
	| 'id'
	| 'string'
	| 'textarea'
	| 'email'
	| 'boolean'
	| 'int'
	| 'double'
	| 'datetime'
	| 'date'
	| 'reference'
	| 'picklist'
	/** Compound fields (BillingAddress; a geolocation custom field): read-only here, the targets of DISTANCE. */
	| 'address'
	| 'location';

export interface FieldMeta {
	name: string;
	label: string;
	type: FieldType;
	length: number;
	createable: boolean;
	updateable: boolean;
	nillable: boolean;
	filterable: boolean;
	/** For picklists: allowed values; `restrictedPicklist` refuses others. */
	picklistValues?: string[];
	restrictedPicklist?: boolean;
	/** For references. */
	referenceTo?: string[];
	/** e.g. "ParentTerritory2" for ParentTerritory2Id, used in SOQL parent paths. */
	relationshipName?: string;
	/** Set by the server, never by callers (Id, CreatedDate, ...). */
	system?: boolean;
	/** Usable as an external Id in upserts. */
	externalId?: boolean;
	/** Required on create (not nillable and no default). */
	required?: boolean;
}

export interface ChildRelationship {
	relationshipName: string;
	childSObject: string;
	field: string;
}

export interface ObjectMeta {
	name: string;
	label: string;
	/** 3-character Id prefix, e.g. "0MA" for Territory2. */
	keyPrefix: string;
	fields: FieldMeta[];
	childRelationships: ChildRelationship[];
	createable: boolean;
	updateable: boolean;
	deletable: boolean;
	queryable: boolean;
}

/** A stored record: field API name → value; always has Id. */
export type SRecord = Record<string, unknown> & { Id: string };

/** What SOQL needs from the store (read-only). Field name lookups are case-insensitive. */
export interface QuerySource {
	describe(type: string): ObjectMeta | undefined;
	/** All records of a type, in creation order. */
	records(type: string): readonly SRecord[];
	/** A record by 15- or 18-character Id, of any type. */
	get(id: string): { type: string; record: SRecord } | undefined;
	/**
	 * The records of a type whose field equals value (text case-insensitively when `ignoreCase`; null
	 * matches nothing), through the store's index. Optional: a source without it is scanned instead.
	 */
	select?(type: string, field: string, value: unknown, ignoreCase?: boolean): SRecord[];
}

/** source.select when the source has it, else a scan with the same matching (for small test sources). */
export function selectFrom(source: QuerySource, type: string, field: string, value: unknown, ignoreCase = false): SRecord[] {
	if (source.select) return source.select(type, field, value, ignoreCase);
	const name = source.describe(type)?.fields.find((f) => f.name.toLowerCase() === field.toLowerCase())?.name;
	if (!name || value === null || value === undefined) return [];
	const key = (v: unknown) => (ignoreCase ? String(v).toLowerCase() : String(v));
	const wanted = key(value);
	return source.records(type).filter((r) => r[name] !== null && r[name] !== undefined && key(r[name]) === wanted);
}

export interface SaveResult {
	id: string | null;
	success: boolean;
	created?: boolean;
	errors: { statusCode: string; message: string; fields: string[] }[];
}

/** What Bulk API 2.0 ingest needs from the store: the same validation as REST writes. */
export interface WriteSource {
	create(type: string, records: Record<string, unknown>[], allOrNone: boolean): SaveResult[];
	update(type: string, records: Record<string, unknown>[], allOrNone: boolean): SaveResult[];
	upsert(type: string, externalIdField: string, records: Record<string, unknown>[], allOrNone: boolean): SaveResult[];
	remove(ids: string[], allOrNone: boolean): SaveResult[];
}

export interface QueryResultPage {
	totalSize: number;
	done: boolean;
	records: Record<string, unknown>[];
	nextRecordsUrl?: string;
}

/** A raw HTTP exchange, for modules that serve a group of routes. */
export interface RouteRequest {
	method: string;
	/** Path after `/services/data/vNN.N`, without the query string, e.g. "/jobs/ingest/750.../batches". */
	path: string;
	query: URLSearchParams;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** "vNN.N" of the request, for building URLs in responses. */
	version: string;
}
export interface RouteResponse {
	status: number;
	headers?: Record<string, string>;
	/** A string is sent as is; anything else as JSON. */
	body?: unknown;
}
