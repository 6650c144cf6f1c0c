/**
 * diff(plan, snapshot, options) → ChangeSet: what must be created, updated and deleted so that the org's
 * model holds the plan. Pure and deterministic: the same inputs give the same changes in the same order.
 * Salesforce behaviours the phases rely on are written down in phases.ts.
 *
 * When `issues` is not empty the change set describes what would be written but must not be applied.
 *
 * A pipeline of named stages, each a module of its own that reads the inputs (DiffContext, read-only)
 * and what earlier stages hand it, and returns its own Findings (findings.ts) plus what later stages need.
 * They run in a fixed order because later ones read what earlier ones decided: the model (created or
 * read), the scope (which org territory each plan row is), territories (created, updated, deleted), rules
 * (a deleted territory's rules may go), users and forecast managers, accounts, the territory count, and
 * last the org's describe over every change found (rights, picklists, sharing defaults). No stage edits
 * another's changes, so none is amended here: each stage's amendments of its own changes stay inside it.
 * The diff's problems are reconciled with the plan's once, at the end (reconcile.ts).
 */
import type { TerritoryPlan } from '../plan/types';
import { accountChanges } from './account-changes';
import { DiffContext } from './diff-context';
import { Findings } from './findings';
import { territoryNodes } from './hierarchy';
import { checkModel, checkTerritoryLimit, type TargetModel } from './model-checks';
import { checkAgainstDescribe } from './org-rules';
import { diffIssuesBeside } from './reconcile';
import { ruleChanges } from './rule-changes';
import { territoryChanges } from './territory-changes';
import { scopeTerritories } from './territory-scope';
import type { Change, ChangeSet, DiffOptions, OrgSnapshot } from './types';
import { userChanges } from './user-changes';


export function diff(plan: TerritoryPlan, snapshot: OrgSnapshot, options: DiffOptions): ChangeSet {
	const model = checkModel(snapshot, options);
	const scoped = scopeTerritories(plan, snapshot, options);
	const s = new DiffContext(plan, snapshot, options, scoped.scope);
	const territories = territoryChanges(s, model.model);
	const rules = ruleChanges(s, model.model, territories.deletedTerritoryIds);
	const users = userChanges(s);
	const accounts = options.manageAccounts && s.columns.has('Accounts') ? accountChanges(s) : new Findings();
	const limit = checkTerritoryLimit(s, territories);
	const found = [model.findings, scoped.findings, territories.findings, rules, users, accounts, limit];
	const org = checkAgainstDescribe(s, found.flatMap((f) => f.changes));
	return changeSet(s, model.model, [...found, org]);
}

/** The stages' findings as one change set: changes in apply order, the diff's problems beside the plan's. */
function changeSet(s: DiffContext, model: TargetModel, found: Findings[]): ChangeSet {
	return {
		modelDeveloperName: s.options.modelDeveloperName,
		modelId: model.id,
		changes: inApplyOrder(found.flatMap((f) => f.changes)),
		issues: diffIssuesBeside(s.plan.issues, found.flatMap((f) => f.issues)),
		warnings: found.flatMap((f) => f.warnings),
		territories: territoryNodes(s),
	};
}

/**
 * Phase by phase, ascending; within a phase, changes keep the (deterministic) order they were found in.
 * Bucketed by phase rather than sorted: a change set has a few dozen phases and up to 500,000 changes,
 * whose comparison sort (with an index wrapper per change for stability) was 5 % of the diff's CPU time.
 */
function inApplyOrder(changes: Change[]): Change[] {
	const byPhase = new Map<number, Change[]>();
	for (const c of changes) {
		const bucket = byPhase.get(c.phase);
		if (bucket) bucket.push(c);
		else byPhase.set(c.phase, [c]);
	}
	const ordered = new Array<Change>(changes.length);
	let n = 0;
	for (const phase of [...byPhase.keys()].sort((a, b) => a - b)) for (const c of byPhase.get(phase)!) ordered[n++] = c;
	return ordered;
}
