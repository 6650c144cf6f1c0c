/**
 * Field paths ("Name", "Territory2Type.DeveloperName", "ParentTerritory2.Territory2Type.Priority"):
 * resolved against the schema once per query, then read from records.
 */
import type { FieldMeta, ObjectMeta, QuerySource, SRecord } from '../contracts';
import { noSuchColumn, unknownRelationship } from './errors';

export interface Hop {
	/** The reference field on the current object (e.g. ParentTerritory2Id). */
	field: FieldMeta;
	/** Canonical relationship name (e.g. ParentTerritory2), the key used in REST results. */
	relationshipName: string;
}

export interface ResolvedPath {
	hops: Hop[];
	/** The final field, on the object reached after the hops. */
	field: FieldMeta;
	/** Canonical segments, e.g. ["ParentTerritory2", "DeveloperName"]. */
	segments: string[];
}

function findField(meta: ObjectMeta, name: string): FieldMeta | undefined {
	const lower = name.toLowerCase();
	return meta.fields.find((f) => f.name.toLowerCase() === lower);
}

function findRelationship(meta: ObjectMeta, name: string): FieldMeta | undefined {
	const lower = name.toLowerCase();
	return meta.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
}

/**
 * Resolves `path` from `root`. A leading segment naming the query's alias or the object itself is
 * dropped, as SOQL allows "t.Name" and "Territory2.Name". Polymorphic lookups are checked against
 * their first referenced type.
 */
export function resolvePath(
	soql: string,
	source: QuerySource,
	root: ObjectMeta,
	path: string,
	alias?: string,
): ResolvedPath {
	let parts = path.split('.');
	if (parts.length > 1) {
		const first = parts[0].toLowerCase();
		const namesRoot = first === alias?.toLowerCase() || (first === root.name.toLowerCase() && !findRelationship(root, first));
		if (namesRoot) parts = parts.slice(1);
	}
	const hops: Hop[] = [];
	let current = root;
	for (const part of parts.slice(0, -1)) {
		const reference = findRelationship(current, part);
		const target = reference?.referenceTo?.length ? source.describe(reference.referenceTo[0]) : undefined;
		if (!reference || !target) throw unknownRelationship(soql, path, part);
		hops.push({ field: reference, relationshipName: reference.relationshipName as string });
		current = target;
	}
	const last = parts[parts.length - 1];
	const field = findField(current, last);
	if (!field) throw noSuchColumn(soql, path, last, current.name);
	return { hops, field, segments: [...hops.map((h) => h.relationshipName), field.name] };
}

/** The record reached by following the hops, or null when a lookup on the way is empty. */
export function followHops(
	source: QuerySource,
	record: SRecord,
	hops: Hop[],
	visit?: (hop: Hop, parent: { type: string; record: SRecord } | null) => void,
): SRecord | null {
	let current: SRecord = record;
	for (const hop of hops) {
		const id = current[hop.field.name];
		const parent = typeof id === 'string' && id !== '' ? source.get(id) ?? null : null;
		visit?.(hop, parent);
		if (!parent) return null;
		current = parent.record;
	}
	return current;
}

export function readPath(source: QuerySource, record: SRecord, path: ResolvedPath): unknown {
	const owner = followHops(source, record, path.hops);
	if (!owner) return null;
	const value = owner[path.field.name];
	return value === undefined ? null : value;
}
