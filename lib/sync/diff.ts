/**
 * diff(plan, snapshot, options) → ChangeSet: what must be created, updated and deleted so that the org's
 * model holds the plan. Pure and deterministic: the same inputs give the same changes in the same order.
 * Salesforce behaviours the phases rely on are written down in phases.ts.
 *
 * When `issues` is not empty the change set describes what would be written but must not be applied.
 *
 * The parts run in a fixed order because later ones read what earlier ones decided: territories first
 * (which exist, which are created or deleted), then rules (a deleted territory's rules may go), users and
 * forecast managers, accounts, and last the territory count. Each part is a module of its own:
 * model-checks, territory-scope, territory-changes (with territory-types), rule-changes (with rule-edit),
 * user-changes and account-changes; diff-state holds what they share. Last, org-rules checks the whole
 * change set against the org's describe (rights, picklists, sharing defaults).
 */
import type { TerritoryPlan } from '../plan/types';
import { accountChanges } from './account-changes';
import { DiffState } from './diff-state';
import { territoryNodes } from './hierarchy';
import { checkModel, checkTerritoryLimit } from './model-checks';
import { checkAgainstDescribe } from './org-rules';
import { ruleChanges } from './rule-changes';
import { territoryChanges } from './territory-changes';
import type { ChangeSet, DiffOptions, OrgSnapshot } from './types';
import { userChanges } from './user-changes';

export { quote } from './diff-state';

export function diff(plan: TerritoryPlan, snapshot: OrgSnapshot, options: DiffOptions): ChangeSet {
	const s = new DiffState(plan, snapshot, options);
	checkModel(s);
	s.scope.checkRoot();
	s.scope.match();
	territoryChanges(s);
	ruleChanges(s);
	for (const t of plan.territories) userChanges(s, t);
	if (options.manageAccounts && s.columns.has('Accounts')) {
		for (const t of plan.territories) accountChanges(s, t);
	}
	checkTerritoryLimit(s);
	checkAgainstDescribe(s);
	return { ...s.result(), territories: territoryNodes(s) };
}
