/**
 * Territory2 records: create the plan's new territories, update the matched ones field by field, and
 * (deleteMissing or overwriteAll only) delete the territories in scope that the plan no longer names.
 *
 * Apart from the name, only the columns the plan has are compared: a plan without a Description column
 * leaves descriptions alone. Deletes go deepest first and spare every org territory that will be an
 * ancestor of a kept territory. A move that would make a territory its own ancestor is refused.
 */
import { idKey, OBJECTS, sameId } from '../salesforce';
import { didYouMean } from '../plan';
import type { PlanColumn, PlanTerritory } from '../plan/types';
import { changesReason, text, type DiffContext } from './diff-context';
import { changeId, Findings } from './findings';
import { cmp } from './match';
import type { TargetModel, TerritoryCount } from './model-checks';
import { depthPhase, PHASE } from './phases';
import { territoryChangeId, type ParentRef } from './territory-scope';
import { TerritoryTypes } from './territory-types';
import type { FieldChange, FieldValue, SnapshotTerritory } from './types';

/** What the territory stage hands on: its findings, and which org territories go (their rules may go too). */
export interface TerritoryStage extends TerritoryCount {
	findings: Findings;
	/** idKey of each org territory deleted as missing from the plan. */
	deletedTerritoryIds: ReadonlySet<string>;
}

export function territoryChanges(s: DiffContext, model: TargetModel): TerritoryStage {
	const out = new Findings();
	const types = new TerritoryTypes(s, out);
	let created = 0;
	for (const t of s.plan.territories) {
		const parent = s.scope.parentOf(t);
		if (parent.kind === 'missing' && parent.ambiguous) {
			const keys = parent.ambiguous.map((o) => o.developerName).sort(cmp).join(', ');
			out.issue(t.row, 'Parent', t.parentKey, 'AMBIGUOUS_PARENT', `Parent "${t.parentKey}" is the name of several territories of the model (keys ${keys}); give the parent's Key instead.`);
		} else if (parent.kind === 'missing') {
			out.issue(t.row, 'Parent', t.parentKey, 'UNKNOWN_PARENT', `Parent ${t.parentKey} is neither in the plan nor in the publish scope${didYouMean(t.parentKey ?? '', s.scope.parentKeys())}.`);
		} else if (s.columns.has('Parent') && s.scope.anchorMoves(t)) {
			out.issue(
				t.row,
				'Parent',
				t.parentKey,
				'SCOPE_ROOT_MOVE',
				`Territory ${t.key} is the territory published under: it stays where it is, so leave its Parent empty (it cannot move under ${t.parentKey}).`,
			);
		} else if (s.columns.has('Parent') && s.scope.finalAncestors(t, true).cycle) {
			// The plan check sees loops within the plan only; this one runs through territories of the org.
			out.issue(
				t.row,
				'Parent',
				t.parentKey,
				'PARENT_CYCLE',
				`Territory ${t.key} cannot move under ${t.parentKey}: ${t.parentKey} is below ${t.key} in the model, so the hierarchy would loop.`,
			);
		}
		const o = s.scope.matched.get(t);
		if (o) updateTerritory(s, out, types, t, o, parent);
		else {
			createTerritory(s, out, model, types, t, parent);
			created++;
		}
	}
	const deletedTerritoryIds = deleteMissing(s, out);
	return { findings: out, created, deleted: deletedTerritoryIds.size, deletedTerritoryIds };
}

function createTerritory(s: DiffContext, out: Findings, model: TargetModel, types: TerritoryTypes, t: PlanTerritory, parent: ParentRef): void {
	const type = types.valueFor(t);
	if (t.type === null || t.type.trim() === '') {
		out.issue(t.row, 'Type', null, 'TYPE_REQUIRED', `Territory ${t.key} is new and needs a Type.`);
	}
	const fields: Record<string, FieldValue> = {
		Name: t.name,
		DeveloperName: t.key,
		Territory2ModelId: model.ref,
		Territory2TypeId: type ? type.value : null,
	};
	const parentValue = s.scope.parentValue(parent);
	if (parentValue !== null) fields.ParentTerritory2Id = parentValue;
	if (text(t.description) !== null) fields.Description = t.description;
	if (t.accountAccess) fields.AccountAccessLevel = t.accountAccess;
	if (t.opportunityAccess) fields.OpportunityAccessLevel = t.opportunityAccess;
	if (t.caseAccess) fields.CaseAccessLevel = t.caseAccess;
	out.push({
		id: s.scope.createId(t),
		object: OBJECTS.territory,
		action: 'create',
		label: t.key,
		fields,
		reason: 'new in plan',
		rows: t.rows,
		dependsOn: [model.createChangeId ?? '', type?.dep ?? '', parent.kind === 'plan' ? s.scope.territoryDep(parent.t) : ''],
		phase: depthPhase(PHASE.territoryCreate, s.scope.createDepth(t)),
	});
}

function updateTerritory(s: DiffContext, out: Findings, types: TerritoryTypes, t: PlanTerritory, o: SnapshotTerritory, parent: ParentRef): void {
	const fields: Record<string, FieldValue> = {};
	const changes: FieldChange[] = [];
	const dependsOn: string[] = [];
	const set = (field: string, value: FieldValue, from: unknown, to: unknown): void => {
		fields[field] = value;
		changes.push({ field, from, to });
	};
	if (t.name !== o.name) set('Name', t.name, o.name, t.name);
	if (s.columns.has('Type')) {
		const type = types.valueFor(t);
		if (type && (typeof type.value !== 'string' || !sameId(type.value, o.typeId))) {
			const from = s.snapshot.types.find((x) => sameId(x.id, o.typeId))?.developerName ?? o.typeId;
			set('Territory2TypeId', type.value, from, type.label);
			dependsOn.push(type.dep);
		}
	}
	if (s.columns.has('Parent') && parent.kind !== 'missing' && parent.kind !== 'stay') {
		const value = s.scope.parentValue(parent);
		const same = typeof value === 'string' || value === null ? sameId(value, o.parentId) : false;
		if (!same) {
			const from = o.parentId ? (s.scope.orgParent(o)?.developerName ?? o.parentId) : null;
			set('ParentTerritory2Id', value, from, s.scope.parentLabel(parent));
			if (parent.kind === 'plan') dependsOn.push(s.scope.territoryDep(parent.t));
		}
	}
	if (s.columns.has('Description') && text(t.description) !== text(o.description)) {
		set('Description', text(t.description) === null ? null : t.description, o.description, t.description);
	}
	const access: [PlanColumn, string, string | null, string | null][] = [
		['Account Access', 'AccountAccessLevel', t.accountAccess, o.accountAccessLevel],
		['Opportunity Access', 'OpportunityAccessLevel', t.opportunityAccess, o.opportunityAccessLevel],
		['Case Access', 'CaseAccessLevel', t.caseAccess, o.caseAccessLevel],
	];
	for (const [column, field, want, have] of access) {
		// Access levels cannot be null in Salesforce: an empty cell leaves them alone (phases.ts).
		if (s.columns.has(column) && want && want !== have) set(field, want, have, want);
	}
	if (changes.length === 0) return;
	out.push({
		id: changeId(territoryChangeId(t), 'update'),
		object: OBJECTS.territory,
		action: 'update',
		recordId: o.id,
		label: t.key,
		fields,
		diff: changes,
		reason: changesReason(changes),
		rows: t.rows,
		dependsOn,
		phase: depthPhase(PHASE.territoryUpdate, s.scope.finalDepth(t)),
	});
}

/** Returns the idKey of every org territory it deletes. */
function deleteMissing(s: DiffContext, out: Findings): Set<string> {
	const deleted = new Set<string>();
	const { method, deleteMissing } = s.options;
	const { scope } = s;
	if (method === 'add' || !(deleteMissing || method === 'overwriteAll') || scope.scopeMissing) return deleted;
	// Every territory above a kept one once the plan is applied stays (Salesforce refuses to delete a
	// territory that has children): its new parent, and that parent's ancestors in the org.
	const protectedIds = new Set<string>();
	for (const t of s.plan.territories) {
		for (const n of scope.finalAncestors(t, s.columns.has('Parent')).ancestors) {
			if (n.kind === 'org') protectedIds.add(idKey(n.o.id));
		}
	}
	const doomed = s.snapshot.territories
		.filter((o) => scope.inScope(o) && !scope.matchedIds.has(idKey(o.id)) && !protectedIds.has(idKey(o.id)))
		.map((o) => ({ o, depth: scope.orgDepth(o) }))
		.sort((a, b) => b.depth - a.depth || cmp(a.o.developerName, b.o.developerName) || cmp(a.o.id, b.o.id));
	for (const { o } of doomed) deleted.add(idKey(o.id));
	const reason = method === 'overwriteAll' ? 'not in plan (overwrite all)' : 'not in plan (delete missing)';
	for (const { o, depth } of doomed) {
		const children = (scope.orgChildren.get(idKey(o.id)) ?? []).filter((c) => deleted.has(idKey(c.id)));
		out.push({
			id: changeId(OBJECTS.territory, o.developerName, 'delete'),
			object: OBJECTS.territory,
			action: 'delete',
			recordId: o.id,
			label: o.developerName,
			reason,
			dependsOn: children.map((c) => changeId(OBJECTS.territory, c.developerName, 'delete')),
			phase: depthPhase(PHASE.territoryDeleteDeepest, depth, -1),
		});
	}
	return deleted;
}
