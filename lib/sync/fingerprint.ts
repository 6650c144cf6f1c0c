/**
 * The org state a change set was computed against, reduced to exactly what the change set reads or
 * touches: the model, every record a change updates or deletes, every record a change's fields point
 * at (parent territory, type, user, account, rule), and the natural-key slot of every create (the
 * territory, rule, type or assignment it creates must still be absent). Pure: (snapshot, change set) →
 * entries and a hash over them, so a reviewed change set can be checked against a fresh snapshot and
 * the differences named record by record and field by field (lib/apply-review.ts).
 */
import { createHash } from 'node:crypto';
import { ID_PATTERN, OBJECTS } from '../salesforce';
import type { Change, ChangeSet, FieldValue, OrgFingerprint, OrgSnapshot, StateDifference, StateFields } from './types';

const id15 = (id: string | null | undefined): string => (id ? id.slice(0, 15) : '');

interface Located {
	key: string;
	fields: NonNullable<StateFields>;
}

/** Every snapshot record under its natural key, found by Id. */
function indexSnapshot(s: OrgSnapshot): Map<string, Located> {
	const byId = new Map<string, Located>();
	const add = (id: string, key: string, fields: NonNullable<StateFields>) => byId.set(id15(id), { key, fields });
	const territoryName = new Map(s.territories.map((t) => [id15(t.id), t.developerName]));
	const ruleName = new Map(s.rules.map((r) => [id15(r.id), r.developerName]));
	const typeName = new Map(s.types.map((t) => [id15(t.id), t.developerName]));
	const userName = new Map(s.users.map((u) => [id15(u.id), u.username]));
	const nameOf = (names: Map<string, string>, id: string | null) => (id ? (names.get(id15(id)) ?? id15(id)) : null);

	for (const m of s.models) add(m.id, `${OBJECTS.model}:${m.developerName}`, { Id: id15(m.id), State: m.state, Name: m.name });
	for (const t of s.types) add(t.id, `${OBJECTS.type}:${t.developerName}`, { Id: id15(t.id), Priority: t.priority });
	for (const t of s.territories) {
		add(t.id, `${OBJECTS.territory}:${t.developerName}`, {
			Id: id15(t.id),
			Name: t.name,
			ParentTerritory2Id: nameOf(territoryName, t.parentId),
			Territory2TypeId: nameOf(typeName, t.typeId),
			Description: t.description,
			AccountAccessLevel: t.accountAccessLevel,
			OpportunityAccessLevel: t.opportunityAccessLevel,
			CaseAccessLevel: t.caseAccessLevel,
			ForecastUserId: nameOf(userName, t.forecastUserId),
		});
	}
	for (const r of s.rules) {
		const rule: Located = {
			key: `${OBJECTS.rule}:${r.developerName}`,
			fields: {
				Id: id15(r.id),
				MasterLabel: r.masterLabel,
				IsActive: r.isActive,
				BooleanFilter: r.booleanFilter,
				Items: r.items.map((i) => `${i.sortOrder} ${i.field} ${i.operation} ${i.value ?? ''}`).join(' | '),
			},
		};
		byId.set(id15(r.id), rule);
		// A rule item is read as part of its rule: its change touches the rule's entry.
		for (const item of r.items) byId.set(id15(item.id), rule);
	}
	for (const a of s.ruleAssociations) {
		add(a.id, `${OBJECTS.ruleTerritory}:${nameOf(ruleName, a.ruleId)}|${nameOf(territoryName, a.territoryId)}`, { Id: id15(a.id), IsInherited: a.isInherited });
	}
	for (const a of s.userAssociations) {
		add(a.id, `${OBJECTS.userTerritory}:${nameOf(territoryName, a.territoryId)}|${nameOf(userName, a.userId)}`, { Id: id15(a.id), RoleInTerritory2: a.role });
	}
	for (const a of s.accountAssociations) {
		add(a.id, `${OBJECTS.objectTerritory}:${nameOf(territoryName, a.territoryId)}|${id15(a.objectId)}`, { Id: id15(a.id) });
	}
	for (const u of s.users) add(u.id, `${OBJECTS.user}:${u.username}`, { Id: id15(u.id), IsActive: u.isActive });
	for (const a of s.accounts) add(a.id, `${OBJECTS.account}:${id15(a.id)}`, { Id: id15(a.id), ExternalKey: a.externalKey });
	return byId;
}

/** The fields of each create that make up its natural key, in key order (see indexSnapshot's keys). */
const KEY_FIELDS: Partial<Record<string, string[]>> = {
	[OBJECTS.model]: ['DeveloperName'],
	[OBJECTS.type]: ['DeveloperName'],
	[OBJECTS.territory]: ['DeveloperName'],
	[OBJECTS.rule]: ['DeveloperName'],
	[OBJECTS.ruleTerritory]: ['RuleId', 'Territory2Id'],
	[OBJECTS.userTerritory]: ['Territory2Id', 'UserId'],
	[OBJECTS.objectTerritory]: ['Territory2Id', 'ObjectId'],
};

export function fingerprintOf(snapshot: OrgSnapshot, changeSet: ChangeSet): OrgFingerprint {
	const byId = indexSnapshot(snapshot);
	const byKey = new Map([...byId.values()].map((l) => [l.key, l]));
	const changeById = new Map(changeSet.changes.map((c) => [c.id, c]));
	const entries: Record<string, StateFields> = {};
	const include = (id: string) => {
		const found = byId.get(id15(id));
		if (found) entries[found.key] = found.fields;
	};
	/** A key part: a record's name (DeveloperName, username), or a created record's own key part. */
	const namePart = (value: FieldValue | undefined, object: string): string => {
		if (value && typeof value === 'object') {
			const created = changeById.get(value.$ref);
			return String(created?.fields.DeveloperName ?? value.$ref);
		}
		const found = typeof value === 'string' ? byId.get(id15(value)) : undefined;
		if (!found) return typeof value === 'string' && ID_PATTERN.test(value) ? id15(value) : String(value ?? '');
		// The part after "Object:" (a DeveloperName or a username); accounts are keyed by their Id.
		return object === OBJECTS.objectTerritory && found.key.startsWith(`${OBJECTS.account}:`) ? id15(value as string) : found.key.slice(found.key.indexOf(':') + 1);
	};

	const modelKey = `${OBJECTS.model}:${snapshot.model?.developerName ?? changeSet.modelDeveloperName}`;
	entries[modelKey] = snapshot.model ? (byKey.get(modelKey)?.fields ?? null) : null;
	for (const change of changeSet.changes) {
		if (change.recordId) include(change.recordId);
		for (const value of Object.values(change.fields)) {
			if (typeof value === 'string' && ID_PATTERN.test(value)) include(value);
		}
		if (change.action === 'create') {
			const key = createKey(change, namePart);
			if (key) entries[key] = byKey.get(key)?.fields ?? null;
		}
	}
	return { hash: hashOf(entries), entries };
}

function createKey(change: Change, namePart: (value: FieldValue | undefined, object: string) => string): string | null {
	const fields = KEY_FIELDS[change.object];
	if (!fields) return null;
	return `${change.object}:${fields.map((f) => namePart(change.fields[f], change.object)).join('|')}`;
}

/** sha256 of the entries in key order, so that the same state always gives the same hash. */
export function hashOf(entries: Record<string, StateFields>): string {
	const ordered = Object.keys(entries)
		.sort()
		.map((k) => [k, entries[k] === null ? null : Object.keys(entries[k]!).sort().map((f) => [f, entries[k]![f]])]);
	return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}

/**
 * The same records in another snapshot (the org re-read before applying), by natural key: a record
 * whose key no longer matches (deleted, or its DeveloperName changed) reads as absent.
 */
export function stateOf(snapshot: OrgSnapshot, keys: readonly string[]): Record<string, StateFields> {
	const byKey = new Map([...indexSnapshot(snapshot).values()].map((l) => [l.key, l.fields]));
	return Object.fromEntries(keys.map((k) => [k, byKey.get(k) ?? null]));
}

/** What changed between the fingerprint a change set was computed against and the org's state now. */
export function compareFingerprints(before: OrgFingerprint, now: Record<string, StateFields>): StateDifference[] {
	const out: StateDifference[] = [];
	for (const record of Object.keys(before.entries).sort()) {
		const was = before.entries[record];
		const is = now[record] ?? null;
		if (was === null && is === null) continue;
		if (was === null || is === null) {
			out.push({ record, field: null, before: was === null ? 'absent' : 'present', after: is === null ? 'absent' : 'present' });
			continue;
		}
		for (const field of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
			if (was[field] !== is[field]) out.push({ record, field, before: was[field] ?? null, after: is[field] ?? null });
		}
	}
	return out;
}

/** A difference in words: "Territory2:Bay_Area Description: "West" → "East"", "Territory2:X appeared". */
export function describeDifference(d: StateDifference): string {
	if (d.field === null) return `${d.record} ${d.after === 'absent' ? 'was deleted' : 'was created'} since the dry run`;
	return `${d.record} ${d.field}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`;
}
