/**
 * The hierarchy a change set leads to, as a list of territories with their parents' keys: what a change
 * report draws as a tree. The change set alone cannot say it (an unchanged territory has no change, a
 * deleted one no fields), so the diff, which has the plan and the snapshot, writes it down.
 *
 * Parents are the ones the diff writes (the same rules as territory-changes.ts): a matched territory keeps
 * its org parent when the plan does not manage the Parent column; org territories the plan does not name
 * stay where they are, deleted ones are listed under their parent of today. Out of scope is left out.
 */
import type { PlanTerritory } from '../plan/types';
import type { DiffContext } from './diff-context';
import { idKey } from '../salesforce';
import { cmp } from './match';
import type { SnapshotTerritory, TerritoryNode } from './types';

const RULE_COLUMNS = ['Postal Codes', 'Countries', 'States', 'Criteria'] as const;

export function territoryNodes(s: DiffContext): TerritoryNode[] {
	const { scope } = s;
	// An org territory matched by a plan row goes by the plan's spelling of its key.
	const planKeyOfOrg = new Map<string, string>();
	for (const [t, o] of scope.matched) planKeyOfOrg.set(idKey(o.id), t.key);
	const keyOf = (o: SnapshotTerritory | undefined): string | null => (o ? (planKeyOfOrg.get(idKey(o.id)) ?? o.developerName) : null);
	const ruleNames = new Map(s.snapshot.rules.map((r) => [idKey(r.id), r.developerName]));
	const orgRules = (o: SnapshotTerritory): string[] =>
		(s.assoc.rulesByTerritory.get(idKey(o.id)) ?? []).map((a) => {
			const name = ruleNames.get(idKey(a.ruleId)) ?? a.ruleId;
			return a.isInherited ? `${name} (inherited)` : name;
		});

	const nodes: TerritoryNode[] = s.plan.territories.map((t) => {
		const o = scope.matched.get(t);
		const parent = scope.parentOf(t);
		const keepsOrgParent = o && (!s.columns.has('Parent') || parent.kind === 'missing' || parent.kind === 'stay');
		return {
			key: t.key,
			name: t.name,
			parentKey: keepsOrgParent ? keyOf(scope.orgParent(o)) : scope.parentLabel(parent),
			recordId: o?.id ?? null,
			rows: t.rows,
			users: s.columns.has('Users') ? planUsers(s, t) : o ? orgUsers(s, o) : [],
			rules: RULE_COLUMNS.some((c) => s.columns.has(c)) ? planRules(t) : o ? orgRules(o) : [],
		};
	});

	const orgOnly = s.snapshot.territories
		.filter((o) => !scope.matchedIds.has(idKey(o.id)) && (scope.inScope(o) || o === scope.scopeRoot))
		.sort((a, b) => cmp(a.developerName, b.developerName) || cmp(a.id, b.id));
	for (const o of orgOnly) {
		nodes.push({
			key: o.developerName,
			name: o.name,
			// The scope root heads the report's tree: what is above it is not part of this publish.
			parentKey: o === scope.scopeRoot ? null : keyOf(scope.orgParent(o)),
			recordId: o.id,
			rows: [],
			users: orgUsers(s, o),
			rules: orgRules(o),
		});
	}
	return nodes;
}

function withRole(username: string, role: string | null): string {
	return role ? `${username} (${role})` : username;
}

/** The plan's users, by Username where the org knows them (the plan may name them by Email or Id). */
function planUsers(s: DiffContext, t: PlanTerritory): string[] {
	return t.users.map((u) => {
		const found = s.users.resolve(u.ref);
		return withRole('found' in found ? found.found.username : u.ref, u.role && u.role.trim() !== '' ? u.role : null);
	});
}

function orgUsers(s: DiffContext, o: SnapshotTerritory): string[] {
	return (s.assoc.usersByTerritory.get(idKey(o.id)) ?? []).map((a) => withRole(s.userLabel(a.userId) ?? a.userId, a.role));
}

function planRules(t: PlanTerritory): string[] {
	const rules: string[] = [];
	if (t.postalCodes.length) rules.push(`Postal Codes: ${t.postalCodes.join(', ')}`);
	if (t.countries.length) rules.push(`Countries: ${t.countries.join(', ')}`);
	if (t.states.length) rules.push(`States: ${t.states.join(', ')}`);
	for (const c of t.criteria) rules.push(`${c.field} ${c.operation} ${c.values.join(', ')}`);
	// The change set keeps this list for every territory: a copy of its own length (push reserved 17 slots).
	return rules.slice();
}
