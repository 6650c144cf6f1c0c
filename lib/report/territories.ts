/**
 * What a change report says about each territory: its place in the hierarchy, what happens to it (created,
 * updated, moved, deleted, unchanged, failed, skipped) and the changes of its users, rules and accounts,
 * with their outcomes. Pure: read from a PublishResult (its change set's `territories`, changes and rows).
 */
import type { ChangeOutcome, PublishResult, RowOutcome } from '../api-types';
import { OBJECTS } from '../salesforce';
import type { Change, TerritoryNode } from '../sync/types';
import type { ReportModel, TerritoryView } from './types';

const RULE_OBJECTS = new Set<string>([OBJECTS.rule, OBJECTS.ruleItem, OBJECTS.ruleTerritory]);
const lower = (s: string): string => s.toLowerCase();

/**
 * The hierarchy of the change set, each territory with its changes. Without `territories` (a change set
 * built by hand) the territories come from the changes and the row outcomes, all at the top level.
 */
export function reportModel(result: PublishResult): ReportModel {
	const { changeSet } = result;
	const outcomes = new Map<string, ChangeOutcome>();
	for (const row of result.rows) for (const o of row.changes) outcomes.set(o.changeId, o);
	const rowOutcome = new Map<number, RowOutcome>();
	const deletedRowOutcome = new Map<string, RowOutcome>();
	for (const r of result.rows) {
		if (r.row > 0) rowOutcome.set(r.row, r);
		else if (r.territory !== '') deletedRowOutcome.set(lower(r.key), r);
	}

	const nodes = changeSet.territories ?? nodesFromChanges(result);
	const views = nodes.map((node): TerritoryView => ({
		node,
		status: 'unchanged',
		alsoUpdated: false,
		action: null,
		territoryChanges: [],
		users: [],
		rules: [],
		accounts: [],
		problem: null,
		children: [],
	}));
	const byKey = new Map<string, TerritoryView>();
	const byRow = new Map<number, TerritoryView>();
	for (const v of views) {
		if (!byKey.has(lower(v.node.key))) byKey.set(lower(v.node.key), v);
		for (const row of v.node.rows) if (!byRow.has(row)) byRow.set(row, v);
	}

	const modelChanges: Change[] = [];
	for (const c of changeSet.changes) {
		const view = c.object === OBJECTS.territory ? byKey.get(lower(c.label)) : c.rows.length > 0 ? byRow.get(c.rows[0]) : undefined;
		if (!view || c.object === OBJECTS.model || c.object === OBJECTS.type) {
			modelChanges.push(c);
			continue;
		}
		if (c.object === OBJECTS.territory) {
			if (view.action !== 'create') view.action = c.action;
			if (c.action !== 'delete') view.territoryChanges.push(c);
		} else if (c.object === OBJECTS.userTerritory) view.users.push(c);
		else if (c.object === OBJECTS.objectTerritory) view.accounts.push(c);
		else if (RULE_OBJECTS.has(c.object)) view.rules.push(c);
		else modelChanges.push(c);
	}

	for (const v of views) {
		const row = v.node.rows.length > 0 ? rowOutcome.get(v.node.rows[0]) : deletedRowOutcome.get(lower(v.node.key));
		decideStatus(v, row, outcomes);
	}
	const roots = arrange(views, byKey);
	return { dryRun: result.summary.dryRun, roots, all: views, modelChanges, outcomeOf: outcomeOf(result, outcomes) };
}

/**
 * A change's outcome. The rows carry every change that serves a row, and failures of the others; what
 * they leave out (a deleted territory's rule, the model's create) went through unless nothing was written
 * (a refused plan) or the run stopped, when it is unknown.
 */
function outcomeOf(result: PublishResult, outcomes: Map<string, ChangeOutcome>): ReportModel['outcomeOf'] {
	const { summary } = result;
	const inferred: ChangeOutcome['status'] | null =
		result.issues.length > 0 || summary.stopped ? null : summary.dryRun ? 'planned' : 'done';
	const changes = new Map(result.changeSet.changes.map((c) => [c.id, c]));
	return (id) => {
		const known = outcomes.get(id);
		const c = changes.get(id);
		if (known || !inferred || !c) return known;
		return { changeId: id, object: c.object, action: c.action, label: c.label, status: inferred, recordId: c.recordId };
	};
}

function decideStatus(v: TerritoryView, row: RowOutcome | undefined, outcomes: Map<string, ChangeOutcome>): void {
	const own = [...v.territoryChanges, ...v.users, ...v.rules, ...v.accounts];
	const territoryOutcome = v.territoryChanges
		.map((c) => outcomes.get(c.id))
		.find((o) => o?.status === 'failed' || o?.status === 'skipped');
	const updates = v.action === 'update' ? v.territoryChanges.flatMap((c) => c.diff) : [];
	const moves = updates.some((d) => d.field === 'ParentTerritory2Id');
	v.alsoUpdated = moves && updates.some((d) => d.field !== 'ParentTerritory2Id');
	if (row?.status === 'failed' || row?.status === 'skipped') {
		v.status = row.status;
		v.problem = { code: row.errorCode ?? null, message: row.message ?? '' };
		return;
	}
	if (territoryOutcome) {
		v.status = territoryOutcome.status as 'failed' | 'skipped';
		v.problem = { code: territoryOutcome.errorCode ?? null, message: territoryOutcome.message ?? '' };
		return;
	}
	if (v.action === 'create') v.status = 'created';
	else if (v.action === 'delete') v.status = 'deleted';
	else if (moves) v.status = 'moved';
	else if (own.length > 0) v.status = 'updated';
}

/**
 * Children under their parents, in list order. Iterative, so that a deep hierarchy cannot exhaust the
 * stack; a territory whose parents loop (a plan the check refused) is drawn at the top rather than lost.
 */
function arrange(views: TerritoryView[], byKey: Map<string, TerritoryView>): TerritoryView[] {
	const parentOf = (v: TerritoryView): TerritoryView | undefined => {
		const p = v.node.parentKey === null ? undefined : byKey.get(lower(v.node.parentKey));
		return p === v ? undefined : p;
	};
	const roots: TerritoryView[] = [];
	for (const v of views) {
		const p = parentOf(v);
		if (p) p.children.push(v);
		else roots.push(v);
	}
	const reached = new Set<TerritoryView>();
	const stack = [...roots];
	while (stack.length > 0) {
		const v = stack.pop() as TerritoryView;
		reached.add(v);
		stack.push(...v.children);
	}
	for (const v of views) {
		if (reached.has(v)) continue;
		// On a loop: detach from its parent and draw it at the top; the rest of the loop hangs under it.
		const p = parentOf(v) as TerritoryView;
		p.children.splice(p.children.indexOf(v), 1);
		roots.push(v);
		const again = [v];
		while (again.length > 0) {
			const x = again.pop() as TerritoryView;
			reached.add(x);
			again.push(...x.children.filter((c) => !reached.has(c)));
		}
	}
	return roots;
}

/** Territories named by the changes and row outcomes alone, for a change set without `territories`. */
function nodesFromChanges(result: PublishResult): TerritoryNode[] {
	const seen = new Map<string, TerritoryNode>();
	for (const r of result.rows) {
		if (r.territory === '' || seen.has(lower(r.key))) continue;
		seen.set(lower(r.key), { key: r.key, name: r.territory, parentKey: null, recordId: null, rows: r.row > 0 ? [r.row] : [], users: [], rules: [] });
	}
	for (const c of result.changeSet.changes) {
		if (c.object !== OBJECTS.territory || seen.has(lower(c.label))) continue;
		seen.set(lower(c.label), { key: c.label, name: c.label, parentKey: null, recordId: c.recordId, rows: c.rows, users: [], rules: [] });
	}
	return [...seen.values()];
}
