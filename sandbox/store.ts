/**
 * The sandbox org's database: every record of every object, in memory, with its indexes and its
 * all-or-nothing transactions. Each write runs the field checks (validate.ts), then the Sales
 * Territories rules of the RuleBook the store was given (sandbox/org.ts gives it rules/), which see
 * the store only through contracts.ts's RuleStore. The HTTP routes (REST, Collections, Composite) and
 * Bulk 2.0 ingest all write through here, so they validate alike. Saving to and loading from a file
 * is persist.ts's (image() / restore()).
 */
import { SalesforceError } from './contracts';
import type { FieldMeta, ObjectMeta, QuerySource, RuleBook, RuleStore, SaveResult, SRecord, StoreSettings, WriteCheck, WriteContext, WriteSource } from './contracts';
import { isValidId, makeId, toId18 } from './ids';
import { createSchema, PERMISSION_OBJECTS, PRIVATE_SHARING } from './schema';
import { checkRequiredOnCreate, checkRequiredOnUpdate, checkValues, coerceFields, formatDateTime } from './validate';

export const DEFAULT_SETTINGS: StoreSettings = {
	edition: 'Enterprise',
	territoriesPerModel: 1000,
	roles: ['Owner', 'Administrator', 'Sales Rep'],
	ruleItemFieldForm: 'qualified',
	stateCountryPicklists: false,
	sharing: PRIVATE_SHARING,
};

type Undo =
	| { kind: 'insert'; type: string; id: string }
	| { kind: 'replace'; type: string; old: SRecord }
	| { kind: 'delete'; type: string; record: SRecord; seq: number };

const ROLLED_BACK = {
	statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
	message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
	fields: [] as string[],
};

function notFound(): SalesforceError {
	return new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
}

/**
 * The store's memory as plain data, for persist.ts: the Id counters, the integration user, the Ids of
 * deleted records and every record by type in creation order.
 */
export interface StoreImage {
	settings: StoreSettings;
	counter: number;
	permissionCounter: number;
	currentUserId: string;
	deletedIds: string[];
	records: Record<string, SRecord[]>;
}

export class OrgStore implements QuerySource, WriteSource, RuleStore {
	readonly settings: StoreSettings;
	/** The integration user every write is attributed to (set by seedEmpty). */
	currentUserId = '';
	/** Time source for system dates; tests may replace it. */
	clock: () => Date = () => new Date();
	/**
	 * How finely CreatedDate, LastModifiedDate and SystemModstamp are kept (SandboxOptions.datetimePrecision):
	 * 'second' drops the milliseconds (".000"), as Salesforce is widely reported to store datetimes; 'millisecond'
	 * keeps them. Salesforce's own documentation does not say; the engine must work either way.
	 */
	datetimePrecision: 'second' | 'millisecond' = 'second';

	private readonly metas = new Map<string, ObjectMeta>();
	private readonly fieldsByType = new Map<string, Map<string, FieldMeta>>();
	private readonly tables = new Map<string, Map<string, SRecord>>();
	private readonly typeById = new Map<string, string>();
	private readonly seqById = new Map<string, number>();
	private readonly deletedIds = new Set<string>();
	private readonly cache = new Map<string, SRecord[]>();
	private readonly unordered = new Set<string>();
	/** Lazily built equality indexes: type → field → value → ids (for the rules' lookups). */
	private readonly indexes = new Map<string, Map<string, Map<string, Set<string>>>>();
	private counter = 0;
	/** The Id sequence of PERMISSION_OBJECTS, apart from `counter` so that the other seeded Ids did not move. */
	private permissionCounter = 0;
	private writeCheck: WriteCheck | undefined;
	/** Creation order across both Id sequences (records() lists a type in this order). */
	private seq = 0;
	private depth = 0;
	private journal: Undo[] = [];

	/**
	 * `rules` is the registry of object rules each write runs (rules/'s RULES for an org, see org.ts;
	 * an empty book for a bare store).
	 */
	constructor(
		private readonly rules: RuleBook,
		settings?: Partial<StoreSettings>,
	) {
		this.settings = { ...DEFAULT_SETTINGS, ...settings, roles: [...(settings?.roles ?? DEFAULT_SETTINGS.roles)] };
		for (const meta of createSchema(this.settings.roles, this.settings)) {
			this.metas.set(meta.name.toLowerCase(), meta);
			this.fieldsByType.set(meta.name, new Map(meta.fields.map((f) => [f.name.toLowerCase(), f])));
			this.tables.set(meta.name, new Map());
		}
	}

	/**
	 * Changes which calls the API may make on an object (a SandboxOptions switch, e.g. RuleTerritory2Association
	 * without create and delete): describe shows it, and API writes are refused as for any object without the
	 * call. Setup-style writes and cascades are not affected.
	 */
	setObjectAccess(type: string, access: Partial<Pick<ObjectMeta, 'createable' | 'updateable' | 'deletable'>>): void {
		const meta = this.requireType(type, true);
		Object.assign(meta, access);
	}

	// ---- QuerySource -------------------------------------------------------------------------

	describe(type: string): ObjectMeta | undefined {
		return this.metas.get(String(type).toLowerCase());
	}

	describeGlobal(): ObjectMeta[] {
		return [...this.metas.values()];
	}

	/** A field's metadata by any-case name. */
	field(type: string, name: string): FieldMeta | undefined {
		const meta = this.describe(type);
		return meta ? this.fieldsByType.get(meta.name)?.get(name.toLowerCase()) : undefined;
	}

	records(type: string): readonly SRecord[] {
		const meta = this.describe(type);
		if (!meta) return [];
		let list = this.cache.get(meta.name);
		if (!list) {
			list = [...this.tables.get(meta.name)!.values()];
			if (this.unordered.has(meta.name)) {
				list.sort((a, b) => this.seqById.get(a.Id)! - this.seqById.get(b.Id)!);
				this.unordered.delete(meta.name);
			}
			this.cache.set(meta.name, list);
		}
		return list;
	}

	/**
	 * The records of a type whose field equals value (text compared case-insensitively when
	 * `ignoreCase`; null matches nothing), through an index built on first use and kept in step.
	 */
	select(type: string, field: string, value: unknown, ignoreCase = false): SRecord[] {
		const found = this.lookup(type, field, value, ignoreCase);
		if (!found) return [];
		const table = this.tables.get(found.type)!;
		return Array.from(found.ids, (id) => table.get(id)!);
	}

	/**
	 * The records of a type whose fields equal every value of `where` (the fields named in `ignoreCase`
	 * compared case-insensitively), read through the smallest of the fields' indexes: a uniqueness check
	 * such as "this user on this territory" costs the few candidates, never the whole table.
	 */
	selectWhere(type: string, where: Record<string, unknown>, ignoreCase: readonly string[] = []): SRecord[] {
		const found: Set<string>[] = [];
		for (const [field, value] of Object.entries(where)) {
			const hit = this.lookup(type, field, value, ignoreCase.includes(field));
			if (!hit) return [];
			found.push(hit.ids);
		}
		if (!found.length) return [];
		const smallest = found.reduce((a, b) => (b.size < a.size ? b : a));
		const table = this.tables.get(this.describe(type)!.name)!;
		const out: SRecord[] = [];
		for (const id of smallest) if (found.every((ids) => ids === smallest || ids.has(id))) out.push(table.get(id)!);
		return out;
	}

	/** How many records select() would return, without building the list. */
	count(type: string, field: string, value: unknown, ignoreCase = false): number {
		return this.lookup(type, field, value, ignoreCase)?.ids.size ?? 0;
	}

	private lookup(type: string, field: string, value: unknown, ignoreCase: boolean): { type: string; ids: Set<string> } | undefined {
		const meta = this.describe(type);
		const f = meta && this.field(meta.name, field);
		if (!meta || !f || value === null || value === undefined) return undefined;
		let byType = this.indexes.get(meta.name);
		if (!byType) this.indexes.set(meta.name, (byType = new Map()));
		const name = ignoreCase ? `${f.name}${CI}` : f.name;
		let index = byType.get(name);
		if (!index) {
			index = new Map();
			byType.set(name, index);
			for (const record of this.tables.get(meta.name)!.values()) addToIndex(index, indexKey(record[f.name], ignoreCase), record.Id);
		}
		const ids = index.get(indexKey(value, ignoreCase)!);
		return ids ? { type: meta.name, ids } : undefined;
	}

	get(id: string): { type: string; record: SRecord } | undefined {
		const id18 = toId18(id);
		if (!id18) return undefined;
		const type = this.typeById.get(id18);
		if (!type) return undefined;
		return { type, record: this.tables.get(type)!.get(id18)! };
	}

	/** True when the Id belonged to a record that has been deleted. */
	isDeleted(id: string): boolean {
		const id18 = toId18(id);
		return !!id18 && this.deletedIds.has(id18);
	}

	// ---- single-record REST operations (throw SalesforceError) ---------------------------------

	retrieve(type: string, id: string): SRecord {
		const meta = this.requireType(type, true);
		const found = this.get(id);
		if (!found || found.type !== meta.name) throw notFound();
		return found.record;
	}

	createOne(type: string, fields: Record<string, unknown>): string {
		const meta = this.requireType(type, true);
		return this.transaction(() => this.insert(meta, fields, false));
	}

	updateOne(type: string, id: string, fields: Record<string, unknown>): void {
		const meta = this.requireType(type, true);
		const found = this.get(id);
		if (!found || found.type !== meta.name) throw notFound();
		this.transaction(() => this.modify(meta, found.record, fields, false));
	}

	deleteOne(type: string | null, id: string): void {
		const meta = type === null ? undefined : this.requireType(type, true);
		if (!isValidId(id)) throw notFound();
		const found = this.get(id);
		if (!found || (meta && found.type !== meta.name)) {
			if (this.isDeleted(id)) throw new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
			throw notFound();
		}
		this.transaction(() => this.erase(found.type, found.record, false, false));
	}

	// ---- Setup-style writes: the seed and tests use them for what the API cannot do ------------

	/** Creates a record as an admin would in Setup: read-only fields (e.g. State) may be set. */
	adminCreate(type: string, fields: Record<string, unknown>): string {
		const meta = this.requireType(type, true);
		return this.transaction(() => this.insert(meta, fields, true));
	}

	/** Updates a record as an admin would in Setup (e.g. activating or archiving a model). */
	adminUpdate(type: string, id: string, fields: Record<string, unknown>): void {
		const meta = this.requireType(type, true);
		const found = this.get(id);
		if (!found || found.type !== meta.name) throw notFound();
		this.transaction(() => this.modify(meta, found.record, fields, true));
	}

	/** For rules: deletes a dependant record, running its cascades but not its delete checks. */
	cascadeDelete(id: string): void {
		const found = this.get(id);
		if (found) this.erase(found.type, found.record, true, true);
	}

	/** For rules: sets fields without any check (e.g. clearing ForecastUserId after an unassignment). */
	systemUpdate(id: string, fields: Record<string, unknown>): void {
		const found = this.get(id);
		if (!found) return;
		const next = { ...found.record, ...fields, Id: found.record.Id } as SRecord;
		this.stamp(next, false);
		this.replace(found.type, found.record, next);
	}

	// ---- WriteSource: per-record results in request order ------------------------------------

	create(type: string, records: Record<string, unknown>[], allOrNone: boolean): SaveResult[] {
		return this.batch(records, allOrNone, (fields) => {
			const meta = this.requireType(type, false);
			return { id: this.insert(meta, fields, false) };
		});
	}

	update(type: string, records: Record<string, unknown>[], allOrNone: boolean): SaveResult[] {
		return this.batch(records, allOrNone, (fields) => {
			const meta = this.requireType(type, false);
			const id = fields.Id ?? fields.id ?? fields.ID;
			if (id === undefined || id === null || id === '') {
				throw new SalesforceError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call');
			}
			const found = this.findForWrite(id, meta.name);
			this.modify(meta, found, fields, false);
			return { id: found.Id };
		});
	}

	upsert(type: string, externalIdField: string, records: Record<string, unknown>[], allOrNone: boolean): SaveResult[] {
		return this.batch(records, allOrNone, (fields) => {
			const meta = this.requireType(type, false);
			const extField = this.field(meta.name, externalIdField);
			if (!extField || (extField.name !== 'Id' && !extField.externalId)) {
				throw new SalesforceError(
					404,
					'NOT_FOUND',
					`Provided external ID field does not exist or is not accessible: ${externalIdField}`,
				);
			}
			const key = Object.keys(fields).find((k) => k.toLowerCase() === extField.name.toLowerCase());
			const value = key === undefined ? undefined : fields[key];
			if (extField.name === 'Id') {
				if (value === undefined || value === null || value === '') return { id: this.insert(meta, omit(fields, key), false), created: true };
				const found = this.findForWrite(value, meta.name);
				this.modify(meta, found, omit(fields, key), false);
				return { id: found.Id, created: false };
			}
			if (value === undefined || value === null || value === '') {
				throw new SalesforceError(400, 'MISSING_ARGUMENT', `${extField.name} not specified`);
			}
			const matches = this.select(meta.name, extField.name, value, true);
			if (matches.length > 1) {
				throw new SalesforceError(
					300,
					'DUPLICATE_EXTERNAL_ID',
					`${extField.name}: more than one record found for external id field: [${matches.map((m) => m.Id).join(', ')}]`,
					[extField.name],
				);
			}
			if (matches.length === 1) {
				this.modify(meta, matches[0], fields, false);
				return { id: matches[0].Id, created: false };
			}
			return { id: this.insert(meta, fields, false), created: true };
		});
	}

	remove(ids: string[], allOrNone: boolean): SaveResult[] {
		return this.batch(ids, allOrNone, (id) => {
			const found = this.findForWrite(id, null);
			this.erase(this.get(found.Id)!.type, found, false, false);
			return { id: found.Id };
		});
	}

	/** Runs fn with every API write (not Setup-style writes or cascades) passed through `check`. */
	withWriteCheck<T>(check: WriteCheck, fn: () => T): T {
		const outer = this.writeCheck;
		this.writeCheck = check;
		try {
			return fn();
		} finally {
			this.writeCheck = outer;
		}
	}

	// ---- transactions ---------------------------------------------------------------------------

	/** Runs fn all-or-nothing: if it throws, every write it made (cascades included) is undone. */
	transaction<T>(fn: () => T): T {
		const mark = this.journal.length;
		this.depth++;
		try {
			return fn();
		} catch (e) {
			this.rollbackTo(mark);
			throw e;
		} finally {
			this.depth--;
			if (this.depth === 0) this.journal = [];
		}
	}

	// ---- persistence (the file format is persist.ts's) -------------------------------------------

	/** The store's contents as plain data (copies: later writes do not change the image). */
	image(): StoreImage {
		const records: Record<string, SRecord[]> = {};
		for (const meta of this.metas.values()) {
			const list = this.records(meta.name);
			if (list.length) records[meta.name] = list.map((r) => ({ ...r }));
		}
		return {
			settings: this.settings,
			counter: this.counter,
			permissionCounter: this.permissionCounter,
			currentUserId: this.currentUserId,
			deletedIds: [...this.deletedIds],
			records,
		};
	}

	/**
	 * Loads an image into this (empty) store. Records of unknown objects or without a valid Id are
	 * refused; `source` names the image's origin in those errors.
	 */
	restore(image: Omit<StoreImage, 'settings'>, source: string): void {
		this.counter = image.counter;
		this.permissionCounter = image.permissionCounter;
		this.currentUserId = image.currentUserId;
		for (const id of image.deletedIds) this.deletedIds.add(id);
		const all: { type: string; record: SRecord }[] = [];
		for (const [type, list] of Object.entries(image.records)) {
			const meta = this.describe(type);
			if (!meta || !Array.isArray(list)) throw new Error(`${source}: unknown object ${type}`);
			for (const record of list) {
				if (!isValidId(record?.Id)) throw new Error(`${source}: ${type} record without a valid Id`);
				all.push({ type: meta.name, record: { ...record } });
			}
		}
		// Ids carry their sequence's counter, so sorting by Id's counter part restores each type's creation
		// order (what records() keeps). Base-62 digits are in ASCII order, so a plain comparison is a numeric one.
		all.sort((a, b) => (a.record.Id.slice(6, 15) < b.record.Id.slice(6, 15) ? -1 : 1));
		let seq = 0;
		for (const { type, record } of all) {
			this.tables.get(type)!.set(record.Id, record);
			this.typeById.set(record.Id, type);
			this.seqById.set(record.Id, seq++);
		}
		this.seq = seq;
	}

	// ---- internals --------------------------------------------------------------------------

	private requireType(type: string, single: boolean): ObjectMeta {
		const meta = this.describe(type);
		if (meta) return meta;
		if (single) throw notFound();
		throw new SalesforceError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
	}

	/** The record an update/delete names, with Salesforce's per-record errors when it is not there. */
	private findForWrite(id: unknown, type: string | null): SRecord {
		if (!isValidId(id)) throw new SalesforceError(400, 'MALFORMED_ID', `malformed id ${String(id)}`);
		const found = this.get(id);
		if (!found) {
			if (this.isDeleted(id)) throw new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
			throw new SalesforceError(404, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
		}
		if (type !== null && found.type !== type) {
			throw new SalesforceError(400, 'MALFORMED_ID', `${type} ID: id value of incorrect type: ${String(id)}`, ['Id']);
		}
		return found.record;
	}

	private batch<I>(
		items: I[],
		allOrNone: boolean,
		write: (item: I) => { id: string; created?: boolean },
	): SaveResult[] {
		const run = (): SaveResult[] =>
			items.map((item) => {
				try {
					const done = this.transaction(() => write(item));
					const result: SaveResult = { id: done.id, success: true, errors: [] };
					if (done.created !== undefined) result.created = done.created;
					return result;
				} catch (e) {
					return failure(e);
				}
			});
		if (!allOrNone) return run();
		let results: SaveResult[] = [];
		try {
			this.transaction(() => {
				results = run();
				if (results.some((r) => !r.success)) throw new RollBack();
			});
		} catch (e) {
			if (!(e instanceof RollBack)) throw e;
			results = results.map((r) => (r.success ? { id: null, success: false, errors: [{ ...ROLLED_BACK }] } : r));
		}
		return results;
	}

	private insert(meta: ObjectMeta, fields: Record<string, unknown>, admin: boolean): string {
		if (!admin && !meta.createable) {
			throw new SalesforceError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type cannot be inserted: ${meta.name}`);
		}
		const values = coerceFields(this, meta, fields, 'create', admin);
		const id = makeId(meta.keyPrefix, PERMISSION_OBJECTS.includes(meta.name) ? ++this.permissionCounter : ++this.counter);
		const record = { Id: id } as SRecord;
		for (const f of meta.fields) {
			if (f.name === 'Id') continue;
			record[f.name] = f.name in values ? values[f.name] : f.type === 'boolean' ? false : null;
		}
		this.stamp(record, true);
		checkRequiredOnCreate(meta, record);
		checkValues(this, meta, record, Object.keys(values));
		const ctx = this.context(meta.name, admin, false);
		this.rules[meta.name]?.beforeCreate?.(record, ctx, Object.keys(values));
		if (!admin) this.writeCheck?.(meta.name, 'create');
		const table = this.tables.get(meta.name)!;
		table.set(id, record);
		this.reindex(meta.name, undefined, record);
		this.typeById.set(id, meta.name);
		this.seqById.set(id, ++this.seq);
		this.touch(meta.name);
		this.journal.push({ kind: 'insert', type: meta.name, id });
		this.rules[meta.name]?.afterCreate?.(record, ctx);
		return id;
	}

	private modify(meta: ObjectMeta, old: SRecord, fields: Record<string, unknown>, admin: boolean): void {
		// Objects without update (the association objects, Organization) have no updateable field, so
		// the field check below refuses them the way Salesforce refuses read-only fields.
		const values = coerceFields(this, meta, fields, 'update', admin);
		if (!admin && !meta.updateable && Object.keys(values).length === 0) {
			throw new SalesforceError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `entity type cannot be updated: ${meta.name}`);
		}
		const next = { ...old, ...values } as SRecord;
		const changed = Object.keys(values);
		checkRequiredOnUpdate(this, meta, next, changed);
		checkValues(this, meta, next, changed);
		this.stamp(next, false);
		this.rules[meta.name]?.beforeUpdate?.(next, old, changed, this.context(meta.name, admin, false));
		if (!admin) this.writeCheck?.(meta.name, 'update');
		this.replace(meta.name, old, next);
	}

	private erase(type: string, record: SRecord, admin: boolean, cascade: boolean): void {
		const meta = this.describe(type)!;
		if (!admin && !meta.deletable) {
			throw new SalesforceError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type cannot be deleted: ${meta.name}`);
		}
		this.rules[meta.name]?.beforeDelete?.(record, this.context(meta.name, admin, cascade));
		if (!admin && !cascade) this.writeCheck?.(meta.name, 'delete');
		const table = this.tables.get(meta.name)!;
		// The cascades may have removed or changed the record (e.g. cleared a lookup): work on what is stored now.
		const current = table.get(record.Id);
		if (!current) return;
		const seq = this.seqById.get(record.Id)!;
		this.reindex(meta.name, current, undefined);
		table.delete(record.Id);
		this.typeById.delete(record.Id);
		this.seqById.delete(record.Id);
		this.deletedIds.add(record.Id);
		this.touch(meta.name);
		this.journal.push({ kind: 'delete', type: meta.name, record: current, seq });
	}

	private replace(type: string, old: SRecord, next: SRecord): void {
		this.reindex(type, old, next);
		this.tables.get(type)!.set(old.Id, next);
		this.touch(type);
		this.journal.push({ kind: 'replace', type, old });
	}

	private rollbackTo(mark: number): void {
		while (this.journal.length > mark) {
			const undo = this.journal.pop()!;
			const table = this.tables.get(undo.type)!;
			if (undo.kind === 'insert') {
				this.reindex(undo.type, table.get(undo.id), undefined);
				table.delete(undo.id);
				this.typeById.delete(undo.id);
				this.seqById.delete(undo.id);
			} else if (undo.kind === 'replace') {
				this.reindex(undo.type, table.get(undo.old.Id), undo.old);
				table.set(undo.old.Id, undo.old);
			} else {
				this.reindex(undo.type, undefined, undo.record);
				table.set(undo.record.Id, undo.record);
				this.typeById.set(undo.record.Id, undo.type);
				this.seqById.set(undo.record.Id, undo.seq);
				this.deletedIds.delete(undo.record.Id);
				this.unordered.add(undo.type);
			}
			this.touch(undo.type);
		}
	}

	/** Keeps the built indexes of a type in step with a record going from `before` to `after`. */
	private reindex(type: string, before: SRecord | undefined, after: SRecord | undefined): void {
		const byType = this.indexes.get(type);
		if (!byType) return;
		const id = (before ?? after)!.Id;
		for (const [name, index] of byType) {
			const ignoreCase = name.endsWith(CI);
			const field = ignoreCase ? name.slice(0, -CI.length) : name;
			if (before && after && before[field] === after[field]) continue;
			if (before) removeFromIndex(index, indexKey(before[field], ignoreCase), id);
			if (after) addToIndex(index, indexKey(after[field], ignoreCase), id);
		}
	}

	private touch(type: string): void {
		this.cache.delete(type);
	}

	private stamp(record: SRecord, created: boolean): void {
		const time = this.clock();
		if (this.datetimePrecision === 'second') time.setUTCMilliseconds(0);
		const now = formatDateTime(time);
		const user = this.currentUserId || record.Id;
		if (created) {
			record.CreatedDate = now;
			record.CreatedById = user;
			record.IsDeleted = false;
		}
		record.LastModifiedDate = now;
		record.LastModifiedById = user;
		record.SystemModstamp = now;
	}

	private context(type: string, admin: boolean, cascade: boolean): WriteContext {
		return { store: this, type, admin, cascade };
	}
}

class RollBack extends Error {}

/** Suffix of the names of case-insensitive indexes. */
const CI = ':ci';

function indexKey(value: unknown, ignoreCase: boolean): string | undefined {
	if (value === null || value === undefined) return undefined;
	return ignoreCase ? String(value).toLowerCase() : String(value);
}

function addToIndex(index: Map<string, Set<string>>, key: string | undefined, id: string): void {
	if (key === undefined) return;
	let ids = index.get(key);
	if (!ids) index.set(key, (ids = new Set()));
	ids.add(id);
}

function removeFromIndex(index: Map<string, Set<string>>, key: string | undefined, id: string): void {
	if (key === undefined) return;
	const ids = index.get(key);
	ids?.delete(id);
	if (ids && ids.size === 0) index.delete(key);
}

function omit(fields: Record<string, unknown>, key: string | undefined): Record<string, unknown> {
	if (key === undefined) return fields;
	const copy = { ...fields };
	delete copy[key];
	return copy;
}

function failure(e: unknown): SaveResult {
	// A bug in the sandbox must not look like a Salesforce validation error: only SalesforceErrors become results.
	if (!(e instanceof SalesforceError)) throw e;
	return { id: null, success: false, errors: [{ statusCode: e.errorCode, message: e.message, fields: e.fields }] };
}
