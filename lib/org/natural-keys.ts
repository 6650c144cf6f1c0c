/**
 * Natural keys: what identifies a record besides its Id. When a write's outcome is unknown (the call
 * failed as a whole: 5xx, reset connection, timeout), the records it tried to create are looked up by
 * these keys before anything is re-sent, so a retry can never create a duplicate.
 */
import type { SObjectName } from '../salesforce';
import { idKey, OBJECTS } from '../salesforce';
import type { OrgConnection } from './connect';
import { queryAll } from './http';
import { chunkForIn, inList } from './soql';

const NATURAL_KEYS: Record<SObjectName, string[] | null> = {
	[OBJECTS.model]: ['DeveloperName'],
	// Types are org-wide: DeveloperName alone is unique.
	[OBJECTS.type]: ['DeveloperName'],
	[OBJECTS.territory]: ['Territory2ModelId', 'DeveloperName'],
	[OBJECTS.rule]: ['Territory2ModelId', 'DeveloperName'],
	[OBJECTS.ruleItem]: ['RuleId', 'SortOrder'],
	[OBJECTS.ruleTerritory]: ['RuleId', 'Territory2Id'],
	[OBJECTS.userTerritory]: ['UserId', 'Territory2Id'],
	[OBJECTS.objectTerritory]: ['ObjectId', 'Territory2Id'],
	[OBJECTS.user]: null,
	[OBJECTS.account]: null,
};

/** Extra conditions: a rule-made account assignment is not the manual one we created. */
const EXTRA_FILTER: Partial<Record<SObjectName, string>> = {
	[OBJECTS.objectTerritory]: "AssociationCause = 'Territory2Manual'",
};

type KeyValue = string | number;

function normalise(field: string, value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return String(value);
	const s = String(value);
	// Ids: 15-character case-sensitive form; names: Salesforce compares DeveloperNames case-insensitively.
	if (/Id$/.test(field)) return idKey(s);
	if (field === 'SortOrder' && s !== '' && !Number.isNaN(Number(s))) return String(Number(s));
	return s.toLowerCase();
}

export function naturalKeyOf(object: SObjectName, record: Record<string, unknown>): string | null {
	const fields = NATURAL_KEYS[object];
	if (!fields) return null;
	const parts: string[] = [];
	for (const f of fields) {
		const v = record[f];
		if (v === null || v === undefined || v === '') return null;
		parts.push(normalise(f, v));
	}
	return parts.join('\u0000');
}

/**
 * Ids of existing records matching the given records' natural keys, by index in `records`.
 * Records without a complete key are never matched. One query per 200 records.
 */
export async function findExisting(
	org: OrgConnection,
	object: SObjectName,
	records: Record<string, unknown>[],
): Promise<Map<number, string>> {
	const fields = NATURAL_KEYS[object];
	const found = new Map<number, string>();
	if (!fields) return found;
	const wanted = new Map<string, number[]>();
	records.forEach((r, i) => {
		const key = naturalKeyOf(object, r);
		if (key === null) return;
		wanted.set(key, [...(wanted.get(key) ?? []), i]);
	});
	const keyed = [...wanted.values()].map((idx) => records[idx[0]]);
	// 100 keys a query: 100 DeveloperNames of 80 characters keep the URL under 16 KB once encoded.
	for (const chunk of chunkForIn(keyed.map((_, i) => i), Number.MAX_SAFE_INTEGER, 100)) {
		const conditions = fields.map((f) => {
			const values = [...new Set(chunk.map((i) => keyed[i][f] as KeyValue))];
			return `${f} IN ${inList(values)}`;
		});
		if (EXTRA_FILTER[object]) conditions.push(EXTRA_FILTER[object] as string);
		const rows = await queryAll(org, `SELECT Id, ${fields.join(', ')} FROM ${object} WHERE ${conditions.join(' AND ')}`);
		for (const row of rows) {
			const key = naturalKeyOf(object, row);
			for (const i of (key !== null && wanted.get(key)) || []) found.set(i, String(row.Id));
		}
	}
	return found;
}
