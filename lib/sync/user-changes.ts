/**
 * Who works a territory (UserTerritory2Association, with the Users column) and who forecasts for it
 * (Territory2.ForecastUserId, with the Forecast Manager column).
 *
 * Salesforce cannot update an association's role, so a role change is a delete and a create. The
 * forecast manager must be one of the territory's users: a new manager is set after the associations are
 * created, and a manager whose association is about to go is released first (phases.ts).
 */
import { idKey, OBJECTS, sameId } from '../salesforce';
import { didYouMean } from '../plan';
import type { PlanColumn, PlanTerritory } from '../plan/types';
import { quote, type DiffContext } from './diff-context';
import { changeId, Findings } from './findings';
import { cmp, resolveRole } from './match';
import { PHASE } from './phases';
import type { SnapshotTerritory, SnapshotUser } from './types';

type Desired = Map<string, { user: SnapshotUser; role: string | null }>;

/** What the forecast step needs to know about the territory's associations, keyed by idKey(userId). */
interface UserAssociations {
	existing: Map<string, { id: string; userId: string; role: string | null }>;
	/** null without a Users column: the org's associations stay as they are. */
	desired: Desired | null;
	/** Ids of the changes that (re)create an association. */
	created: Map<string, string>;
	/** Ids of the changes that delete an association. */
	removed: Map<string, string>;
}

export function userChanges(s: DiffContext): Findings {
	const out = new Findings();
	for (const t of s.plan.territories) territoryUsers(s, out, t);
	return out;
}

function territoryUsers(s: DiffContext, out: Findings, t: PlanTerritory): void {
	const o = s.scope.matched.get(t);
	const a: UserAssociations = { existing: new Map(), desired: null, created: new Map(), removed: new Map() };
	if (o) {
		for (const x of s.assoc.usersByTerritory.get(idKey(o.id)) ?? []) a.existing.set(idKey(x.userId), x);
	}
	if (s.columns.has('Users')) {
		a.desired = desiredUsers(s, out, t);
		syncUsers(s, out, t, a, a.desired);
	}
	forecast(s, out, t, o, a);
}

function syncUsers(s: DiffContext, out: Findings, t: PlanTerritory, a: UserAssociations, desired: Desired): void {
	for (const [key, { user, role }] of desired) {
		const have = a.existing.get(key);
		if (have && sameRole(have.role, role)) continue;
		let deleteId = '';
		if (have) {
			deleteId = deleteUserAssociation(s, out, t, have, `role: ${quote(have.role)} → ${quote(role)} (no update in Salesforce)`);
			a.removed.set(key, deleteId);
		}
		if (!user.isActive) out.issue(t.row, 'Users', user.username, 'INACTIVE_USER', `User ${user.username} is inactive and cannot be assigned.`);
		const id = changeId(OBJECTS.userTerritory, t.key, user.id);
		a.created.set(key, id);
		out.push({
			id,
			object: OBJECTS.userTerritory,
			action: 'create',
			label: `${t.key} → ${user.username}`,
			fields: { UserId: user.id, Territory2Id: s.scope.territoryRef(t), ...(role === null ? {} : { RoleInTerritory2: role }) },
			reason: have ? `role: ${quote(have.role)} → ${quote(role)}` : 'new in plan',
			rows: t.rows,
			dependsOn: [s.scope.territoryDep(t), deleteId],
			phase: PHASE.userAssociationCreate,
		});
	}
	for (const [key, have] of [...a.existing].sort((x, y) => cmp(x[0], y[0]))) {
		if (!desired.has(key)) a.removed.set(key, deleteUserAssociation(s, out, t, have, 'not in plan'));
	}
}

/** The plan's users of a territory, each once, with the org's spelling of the role. */
function desiredUsers(s: DiffContext, out: Findings, t: PlanTerritory): Desired {
	const desired: Desired = new Map();
	for (const pu of t.users) {
		const user = resolveUser(s, out, t, pu.ref, 'Users');
		if (!user) continue;
		let role: string | null = null;
		if (pu.role !== null && pu.role.trim() !== '') {
			role = resolveRole(s.snapshot, pu.role) ?? null;
			if (role === null) {
				out.issue(t.row, 'Users', pu.role, 'UNKNOWN_ROLE', `Role ${pu.role} is not a value of RoleInTerritory2 in the org.`);
				role = pu.role.trim();
			}
		}
		const key = idKey(user.id);
		const seen = desired.get(key);
		if (seen) {
			if (!sameRole(seen.role, role)) {
				out.issue(t.row, 'Users', pu.ref, 'DUPLICATE_USER', `User ${user.username} is listed twice with different roles.`);
			}
			continue;
		}
		desired.set(key, { user, role });
	}
	return desired;
}

/** `quiet`: the same reference is already reported in another column of the row (one problem, one issue). */
function resolveUser(s: DiffContext, out: Findings, t: PlanTerritory, ref: string, column: PlanColumn, quiet = false): SnapshotUser | undefined {
	const r = s.users.resolve(ref);
	if ('found' in r) return r.found;
	if (quiet) return undefined;
	if ('ambiguous' in r) {
		out.issue(t.row, column, ref, 'AMBIGUOUS_USER', `User ${ref} matches several users (${r.ambiguous.map((u) => u.username).join(', ')}): use the Username.`);
	} else {
		// Near misses among the users the snapshot holds (those the plan names and those the model assigns).
		out.issue(t.row, column, ref, 'UNKNOWN_USER', `User ${ref} does not exist in the org${didYouMean(ref, s.snapshot.users.map((u) => u.username))}.`);
	}
	return undefined;
}

function deleteUserAssociation(s: DiffContext, out: Findings, t: PlanTerritory, a: { id: string; userId: string }, reason: string): string {
	const id = changeId(OBJECTS.userTerritory, t.key, a.userId, 'delete');
	out.push({
		id,
		object: OBJECTS.userTerritory,
		action: 'delete',
		recordId: a.id,
		label: `${t.key} → ${s.userLabel(a.userId)}`,
		reason,
		rows: t.rows,
		phase: PHASE.associationDelete,
	});
	return id;
}

/** The manager the plan names; without the column, or when the name cannot be resolved, the current one. */
function targetManager(s: DiffContext, out: Findings, t: PlanTerritory, current: string | null, a: UserAssociations): string | null {
	if (!s.columns.has('Forecast Manager')) return current;
	if (t.forecastManager === null || t.forecastManager.trim() === '') return null;
	const ref = t.forecastManager.trim().toLowerCase();
	const alsoInUsers = a.desired !== null && t.users.some((u) => u.ref.trim().toLowerCase() === ref);
	const user = resolveUser(s, out, t, t.forecastManager, 'Forecast Manager', alsoInUsers);
	if (!user) return current;
	if (!user.isActive) {
		out.issue(t.row, 'Forecast Manager', t.forecastManager, 'FORECAST_MANAGER_INACTIVE', `Forecast Manager ${user.username} is not active.`);
	}
	const assigned = a.desired ? a.desired.has(idKey(user.id)) : a.existing.has(idKey(user.id));
	if (!assigned) {
		out.issue(
			t.row,
			'Forecast Manager',
			t.forecastManager,
			'FORECAST_MANAGER_NOT_ASSIGNED',
			`Forecast Manager ${user.username} must be one of the territory's users.`,
		);
	}
	return user.id;
}

function forecast(s: DiffContext, out: Findings, t: PlanTerritory, o: SnapshotTerritory | undefined, a: UserAssociations): void {
	let current = o?.forecastUserId ?? null;
	const target = targetManager(s, out, t, current, a);
	if (o && current && a.removed.has(idKey(current))) {
		// The manager's association is about to go: release it first (ForecastUserId must be assigned).
		const keepsAssociation = target !== null && a.existing.has(idKey(target)) && !a.removed.has(idKey(target));
		const release = keepsAssociation ? target : null;
		const id = changeId(s.scope.createId(t), 'releaseForecast');
		out.push({
			id,
			object: OBJECTS.territory,
			action: 'update',
			recordId: o.id,
			label: t.key,
			fields: { ForecastUserId: release },
			diff: [{ field: 'ForecastUserId', from: s.userLabel(current), to: s.userLabel(release) }],
			reason: `Forecast Manager: ${quote(s.userLabel(current))} → ${quote(s.userLabel(release))} (assignment removed)`,
			rows: t.rows,
			phase: PHASE.forecastRelease,
		});
		out.find(a.removed.get(idKey(current)) as string)?.dependsOn.push(id);
		current = release;
		// Without a Forecast Manager column the plan names no manager: one whose assignment goes for good
		// is not set again (it would not be assigned); one whose assignment is re-created (a role change) is.
		if (!s.columns.has('Forecast Manager') && !(target !== null && a.created.has(idKey(target)))) return;
	}
	if (sameId(target, current)) return;
	out.push({
		id: changeId(s.scope.createId(t), 'forecast'),
		object: OBJECTS.territory,
		action: 'update',
		recordId: o ? o.id : null,
		...(o ? {} : { recordRef: s.scope.createId(t) }),
		label: t.key,
		fields: { ForecastUserId: target },
		diff: [{ field: 'ForecastUserId', from: s.userLabel(current), to: s.userLabel(target) }],
		reason: `Forecast Manager: ${quote(s.userLabel(current))} → ${quote(s.userLabel(target))}`,
		rows: t.rows,
		dependsOn: [s.scope.territoryDep(t), target ? (a.created.get(idKey(target)) ?? '') : ''],
		phase: PHASE.forecastSet,
	});
}

/** Roles compare case-insensitively and blank means none, so a spelling difference writes nothing. */
function sameRole(a: string | null, b: string | null): boolean {
	return (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
}
