/**
 * Resolving what the plan names (users, accounts, types, roles) to org records.
 */
import type { OrgSnapshot, SnapshotAccount, SnapshotType, SnapshotUser } from './types';
import { developerNameFromName } from '../plan';
import { idKey } from '../salesforce';


const lower = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase();

export type Resolution<T> = { found: T } | { missing: true } | { ambiguous: T[] };

/**
 * Items grouped by every key `keys` gives them (each item once per distinct key), in their original order.
 * An item has one or two keys: a repeat is found by looking back in its own list (a Set per item was
 * 50,000 Sets at XL's accounts).
 */
function multiIndex<T>(items: readonly T[], keys: (item: T) => Array<string | null>): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const item of items) {
		const ks = keys(item);
		for (let i = 0; i < ks.length; i++) {
			const k = ks[i];
			if (k === null || ks.indexOf(k) < i) continue;
			const list = out.get(k);
			if (list) list.push(item);
			else out.set(k, [item]);
		}
	}
	return out;
}

/*
 * The indexes below replace scans of every user or account per reference (a 200,000-assignment plan
 * against 50,000 accounts was 10^10 comparisons): each map holds its matches in the snapshot's order,
 * so a look-up returns exactly what the former `filter` returned, in the same order.
 */
export class UserIndex {
	private readonly byId = new Map<string, SnapshotUser>();
	private readonly byUsername: Map<string, SnapshotUser[]>;
	/** By Email or FederationIdentifier (lower-cased): a user whose two values are equal appears once. */
	private readonly byOther: Map<string, SnapshotUser[]>;

	constructor(users: SnapshotUser[]) {
		for (const u of users) this.byId.set(idKey(u.id), u);
		this.byUsername = multiIndex(users, (u) => [lower(u.username)]);
		this.byOther = multiIndex(users, (u) => [lower(u.email), lower(u.federationIdentifier)]);
	}

	get(id: string): SnapshotUser | undefined {
		return this.byId.get(idKey(id));
	}

	/** In the order of USER_REFERENCE_KINDS (lib/salesforce/users.ts): Id, Username (unique), then Email or FederationIdentifier. */
	resolve(ref: string): Resolution<SnapshotUser> {
		const r = ref.trim();
		const byId = this.byId.get(idKey(r));
		if (byId) return { found: byId };
		const l = r.toLowerCase();
		const byUsername = this.byUsername.get(l) ?? [];
		if (byUsername.length === 1) return { found: byUsername[0] };
		const others = this.byOther.get(l) ?? [];
		const all = [...new Map([...byUsername, ...others].map((u) => [u.id, u])).values()];
		if (all.length === 1) return { found: all[0] };
		if (all.length === 0) return { missing: true };
		return { ambiguous: all };
	}
}

export class AccountIndex {
	private readonly byId = new Map<string, SnapshotAccount>();
	private readonly byKey: Map<string, SnapshotAccount[]>;
	private readonly byLowerKey: Map<string, SnapshotAccount[]>;

	constructor(accounts: SnapshotAccount[]) {
		for (const a of accounts) this.byId.set(idKey(a.id), a);
		this.byKey = multiIndex(accounts, (a) => [a.externalKey]);
		this.byLowerKey = multiIndex(accounts, (a) => [a.externalKey === null ? null : lower(a.externalKey)]);
	}

	get(id: string): SnapshotAccount | undefined {
		return this.byId.get(idKey(id));
	}

	/** By Id, then by external key (exact first, then case-insensitive). */
	resolve(ref: string): Resolution<SnapshotAccount> {
		const r = ref.trim();
		const byId = this.byId.get(idKey(r));
		if (byId) return { found: byId };
		const exact = this.byKey.get(r) ?? [];
		if (exact.length === 1) return { found: exact[0] };
		if (exact.length > 1) return { ambiguous: [...exact] };
		const loose = this.byLowerKey.get(r.toLowerCase()) ?? [];
		if (loose.length === 1) return { found: loose[0] };
		if (loose.length === 0) return { missing: true };
		return { ambiguous: [...loose] };
	}
}

/** Types by DeveloperName, then MasterLabel, case-insensitively. */
export function resolveType(types: SnapshotType[], ref: string): Resolution<SnapshotType> {
	const l = ref.trim().toLowerCase();
	const byName = types.filter((t) => lower(t.developerName) === l);
	if (byName.length === 1) return { found: byName[0] };
	const byLabel = types.filter((t) => lower(t.masterLabel) === l);
	if (byLabel.length === 1) return { found: byLabel[0] };
	if (byName.length + byLabel.length === 0) return { missing: true };
	return { ambiguous: [...byName, ...byLabel] };
}

/** The org's spelling of a RoleInTerritory2 value, or undefined when the org lacks it. */
export function resolveRole(snapshot: OrgSnapshot, role: string): string | undefined {
	const l = role.trim().toLowerCase();
	return snapshot.roles.find((r) => r.toLowerCase() === l);
}

/**
 * A valid DeveloperName from a label: letters, digits and single underscores, starting with a letter,
 * no trailing underscore, at most 80 characters.
 */
export function toDeveloperName(label: string): string {
	// The same rules as generated territory keys: transliterated, and a stable hash where nothing is left
	// (two CJK type names must not both become "T").
	return developerNameFromName(label);
}

/** Code-point order: the same on every machine, unlike localeCompare. */
export function cmp(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Items grouped by a key, in their original order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const item of items) {
		const k = key(item);
		const list = out.get(k);
		if (list) list.push(item);
		else out.set(k, [item]);
	}
	return out;
}

/** The snapshot's associations by territory (and rule associations by rule), keyed by idKey. */
export function indexAssociations(s: OrgSnapshot) {
	return {
		rulesByTerritory: groupBy(s.ruleAssociations, (a) => idKey(a.territoryId)),
		territoriesByRule: groupBy(s.ruleAssociations, (a) => idKey(a.ruleId)),
		usersByTerritory: groupBy(s.userAssociations, (a) => idKey(a.territoryId)),
		accountsByTerritory: groupBy(s.accountAssociations, (a) => idKey(a.territoryId)),
		usersById: new Map(s.users.map((u) => [idKey(u.id), u])),
		accountsById: new Map(s.accounts.map((x) => [idKey(x.id), x])),
		/** A rule's place in s.rules: a territory's rules found by Id, kept in the snapshot's order (no scan per territory). */
		ruleOrder: new Map(s.rules.map((r, i) => [idKey(r.id), i])),
	};
}
export type AssociationIndex = ReturnType<typeof indexAssociations>;
