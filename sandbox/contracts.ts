/**
 * The seams inside the sandbox org: the object store (store.ts) on one side, the SOQL engine
 * (soql/), the Bulk API 2.0 jobs (bulk2.ts) and the Sales Territories rules (rules/) on the other.
 * Each side sees the other only through the interfaces here, so no two modules import each other
 * (test/architecture.test.ts fails on an import cycle inside sandbox/). Nothing here imports the
 * engine (lib/): the sandbox stands in for Salesforce, and shared code would let a bug agree with itself.
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

// ---- the org's settings ----------------------------------------------------------------------

export type Edition = 'Developer' | 'Enterprise' | 'Performance' | 'Unlimited';

/** Organization-wide sharing levels (Organization.DefaultAccountAccess, …): Private, Public Read Only, Public Read/Write (/Transfer). */
export type SharingLevel = 'None' | 'Read' | 'Edit' | 'ReadEditTransfer';

export interface SharingDefaults {
	account: SharingLevel;
	opportunity: SharingLevel;
	case: SharingLevel;
}

/** How the org plays the points Salesforce's documentation leaves open or that differ between orgs. */
export interface SchemaOptions {
	/**
	 * ObjectTerritory2AssignmentRuleItem.Field is a restricted picklist whose values are not published
	 * (Object Reference): 'qualified' lists `Account.BillingPostalCode`, 'bare' lists `BillingPostalCode`.
	 */
	ruleItemFieldForm?: 'qualified' | 'bare';
	/** State and Country/Territory Picklists: Account gets BillingStateCode and BillingCountryCode. */
	stateCountryPicklists?: boolean;
	sharing?: SharingDefaults;
}

export interface StoreSettings extends Required<SchemaOptions> {
	edition: Edition;
	territoriesPerModel: number;
	roles: string[];
}

// ---- the store as the Sales Territories rules see it -----------------------------------------

/**
 * What the rules (rules/) may do with the org's store (OrgStore satisfies it): read through the
 * indexes, and the few Setup-style writes a rule makes for dependants. The store calls the rules
 * through the RuleBook it was given, so neither imports the other.
 */
export interface RuleStore {
	readonly settings: StoreSettings;
	/** The integration user every write is attributed to. */
	readonly currentUserId: string;
	describe(type: string): ObjectMeta | undefined;
	/** A field's metadata by any-case name. */
	field(type: string, name: string): FieldMeta | undefined;
	records(type: string): readonly SRecord[];
	get(id: string): { type: string; record: SRecord } | undefined;
	/** The records of a type whose field equals value, through the store's index. */
	select(type: string, field: string, value: unknown, ignoreCase?: boolean): SRecord[];
	/** The records of a type whose fields equal every value of `where`, read through the smallest index. */
	selectWhere(type: string, where: Record<string, unknown>, ignoreCase?: readonly string[]): SRecord[];
	/** How many records select() would return. */
	count(type: string, field: string, value: unknown, ignoreCase?: boolean): number;
	/** Creates a record as an admin would in Setup (a dependant that comes with a new record). */
	adminCreate(type: string, fields: Record<string, unknown>): string;
	/** Deletes a dependant record, running its cascades but not its delete checks. */
	cascadeDelete(id: string): void;
	/** Sets fields without any check (e.g. clearing ForecastUserId after an unassignment). */
	systemUpdate(id: string, fields: Record<string, unknown>): void;
}

/** How a write reached the store: through the API, or as an admin in Setup / a cascade. */
export interface WriteContext {
	store: RuleStore;
	/** Canonical object name. */
	type: string;
	/** A Setup-style write (seed, tests): field writability is not checked. */
	admin: boolean;
	/** A delete caused by deleting a parent: the child's own delete checks do not apply. */
	cascade: boolean;
}

/** The Sales Territories rules of one object, called inside the write's transaction. */
export interface ObjectRules {
	/**
	 * Fill defaults and validate; `record` is the draft about to be inserted (Id already set, every
	 * field present, null or false when not sent); `sent` lists the canonical field names sent.
	 */
	beforeCreate?(record: SRecord, ctx: WriteContext, sent: string[]): void;
	/** Validate an update; `next` is old merged with the changes, `changed` the canonical field names sent. */
	beforeUpdate?(next: SRecord, old: SRecord, changed: string[], ctx: WriteContext): void;
	/** Validate a delete and delete or fix dependants (store.cascadeDelete / store.systemUpdate). */
	beforeDelete?(record: SRecord, ctx: WriteContext): void;
	/** Create the records that come with a new one (e.g. a user's profile assignment); it is stored by now. */
	afterCreate?(record: SRecord, ctx: WriteContext): void;
}

/** The registry of rules the store receives: canonical object name → its rules. */
export type RuleBook = Partial<Record<string, ObjectRules>>;

/**
 * Decides whether the caller may write a record of a type (throws a SalesforceError when not). It runs
 * after the record passed every other check, so a refused write still meets the org's own rules first.
 */
export type WriteCheck = (type: string, op: 'create' | 'update' | 'delete') => void;
