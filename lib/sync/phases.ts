/**
 * Apply phases, and the Salesforce behaviours the diff relies on, decided in one place.
 *
 * Decisions (unconfirmed Salesforce behaviour → the safe or the cheaper choice):
 * - Deleting a Territory2 removes its user, account and rule associations (Salesforce deletes them with the
 *   territory), so no association deletes are emitted for a deleted territory. Child territories are deleted
 *   before their parents all the same (one phase per depth, deepest first).
 * - Rule items are created, updated or deleted only while the rule's BooleanFilter is null (the documented
 *   rule covers create/delete; updates are treated the same way to be safe).
 * - A changed tool rule is edited in place (clear filter, change items, set filter) unless deleting and
 *   re-creating it writes fewer records (`planRuleEdit` in rule-edit.ts, `syncRule` in rule-changes.ts);
 *   re-creating is only chosen when the rule is associated with no other territory.
 * - An edit cut short leaves a tool rule with several items and no filter (or partly changed items). Rule
 *   columns the plan lacks are then read from the rule item by item (`decodeRulesByField`: postal-code,
 *   country and state items by field, every other item a criterion) rather than from its filter, so the
 *   re-run does not AND the old geography onto the plan's. To keep every value readable at any cut, an
 *   edit writes an item's new SortOrder before it overwrites or deletes the old one (phases
 *   ruleItemCreateMoved and ruleItemUpdate + n, rule-edit.ts), and a rule whose absent columns carry values
 *   is never deleted and re-created (a cut between the two would lose them), whatever that costs in writes.
 * - A tool rule that territories outside the plan (or plan territories that keep it) also use is never
 *   edited for one territory: that territory gets its own rule (<name>_own, rule-changes.ts) and its link
 *   to the shared one is deleted, so the other territories' assignments do not change.
 * - A tool rule's create depends on its territory's create (a failed territory leaves no rule behind), and
 *   a TP_ rule no territory links to is deleted (it assigns nothing): always when the whole model is
 *   published, under a scope root only when its name is one of a plan territory's rule names.
 * - Deleting a rule removes its RuleTerritory2Associations (Salesforce cascades), so a rule that goes is
 *   not unlinked first.
 * - AccountAccessLevel, OpportunityAccessLevel and CaseAccessLevel cannot be null in Salesforce: an empty
 *   cell leaves the org's value alone (it cannot be "cleared"). Description can be cleared.
 * - Tool rules are associated with their territory with IsInherited = false.
 * - A ForecastUserId must be a user assigned to the territory: a new manager is set after the user
 *   associations are created, and a manager whose association is about to be deleted is released first.
 * - No record is written twice in one phase (Salesforce refuses duplicate Ids in one collection call).
 * - Updates of records created in the same apply (a new rule's BooleanFilter, a new territory's
 *   ForecastUserId) carry `recordRef` (the creating change's id) instead of `recordId`.
 * - Territory deletes run after territory creates and updates, so a kept territory moved out from under a
 *   deleted one is moved first. The territory count is checked against existing kept + new; the count during
 *   an apply may briefly be higher.
 */

export const PHASE = {
	typeCreate: 10,
	modelCreate: 20,
	/** Release a forecast manager whose user association is about to be deleted. */
	forecastRelease: 30,
	/** Deletes of account, user and rule associations of kept territories. */
	associationDelete: 40,
	ruleDelete: 45,
	ruleFilterClear: 50,
	/** An edited rule's new items whose content an update or delete waits for (rule-edit.ts). */
	ruleItemCreateMoved: 52,
	ruleItemDelete: 55,
	/**
	 * + how many item updates of the same rule must run first (≤ 10: a rule has at most 10 items); the
	 * deletes that wait for a move come right after the last of them.
	 */
	ruleItemUpdate: 56,
	/** + depth among the new territories (a child needs its parent's Id). */
	territoryCreate: 1000,
	/** + final depth in the model (a territory moved under another is placed after its new parent). */
	territoryUpdate: 2000,
	/** − depth (children first). */
	territoryDeleteDeepest: 3999,
	ruleCreate: 5000,
	ruleUpdate: 5010,
	ruleItemCreate: 5100,
	ruleFilterSet: 5200,
	ruleAssociationCreate: 5300,
	userAssociationCreate: 6000,
	forecastSet: 6100,
	accountAssociationCreate: 7000,
} as const;

/** Depths beyond this share a phase; Salesforce hierarchies are far shallower. */
const MAX_PHASE_DEPTH = 900;

export function depthPhase(base: number, depth: number, direction: 1 | -1 = 1): number {
	return base + direction * Math.min(depth, MAX_PHASE_DEPTH);
}

const PHASE_NAMES = new Map<number, string>();

/** A phase number's name (the PHASE key it counts from): how progress, timings and the guard name phases. */
export function phaseName(phase: number): string {
	// Asked for every change several times per apply (497,000 changes at XL): a phase is named once.
	let name = PHASE_NAMES.get(phase);
	if (name === undefined) PHASE_NAMES.set(phase, (name = nameOfPhase(phase)));
	return name;
}

function nameOfPhase(phase: number): string {
	let best: [string, number] = ['phase', Number.NEGATIVE_INFINITY];
	for (const [name, base] of Object.entries(PHASE)) {
		if (base <= phase && base > best[1]) best = [name, base];
	}
	// territoryDeleteDeepest counts down from its base.
	if (phase > PHASE.territoryUpdate + MAX_PHASE_DEPTH && phase <= PHASE.territoryDeleteDeepest) return 'territoryDelete';
	return best[0] === 'territoryDeleteDeepest' ? 'territoryDelete' : best[0];
}
