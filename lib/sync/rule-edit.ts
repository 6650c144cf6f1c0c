/**
 * Editing one of the tool's existing rules in place so that it says what the plan says: items are matched
 * by SortOrder and created, updated or deleted; the rule header (label, active) and BooleanFilter follow.
 *
 * Salesforce accepts item writes only while the rule's BooleanFilter is null, so a structural edit clears
 * the filter first and sets it again once the items exist (phases.ts). The header rides along with one of
 * those filter writes when there is one, so a rule is not written twice. `planRuleEdit` also counts the
 * writes, so that the caller can re-create the rule instead when that is cheaper.
 */
import { LIMITS, normalizeBooleanFilter, OBJECTS, ruleItemField } from '../salesforce';
import type { PlanTerritory, RuleSpec } from '../plan/types';
import { changesReason, quote, type DiffContext } from './diff-context';
import { changeId, type Findings } from './findings';
import { cmp } from './match';
import { PHASE } from './phases';
import { sameItem } from './rule-compare';
import type { FieldChange, FieldValue, SnapshotRule } from './types';

export interface RuleEdit {
	creates: RuleSpec['items'];
	updates: { item: SnapshotRule['items'][number]; fields: Record<string, FieldValue>; diff: FieldChange[] }[];
	deletes: SnapshotRule['items'];
	/** Items change: the filter must be null meanwhile. */
	structural: boolean;
	/** Records written when editing in place. */
	cost: number;
}

/** How to turn an existing tool rule into the desired one, editing it in place. */
export function planRuleEdit(e: SnapshotRule, r: RuleSpec, fieldName: (field: string) => string = ruleItemField): RuleEdit {
	const creates: RuleEdit['creates'] = [];
	const updates: RuleEdit['updates'] = [];
	const deletes: RuleEdit['deletes'] = [];
	const bySort = new Map<number, SnapshotRule['items'][number]>();
	// Two items with one SortOrder: the first (by Id) is kept, the others go.
	for (const item of [...e.items].sort((a, b) => a.sortOrder - b.sortOrder || cmp(a.id, b.id))) {
		if (bySort.has(item.sortOrder)) deletes.push(item);
		else bySort.set(item.sortOrder, item);
	}
	const wanted = new Set<number>();
	for (const want of r.items) {
		wanted.add(want.sortOrder);
		const have = bySort.get(want.sortOrder);
		if (!have) {
			creates.push(want);
			continue;
		}
		if (sameItem(have, want)) continue;
		const fields: Record<string, FieldValue> = {};
		const diff: FieldChange[] = [];
		if (!sameItem({ ...have, operation: want.operation, value: want.value }, want)) {
			fields.Field = fieldName(want.field);
			diff.push({ field: 'Field', from: have.field, to: fieldName(want.field) });
		}
		if (have.operation.toLowerCase() !== want.operation.toLowerCase()) {
			fields.Operation = want.operation;
			diff.push({ field: 'Operation', from: have.operation, to: want.operation });
		}
		if ((have.value ?? '') !== want.value) {
			fields.Value = want.value;
			diff.push({ field: 'Value', from: have.value, to: want.value });
		}
		updates.push({ item: have, fields, diff });
	}
	for (const [sort, item] of bySort) if (!wanted.has(sort)) deletes.push(item);
	deletes.sort((a, b) => a.sortOrder - b.sortOrder || cmp(a.id, b.id));
	const structural = creates.length + updates.length + deletes.length > 0;
	const have = normalizeBooleanFilter(e.booleanFilter);
	const want = normalizeBooleanFilter(r.booleanFilter);
	const header = e.masterLabel !== r.masterLabel || !e.isActive;
	// Clear the filter, write the items, set the filter; the header needs a write of its own only when
	// neither filter write happens.
	const cost = structural
		? (have !== null ? 1 : 0) + creates.length + updates.length + deletes.length + (want !== null ? 1 : 0) + (header && have === null && want === null ? 1 : 0)
		: (have !== want || header ? 1 : 0);
	return { creates, updates, deletes, structural, cost };
}

/** Emits the changes of an in-place edit planned by `planRuleEdit`. */
export function editRule(s: DiffContext, out: Findings, t: PlanTerritory, e: SnapshotRule, r: RuleSpec, plan: RuleEdit): void {
	const base = changeId(OBJECTS.rule, r.developerName);
	const header: Record<string, FieldValue> = {};
	const headerDiff: FieldChange[] = [];
	if (e.masterLabel !== r.masterLabel) {
		header.MasterLabel = r.masterLabel;
		headerDiff.push({ field: 'MasterLabel', from: e.masterLabel, to: r.masterLabel });
	}
	if (!e.isActive) {
		header.IsActive = true;
		headerDiff.push({ field: 'IsActive', from: false, to: true });
	}
	let headerDone = headerDiff.length === 0;
	const have = normalizeBooleanFilter(e.booleanFilter);
	const want = normalizeBooleanFilter(r.booleanFilter);
	let clearId = '';
	if (plan.structural && have !== null) {
		clearId = changeId(base, 'clearFilter');
		out.push({
			id: clearId,
			object: OBJECTS.rule,
			action: 'update',
			recordId: e.id,
			label: r.developerName,
			fields: { BooleanFilter: null, ...header },
			diff: [{ field: 'BooleanFilter', from: e.booleanFilter, to: null }, ...headerDiff],
			reason: 'filter cleared so that items can change',
			rows: t.rows,
			phase: PHASE.ruleFilterClear,
		});
		headerDone = true;
	}
	const itemIds = itemWrites(s, out, t, e, r, plan, clearId);
	// After a structural edit the org's filter is null, whatever it was before.
	const filterNow = plan.structural ? null : have;
	const filterFrom = filterNow === null ? null : e.booleanFilter;
	if (want !== filterNow) {
		out.push({
			id: changeId(base, 'filter'),
			object: OBJECTS.rule,
			action: 'update',
			recordId: e.id,
			label: r.developerName,
			fields: { BooleanFilter: r.booleanFilter, ...(headerDone ? {} : header) },
			diff: [{ field: 'BooleanFilter', from: filterFrom, to: r.booleanFilter }, ...(headerDone ? [] : headerDiff)],
			reason: `BooleanFilter: ${quote(filterFrom)} → ${quote(r.booleanFilter)}`,
			rows: t.rows,
			dependsOn: itemIds,
			phase: PHASE.ruleFilterSet,
		});
		headerDone = true;
	}
	if (!headerDone) {
		out.push({
			id: changeId(base, 'update'),
			object: OBJECTS.rule,
			action: 'update',
			recordId: e.id,
			label: r.developerName,
			fields: header,
			diff: headerDiff,
			reason: changesReason(headerDiff),
			rows: t.rows,
			phase: PHASE.ruleUpdate,
		});
	}
}

/**
 * The item writes of an edit, ordered so that an edit cut between any two of them loses no item: an item
 * whose field, operator and value move to another SortOrder (a rule column the plan lacks, shifted by a
 * group before it growing or shrinking) is overwritten or deleted only once its new place is written, so
 * the re-run can read every column back from the half-edited rule (`decodeRulesByField`). The order is
 * kept by phases (phases.ts): the creates that others wait for first, then updates by how many moves they
 * wait for, then the deletes that wait for a move. Creates that would take the rule past its item limit
 * before the deletes run, and order that would be circular (only a hand-edited rule can ask for it), are
 * not imposed: those writes keep the plain order (deletes, updates, creates).
 */
function itemWrites(s: DiffContext, out: Findings, t: PlanTerritory, e: SnapshotRule, r: RuleSpec, plan: RuleEdit, clearId: string): string[] {
	const label = (item: { sortOrder: number }): string => `${r.developerName} #${item.sortOrder}`;
	const createsFirst = e.items.length + plan.creates.length <= LIMITS.itemsPerRule;
	const createId = (sortOrder: number) => changeId(OBJECTS.ruleItem, r.developerName, sortOrder);
	const updateId = (sortOrder: number) => changeId(OBJECTS.ruleItem, r.developerName, sortOrder, 'update');
	const writeIds = new Map<number, string>([
		...(createsFirst ? plan.creates.map((c) => [c.sortOrder, createId(c.sortOrder)] as const) : []),
		...plan.updates.map((u) => [u.item.sortOrder, updateId(u.item.sortOrder)] as const),
	]);
	/** The writes (earlier in the edit) that put `item`'s content at another SortOrder. */
	const movedTo = (item: SnapshotRule['items'][number]): string[] =>
		r.items.filter((w) => w.sortOrder !== item.sortOrder && writeIds.has(w.sortOrder) && sameItem(item, w)).map((w) => writeIds.get(w.sortOrder) as string);
	const updateDeps = new Map(plan.updates.map((u) => [updateId(u.item.sortOrder), movedTo(u.item)]));
	const levels = updateLevels(updateDeps);
	if (!levels) for (const k of updateDeps.keys()) updateDeps.set(k, []);
	const deleteDeps = new Map(plan.deletes.map((item) => [item.id, createsFirst ? movedTo(item) : []]));
	const awaited = new Set([...updateDeps.values(), ...deleteDeps.values()].flat());
	const maxLevel = Math.max(0, ...(levels?.values() ?? []));

	const itemIds: string[] = [];
	// Listed deletes, updates, creates (as the changes read best); sorted by phase afterwards.
	for (const item of plan.deletes) {
		const id = changeId(OBJECTS.ruleItem, r.developerName, item.sortOrder, 'delete', item.id);
		const after = deleteDeps.get(item.id) ?? [];
		itemIds.push(id);
		out.push({
			id,
			object: OBJECTS.ruleItem,
			action: 'delete',
			recordId: item.id,
			label: label(item),
			reason: 'not in plan',
			rows: t.rows,
			dependsOn: [clearId, ...after],
			phase: after.length ? PHASE.ruleItemUpdate + maxLevel + 1 : PHASE.ruleItemDelete,
		});
	}
	for (const { item, fields, diff } of plan.updates) {
		const id = updateId(item.sortOrder);
		itemIds.push(id);
		out.push({
			id,
			object: OBJECTS.ruleItem,
			action: 'update',
			recordId: item.id,
			label: label(item),
			fields,
			diff,
			reason: changesReason(diff),
			rows: t.rows,
			dependsOn: [clearId, ...(updateDeps.get(id) ?? [])],
			phase: PHASE.ruleItemUpdate + (levels?.get(id) ?? 0),
		});
	}
	for (const item of plan.creates) {
		const id = createId(item.sortOrder);
		itemIds.push(id);
		out.push({
			id,
			object: OBJECTS.ruleItem,
			action: 'create',
			label: label(item),
			fields: { RuleId: e.id, SortOrder: item.sortOrder, Field: s.ruleItemField(item.field), Operation: item.operation, Value: item.value },
			reason: 'new in plan',
			rows: t.rows,
			dependsOn: [clearId],
			phase: awaited.has(id) ? PHASE.ruleItemCreateMoved : PHASE.ruleItemCreate,
		});
	}
	return itemIds;
}

/**
 * Per update: how many updates must run before it (its phase offset), from the updates each waits for
 * (creates it waits for run in an earlier phase); null when the waits are circular.
 */
function updateLevels(deps: Map<string, string[]>): Map<string, number> | null {
	const level = new Map<string, number>();
	const visiting = new Set<string>();
	const visit = (id: string): number | null => {
		const known = level.get(id);
		if (known !== undefined) return known;
		if (visiting.has(id)) return null;
		visiting.add(id);
		let l = 0;
		for (const d of deps.get(id) ?? []) {
			if (!deps.has(d)) continue;
			const dl = visit(d);
			if (dl === null) return null;
			l = Math.max(l, dl + 1);
		}
		visiting.delete(id);
		level.set(id, l);
		return l;
	};
	for (const id of deps.keys()) if (visit(id) === null) return null;
	return level;
}
