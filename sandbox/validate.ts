/**
 * The field checks Salesforce makes on every write, before any Sales Territories rule: known and
 * writable fields, value types and lengths, required fields, restricted picklists and lookups. The
 * store (store.ts) runs them inside each write; they read the org only through `FieldSource`, so they
 * hold no state and know nothing of how records are kept.
 */
import { SalesforceError } from './contracts';
import type { FieldMeta, ObjectMeta, SRecord } from './contracts';
import { toId18 } from './ids';

/** What the checks read from the org: field metadata, and the records lookups point at. */
export interface FieldSource {
	/** A field's metadata by any-case name. */
	field(type: string, name: string): FieldMeta | undefined;
	get(id: string): { type: string } | undefined;
}

/** Fields the server sets: never checked against picklists or lookups. */
export const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
	'Id',
	'IsDeleted',
	'CreatedDate',
	'CreatedById',
	'LastModifiedDate',
	'LastModifiedById',
	'SystemModstamp',
]);

/** Salesforce's datetime format in API responses: "2026-11-29T08:00:00.000+0000". */
export function formatDateTime(d: Date): string {
	return d.toISOString().replace('Z', '+0000');
}

/** Validates and coerces the fields sent for a write into canonical names and typed values. */
export function coerceFields(
	source: FieldSource,
	meta: ObjectMeta,
	fields: Record<string, unknown>,
	op: 'create' | 'update',
	admin: boolean,
): Record<string, unknown> {
	if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
		throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The record must be a JSON object');
	}
	const out: Record<string, unknown> = {};
	const notWritable: string[] = [];
	for (const [key, value] of Object.entries(fields)) {
		if (key === 'attributes') continue;
		const f = source.field(meta.name, key);
		if (!f) {
			throw new SalesforceError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${meta.name}`, [key]);
		}
		if (f.name === 'Id') {
			if (op === 'create') {
				throw new SalesforceError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
			}
			continue;
		}
		if (f.system || (!admin && !(op === 'create' ? f.createable : f.updateable))) {
			notWritable.push(f.name);
			continue;
		}
		out[f.name] = coerceValue(f, value);
	}
	if (notWritable.length) {
		throw new SalesforceError(
			400,
			'INVALID_FIELD_FOR_INSERT_UPDATE',
			`Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
			notWritable,
		);
	}
	return out;
}

/** A new record's required fields that are still empty (after defaults). */
export function checkRequiredOnCreate(meta: ObjectMeta, record: SRecord): void {
	refuseMissing(meta.fields.filter((f) => f.required && (record[f.name] === null || record[f.name] === '')).map((f) => f.name));
}

/** An update that empties a field that cannot be empty (restricted picklists answer with their own error). */
export function checkRequiredOnUpdate(source: FieldSource, meta: ObjectMeta, next: SRecord, changed: string[]): void {
	refuseMissing(
		changed.filter((name) => {
			const f = source.field(meta.name, name)!;
			return !f.nillable && !f.restrictedPicklist && (next[name] === null || next[name] === '');
		}),
	);
}

function refuseMissing(missing: string[]): void {
	if (missing.length) {
		throw new SalesforceError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
	}
}

/** Restricted picklists and lookups of the fields written. */
export function checkValues(source: FieldSource, meta: ObjectMeta, record: SRecord, names: string[]): void {
	for (const name of names) {
		if (SYSTEM_FIELDS.has(name)) continue;
		const f = source.field(meta.name, name)!;
		const value = record[f.name];
		if (f.restrictedPicklist && f.picklistValues) {
			if ((value === null && !f.nillable) || (value !== null && !f.picklistValues.includes(String(value)))) {
				throw new SalesforceError(
					400,
					'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
					`${f.label}: bad value for restricted picklist field: ${value === null ? '' : String(value)}`,
					[f.name],
				);
			}
		}
		if (f.type === 'reference' && value !== null) {
			const target = source.get(String(value));
			if (!target) {
				throw new SalesforceError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]);
			}
			if (!f.referenceTo?.includes(target.type)) {
				throw new SalesforceError(400, 'FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${String(value)}`, [f.name]);
			}
		}
	}
}

function typeError(f: FieldMeta, value: unknown): SalesforceError {
	return new SalesforceError(
		400,
		'INVALID_TYPE_ON_FIELD_IN_RECORD',
		`${f.label}: value not of required type: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
		[f.name],
	);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Converts a sent value to the field's type, as the REST API and Bulk CSV loads accept it. */
export function coerceValue(f: FieldMeta, value: unknown): unknown {
	if (value === undefined || value === null) return null;
	// Bulk CSV sends every value as text; an empty cell means "no value".
	if (value === '' && f.type !== 'string' && f.type !== 'textarea') return null;
	switch (f.type) {
		case 'boolean': {
			if (typeof value === 'boolean') return value;
			const text = String(value).trim().toLowerCase();
			if (text === 'true' || text === '1') return true;
			if (text === 'false' || text === '0') return false;
			throw typeError(f, value);
		}
		case 'int':
		case 'double': {
			const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
			if (!Number.isFinite(n) || (f.type === 'int' && !Number.isInteger(n))) throw typeError(f, value);
			return n;
		}
		case 'datetime':
		case 'date': {
			if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw typeError(f, value);
			return f.type === 'date' ? value.slice(0, 10) : formatDateTime(new Date(value));
		}
		case 'reference':
		case 'id': {
			const id18 = toId18(value);
			if (!id18) {
				throw new SalesforceError(400, 'MALFORMED_ID', `${f.label}: id value of incorrect type: ${String(value)}`, [f.name]);
			}
			return id18;
		}
		default: {
			if (typeof value === 'object') throw typeError(f, value);
			const text = String(value);
			if (text === '') return null;
			if (text.length > f.length) {
				throw new SalesforceError(400, 'STRING_TOO_LONG', `${f.label}: data value too large: ${text} (max length=${f.length})`, [f.name]);
			}
			if (f.type === 'email' && !EMAIL.test(text)) {
				throw new SalesforceError(400, 'INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${text}`, [f.name]);
			}
			return text;
		}
	}
}
