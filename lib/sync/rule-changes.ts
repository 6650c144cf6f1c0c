/**
 * Assignment rules (ObjectTerritory2AssignmentRule, their items and RuleTerritory2Associations): the tool's
 * own rules (TP_ prefix) are made to say what the plan's rule columns say; hand-made rules are left alone
 * unless touchHandMadeRules, and count against the per-territory limit.
 *
 * Why rules are compared by meaning against hand-made ones: a model imported and published back unchanged
 * must write nothing. Why a tool rule may be deleted and re-created instead of edited: it can cost fewer
 * writes (rule-edit.ts), and that is only done when no other territory uses the rule. A tool rule goes
 * with the last territory that uses it; rule columns the plan lacks keep what the org's tool rules say.
 */
import { decodeRules, isToolRule, packRules } from '../plan';
import { LIMITS, OBJECTS, ruleItemField } from '../plan/salesforce';
import type { PlanColumn, PlanTerritory, RuleSpec } from '../plan/types';
import { lower, type DiffState } from './diff-state';
import { cmp, idKey, sameId } from './match';
import { PHASE } from './phases';
import { sameMeaning } from './rule-compare';
import { editRule, planRuleEdit } from './rule-edit';
import type { FieldValue, SnapshotRule, SnapshotTerritory } from './types';

const RULE_COLUMNS: PlanColumn[] = ['Postal Codes', 'Countries', 'States', 'Criteria'];

interface DesiredRules {
	rules: RuleSpec[];
	/** Hand-made rules left associated with the territory. */
	keptHandMade: SnapshotRule[];
	/** Hand-made rules whose association the plan replaces (touchHandMadeRules). */
	replacedHandMade: SnapshotRule[];
}

/** Runs after the territory changes: rules of deleted territories depend on which territories go. */
export function ruleChanges(s: DiffState): void {
	const rules = new RuleChanges(s);
	if (RULE_COLUMNS.some((c) => s.columns.has(c))) rules.sync();
	else rules.deleteRulesOfDeletedTerritories(new Set());
}

class RuleChanges {
	private readonly rulesById = new Map<string, SnapshotRule>();
	private readonly rulesByDev = new Map<string, SnapshotRule>();
	private readonly deletedRuleIds = new Set<string>();

	constructor(private readonly s: DiffState) {
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
			const count = d.rules.length + d.keptHandMade.length;
			if (count > LIMITS.rulesPerTerritory) {
				s.issue(
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
			const names = new Set(d.rules.map((r) => lower(r.developerName)));
			for (const r of d.rules) this.syncRule(t, r);
			for (const rule of this.rulesOfTerritory(o)) {
				if (!isToolRule(rule.developerName) || names.has(lower(rule.developerName)) || !o) continue;
				if (!wanted.has(lower(rule.developerName)) && this.ruleOnlyUsedBy(rule, (id) => sameId(id, o.id))) {
					this.deleteRule(rule, 'not in plan', t.rows);
				} else {
					this.deleteRuleAssociation(rule, t, o, 'not in plan');
				}
			}
			if (o) for (const rule of d.replacedHandMade) this.deleteRuleAssociation(rule, t, o, 'hand-made rule replaced by the plan (touch hand-made rules)');
		}
	}

	/** Tool rules go with their deleted territories, unless a kept territory still uses them or the plan wants them. */
	deleteRulesOfDeletedTerritories(wanted: Set<string>): void {
		const s = this.s;
		for (const o of [...s.snapshot.territories].sort((a, b) => cmp(a.developerName, b.developerName))) {
			if (!s.deletedTerritoryIds.has(idKey(o.id))) continue;
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
			// A rule column the plan lacks keeps what the org's tool rules say for it.
			const decoded = decodeRules(tool, { key: t.key });
			source = {
				...t,
				postalCodes: s.columns.has('Postal Codes') ? t.postalCodes : decoded.postalCodes,
				countries: s.columns.has('Countries') ? t.countries : decoded.countries,
				states: s.columns.has('States') ? t.states : decoded.states,
				criteria: s.columns.has('Criteria') ? t.criteria : decoded.criteria,
			};
		}
		const packed = packRules(source);
		// The plan's own parse may already have reported the same problem.
		for (const i of packed.issues) {
			if (!s.plan.issues.some((p) => p.row === i.row && p.code === i.code && p.message === i.message)) s.issues.push(i);
		}
		if (hand.length > 0 && sameMeaning(packed.rules, hand)) {
			// The hand-made rules already say what the plan says (e.g. a model imported and published back).
			return { rules: [], keptHandMade: hand, replacedHandMade: [] };
		}
		if (s.options.touchHandMadeRules) return { rules: packed.rules, keptHandMade: [], replacedHandMade: hand };
		return { rules: packed.rules, keptHandMade: hand, replacedHandMade: [] };
	}

	/** Whether every territory the rule is associated with is `ok` or deleted. */
	private ruleOnlyUsedBy(rule: SnapshotRule, ok: (territoryId: string) => boolean): boolean {
		return (this.s.assoc.territoriesByRule.get(idKey(rule.id)) ?? []).every(
			(a) => ok(a.territoryId) || this.s.deletedTerritoryIds.has(idKey(a.territoryId)),
		);
	}

	/** Each rule is deleted once, whichever territory asks first; the id lets a re-create wait for it. */
	private deleteRule(rule: SnapshotRule, reason: string, rows: number[]): string {
		const id = `${OBJECTS.rule}:${rule.developerName}:delete`;
		if (this.deletedRuleIds.has(idKey(rule.id))) return id;
		this.deletedRuleIds.add(idKey(rule.id));
		this.s.push({ id, object: OBJECTS.rule, action: 'delete', recordId: rule.id, label: rule.developerName, reason, rows, phase: PHASE.ruleDelete });
		return id;
	}

	private deleteRuleAssociation(rule: SnapshotRule, t: PlanTerritory, o: SnapshotTerritory, reason: string): void {
		for (const a of this.s.assoc.rulesByTerritory.get(idKey(o.id)) ?? []) {
			if (!sameId(a.ruleId, rule.id)) continue;
			this.s.push({
				id: `${OBJECTS.ruleTerritory}:${rule.developerName}:${t.key}:delete`,
				object: OBJECTS.ruleTerritory,
				action: 'delete',
				recordId: a.id,
				label: `${rule.developerName} → ${t.key}`,
				reason,
				rows: t.rows,
				phase: PHASE.associationDelete,
			});
			return;
		}
	}

	private syncRule(t: PlanTerritory, r: RuleSpec): void {
		const s = this.s;
		const o = s.scope.matched.get(t);
		const existing = this.rulesByDev.get(lower(r.developerName));
		if (!existing || this.deletedRuleIds.has(idKey(existing.id))) {
			this.createRule(t, r, '');
			return;
		}
		const plan = planRuleEdit(existing, r);
		const associations = s.assoc.territoriesByRule.get(idKey(existing.id)) ?? [];
		const onlyHere = associations.every((a) => o !== undefined && sameId(a.territoryId, o.id));
		// Delete and re-create when that writes fewer records (the rule's associations go with it):
		// delete, create, items, filter, association.
		const recreateCost = 2 + r.items.length + (r.booleanFilter ? 1 : 0) + 1;
		if (plan.structural && onlyHere && recreateCost < plan.cost) {
			const del = this.deleteRule(existing, 'items changed (re-created: fewer writes than editing)', t.rows);
			this.createRule(t, r, del);
			return;
		}
		editRule(s, t, existing, r, plan);
		if (!associations.some((a) => o !== undefined && sameId(a.territoryId, o.id))) {
			this.createRuleAssociation(t, r.developerName, existing.id, [s.scope.territoryDep(t)]);
		}
	}

	/** A new rule: created without a filter, then its items, then the filter, then its association. */
	private createRule(t: PlanTerritory, r: RuleSpec, after: string): void {
		const s = this.s;
		const ruleId = `${OBJECTS.rule}:${r.developerName}`;
		s.push({
			id: ruleId,
			object: OBJECTS.rule,
			action: 'create',
			label: r.developerName,
			fields: {
				DeveloperName: r.developerName,
				MasterLabel: r.masterLabel,
				ObjectType: 'Account',
				Territory2ModelId: s.modelRef,
				IsActive: true,
				// Items can be added only while the filter is null: it is set once they exist.
				BooleanFilter: null,
			},
			reason: after ? 'items changed (re-created)' : 'new in plan',
			rows: t.rows,
			dependsOn: [s.modelChangeId ?? '', after],
			phase: PHASE.ruleCreate,
		});
		const itemIds = r.items.map((item) => {
			const id = `${OBJECTS.ruleItem}:${r.developerName}:${item.sortOrder}`;
			s.push({
				id,
				object: OBJECTS.ruleItem,
				action: 'create',
				label: `${r.developerName} #${item.sortOrder}`,
				fields: { RuleId: { $ref: ruleId }, SortOrder: item.sortOrder, Field: ruleItemField(item.field), Operation: item.operation, Value: item.value },
				reason: 'new in plan',
				rows: t.rows,
				dependsOn: [ruleId],
				phase: PHASE.ruleItemCreate,
			});
			return id;
		});
		if (r.booleanFilter) {
			s.push({
				id: `${ruleId}:filter`,
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
		this.s.push({
			id: `${OBJECTS.ruleTerritory}:${dev}:${t.key}`,
			object: OBJECTS.ruleTerritory,
			action: 'create',
			label: `${dev} → ${t.key}`,
			fields: { RuleId: rule, Territory2Id: this.s.scope.territoryRef(t), IsInherited: false },
			reason: 'new in plan',
			rows: t.rows,
			dependsOn,
			phase: PHASE.ruleAssociationCreate,
		});
	}
}
