/**
 * What a publish did, as its summary says it: counts per Salesforce record (not per API write), the
 * same counts in the plan's words (territories, rules, users, accounts), a status word and one plain line.
 *
 * Per record: the change set writes some records twice, because Salesforce needs the first write's Id
 * or state first. A new territory's Forecast Manager must be one of its users (Territory2.ForecastUserId,
 * Object Reference for Salesforce and Lightning Platform, "Territory2"), so the ForecastUserId is set by an
 * update after the UserTerritory2Association exists (lib/sync/phases.ts); a new rule's BooleanFilter is
 * set once its items exist. Those follow-up updates are part of creating the record, not updates of it.
 */
import type { ChangeOutcome, PlanCounts, PublishStatus, PublishSummary, RowOutcome } from './api-types';
import { OBJECTS } from './salesforce';
import type { Change, ChangeSet } from './sync/types';

export interface OutcomeContext {
	dryRun: boolean;
	stopped: PublishSummary['stopped'];
	modelCreated: boolean;
	/** Problems that refused the plan (result.issues.length). */
	problems: number;
	/** Row outcomes, when known, built from these outcomes (rowOutcomes): territories are counted per plan row. */
	rows?: RowOutcome[];
}

export type OutcomeFields = Pick<PublishSummary, 'status' | 'outcome' | 'problems' | 'plan' | 'counts'>;

/** The summary's counts, status and outcome line for a change set and what became of its changes. */
export function describeOutcome(changeSet: ChangeSet, outcomes: ChangeOutcome[], context: OutcomeContext): OutcomeFields {
	const written = writtenChanges(changeSet, outcomes);
	const index = summaryIndex(changeSet);
	const counts = countRecords(written, index);
	const plan = planCounts(written, index, context.rows ?? []);
	let failed = 0;
	let skipped = 0;
	for (const o of outcomes) {
		if (o.status === 'failed') failed++;
		else if (o.status === 'skipped') skipped++;
	}
	const status = statusOf(context, written.length, failed + skipped);
	return {
		status,
		outcome: outcomeLine(status, { changeSet, counts, plan, failed, skipped, context }),
		problems: context.problems,
		plan,
		counts,
	};
}

/** A written change: done, or (a dry run) planned. */
const isWritten = (o: ChangeOutcome): boolean => o.status === 'done' || o.status === 'planned';

/**
 * The outcome of each change by its index in the change set: side by side when they are in change-set order
 * (applyChangeSet's, one per change), else through a map of the outcomes' change ids. The summary and the
 * row outcomes read by index, built once and without copies: at XL (497,000 changes) each Map, Set or list
 * of pairs over every change was some 20 MB, and the summary built seven of them at once (the peak RSS).
 */
export function outcomesByIndex(changeSet: ChangeSet, outcomes: readonly ChangeOutcome[]): (i: number) => ChangeOutcome | undefined {
	const { changes } = changeSet;
	if (outcomes.length === changes.length && outcomes.every((o, i) => o.changeId === changes[i].id)) return (i) => outcomes[i];
	const byId = new Map<string, ChangeOutcome>();
	for (const o of outcomes) byId.set(o.changeId, o);
	return (i) => byId.get(changes[i].id);
}

/** The changes that were written (a dry run: that would be), in change-set order. */
function writtenChanges(changeSet: ChangeSet, outcomes: ChangeOutcome[]): Change[] {
	const outcomeOf = outcomesByIndex(changeSet, outcomes);
	return changeSet.changes.filter((_, i) => {
		const o = outcomeOf(i);
		return !!o && isWritten(o);
	});
}

/**
 * What the counts look up by change id: the creates that an update of the same change set targets
 * (createdBySameRun), and the territory updates (a move, isParentChange). Not every change: at XL a map of
 * all 497,000 was the largest allocation of the summary.
 */
interface SummaryIndex {
	createsTargeted: ReadonlySet<string>;
	territoryUpdates: ReadonlyMap<string, Change>;
}

function summaryIndex(changeSet: ChangeSet): SummaryIndex {
	const targets = new Set<string>();
	const territoryUpdates = new Map<string, Change>();
	for (const c of changeSet.changes) {
		if (c.action !== 'update') continue;
		if (c.recordRef) targets.add(c.recordRef);
		if (c.object === OBJECTS.territory) territoryUpdates.set(c.id, c);
	}
	const createsTargeted = new Set<string>();
	for (const c of changeSet.changes) if (c.action === 'create' && targets.has(c.id)) createsTargeted.add(c.id);
	return { createsTargeted, territoryUpdates };
}

/** The change that creates the record an update writes, when the same change set creates it. */
function createdBySameRun(change: Change, index: SummaryIndex): boolean {
	return change.action === 'update' && !!change.recordRef && index.createsTargeted.has(change.recordRef);
}

/** object → action → distinct records. A create is a record of its own (change ids are unique): counted, not kept. */
function countRecords(written: Change[], index: SummaryIndex): Record<string, Record<string, number>> {
	const records: Record<string, Record<string, Set<string> | number>> = {};
	for (const change of written) {
		if (createdBySameRun(change, index)) continue;
		const actions = (records[change.object] ??= {});
		if (change.action === 'create') actions.create = ((actions.create as number | undefined) ?? 0) + 1;
		else ((actions[change.action] ??= new Set()) as Set<string>).add(change.recordId ?? change.recordRef ?? change.id);
	}
	const counts: Record<string, Record<string, number>> = {};
	for (const [object, actions] of Object.entries(records)) {
		counts[object] = Object.fromEntries(Object.entries(actions).map(([action, n]) => [action, typeof n === 'number' ? n : n.size]));
	}
	return counts;
}

const isParentChange = (change: Change | undefined): boolean =>
	change?.object === OBJECTS.territory && change.action === 'update' && change.diff.some((d) => d.field === 'ParentTerritory2Id');

function planCounts(written: Change[], index: SummaryIndex, rows: RowOutcome[]): PlanCounts {
	const territories = { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: 0 };
	for (const row of rows) {
		if (row.row === 0) continue;
		// A row's changes are the outcomes the summary is of (rowOutcomes): written as they say.
		const mine = row.changes.filter(isWritten);
		if (mine.some((o) => o.object === OBJECTS.territory && o.action === 'create')) territories.created++;
		else if (mine.some((o) => isParentChange(index.territoryUpdates.get(o.changeId)))) territories.moved++;
		else if (mine.length > 0) territories.updated++;
		else if (row.status === 'unchanged') territories.unchanged++;
	}
	territories.deleted = written.filter((c) => c.object === OBJECTS.territory && c.action === 'delete').length;
	return { territories, rules: ruleCounts(written, index), users: userCounts(written), accounts: accountCounts(written) };
}

/**
 * The rule a change belongs to. An item's label is "<rule DeveloperName> #<SortOrder>", a rule link's
 * "<rule DeveloperName> → <territory key>" (lib/sync/rule-changes.ts); a DeveloperName has no spaces.
 */
function ruleOf(c: Change, index: SummaryIndex): string | null {
	if (c.object === OBJECTS.rule) return c.action === 'update' && !createdBySameRun(c, index) ? c.label : null;
	if (c.object === OBJECTS.ruleItem) return c.label.split(' #')[0];
	if (c.object === OBJECTS.ruleTerritory) return c.ruleLink?.ruleDeveloperName ?? c.label.split(' → ')[0];
	return null;
}

function ruleCounts(written: Change[], index: SummaryIndex): PlanCounts['rules'] {
	const created = new Set(written.filter((c) => c.object === OBJECTS.rule && c.action === 'create').map((c) => c.label));
	const deleted = new Set(written.filter((c) => c.object === OBJECTS.rule && c.action === 'delete').map((c) => c.label));
	const updated = new Set<string>();
	// A rule whose items or territories changed (and that is neither new nor gone) is updated.
	for (const c of written) {
		const rule = ruleOf(c, index);
		if (rule !== null && !created.has(rule) && !deleted.has(rule)) updated.add(rule);
	}
	return { created: created.size, updated: updated.size, deleted: deleted.size };
}

/** Salesforce cannot update an association's role: a role change is a delete and a create that waits for it. */
function userCounts(written: Change[]): PlanCounts['users'] {
	const assignments = written.filter((c) => c.object === OBJECTS.userTerritory);
	const deletes = new Set(assignments.filter((c) => c.action === 'delete').map((c) => c.id));
	let added = 0;
	let changed = 0;
	for (const c of assignments.filter((x) => x.action === 'create')) {
		const replaced = c.dependsOn.find((id) => deletes.has(id));
		if (replaced) {
			deletes.delete(replaced);
			changed++;
		} else added++;
	}
	return { added, removed: deletes.size, changed };
}

function accountCounts(written: Change[]): PlanCounts['accounts'] {
	const assignments = written.filter((c) => c.object === OBJECTS.objectTerritory);
	return { added: assignments.filter((c) => c.action === 'create').length, removed: assignments.filter((c) => c.action === 'delete').length };
}

function statusOf(context: OutcomeContext, written: number, notDone: number): PublishStatus {
	if (context.problems > 0) return 'refused';
	if (context.dryRun) return 'dryRun';
	if (context.stopped) return 'stopped';
	if (notDone > 0) return 'incomplete';
	return written === 0 ? 'upToDate' : 'published';
}

interface LineFacts {
	changeSet: ChangeSet;
	counts: Record<string, Record<string, number>>;
	plan: PlanCounts;
	failed: number;
	skipped: number;
	context: OutcomeContext;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** [verb, noun phrase] per non-zero count, in the plan's words. */
function parts(plan: PlanCounts): [string, string][] {
	const out: [string, string][] = [];
	const add = (n: number, verb: string, one: string, many: string) => {
		if (n > 0) out.push([verb, plural(n, one, many)]);
	};
	const t = plan.territories;
	add(t.created, 'create', 'territory', 'territories');
	add(t.updated, 'update', 'territory', 'territories');
	add(t.moved, 'move', 'territory', 'territories');
	add(t.deleted, 'delete', 'territory', 'territories');
	add(plan.rules.created, 'create', 'rule', 'rules');
	add(plan.rules.updated, 'update', 'rule', 'rules');
	add(plan.rules.deleted, 'delete', 'rule', 'rules');
	add(plan.users.added, 'add', 'user', 'users');
	add(plan.users.changed, 'change the role of', 'user', 'users');
	add(plan.users.removed, 'remove', 'user', 'users');
	add(plan.accounts.added, 'add', 'account', 'accounts');
	add(plan.accounts.removed, 'remove', 'account', 'accounts');
	return out;
}

const PAST: Record<string, string> = {
	create: 'created',
	update: 'updated',
	move: 'moved',
	delete: 'deleted',
	add: 'added',
	remove: 'removed',
	'change the role of': 'with a new role',
};

/** Writes the plan's words do not cover (a new territory type, a rule link alone): by object. */
function otherWrites(facts: LineFacts): number {
	const inWords = new Set<string>([OBJECTS.territory, OBJECTS.rule, OBJECTS.ruleItem, OBJECTS.ruleTerritory, OBJECTS.userTerritory, OBJECTS.objectTerritory, OBJECTS.model]);
	return Object.entries(facts.counts)
		.filter(([object]) => !inWords.has(object))
		.reduce((n, [, actions]) => n + Object.values(actions).reduce((a, b) => a + b, 0), 0);
}

function doneText(facts: LineFacts): string {
	const list = parts(facts.plan).map(([verb, noun]) => `${noun} ${PAST[verb]}`);
	const other = otherWrites(facts);
	if (other > 0) list.push(plural(other, 'other record', 'other records') + ' written (see counts)');
	return list.join(', ') || 'nothing in the plan changed';
}

/** "a, b and c" */
const listText = (nouns: string[]): string => (nouns.length < 2 ? nouns.join('') : `${nouns.slice(0, -1).join(', ')} and ${nouns[nouns.length - 1]}`);

/** "would create 208 territories and 192 rules, add 412 users": one verb for a run of parts that share it. */
function wouldText(facts: LineFacts, model: string | null): string {
	const runs: { verb: string; nouns: string[] }[] = [];
	for (const [verb, noun] of [...(model ? [['create', `the model ${model} (Planning state)`] as [string, string]] : []), ...parts(facts.plan)]) {
		const last = runs[runs.length - 1];
		if (last?.verb === verb) last.nouns.push(noun);
		else runs.push({ verb, nouns: [noun] });
	}
	const list = runs.map((r) => `${r.verb} ${listText(r.nouns)}`);
	const other = otherWrites(facts);
	if (other > 0) list.push(`write ${plural(other, 'other record', 'other records')} (see counts)`);
	return list.length ? `would ${list.join(', ')}` : 'the model already matches the plan (0 changes)';
}

function outcomeLine(status: PublishStatus, facts: LineFacts): string {
	const model = facts.changeSet.modelDeveloperName || 'the model';
	const newModel = (facts.counts[OBJECTS.model]?.create ?? 0) > 0;
	switch (status) {
		case 'refused':
			return `Refused: ${plural(facts.context.problems, 'problem', 'problems')} in the plan; nothing was written`;
		case 'dryRun':
			return `Dry run: nothing was written; ${wouldText(facts, newModel ? model : null)}`;
		case 'upToDate':
			return `Already up to date (0 changes): ${model} matches the plan`;
		case 'published':
			return `Published to ${model}${facts.context.modelCreated ? ' (new model, Planning state)' : ''}: ${doneText(facts)}`;
		case 'incomplete':
			return `Partly published to ${model}: ${doneText(facts)}; ${facts.failed} change(s) failed and ${facts.skipped} were skipped (publishing again completes it)`;
		case 'stopped':
			return `Stopped early (${facts.context.stopped?.code ?? 'stopped'}): written so far to ${model}: ${doneText(facts)}; publishing again completes it`;
	}
}
