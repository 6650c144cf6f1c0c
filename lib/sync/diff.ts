/**
 * diff(plan, snapshot, options) → ChangeSet: what must be created, updated and deleted so that the org's
 * model holds the plan. Pure and deterministic: the same inputs give the same changes in the same order.
 * Salesforce behaviours the phases rely on are written down in phases.ts.
 *
 * When `issues` is not empty the change set describes what would be written but must not be applied.
 */
import { decodeRules, isToolRule, packRules } from '../plan';
import { LIMITS, OBJECTS, READ_ONLY_MODEL_STATES, ruleItemField } from '../plan/salesforce';
import type { PlanColumn, PlanIssue, PlanTerritory, RuleSpec } from '../plan/types';
import { AccountIndex, cmp, idKey, indexAssociations, resolveRole, resolveType, sameId, toDeveloperName, UserIndex } from './match';
import { depthPhase, PHASE } from './phases';
import { normalizeFilter, sameItem, sameMeaning } from './rule-compare';
import type {
	Change,
	ChangeSet,
	DiffOptions,
	FieldChange,
	FieldValue,
	OrgSnapshot,
	SnapshotRule,
	SnapshotTerritory,
	SnapshotUser,
} from './types';

const RULE_COLUMNS: PlanColumn[] = ['Postal Codes', 'Countries', 'States', 'Criteria'];

/** Rendering of a value in reasons: 'text', or (none). */
export function quote(v: unknown): string {
	return v === null || v === undefined || v === '' ? '(none)' : `'${String(v)}'`;
}

const lower = (s: string): string => s.toLowerCase();
const text = (s: string | null | undefined): string | null => (s === null || s === undefined || s.trim() === '' ? null : s.trim());

type ParentRef =
	| { kind: 'root' }
	| { kind: 'plan'; t: PlanTerritory }
	| { kind: 'org'; o: SnapshotTerritory }
	| { kind: 'missing' };

interface DesiredRules {
	rules: RuleSpec[];
	/** Hand-made rules left associated with the territory. */
	keptHandMade: SnapshotRule[];
	/** Hand-made rules whose association the plan replaces (touchHandMadeRules). */
	replacedHandMade: SnapshotRule[];
}

export function diff(plan: import('../plan/types').TerritoryPlan, snapshot: OrgSnapshot, options: DiffOptions): ChangeSet {
	return new Differ(plan, snapshot, options).run();
}

class Differ {
	private readonly changes: Change[] = [];
	private readonly issues: PlanIssue[] = [];
	private readonly columns: Set<PlanColumn>;
	private modelId: string | null = null;
	private modelChangeId: string | null = null;

	private readonly orgById = new Map<string, SnapshotTerritory>();
	private readonly orgByKey = new Map<string, SnapshotTerritory>();
	private readonly orgChildren = new Map<string, SnapshotTerritory[]>();
	private readonly planByKey = new Map<string, PlanTerritory>();
	private readonly matched = new Map<PlanTerritory, SnapshotTerritory>();
	private readonly matchedIds = new Set<string>();
	private scopeRoot: SnapshotTerritory | null = null;
	private scopeMissing = false;

	private readonly users: UserIndex;
	private readonly assoc: ReturnType<typeof indexAssociations>;
	private readonly accounts: AccountIndex;
	private readonly rulesById = new Map<string, SnapshotRule>();
	private readonly rulesByDev = new Map<string, SnapshotRule>();
	private readonly typeCreates = new Map<string, string>();
	private readonly deletedTerritoryIds = new Set<string>();
	private readonly deletedRuleIds = new Set<string>();
	private createdTerritories = 0;

	constructor(
		private readonly plan: import('../plan/types').TerritoryPlan,
		private readonly snapshot: OrgSnapshot,
		private readonly options: DiffOptions,
	) {
		this.columns = new Set(plan.columns);
		this.users = new UserIndex(snapshot.users);
		this.assoc = indexAssociations(snapshot);
		this.accounts = new AccountIndex(snapshot.accounts);
		for (const r of snapshot.rules) {
			this.rulesById.set(idKey(r.id), r);
			this.rulesByDev.set(lower(r.developerName), r);
		}
	}

	run(): ChangeSet {
		this.checkModel();
		this.indexTerritories();
		this.matchTerritories();
		this.territories();
		this.deleteMissing();
		if (RULE_COLUMNS.some((c) => this.columns.has(c))) this.rules();
		else this.deleteRulesOfDeletedTerritories(new Set());
		for (const t of this.plan.territories) this.usersAndForecast(t);
		if (this.options.manageAccounts && this.columns.has('Accounts')) {
			for (const t of this.plan.territories) this.accountsOf(t);
		}
		this.checkTerritoryLimit();
		// Stable sort: within a phase, changes keep the (deterministic) order they were found in.
		const changes = this.changes.map((c, i) => ({ c, i })).sort((a, b) => a.c.phase - b.c.phase || a.i - b.i).map((x) => x.c);
		return { modelDeveloperName: this.options.modelDeveloperName, modelId: this.modelId, changes, issues: this.issues };
	}

	// ── helpers ──────────────────────────────────────────────────────────────────────────────

	private issue(row: number, column: string | null, value: string | null, code: string, message: string): void {
		this.issues.push({ row, column, value, code, message });
	}

	private push(c: Partial<Change> & Pick<Change, 'id' | 'object' | 'action' | 'label' | 'reason' | 'phase'>): Change {
		const change: Change = { recordId: null, fields: {}, diff: [], rows: [], dependsOn: [], ...c };
		change.dependsOn = [...new Set(change.dependsOn.filter((d) => d !== ''))];
		this.changes.push(change);
		return change;
	}

	private find(id: string): Change | undefined {
		return this.changes.find((c) => c.id === id);
	}

	private get modelRef(): FieldValue {
		return this.modelChangeId ? { $ref: this.modelChangeId } : this.modelId;
	}

	private territoryChangeId(t: PlanTerritory): string {
		return `${OBJECTS.territory}:${t.key}`;
	}

	/** The territory's Id, or a reference to the change that creates it. */
	private territoryRef(t: PlanTerritory): FieldValue {
		const o = this.matched.get(t);
		return o ? o.id : { $ref: this.territoryChangeId(t) };
	}

	/** The create change a reference to this territory depends on ('' when it exists). */
	private territoryDep(t: PlanTerritory): string {
		return this.matched.has(t) ? '' : this.territoryChangeId(t);
	}

	private orgDepth(o: SnapshotTerritory): number {
		let depth = 0;
		const seen = new Set<string>();
		let p = o.parentId ? this.orgById.get(idKey(o.parentId)) : undefined;
		while (p && !seen.has(p.id)) {
			seen.add(p.id);
			depth++;
			p = p.parentId ? this.orgById.get(idKey(p.parentId)) : undefined;
		}
		return depth;
	}

	private isOrgDescendant(o: SnapshotTerritory, ancestor: SnapshotTerritory): boolean {
		const seen = new Set<string>();
		let p = o.parentId ? this.orgById.get(idKey(o.parentId)) : undefined;
		while (p && !seen.has(p.id)) {
			if (p.id === ancestor.id) return true;
			seen.add(p.id);
			p = p.parentId ? this.orgById.get(idKey(p.parentId)) : undefined;
		}
		return false;
	}

	private inScope(o: SnapshotTerritory): boolean {
		if (this.scopeMissing) return false;
		return this.scopeRoot ? this.isOrgDescendant(o, this.scopeRoot) : true;
	}

	private parentOf(t: PlanTerritory): ParentRef {
		if (t.parentKey === null || t.parentKey === '') return { kind: 'root' };
		const p = this.planByKey.get(lower(t.parentKey));
		if (p && p !== t) return { kind: 'plan', t: p };
		const o = this.orgByKey.get(lower(t.parentKey));
		if (o && (this.inScope(o) || o === this.scopeRoot)) return { kind: 'org', o };
		return { kind: 'missing' };
	}

	private parentValue(parent: ParentRef): FieldValue {
		switch (parent.kind) {
			case 'root':
				return this.scopeRoot ? this.scopeRoot.id : null;
			case 'plan':
				return this.territoryRef(parent.t);
			case 'org':
				return parent.o.id;
			default:
				return null;
		}
	}

	private parentLabel(parent: ParentRef): string | null {
		switch (parent.kind) {
			case 'root':
				return this.scopeRoot ? this.scopeRoot.developerName : null;
			case 'plan':
				return parent.t.key;
			case 'org':
				return parent.o.developerName;
			default:
				return null;
		}
	}

	/** Depth among territories created in this run (a child waits for its new parent). */
	private createDepth(t: PlanTerritory, seen = new Set<PlanTerritory>()): number {
		const parent = this.parentOf(t);
		if (parent.kind !== 'plan' || this.matched.has(parent.t) || seen.has(t)) return 0;
		seen.add(t);
		return this.createDepth(parent.t, seen) + 1;
	}

	/** Depth in the model once the plan is applied. */
	private finalDepth(t: PlanTerritory, seen = new Set<PlanTerritory>()): number {
		const parent = this.parentOf(t);
		if (seen.has(t)) return 0;
		seen.add(t);
		if (parent.kind === 'plan') return this.finalDepth(parent.t, seen) + 1;
		if (parent.kind === 'org') return this.orgDepth(parent.o) + 1;
		return this.scopeRoot ? this.orgDepth(this.scopeRoot) + 1 : 0;
	}

	private userLabel(userId: string | null): string | null {
		if (!userId) return null;
		return this.users.get(userId)?.username ?? userId;
	}

	// ── model ────────────────────────────────────────────────────────────────────────────────

	private checkModel(): void {
		const dev = this.options.modelDeveloperName;
		const model =
			this.snapshot.model ?? this.snapshot.models.find((m) => lower(m.developerName) === lower(dev)) ?? null;
		if (!model) {
			this.modelChangeId = `${OBJECTS.model}:${dev}`;
			this.push({
				id: this.modelChangeId,
				object: OBJECTS.model,
				action: 'create',
				label: dev,
				fields: { Name: this.options.modelName ?? dev, DeveloperName: dev },
				reason: 'model does not exist',
				phase: PHASE.modelCreate,
			});
			return;
		}
		this.modelId = model.id;
		if (READ_ONLY_MODEL_STATES.includes(model.state)) {
			this.issue(0, null, model.developerName, 'MODEL_READ_ONLY', `Model ${model.developerName} is ${model.state}: it cannot be changed.`);
		} else if (model.state === 'Active' && !this.options.allowActiveModel) {
			this.issue(
				0,
				null,
				model.developerName,
				'MODEL_ACTIVE',
				`Model ${model.developerName} is Active: publishing into it changes live assignments; allow it explicitly to proceed.`,
			);
		}
	}

	// ── territories ──────────────────────────────────────────────────────────────────────────

	private indexTerritories(): void {
		for (const o of this.snapshot.territories) {
			this.orgById.set(idKey(o.id), o);
			this.orgByKey.set(lower(o.developerName), o);
		}
		for (const o of this.snapshot.territories) {
			if (!o.parentId) continue;
			const k = idKey(o.parentId);
			this.orgChildren.set(k, [...(this.orgChildren.get(k) ?? []), o]);
		}
		for (const t of this.plan.territories) if (!this.planByKey.has(lower(t.key))) this.planByKey.set(lower(t.key), t);
		const rootKey = this.options.scopeRootKey;
		if (rootKey) {
			this.scopeRoot = this.orgByKey.get(lower(rootKey)) ?? null;
			if (!this.scopeRoot) {
				this.scopeMissing = true;
				this.issue(0, null, rootKey, 'SCOPE_ROOT_NOT_FOUND', `The territory ${rootKey} to publish under does not exist in the model.`);
			}
		}
	}

	private matchTerritories(): void {
		for (const t of this.plan.territories) {
			const o = this.orgByKey.get(lower(t.key));
			if (!o) continue;
			if (this.options.method === 'add') {
				this.issue(t.row, 'Key', t.key, 'DUPLICATE_KEY', `Territory key ${t.key} already exists in the model; "add" creates new territories only.`);
			} else if (this.scopeMissing) {
				// Already reported: without its root the scope cannot be judged.
			} else if (!this.inScope(o)) {
				const parent = o.parentId ? this.orgById.get(idKey(o.parentId)) : undefined;
				this.issue(
					t.row,
					'Key',
					t.key,
					'KEY_OUTSIDE_SCOPE',
					`Territory key ${t.key} exists in the model under ${parent ? parent.developerName : 'the model root'}, outside the publish scope.`,
				);
			} else {
				this.matched.set(t, o);
				this.matchedIds.add(idKey(o.id));
			}
		}
	}

	/** The type Id (or a reference to its create) for a territory; undefined when unresolved. */
	private typeValue(t: PlanTerritory): { value: FieldValue; dep: string; label: string } | undefined {
		if (t.type === null || t.type.trim() === '') return undefined;
		const found = resolveType(this.snapshot.types, t.type);
		if ('found' in found) return { value: found.found.id, dep: '', label: found.found.developerName };
		if ('ambiguous' in found) {
			this.issue(t.row, 'Type', t.type, 'AMBIGUOUS_TYPE', `Type ${t.type} matches several territory types.`);
			return undefined;
		}
		const dev = toDeveloperName(t.type);
		// "Sales-Region" names the existing Sales_Region rather than a new type Salesforce would refuse.
		const sameName = this.snapshot.types.find((x) => lower(x.developerName) === lower(dev));
		if (sameName) return { value: sameName.id, dep: '', label: sameName.developerName };
		if (!this.options.createMissingTypes) {
			this.issue(t.row, 'Type', t.type, 'UNKNOWN_TYPE', `Territory type ${t.type} does not exist in the org.`);
			return undefined;
		}
		let id = this.typeCreates.get(lower(dev));
		if (!id) {
			id = `${OBJECTS.type}:${dev}`;
			this.typeCreates.set(lower(dev), id);
			// Priority is unique across types: take the lowest free values above the existing ones.
			const max = Math.max(0, ...this.snapshot.types.map((x) => x.priority));
			this.push({
				id,
				object: OBJECTS.type,
				action: 'create',
				label: dev,
				fields: { DeveloperName: dev, MasterLabel: t.type.trim(), Priority: max + this.typeCreates.size },
				reason: 'type named in plan does not exist',
				rows: [t.row],
				phase: PHASE.typeCreate,
			});
		} else {
			const c = this.find(id);
			if (c && !c.rows.includes(t.row)) c.rows.push(t.row);
		}
		return { value: { $ref: id }, dep: id, label: dev };
	}

	private territories(): void {
		for (const t of this.plan.territories) {
			const parent = this.parentOf(t);
			if (parent.kind === 'missing') {
				this.issue(t.row, 'Parent', t.parentKey, 'UNKNOWN_PARENT', `Parent ${t.parentKey} is neither in the plan nor in the publish scope.`);
			}
			const o = this.matched.get(t);
			if (o) this.updateTerritory(t, o, parent);
			else this.createTerritory(t, parent);
		}
	}

	private createTerritory(t: PlanTerritory, parent: ParentRef): void {
		const type = this.typeValue(t);
		if (!type && (t.type === null || t.type.trim() === '')) {
			this.issue(t.row, 'Type', null, 'TYPE_REQUIRED', `Territory ${t.key} is new and needs a Type.`);
		}
		const fields: Record<string, FieldValue> = {
			Name: t.name,
			DeveloperName: t.key,
			Territory2ModelId: this.modelRef,
			Territory2TypeId: type ? type.value : null,
		};
		const parentValue = this.parentValue(parent);
		if (parentValue !== null) fields.ParentTerritory2Id = parentValue;
		if (text(t.description) !== null) fields.Description = t.description;
		if (t.accountAccess) fields.AccountAccessLevel = t.accountAccess;
		if (t.opportunityAccess) fields.OpportunityAccessLevel = t.opportunityAccess;
		if (t.caseAccess) fields.CaseAccessLevel = t.caseAccess;
		this.createdTerritories++;
		this.push({
			id: this.territoryChangeId(t),
			object: OBJECTS.territory,
			action: 'create',
			label: t.key,
			fields,
			reason: 'new in plan',
			rows: t.rows,
			dependsOn: [this.modelChangeId ?? '', type?.dep ?? '', parent.kind === 'plan' ? this.territoryDep(parent.t) : ''],
			phase: depthPhase(PHASE.territoryCreate, this.createDepth(t)),
		});
	}

	private updateTerritory(t: PlanTerritory, o: SnapshotTerritory, parent: ParentRef): void {
		const fields: Record<string, FieldValue> = {};
		const changes: FieldChange[] = [];
		const dependsOn: string[] = [];
		const set = (field: string, value: FieldValue, from: unknown, to: unknown): void => {
			fields[field] = value;
			changes.push({ field, from, to });
		};
		if (t.name !== o.name) set('Name', t.name, o.name, t.name);
		if (this.columns.has('Type')) {
			const type = this.typeValue(t);
			if (type && (typeof type.value !== 'string' || !sameId(type.value, o.typeId))) {
				const from = this.snapshot.types.find((x) => sameId(x.id, o.typeId))?.developerName ?? o.typeId;
				set('Territory2TypeId', type.value, from, type.label);
				dependsOn.push(type.dep);
			}
		}
		if (this.columns.has('Parent') && parent.kind !== 'missing') {
			const value = this.parentValue(parent);
			const same = typeof value === 'string' || value === null ? sameId(value, o.parentId) : false;
			if (!same) {
				const from = o.parentId ? (this.orgById.get(idKey(o.parentId))?.developerName ?? o.parentId) : null;
				set('ParentTerritory2Id', value, from, this.parentLabel(parent));
				if (parent.kind === 'plan') dependsOn.push(this.territoryDep(parent.t));
			}
		}
		if (this.columns.has('Description') && text(t.description) !== text(o.description)) {
			set('Description', text(t.description) === null ? null : t.description, o.description, t.description);
		}
		const access: [PlanColumn, string, string | null, string | null][] = [
			['Account Access', 'AccountAccessLevel', t.accountAccess, o.accountAccessLevel],
			['Opportunity Access', 'OpportunityAccessLevel', t.opportunityAccess, o.opportunityAccessLevel],
			['Case Access', 'CaseAccessLevel', t.caseAccess, o.caseAccessLevel],
		];
		for (const [column, field, want, have] of access) {
			// Access levels cannot be null in Salesforce: an empty cell leaves them alone (phases.ts).
			if (this.columns.has(column) && want && want !== have) set(field, want, have, want);
		}
		if (changes.length === 0) return;
		this.push({
			id: `${this.territoryChangeId(t)}:update`,
			object: OBJECTS.territory,
			action: 'update',
			recordId: o.id,
			label: t.key,
			fields,
			diff: changes,
			reason: changes.map((c) => `${c.field}: ${quote(c.from)} → ${quote(c.to)}`).join('; '),
			rows: t.rows,
			dependsOn,
			phase: depthPhase(PHASE.territoryUpdate, this.finalDepth(t)),
		});
	}

	private deleteMissing(): void {
		const { method, deleteMissing } = this.options;
		if (method === 'add' || !(deleteMissing || method === 'overwriteAll') || this.scopeMissing) return;
		const protectedIds = new Set<string>();
		for (const t of this.plan.territories) {
			const parent = this.parentOf(t);
			if (parent.kind === 'org') protectedIds.add(idKey(parent.o.id));
			// Without a Parent column a matched territory stays where it is: keep its ancestors.
			const o = this.matched.get(t);
			if (o && !this.columns.has('Parent')) {
				let p = o.parentId ? this.orgById.get(idKey(o.parentId)) : undefined;
				while (p && !protectedIds.has(idKey(p.id))) {
					protectedIds.add(idKey(p.id));
					p = p.parentId ? this.orgById.get(idKey(p.parentId)) : undefined;
				}
			}
		}
		const doomed = this.snapshot.territories
			.filter((o) => this.inScope(o) && !this.matchedIds.has(idKey(o.id)) && !protectedIds.has(idKey(o.id)))
			.map((o) => ({ o, depth: this.orgDepth(o) }))
			.sort((a, b) => b.depth - a.depth || cmp(a.o.developerName, b.o.developerName) || cmp(a.o.id, b.o.id));
		for (const { o } of doomed) this.deletedTerritoryIds.add(idKey(o.id));
		const reason = method === 'overwriteAll' ? 'not in plan (overwrite all)' : 'not in plan (delete missing)';
		for (const { o, depth } of doomed) {
			const children = (this.orgChildren.get(idKey(o.id)) ?? []).filter((c) => this.deletedTerritoryIds.has(idKey(c.id)));
			this.push({
				id: `${OBJECTS.territory}:${o.developerName}:delete`,
				object: OBJECTS.territory,
				action: 'delete',
				recordId: o.id,
				label: o.developerName,
				reason,
				dependsOn: children.map((c) => `${OBJECTS.territory}:${c.developerName}:delete`),
				phase: depthPhase(PHASE.territoryDeleteDeepest, depth, -1),
			});
		}
	}

	private checkTerritoryLimit(): void {
		const total = this.snapshot.territories.length - this.deletedTerritoryIds.size + this.createdTerritories;
		if (total > LIMITS.territoriesPerModel) {
			this.issue(
				0,
				null,
				String(total),
				'TERRITORY_LIMIT',
				`The model would hold ${total} territories; Salesforce allows ${LIMITS.territoriesPerModel} per model unless support raised the limit.`,
			);
		}
	}

	// ── rules ────────────────────────────────────────────────────────────────────────────────

	private rulesOfTerritory(o: SnapshotTerritory | undefined): SnapshotRule[] {
		if (!o) return [];
		const ids = (this.assoc.rulesByTerritory.get(idKey(o.id)) ?? []).map((a) => idKey(a.ruleId));
		return [...new Set(ids)]
			.map((id) => this.rulesById.get(id))
			.filter((r): r is SnapshotRule => r !== undefined)
			.sort((a, b) => cmp(a.developerName, b.developerName));
	}

	private desiredRules(t: PlanTerritory): DesiredRules {
		const o = this.matched.get(t);
		const orgRules = this.rulesOfTerritory(o);
		const tool = orgRules.filter((r) => isToolRule(r.developerName));
		const hand = orgRules.filter((r) => !isToolRule(r.developerName));
		let source = t;
		const absent = RULE_COLUMNS.filter((c) => !this.columns.has(c));
		if (absent.length > 0 && tool.length > 0) {
			// A rule column the plan lacks keeps what the org's tool rules say for it.
			const decoded = decodeRules(tool, { key: t.key });
			source = {
				...t,
				postalCodes: this.columns.has('Postal Codes') ? t.postalCodes : decoded.postalCodes,
				countries: this.columns.has('Countries') ? t.countries : decoded.countries,
				states: this.columns.has('States') ? t.states : decoded.states,
				criteria: this.columns.has('Criteria') ? t.criteria : decoded.criteria,
			};
		}
		const packed = packRules(source);
		for (const i of packed.issues) {
			if (!this.plan.issues.some((p) => p.row === i.row && p.code === i.code && p.message === i.message)) this.issues.push(i);
		}
		if (hand.length > 0 && sameMeaning(packed.rules, hand)) {
			// The hand-made rules already say what the plan says (e.g. a model imported and published back).
			return { rules: [], keptHandMade: hand, replacedHandMade: [] };
		}
		if (this.options.touchHandMadeRules) return { rules: packed.rules, keptHandMade: [], replacedHandMade: hand };
		return { rules: packed.rules, keptHandMade: hand, replacedHandMade: [] };
	}

	private rules(): void {
		const desired = new Map<PlanTerritory, DesiredRules>();
		const wanted = new Set<string>();
		for (const t of this.plan.territories) {
			const d = this.desiredRules(t);
			desired.set(t, d);
			for (const r of d.rules) wanted.add(lower(r.developerName));
			const count = d.rules.length + d.keptHandMade.length;
			if (count > LIMITS.rulesPerTerritory) {
				this.issue(
					t.row,
					null,
					String(count),
					'TOO_MANY_RULES',
					`Territory ${t.key} would have ${count} assignment rules (${d.keptHandMade.length} hand-made); Salesforce allows ${LIMITS.rulesPerTerritory}.`,
				);
			}
		}
		this.deleteRulesOfDeletedTerritories(wanted);
		for (const t of this.plan.territories) {
			const d = desired.get(t) as DesiredRules;
			const o = this.matched.get(t);
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
	private deleteRulesOfDeletedTerritories(wanted: Set<string>): void {
		for (const o of [...this.snapshot.territories].sort((a, b) => cmp(a.developerName, b.developerName))) {
			if (!this.deletedTerritoryIds.has(idKey(o.id))) continue;
			for (const rule of this.rulesOfTerritory(o)) {
				if (!isToolRule(rule.developerName) || wanted.has(lower(rule.developerName))) continue;
				if (this.ruleOnlyUsedBy(rule, () => false)) this.deleteRule(rule, `territory ${o.developerName} is deleted`, []);
			}
		}
	}

	/** Whether every territory the rule is associated with is `ok` or deleted. */
	private ruleOnlyUsedBy(rule: SnapshotRule, ok: (territoryId: string) => boolean): boolean {
		return (this.assoc.territoriesByRule.get(idKey(rule.id)) ?? [])
			.every((a) => ok(a.territoryId) || this.deletedTerritoryIds.has(idKey(a.territoryId)));
	}

	private deleteRule(rule: SnapshotRule, reason: string, rows: number[]): string {
		const id = `${OBJECTS.rule}:${rule.developerName}:delete`;
		if (this.deletedRuleIds.has(idKey(rule.id))) return id;
		this.deletedRuleIds.add(idKey(rule.id));
		this.push({ id, object: OBJECTS.rule, action: 'delete', recordId: rule.id, label: rule.developerName, reason, rows, phase: PHASE.ruleDelete });
		return id;
	}

	private deleteRuleAssociation(rule: SnapshotRule, t: PlanTerritory, o: SnapshotTerritory, reason: string): void {
		for (const a of this.assoc.rulesByTerritory.get(idKey(o.id)) ?? []) {
			if (!sameId(a.ruleId, rule.id)) continue;
			this.push({
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
		const o = this.matched.get(t);
		const existing = this.rulesByDev.get(lower(r.developerName));
		if (!existing || this.deletedRuleIds.has(idKey(existing.id))) {
			this.createRule(t, r, '');
			return;
		}
		const plan = planRuleEdit(existing, r);
		const associations = this.assoc.territoriesByRule.get(idKey(existing.id)) ?? [];
		const onlyHere = associations.every((a) => o !== undefined && sameId(a.territoryId, o.id));
		// Delete and re-create when that writes fewer records (the rule's associations go with it).
		const recreateCost = 2 + r.items.length + (r.booleanFilter ? 1 : 0) + 1;
		if (plan.structural && onlyHere && recreateCost < plan.cost) {
			const del = this.deleteRule(existing, 'items changed (re-created: fewer writes than editing)', t.rows);
			this.createRule(t, r, del);
			return;
		}
		this.editRule(t, existing, r, plan);
		if (!associations.some((a) => o !== undefined && sameId(a.territoryId, o.id))) {
			this.createRuleAssociation(t, r.developerName, existing.id, [this.territoryDep(t)]);
		}
	}

	private createRule(t: PlanTerritory, r: RuleSpec, after: string): void {
		const ruleId = `${OBJECTS.rule}:${r.developerName}`;
		this.push({
			id: ruleId,
			object: OBJECTS.rule,
			action: 'create',
			label: r.developerName,
			fields: {
				DeveloperName: r.developerName,
				MasterLabel: r.masterLabel,
				ObjectType: 'Account',
				Territory2ModelId: this.modelRef,
				IsActive: true,
				// Items can be added only while the filter is null: it is set once they exist.
				BooleanFilter: null,
			},
			reason: after ? 'items changed (re-created)' : 'new in plan',
			rows: t.rows,
			dependsOn: [this.modelChangeId ?? '', after],
			phase: PHASE.ruleCreate,
		});
		const itemIds = r.items.map((item) => {
			const id = `${OBJECTS.ruleItem}:${r.developerName}:${item.sortOrder}`;
			this.push({
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
			this.push({
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
		this.createRuleAssociation(t, r.developerName, { $ref: ruleId }, [ruleId, this.territoryDep(t)]);
	}

	private createRuleAssociation(t: PlanTerritory, dev: string, rule: FieldValue, dependsOn: string[]): void {
		this.push({
			id: `${OBJECTS.ruleTerritory}:${dev}:${t.key}`,
			object: OBJECTS.ruleTerritory,
			action: 'create',
			label: `${dev} → ${t.key}`,
			fields: { RuleId: rule, Territory2Id: this.territoryRef(t), IsInherited: false },
			reason: 'new in plan',
			rows: t.rows,
			dependsOn,
			phase: PHASE.ruleAssociationCreate,
		});
	}

	private editRule(t: PlanTerritory, e: SnapshotRule, r: RuleSpec, plan: RuleEdit): void {
		const base = `${OBJECTS.rule}:${r.developerName}`;
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
		const have = normalizeFilter(e.booleanFilter);
		const want = normalizeFilter(r.booleanFilter);
		let clearId = '';
		if (plan.structural && have !== null) {
			clearId = `${base}:clearFilter`;
			this.push({
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
		const itemIds: string[] = [];
		for (const item of plan.deletes) {
			const id = `${OBJECTS.ruleItem}:${r.developerName}:${item.sortOrder}:delete:${item.id}`;
			itemIds.push(id);
			this.push({
				id,
				object: OBJECTS.ruleItem,
				action: 'delete',
				recordId: item.id,
				label: `${r.developerName} #${item.sortOrder}`,
				reason: 'not in plan',
				rows: t.rows,
				dependsOn: [clearId],
				phase: PHASE.ruleItemDelete,
			});
		}
		for (const { item, fields, diff } of plan.updates) {
			const id = `${OBJECTS.ruleItem}:${r.developerName}:${item.sortOrder}:update`;
			itemIds.push(id);
			this.push({
				id,
				object: OBJECTS.ruleItem,
				action: 'update',
				recordId: item.id,
				label: `${r.developerName} #${item.sortOrder}`,
				fields,
				diff,
				reason: diff.map((c) => `${c.field}: ${quote(c.from)} → ${quote(c.to)}`).join('; '),
				rows: t.rows,
				dependsOn: [clearId],
				phase: PHASE.ruleItemUpdate,
			});
		}
		for (const item of plan.creates) {
			const id = `${OBJECTS.ruleItem}:${r.developerName}:${item.sortOrder}`;
			itemIds.push(id);
			this.push({
				id,
				object: OBJECTS.ruleItem,
				action: 'create',
				label: `${r.developerName} #${item.sortOrder}`,
				fields: { RuleId: e.id, SortOrder: item.sortOrder, Field: ruleItemField(item.field), Operation: item.operation, Value: item.value },
				reason: 'new in plan',
				rows: t.rows,
				dependsOn: [clearId],
				phase: PHASE.ruleItemCreate,
			});
		}
		const filterNow = plan.structural ? null : have;
		if (want !== filterNow) {
			this.push({
				id: `${base}:filter`,
				object: OBJECTS.rule,
				action: 'update',
				recordId: e.id,
				label: r.developerName,
				fields: { BooleanFilter: r.booleanFilter, ...(headerDone ? {} : header) },
				diff: [{ field: 'BooleanFilter', from: filterNow === null ? null : e.booleanFilter, to: r.booleanFilter }, ...(headerDone ? [] : headerDiff)],
				reason: `BooleanFilter: ${quote(filterNow === null ? null : e.booleanFilter)} → ${quote(r.booleanFilter)}`,
				rows: t.rows,
				dependsOn: itemIds,
				phase: PHASE.ruleFilterSet,
			});
			headerDone = true;
		}
		if (!headerDone) {
			this.push({
				id: `${base}:update`,
				object: OBJECTS.rule,
				action: 'update',
				recordId: e.id,
				label: r.developerName,
				fields: header,
				diff: headerDiff,
				reason: headerDiff.map((c) => `${c.field}: ${quote(c.from)} → ${quote(c.to)}`).join('; '),
				rows: t.rows,
				phase: PHASE.ruleUpdate,
			});
		}
	}

	// ── users and forecast manager ───────────────────────────────────────────────────────────

	private usersAndForecast(t: PlanTerritory): void {
		const o = this.matched.get(t);
		const manageUsers = this.columns.has('Users');
		const existing = new Map<string, { id: string; userId: string; role: string | null }>();
		if (o) {
			for (const a of this.assoc.usersByTerritory.get(idKey(o.id)) ?? []) existing.set(idKey(a.userId), a);
		}
		/** userId key → id of the change that (re)creates the association. */
		const created = new Map<string, string>();
		/** userId key → id of the change that deletes the association. */
		const removed = new Map<string, string>();
		let desired: Map<string, { user: SnapshotUser; role: string | null }> | null = null;
		if (manageUsers) {
			desired = this.desiredUsers(t);
			for (const [key, { user, role }] of desired) {
				const a = existing.get(key);
				if (a && sameRole(a.role, role)) continue;
				let deleteId = '';
				if (a) {
					deleteId = this.deleteUserAssociation(t, a, `role: ${quote(a.role)} → ${quote(role)} (no update in Salesforce)`);
					removed.set(key, deleteId);
				}
				if (!user.isActive) this.issue(t.row, 'Users', user.username, 'INACTIVE_USER', `User ${user.username} is inactive and cannot be assigned.`);
				const id = `${OBJECTS.userTerritory}:${t.key}:${user.id}`;
				created.set(key, id);
				this.push({
					id,
					object: OBJECTS.userTerritory,
					action: 'create',
					label: `${t.key} → ${user.username}`,
					fields: { UserId: user.id, Territory2Id: this.territoryRef(t), ...(role === null ? {} : { RoleInTerritory2: role }) },
					reason: a ? `role: ${quote(a.role)} → ${quote(role)}` : 'new in plan',
					rows: t.rows,
					dependsOn: [this.territoryDep(t), deleteId],
					phase: PHASE.userAssociationCreate,
				});
			}
			for (const [key, a] of [...existing].sort((x, y) => cmp(x[0], y[0]))) {
				if (!desired.has(key)) removed.set(key, this.deleteUserAssociation(t, a, 'not in plan'));
			}
		}
		this.forecast(t, o, existing, desired, created, removed);
	}

	private desiredUsers(t: PlanTerritory): Map<string, { user: SnapshotUser; role: string | null }> {
		const desired = new Map<string, { user: SnapshotUser; role: string | null }>();
		for (const pu of t.users) {
			const user = this.resolveUser(t, pu.ref, 'Users');
			if (!user) continue;
			let role: string | null = null;
			if (pu.role !== null && pu.role.trim() !== '') {
				role = resolveRole(this.snapshot, pu.role) ?? null;
				if (role === null) {
					this.issue(t.row, 'Users', pu.role, 'UNKNOWN_ROLE', `Role ${pu.role} is not a value of RoleInTerritory2 in the org.`);
					role = pu.role.trim();
				}
			}
			const key = idKey(user.id);
			const seen = desired.get(key);
			if (seen) {
				if (!sameRole(seen.role, role)) {
					this.issue(t.row, 'Users', pu.ref, 'DUPLICATE_USER', `User ${user.username} is listed twice with different roles.`);
				}
				continue;
			}
			desired.set(key, { user, role });
		}
		return desired;
	}

	private resolveUser(t: PlanTerritory, ref: string, column: PlanColumn): SnapshotUser | undefined {
		const r = this.users.resolve(ref);
		if ('found' in r) return r.found;
		if ('ambiguous' in r) {
			this.issue(
				t.row,
				column,
				ref,
				'AMBIGUOUS_USER',
				`User ${ref} matches several users (${r.ambiguous.map((u) => u.username).join(', ')}): use the Username.`,
			);
		} else {
			this.issue(t.row, column, ref, 'UNKNOWN_USER', `User ${ref} does not exist in the org.`);
		}
		return undefined;
	}

	private deleteUserAssociation(t: PlanTerritory, a: { id: string; userId: string }, reason: string): string {
		const id = `${OBJECTS.userTerritory}:${t.key}:${a.userId}:delete`;
		this.push({
			id,
			object: OBJECTS.userTerritory,
			action: 'delete',
			recordId: a.id,
			label: `${t.key} → ${this.userLabel(a.userId)}`,
			reason,
			rows: t.rows,
			phase: PHASE.associationDelete,
		});
		return id;
	}

	private forecast(
		t: PlanTerritory,
		o: SnapshotTerritory | undefined,
		existing: Map<string, unknown>,
		desired: Map<string, unknown> | null,
		created: Map<string, string>,
		removed: Map<string, string>,
	): void {
		let current = o?.forecastUserId ?? null;
		let target = current;
		if (this.columns.has('Forecast Manager')) {
			target = null;
			if (t.forecastManager !== null && t.forecastManager.trim() !== '') {
				const user = this.resolveUser(t, t.forecastManager, 'Forecast Manager');
				if (user) {
					target = user.id;
					if (!user.isActive) {
						this.issue(t.row, 'Forecast Manager', t.forecastManager, 'FORECAST_MANAGER_INACTIVE', `Forecast Manager ${user.username} is not active.`);
					}
					const assigned = desired ? desired.has(idKey(user.id)) : existing.has(idKey(user.id));
					if (!assigned) {
						this.issue(
							t.row,
							'Forecast Manager',
							t.forecastManager,
							'FORECAST_MANAGER_NOT_ASSIGNED',
							`Forecast Manager ${user.username} must be one of the territory's users.`,
						);
					}
				} else {
					target = current;
				}
			}
		}
		if (o && current && removed.has(idKey(current))) {
			// The manager's association is about to go: release it first (ForecastUserId must be assigned).
			const keepsAssociation = target !== null && existing.has(idKey(target)) && !removed.has(idKey(target));
			const release = keepsAssociation ? target : null;
			const id = `${this.territoryChangeId(t)}:releaseForecast`;
			this.push({
				id,
				object: OBJECTS.territory,
				action: 'update',
				recordId: o.id,
				label: t.key,
				fields: { ForecastUserId: release },
				diff: [{ field: 'ForecastUserId', from: this.userLabel(current), to: this.userLabel(release) }],
				reason: `Forecast Manager: ${quote(this.userLabel(current))} → ${quote(this.userLabel(release))} (assignment removed)`,
				rows: t.rows,
				phase: PHASE.forecastRelease,
			});
			this.find(removed.get(idKey(current)) as string)?.dependsOn.push(id);
			current = release;
		}
		if (sameId(target, current)) return;
		this.push({
			id: `${this.territoryChangeId(t)}:forecast`,
			object: OBJECTS.territory,
			action: 'update',
			recordId: o ? o.id : null,
			...(o ? {} : { recordRef: this.territoryChangeId(t) }),
			label: t.key,
			fields: { ForecastUserId: target },
			diff: [{ field: 'ForecastUserId', from: this.userLabel(current), to: this.userLabel(target) }],
			reason: `Forecast Manager: ${quote(this.userLabel(current))} → ${quote(this.userLabel(target))}`,
			rows: t.rows,
			dependsOn: [this.territoryDep(t), target ? (created.get(idKey(target)) ?? '') : ''],
			phase: PHASE.forecastSet,
		});
	}

	// ── accounts ─────────────────────────────────────────────────────────────────────────────

	private accountsOf(t: PlanTerritory): void {
		const o = this.matched.get(t);
		const existing = new Map<string, { id: string; objectId: string }>();
		if (o) {
			for (const a of this.assoc.accountsByTerritory.get(idKey(o.id)) ?? []) existing.set(idKey(a.objectId), a);
		}
		const desired = new Set<string>();
		for (const ref of t.accounts) {
			const r = this.accounts.resolve(ref);
			if ('missing' in r) {
				this.issue(t.row, 'Accounts', ref, 'UNKNOWN_ACCOUNT', `Account ${ref} does not exist in the org.`);
				continue;
			}
			if ('ambiguous' in r) {
				this.issue(t.row, 'Accounts', ref, 'AMBIGUOUS_ACCOUNT', `Account ${ref} matches several accounts.`);
				continue;
			}
			const key = idKey(r.found.id);
			if (desired.has(key)) continue;
			desired.add(key);
			if (existing.has(key)) continue;
			this.push({
				id: `${OBJECTS.objectTerritory}:${t.key}:${r.found.id}`,
				object: OBJECTS.objectTerritory,
				action: 'create',
				label: `${t.key} → ${r.found.externalKey ?? r.found.id}`,
				fields: { ObjectId: r.found.id, Territory2Id: this.territoryRef(t), AssociationCause: 'Territory2Manual' },
				reason: 'new in plan',
				rows: t.rows,
				dependsOn: [this.territoryDep(t)],
				phase: PHASE.accountAssociationCreate,
			});
		}
		for (const [key, a] of [...existing].sort((x, y) => cmp(x[0], y[0]))) {
			if (desired.has(key)) continue;
			const account = this.accounts.get(a.objectId);
			this.push({
				id: `${OBJECTS.objectTerritory}:${t.key}:${a.objectId}:delete`,
				object: OBJECTS.objectTerritory,
				action: 'delete',
				recordId: a.id,
				label: `${t.key} → ${account?.externalKey ?? a.objectId}`,
				reason: 'not in plan',
				rows: t.rows,
				phase: PHASE.associationDelete,
			});
		}
	}
}

function sameRole(a: string | null, b: string | null): boolean {
	return (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
}

interface RuleEdit {
	creates: RuleSpec['items'];
	updates: { item: SnapshotRule['items'][number]; fields: Record<string, FieldValue>; diff: FieldChange[] }[];
	deletes: SnapshotRule['items'];
	/** Items change: the filter must be null meanwhile. */
	structural: boolean;
	/** Records written when editing in place. */
	cost: number;
}

/** How to turn an existing tool rule into the desired one, editing it in place. */
function planRuleEdit(e: SnapshotRule, r: RuleSpec): RuleEdit {
	const creates: RuleEdit['creates'] = [];
	const updates: RuleEdit['updates'] = [];
	const deletes: RuleEdit['deletes'] = [];
	const bySort = new Map<number, SnapshotRule['items'][number]>();
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
			fields.Field = ruleItemField(want.field);
			diff.push({ field: 'Field', from: have.field, to: ruleItemField(want.field) });
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
	const have = normalizeFilter(e.booleanFilter);
	const want = normalizeFilter(r.booleanFilter);
	const header = e.masterLabel !== r.masterLabel || !e.isActive;
	const cost = structural
		? (have !== null ? 1 : 0) + creates.length + updates.length + deletes.length + (want !== null ? 1 : 0) + (header && have === null && want === null ? 1 : 0)
		: (have !== want || header ? 1 : 0);
	return { creates, updates, deletes, structural, cost };
}
