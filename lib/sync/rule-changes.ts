/**
 * Assignment rules (ObjectTerritory2AssignmentRule, their items and RuleTerritory2Associations): the tool's
 * own rules (TP_ prefix) are made to say what the plan's rule columns say; hand-made rules are left alone
 * unless touchHandMadeRules, and count against the per-territory limit.
 *
 * Why rules are compared by meaning against hand-made ones: a model imported and published back unchanged
 * must write nothing. Why a tool rule may be deleted and re-created instead of edited: it can cost fewer
 * writes (rule-edit.ts), and that is only done when no other territory uses the rule. A tool rule goes
 * with the last territory that uses it; rule columns the plan lacks keep what the org's tool rules say.
 *
 * A tool rule that other territories use too is never edited for one of them (their assignments would
 * change): that territory gets a rule of its own (`privateRuleName`) and lets go of the shared one. A tool
 * rule no territory links to any more assigns nothing and is deleted, within the publish scope's reach
 * (`deleteUnlinkedToolRules`).
 */
import { decodeRules, decodeRulesByField, isToolRule, packRules, ruleDeveloperName, type DecodedRules } from '../plan';
import { idKey, LIMITS, OBJECTS, sameId } from '../salesforce';
import type { PlanColumn, PlanTerritory, RuleSpec } from '../plan/types';
import { lower, type DiffContext } from './diff-context';
import { changeId, Findings } from './findings';
import { cmp } from './match';
import type { TargetModel } from './model-checks';
import { PHASE } from './phases';
import { sameMeaning } from './rule-compare';
import { editRule, planRuleEdit } from './rule-edit';
import type { Change, FieldValue, SnapshotRule, SnapshotTerritory } from './types';

const RULE_COLUMNS: PlanColumn[] = ['Postal Codes', 'Countries', 'States', 'Criteria'];
const RULE_COLUMN_VALUES: Record<string, (d: DecodedRules) => unknown[]> = {
	'Postal Codes': (d) => d.postalCodes,
	Countries: (d) => d.countries,
	States: (d) => d.states,
	Criteria: (d) => d.criteria,
};

interface DesiredRules {
	rules: RuleSpec[];
	/** Hand-made rules left associated with the territory. */
	keptHandMade: SnapshotRule[];
	/** Hand-made rules whose association the plan replaces (touchHandMadeRules). */
	replacedHandMade: SnapshotRule[];
}

/**
 * Runs after the territory stage: rules of deleted territories (`deletedTerritoryIds`, idKeys) depend on
 * which territories go, and new rules are written into `model`.
 */
export function ruleChanges(s: DiffContext, model: TargetModel, deletedTerritoryIds: ReadonlySet<string>): Findings {
	const out = new Findings();
	const rules = new RuleChanges(s, model, deletedTerritoryIds, out);
	if (RULE_COLUMNS.some((c) => s.columns.has(c))) rules.sync();
	else {
		rules.deleteRulesOfDeletedTerritories(new Set());
		rules.deleteUnlinkedToolRules(new Set());
	}
	return out;
}

/**
 * The DeveloperName of a territory's own copy of its rule `developerName`, made when the rule of that
 * name is shared with other territories and must change (≤ 80 characters, no trailing underscore).
 */
function privateRuleName(developerName: string): string {
	const suffix = '_own';
	return `${developerName.slice(0, LIMITS.developerNameLength - suffix.length).replace(/_+$/, '')}${suffix}`;
}

class RuleChanges {
	private readonly rulesById = new Map<string, SnapshotRule>();
	private readonly rulesByDev = new Map<string, SnapshotRule>();
	private readonly deletedRuleIds = new Set<string>();
	/** Per rule (idKey): the changes that delete its associations, dropped when the rule itself goes. */
	private readonly associationDeletes = new Map<string, Change[]>();
	/** Per org territory (idKey) matched by the plan: the tool rule names it keeps (lower case). */
	private readonly keptNames = new Map<string, Set<string>>();
	/**
	 * Plan territories whose rule carries values of a column the plan lacks, read from the org's rule: it is
	 * never deleted and re-created, since a run cut between the two would leave nothing to read them from.
	 */
	private readonly keepsOrgValues = new Set<PlanTerritory>();

	constructor(
		private readonly s: DiffContext,
		private readonly model: TargetModel,
		private readonly deletedTerritoryIds: ReadonlySet<string>,
		private readonly out: Findings,
	) {
		for (const r of s.snapshot.rules) {
			this.rulesById.set(idKey(r.id), r);
			this.rulesByDev.set(lower(r.developerName), r);
		}
	}

	sync(): void {
		const s = this.s;
		const desired = new Map<PlanTerritory, DesiredRules>();
		const wanted = new Set<string>();
		for (const t of s.plan.territories) {
			const d = this.desiredRules(t);
			desired.set(t, d);
			for (const r of d.rules) wanted.add(lower(r.developerName));
			const o = s.scope.matched.get(t);
			if (o) this.keptNames.set(idKey(o.id), new Set(d.rules.map((r) => lower(r.developerName))));
			const count = d.rules.length + d.keptHandMade.length;
			if (count > LIMITS.rulesPerTerritory) {
				this.out.issue(
					t.row,
					null,
					String(count),
					'TOO_MANY_RULES',
					`Territory ${t.key} would have ${count} assignment rules (${d.keptHandMade.length} hand-made); Salesforce allows ${LIMITS.rulesPerTerritory}.`,
				);
			}
		}
		this.deleteRulesOfDeletedTerritories(wanted);
		for (const t of s.plan.territories) {
			const d = desired.get(t) as DesiredRules;
			const o = s.scope.matched.get(t);
			const names = new Set<string>();
			for (const r of d.rules) {
				const used = lower(this.syncRule(t, r));
				names.add(used);
				wanted.add(used);
			}
			for (const rule of this.rulesOfTerritory(o)) {
				if (isToolRule(rule.developerName) && names.has(lower(rule.developerName)) && this.inheritedHere(rule, o)) {
					// IsInherited is create-only; the rule still assigns here as the plan says, and resetting the link
					// would take accounts from child territories that an admin chose to give them.
					this.out.warn(
						t.row,
						null,
						rule.developerName,
						'TOOL_RULE_INHERITED',
						`Rule ${rule.developerName} of territory ${t.key} applies to child territories too (set in Setup); Publish leaves that as it is.`,
					);
				}
				if (!isToolRule(rule.developerName) || names.has(lower(rule.developerName)) || !o) continue;
				if (!wanted.has(lower(rule.developerName)) && this.ruleOnlyUsedBy(rule, (id) => sameId(id, o.id))) {
					this.deleteRule(rule, 'not in plan', t.rows);
				} else {
					this.deleteRuleAssociation(rule, t, o, 'not in plan');
				}
			}
			if (o) for (const rule of d.replacedHandMade) this.deleteRuleAssociation(rule, t, o, 'hand-made rule replaced by the plan (touch hand-made rules)');
		}
		this.deleteUnlinkedToolRules(wanted);
	}

	/**
	 * Tool rules that no territory will link to once applied: left behind (a territory whose create
	 * failed), or dropped by every territory. A rule unlinked already is model-level: it is deleted only
	 * when the whole model is published or when its name is one of a plan territory's rule names. A rule
	 * this run unlinks was linked to territories in scope only, and is deleted in any case.
	 */
	deleteUnlinkedToolRules(wanted: Set<string>): void {
		const s = this.s;
		const planNames = new Set<string>();
		if (s.options.scopeRootKey !== null) {
			for (const t of s.plan.territories) {
				for (let n = 1; n <= LIMITS.rulesPerTerritory; n++) {
					const name = ruleDeveloperName(t.key, n);
					planNames.add(lower(name));
					planNames.add(lower(privateRuleName(name)));
				}
			}
		}
		for (const rule of [...s.snapshot.rules].sort((a, b) => cmp(a.developerName, b.developerName) || cmp(a.id, b.id))) {
			if (!isToolRule(rule.developerName) || wanted.has(lower(rule.developerName)) || this.deletedRuleIds.has(idKey(rule.id))) continue;
			const links = s.assoc.territoriesByRule.get(idKey(rule.id)) ?? [];
			if (links.length === 0) {
				if (s.scope.scopeMissing || (s.options.scopeRootKey !== null && !planNames.has(lower(rule.developerName)))) continue;
				this.deleteRule(rule, 'no territory uses it', []);
				continue;
			}
			const unlinking = new Set((this.associationDeletes.get(idKey(rule.id)) ?? []).map((c) => c.recordId));
			if (!links.every((a) => unlinking.has(a.id) || this.deletedTerritoryIds.has(idKey(a.territoryId)))) continue;
			const dropped = this.associationDeletes.get(idKey(rule.id)) ?? [];
			const rows = [...new Set(dropped.flatMap((c) => c.rows))].sort((a, b) => a - b);
			this.deleteRule(rule, 'no territory uses it any more', rows);
			// Deleting the rule removes its associations: their own deletes would write the same twice.
			this.out.drop(dropped);
		}
	}

	/** Tool rules go with their deleted territories, unless a kept territory still uses them or the plan wants them. */
	deleteRulesOfDeletedTerritories(wanted: Set<string>): void {
		const s = this.s;
		for (const o of [...s.snapshot.territories].sort((a, b) => cmp(a.developerName, b.developerName))) {
			if (!this.deletedTerritoryIds.has(idKey(o.id))) continue;
			for (const rule of this.rulesOfTerritory(o)) {
				if (!isToolRule(rule.developerName) || wanted.has(lower(rule.developerName))) continue;
				if (this.ruleOnlyUsedBy(rule, () => false)) this.deleteRule(rule, `territory ${o.developerName} is deleted`, []);
			}
		}
	}

	private rulesOfTerritory(o: SnapshotTerritory | undefined): SnapshotRule[] {
		if (!o) return [];
		const ids = (this.s.assoc.rulesByTerritory.get(idKey(o.id)) ?? []).map((a) => idKey(a.ruleId));
		return [...new Set(ids)]
			.map((id) => this.rulesById.get(id))
			.filter((r): r is SnapshotRule => r !== undefined)
			.sort((a, b) => cmp(a.developerName, b.developerName));
	}

	private desiredRules(t: PlanTerritory): DesiredRules {
		const s = this.s;
		const orgRules = this.rulesOfTerritory(s.scope.matched.get(t));
		const tool = orgRules.filter((r) => isToolRule(r.developerName));
		const hand = orgRules.filter((r) => !isToolRule(r.developerName));
		let source = t;
		const absent = RULE_COLUMNS.filter((c) => !s.columns.has(c));
		if (absent.length > 0 && tool.length > 0) {
			// A rule column the plan lacks keeps what the org's tool rules say for it. A tool rule not of
			// packRules' shape (an edit cut short between clearing the filter and setting it, or a Setup edit)
			// is read item by item: decodeRules would make every item a criterion, ANDing the plan's own
			// postal codes with the old ones (phases.ts).
			const exact = decodeRules(tool, { key: t.key, match: s.geography });
			const decoded = exact.exact ? exact : decodeRulesByField(tool, s.geography);
			if (absent.some((c) => RULE_COLUMN_VALUES[c](decoded).length > 0)) this.keepsOrgValues.add(t);
			source = {
				...t,
				postalCodes: s.columns.has('Postal Codes') ? t.postalCodes : decoded.postalCodes,
				countries: s.columns.has('Countries') ? t.countries : decoded.countries,
				states: s.columns.has('States') ? t.states : decoded.states,
				criteria: s.columns.has('Criteria') ? t.criteria : decoded.criteria,
			};
		}
		const packed = packRules(source, s.geography);
		// The plan's own parse may have reported the same problems already: reconcile.ts keeps one of each.
		for (const i of packed.issues) this.out.issue(i.row, i.column, i.value, i.code, i.message);
		// Only hand-made rules that are active and apply to this territory alone can stand for the plan's
		// rule: an inactive one assigns nothing (so it is no part of what the territory's rules mean), an
		// inherited one assigns to child territories too, which the plan's rule does not.
		const o = s.scope.matched.get(t);
		const active = hand.filter((r) => r.isActive);
		const covering = active.filter((r) => !this.inheritedHere(r, o));
		if (covering.length > 0 && covering.length === active.length && sameMeaning(packed.rules, covering)) {
			// The hand-made rules already say what the plan says (e.g. a model imported and published back).
			return { rules: [], keptHandMade: hand, replacedHandMade: [] };
		}
		if (s.options.touchHandMadeRules) return { rules: packed.rules, keptHandMade: [], replacedHandMade: hand };
		if (active.length > 0 && packed.rules.length > 0) {
			// Salesforce assigns an account that matches any of a territory's active rules: the kept hand-made
			// rules widen what the plan's rule says.
			const names = active.map((r) => r.developerName).join(', ');
			this.out.warn(
				t.row,
				null,
				names,
				'HAND_MADE_RULES_KEPT',
				`Territory ${t.key} keeps its hand-made rule(s) ${names} beside the plan's rule; Salesforce assigns accounts matching either. Set "Update Hand-Made Rules" to replace them.`,
			);
		}
		return { rules: packed.rules, keptHandMade: hand, replacedHandMade: [] };
	}

	private inheritedHere(rule: SnapshotRule, o: SnapshotTerritory | undefined): boolean {
		return (this.s.assoc.rulesByTerritory.get(idKey(o?.id ?? '')) ?? []).some((a) => sameId(a.ruleId, rule.id) && a.isInherited);
	}

	/** Whether every territory the rule is associated with is `ok` or deleted. */
	private ruleOnlyUsedBy(rule: SnapshotRule, ok: (territoryId: string) => boolean): boolean {
		return (this.s.assoc.territoriesByRule.get(idKey(rule.id)) ?? []).every(
			(a) => ok(a.territoryId) || this.deletedTerritoryIds.has(idKey(a.territoryId)),
		);
	}

	/** Each rule is deleted once, whichever territory asks first; the id lets a re-create wait for it. */
	private deleteRule(rule: SnapshotRule, reason: string, rows: number[]): string {
		const id = changeId(OBJECTS.rule, rule.developerName, 'delete');
		if (this.deletedRuleIds.has(idKey(rule.id))) return id;
		this.deletedRuleIds.add(idKey(rule.id));
		this.out.push({ id, object: OBJECTS.rule, action: 'delete', recordId: rule.id, label: rule.developerName, reason, rows, phase: PHASE.ruleDelete });
		return id;
	}

	private deleteRuleAssociation(rule: SnapshotRule, t: PlanTerritory, o: SnapshotTerritory, reason: string): void {
		for (const a of this.s.assoc.rulesByTerritory.get(idKey(o.id)) ?? []) {
			if (!sameId(a.ruleId, rule.id)) continue;
			const change = this.out.push({
				id: changeId(OBJECTS.ruleTerritory, rule.developerName, t.key, 'delete'),
				object: OBJECTS.ruleTerritory,
				action: 'delete',
				recordId: a.id,
				label: `${rule.developerName} → ${t.key}`,
				reason,
				rows: t.rows,
				phase: PHASE.associationDelete,
				ruleLink: { territoryDeveloperName: o.developerName, ruleDeveloperName: rule.developerName },
			});
			this.associationDeletes.set(idKey(rule.id), [...(this.associationDeletes.get(idKey(rule.id)) ?? []), change]);
			return;
		}
	}

	/**
	 * Whether territories other than `o` keep a link to the rule once applied (a deleted territory, or a
	 * plan territory that does not want the rule, lets go of it).
	 */
	private linkedElsewhere(rule: SnapshotRule, o: SnapshotTerritory | undefined): boolean {
		return (this.s.assoc.territoriesByRule.get(idKey(rule.id)) ?? []).some((a) => {
			if (o && sameId(a.territoryId, o.id)) return false;
			if (this.deletedTerritoryIds.has(idKey(a.territoryId))) return false;
			const kept = this.keptNames.get(idKey(a.territoryId));
			return !kept || kept.has(lower(rule.developerName));
		});
	}

	private isLinked(rule: SnapshotRule, o: SnapshotTerritory | undefined): boolean {
		return o !== undefined && (this.s.assoc.territoriesByRule.get(idKey(rule.id)) ?? []).some((a) => sameId(a.territoryId, o.id));
	}

	/**
	 * The rule the territory uses for `r`: the one of that name, unless it is shared and must change
	 * (then the territory's own copy, under `privateRuleName`, which it keeps on later runs).
	 */
	private ruleFor(t: PlanTerritory, r: RuleSpec): RuleSpec {
		const o = this.s.scope.matched.get(t);
		const live = (name: string): SnapshotRule | undefined => {
			const rule = this.rulesByDev.get(lower(name));
			return rule && !this.deletedRuleIds.has(idKey(rule.id)) ? rule : undefined;
		};
		const own = { ...r, developerName: privateRuleName(r.developerName) };
		const ownRule = live(own.developerName);
		if (ownRule && this.isLinked(ownRule, o) && !this.linkedElsewhere(ownRule, o)) return own;
		const named = live(r.developerName);
		if (!named || !this.linkedElsewhere(named, o)) return r;
		const edit = planRuleEdit(named, r, (f) => this.s.ruleItemField(f));
		if (!edit.structural && edit.cost === 0) return r;
		if (ownRule && this.linkedElsewhere(ownRule, o)) {
			// Both names are used by other territories: neither can change for this one alone.
			this.out.issue(
				t.row,
				null,
				r.developerName,
				'SHARED_TOOL_RULE',
				`Rule ${r.developerName} of territory ${t.key} is also used by other territories, and so is ${own.developerName}: unlink them in Setup or give the territory another Key.`,
			);
			return r;
		}
		return own;
	}

	/** Returns the DeveloperName of the rule the territory ends up with. */
	private syncRule(t: PlanTerritory, wantedRule: RuleSpec): string {
		const s = this.s;
		const r = this.ruleFor(t, wantedRule);
		const o = s.scope.matched.get(t);
		const existing = this.rulesByDev.get(lower(r.developerName));
		if (!existing || this.deletedRuleIds.has(idKey(existing.id))) {
			this.createRule(t, r, '');
			return r.developerName;
		}
		const plan = planRuleEdit(existing, r, (f) => s.ruleItemField(f));
		const associations = s.assoc.territoriesByRule.get(idKey(existing.id)) ?? [];
		const onlyHere = associations.every((a) => o !== undefined && sameId(a.territoryId, o.id));
		// Delete and re-create when that writes fewer records (the rule's associations go with it):
		// delete, create, items, filter, association.
		const recreateCost = 2 + r.items.length + (r.booleanFilter ? 1 : 0) + 1;
		if (plan.structural && onlyHere && recreateCost < plan.cost && !this.keepsOrgValues.has(t)) {
			const del = this.deleteRule(existing, 'items changed (re-created: fewer writes than editing)', t.rows);
			this.createRule(t, r, del);
			return r.developerName;
		}
		editRule(s, this.out, t, existing, r, plan);
		if (!associations.some((a) => o !== undefined && sameId(a.territoryId, o.id))) {
			this.createRuleAssociation(t, r.developerName, existing.id, [s.scope.territoryDep(t)]);
		}
		return r.developerName;
	}

	/** A new rule: created without a filter, then its items, then the filter, then its association. */
	private createRule(t: PlanTerritory, r: RuleSpec, after: string): void {
		const s = this.s;
		const ruleId = changeId(OBJECTS.rule, r.developerName);
		this.out.push({
			id: ruleId,
			object: OBJECTS.rule,
			action: 'create',
			label: r.developerName,
			fields: {
				DeveloperName: r.developerName,
				MasterLabel: r.masterLabel,
				ObjectType: 'Account',
				Territory2ModelId: this.model.ref,
				IsActive: true,
				// Items can be added only while the filter is null: it is set once they exist.
				BooleanFilter: null,
			},
			reason: after ? 'items changed (re-created)' : 'new in plan',
			rows: t.rows,
			// A rule for a territory that could not be created would be left behind, linked to nothing.
			dependsOn: [this.model.createChangeId ?? '', after, s.scope.territoryDep(t)],
			phase: PHASE.ruleCreate,
		});
		const itemIds = r.items.map((item) => {
			const id = changeId(OBJECTS.ruleItem, r.developerName, item.sortOrder);
			this.out.push({
				id,
				object: OBJECTS.ruleItem,
				action: 'create',
				label: `${r.developerName} #${item.sortOrder}`,
				fields: { RuleId: { $ref: ruleId }, SortOrder: item.sortOrder, Field: s.ruleItemField(item.field), Operation: item.operation, Value: item.value },
				reason: 'new in plan',
				rows: t.rows,
				dependsOn: [ruleId],
				phase: PHASE.ruleItemCreate,
			});
			return id;
		});
		if (r.booleanFilter) {
			this.out.push({
				id: changeId(ruleId, 'filter'),
				object: OBJECTS.rule,
				action: 'update',
				recordRef: ruleId,
				label: r.developerName,
				fields: { BooleanFilter: r.booleanFilter },
				diff: [{ field: 'BooleanFilter', from: null, to: r.booleanFilter }],
				reason: 'filter set once the items exist',
				rows: t.rows,
				dependsOn: [ruleId, ...itemIds],
				phase: PHASE.ruleFilterSet,
			});
		}
		this.createRuleAssociation(t, r.developerName, { $ref: ruleId }, [ruleId, s.scope.territoryDep(t)]);
	}

	private createRuleAssociation(t: PlanTerritory, dev: string, rule: FieldValue, dependsOn: string[]): void {
		this.out.push({
			id: changeId(OBJECTS.ruleTerritory, dev, t.key),
			object: OBJECTS.ruleTerritory,
			action: 'create',
			label: `${dev} → ${t.key}`,
			fields: { RuleId: rule, Territory2Id: this.s.scope.territoryRef(t), IsInherited: false },
			reason: 'new in plan',
			rows: t.rows,
			dependsOn,
			phase: PHASE.ruleAssociationCreate,
			// A new territory is created with its plan key as DeveloperName (territory-changes.ts).
			ruleLink: { territoryDeveloperName: this.s.scope.matched.get(t)?.developerName ?? t.key, ruleDeveloperName: dev },
		});
	}
}
