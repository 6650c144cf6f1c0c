/**
 * Manual account assignments (ObjectTerritory2Association with AssociationCause Territory2Manual), from the
 * Accounts column when manageAccounts is on. Rule-based assignments are Salesforce's to make and are never
 * touched here. An account is named by Id or by the external key field; one that matches nothing or
 * several records is an issue, never a guess.
 */
import { idKey, OBJECTS } from '../salesforce';
import type { PlanTerritory } from '../plan/types';
import type { DiffContext } from './diff-context';
import { changeId, Findings } from './findings';
import { cmp } from './match';
import { PHASE } from './phases';

export function accountChanges(s: DiffContext): Findings {
	const out = new Findings();
	for (const t of s.plan.territories) territoryAccounts(s, out, t);
	return out;
}

function territoryAccounts(s: DiffContext, out: Findings, t: PlanTerritory): void {
	const o = s.scope.matched.get(t);
	const existing = new Map<string, { id: string; objectId: string }>();
	if (o) {
		for (const a of s.assoc.accountsByTerritory.get(idKey(o.id)) ?? []) existing.set(idKey(a.objectId), a);
	}
	const desired = new Set<string>();
	// The same for every account of the territory (a territory may have thousands).
	const territory = s.scope.territoryRef(t);
	const dependsOn = [s.scope.territoryDep(t)];
	for (const ref of t.accounts) {
		const r = s.accounts.resolve(ref);
		if ('missing' in r) {
			out.issue(t.row, 'Accounts', ref, 'UNKNOWN_ACCOUNT', `Account ${ref} does not exist in the org.`);
			continue;
		}
		if ('ambiguous' in r) {
			out.issue(t.row, 'Accounts', ref, 'AMBIGUOUS_ACCOUNT', `Account ${ref} matches several accounts.`);
			continue;
		}
		const key = idKey(r.found.id);
		if (desired.has(key)) continue;
		desired.add(key);
		if (existing.has(key)) continue;
		out.push({
			id: changeId(OBJECTS.objectTerritory, t.key, r.found.id),
			object: OBJECTS.objectTerritory,
			action: 'create',
			label: `${t.key} → ${r.found.externalKey ?? r.found.id}`,
			fields: { ObjectId: r.found.id, Territory2Id: territory, AssociationCause: 'Territory2Manual' },
			reason: 'new in plan',
			rows: t.rows,
			dependsOn,
			phase: PHASE.accountAssociationCreate,
		});
	}
	for (const [key, a] of [...existing].sort((x, y) => cmp(x[0], y[0]))) {
		if (desired.has(key)) continue;
		const account = s.accounts.get(a.objectId);
		out.push({
			id: changeId(OBJECTS.objectTerritory, t.key, a.objectId, 'delete'),
			object: OBJECTS.objectTerritory,
			action: 'delete',
			recordId: a.id,
			label: `${t.key} → ${account?.externalKey ?? a.objectId}`,
			reason: 'not in plan',
			rows: t.rows,
			phase: PHASE.associationDelete,
		});
	}
}
