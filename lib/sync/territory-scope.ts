/**
 * Which org territory each plan territory is, and where it hangs: the publish scope (the whole model, or
 * the descendants of one territory), the matching of plan keys to org DeveloperNames within it, and the
 * parent and depth every territory will have once the plan is applied.
 *
 * A key that exists outside the scope is refused rather than moved in: publishing one region must never
 * take territories from another. Depths decide apply phases (a child waits for its new parent).
 *
 * The scope root itself may be a plan row (a scoped import exports it, with an empty Parent): that row is
 * the anchor. It is matched and updated like any territory but never moved nor deleted; its empty Parent
 * means "stays where it is", and rows naming it as Parent hang under it as usual.
 */
import type { IssueCode } from '../issue-codes';
import { idKey, OBJECTS } from '../salesforce';
import type { PlanTerritory, TerritoryPlan } from '../plan/types';
import { changeId, Findings } from './findings';
import type { DiffOptions, FieldValue, OrgSnapshot, RecordRef, SnapshotTerritory } from './types';

export type ParentRef =
	| { kind: 'root' }
	| { kind: 'plan'; t: PlanTerritory }
	| { kind: 'org'; o: SnapshotTerritory }
	/** The anchor (the scope root as a plan row): it keeps its org parent. */
	| { kind: 'stay' }
	/** No such parent in the plan or the scope; `ambiguous`: the name of several territories in scope. */
	| { kind: 'missing'; ambiguous?: SnapshotTerritory[] };

/** A territory of the hierarchy once the plan is applied: a plan territory, or an org one the plan leaves in place. */
export type HierarchyNode = { kind: 'plan'; t: PlanTerritory } | { kind: 'org'; o: SnapshotTerritory };

export type IssueSink = (row: number, column: string | null, value: string | null, code: IssueCode, message: string) => void;

const lower = (s: string): string => s.toLowerCase();

/** The id of the change that creates the plan territory with this key (updates add a suffix). */
export function territoryChangeId(t: PlanTerritory): string {
	return changeId(OBJECTS.territory, t.key);
}

/**
 * The scope stage: the scope root is checked and the plan's territories paired with the org's in scope.
 * The scope it returns is complete; later stages only read it.
 */
export function scopeTerritories(plan: TerritoryPlan, snapshot: OrgSnapshot, options: DiffOptions): { scope: TerritoryScope; findings: Findings } {
	const findings = new Findings();
	const scope = new TerritoryScope(plan, snapshot, options, findings.issue);
	scope.checkRoot();
	scope.match();
	return { scope, findings };
}

export class TerritoryScope {
	readonly orgById = new Map<string, SnapshotTerritory>();
	readonly orgByKey = new Map<string, SnapshotTerritory>();
	readonly orgChildren = new Map<string, SnapshotTerritory[]>();
	/** The first plan territory of each key (lower case). */
	private readonly planByKey = new Map<string, PlanTerritory>();
	/** Plan territories that exist in scope, and their org records' ids (idKey). */
	readonly matched = new Map<PlanTerritory, SnapshotTerritory>();
	readonly matchedIds = new Set<string>();
	/** The plan territory matched to each org territory (idKey). */
	private readonly planByOrgId = new Map<string, PlanTerritory>();
	readonly scopeRoot: SnapshotTerritory | null = null;
	/** The plan territory whose key is the scope root's: the root itself, never moved. */
	anchor: PlanTerritory | null = null;
	/** A scope root was named but the model lacks it: nothing is in scope. */
	readonly scopeMissing: boolean = false;

	constructor(
		private readonly plan: TerritoryPlan,
		snapshot: OrgSnapshot,
		private readonly options: DiffOptions,
		private readonly issue: IssueSink,
	) {
		for (const o of snapshot.territories) {
			this.orgById.set(idKey(o.id), o);
			this.orgByKey.set(lower(o.developerName), o);
		}
		for (const o of snapshot.territories) {
			if (!o.parentId) continue;
			const k = idKey(o.parentId);
			this.orgChildren.set(k, [...(this.orgChildren.get(k) ?? []), o]);
		}
		for (const t of plan.territories) if (!this.planByKey.has(lower(t.key))) this.planByKey.set(lower(t.key), t);
		const rootKey = options.scopeRootKey;
		if (rootKey) {
			this.scopeRoot = this.orgByKey.get(lower(rootKey)) ?? null;
			this.scopeMissing = !this.scopeRoot;
		}
	}

	checkRoot(): void {
		const rootKey = this.options.scopeRootKey;
		if (rootKey && this.scopeMissing) {
			this.issue(0, null, rootKey, 'SCOPE_ROOT_NOT_FOUND', `The territory ${rootKey} to publish under does not exist in the model.`);
		}
	}

	/** Pairs plan territories with the org territories of the same key in scope. */
	match(): void {
		for (const t of this.plan.territories) {
			const o = this.orgByKey.get(lower(t.key));
			if (!o) continue;
			if (this.options.method === 'add') {
				this.issue(t.row, 'Key', t.key, 'DUPLICATE_KEY', `Territory key ${t.key} already exists in the model; "add" creates new territories only.`);
			} else if (this.scopeMissing) {
				// Already reported: without its root the scope cannot be judged.
			} else if (o === this.scopeRoot) {
				if (this.anchor) continue; // a repeated key: the plan check reports it
				this.anchor = t;
				this.matched.set(t, o);
				this.matchedIds.add(idKey(o.id));
				this.planByOrgId.set(idKey(o.id), t);
			} else if (!this.inScope(o)) {
				this.issue(t.row, 'Key', t.key, 'KEY_OUTSIDE_SCOPE', this.outsideScopeMessage(t.key, o));
			} else {
				this.matched.set(t, o);
				this.matchedIds.add(idKey(o.id));
				if (!this.planByOrgId.has(idKey(o.id))) this.planByOrgId.set(idKey(o.id), t);
			}
		}
	}

	private outsideScopeMessage(key: string, o: SnapshotTerritory): string {
		const root = this.scopeRoot as SnapshotTerritory;
		const parent = this.orgParent(o);
		const where = this.isOrgDescendant(root, o)
			? `above ${root.developerName}`
			: parent
				? `under ${parent.developerName}`
				: 'at the top of the model';
		return (
			`Territory key ${key} already exists in the model ${where}, outside the territories under ${root.developerName} ` +
			`that this publish may change; use another Key, or publish under a territory that contains it.`
		);
	}

	orgParent(o: SnapshotTerritory): SnapshotTerritory | undefined {
		return o.parentId ? this.orgById.get(idKey(o.parentId)) : undefined;
	}

	orgDepth(o: SnapshotTerritory): number {
		let depth = 0;
		const seen = new Set<string>();
		let p = this.orgParent(o);
		while (p && !seen.has(p.id)) {
			seen.add(p.id);
			depth++;
			p = this.orgParent(p);
		}
		return depth;
	}

	private isOrgDescendant(o: SnapshotTerritory, ancestor: SnapshotTerritory): boolean {
		const seen = new Set<string>();
		let p = this.orgParent(o);
		while (p && !seen.has(p.id)) {
			if (p.id === ancestor.id) return true;
			seen.add(p.id);
			p = this.orgParent(p);
		}
		return false;
	}

	/** Strictly below the scope root: the root itself is never created, moved or deleted (see `anchor`). */
	inScope(o: SnapshotTerritory): boolean {
		if (this.scopeMissing) return false;
		return this.scopeRoot ? this.isOrgDescendant(o, this.scopeRoot) : true;
	}

	/**
	 * Per plan territory this run creates: its create change's id and the one RecordRef that every record of
	 * the territory refers to it by. Change sets only read RecordRefs (apply resolves them into records of
	 * its own), so one of each serves all: at XL 50,000 new territories are referred to by some 400,000
	 * user, account and rule records, each of which built its own id text and reference before.
	 */
	private readonly creates = new Map<PlanTerritory, { id: string; ref: RecordRef }>();

	/** The id of the change that creates t (territoryChangeId), built once per territory: the stem of its other changes' ids too. */
	createId(t: PlanTerritory): string {
		return this.createOf(t).id;
	}

	private createOf(t: PlanTerritory): { id: string; ref: RecordRef } {
		let c = this.creates.get(t);
		if (!c) {
			const id = territoryChangeId(t);
			c = { id, ref: { $ref: id } };
			this.creates.set(t, c);
		}
		return c;
	}

	/** The territory's Id, or a reference to the change that creates it. */
	territoryRef(t: PlanTerritory): FieldValue {
		const o = this.matched.get(t);
		return o ? o.id : this.createOf(t).ref;
	}

	/** The create change a reference to this territory depends on ('' when it exists). */
	territoryDep(t: PlanTerritory): string {
		return this.matched.has(t) ? '' : this.createOf(t).id;
	}

	/**
	 * The Parent cell resolved: a plan key (plan names were resolved by the plan check), then an org key in
	 * scope, then the name of one org territory in scope (exact case first, then ignoring case).
	 */
	parentOf(t: PlanTerritory): ParentRef {
		if (t === this.anchor) return { kind: 'stay' };
		if (t.parentKey === null || t.parentKey === '') return { kind: 'root' };
		const p = this.planByKey.get(lower(t.parentKey));
		if (p && p !== t) return { kind: 'plan', t: p };
		const o = this.orgByKey.get(lower(t.parentKey));
		if (o && this.canParent(o)) return { kind: 'org', o };
		return this.orgParentByName(t.parentKey);
	}

	private parentKeyList: string[] | undefined;

	/** What a Parent cell may name (the plan's keys, the org territories a plan territory may hang under), for "did you mean". */
	parentKeys(): string[] {
		this.parentKeyList ??= [
			...this.plan.territories.map((t) => t.key),
			...[...this.orgById.values()].filter((o) => this.canParent(o)).map((o) => o.developerName),
		];
		return this.parentKeyList;
	}

	/** An org territory a plan territory may hang under: one in scope, or the scope root. */
	private canParent(o: SnapshotTerritory): boolean {
		return this.inScope(o) || o === this.scopeRoot;
	}

	private orgParentByName(name: string): ParentRef {
		const inScope = [...this.orgById.values()].filter((o) => this.canParent(o));
		const exact = inScope.filter((o) => o.name === name);
		const named = exact.length > 0 ? exact : inScope.filter((o) => lower(o.name) === lower(name));
		if (named.length === 1) return { kind: 'org', o: named[0] };
		if (named.length > 1) return { kind: 'missing', ambiguous: named };
		return { kind: 'missing' };
	}

	/**
	 * The anchor's Parent names somewhere else than where the scope root is: a publish under a territory
	 * cannot move that territory (empty, or its current parent's Key or Name, is fine).
	 */
	anchorMoves(t: PlanTerritory): boolean {
		if (t !== this.anchor || t.parentKey === null || t.parentKey.trim() === '') return false;
		const parent = this.scopeRoot ? this.orgParent(this.scopeRoot) : undefined;
		const ref = lower(t.parentKey.trim());
		return !parent || (lower(parent.developerName) !== ref && lower(parent.name) !== ref);
	}

	parentValue(parent: ParentRef): FieldValue {
		switch (parent.kind) {
			case 'root':
				return this.scopeRoot ? this.scopeRoot.id : null;
			case 'plan':
				return this.territoryRef(parent.t);
			case 'org':
				return parent.o.id;
			case 'stay':
				return this.scopeRoot?.parentId ?? null;
			default:
				return null;
		}
	}

	parentLabel(parent: ParentRef): string | null {
		switch (parent.kind) {
			case 'root':
				return this.scopeRoot ? this.scopeRoot.developerName : null;
			case 'plan':
				return parent.t.key;
			case 'org':
				return parent.o.developerName;
			case 'stay':
				return (this.scopeRoot && this.orgParent(this.scopeRoot)?.developerName) ?? null;
			default:
				return null;
		}
	}

	/**
	 * Where a territory hangs once the plan is applied; null at the top (or the scope root). A matched
	 * territory stays under its org parent when the plan does not manage the Parent column or names an
	 * unknown parent; an org territory the plan does not name stays where it is.
	 */
	finalParent(n: HierarchyNode, parentManaged: boolean): HierarchyNode | null {
		if (n.kind === 'org') return this.orgNode(this.orgParent(n.o));
		const parent = this.parentOf(n.t);
		const o = this.matched.get(n.t);
		if (o && (!parentManaged || parent.kind === 'missing' || parent.kind === 'stay')) return this.orgNode(this.orgParent(o));
		if (parent.kind === 'plan') return { kind: 'plan', t: parent.t };
		if (parent.kind === 'org') return this.orgNode(parent.o);
		return null;
	}

	/**
	 * The territories above t once the plan is applied, nearest first. `cycle`: the walk comes back to t
	 * (t would become its own ancestor, e.g. moved under an org territory that is below it today).
	 */
	finalAncestors(t: PlanTerritory, parentManaged: boolean): { ancestors: HierarchyNode[]; cycle: boolean } {
		const ancestors: HierarchyNode[] = [];
		const seen = new Set<PlanTerritory | SnapshotTerritory>([t]);
		let n = this.finalParent({ kind: 'plan', t }, parentManaged);
		while (n) {
			const node = n.kind === 'plan' ? n.t : n.o;
			if (node === t) return { ancestors, cycle: true };
			// A loop above t that t is not on: reported for the territories on it.
			if (seen.has(node)) break;
			seen.add(node);
			ancestors.push(n);
			n = this.finalParent(n, parentManaged);
		}
		return { ancestors, cycle: false };
	}

	private orgNode(o: SnapshotTerritory | undefined): HierarchyNode | null {
		if (!o) return null;
		const t = this.planByOrgId.get(idKey(o.id));
		return t ? { kind: 'plan', t } : { kind: 'org', o };
	}

	/** Depth among territories created in this run (a child waits for its new parent). */
	createDepth(t: PlanTerritory, seen = new Set<PlanTerritory>()): number {
		const parent = this.parentOf(t);
		if (parent.kind !== 'plan' || this.matched.has(parent.t) || seen.has(t)) return 0;
		seen.add(t);
		return this.createDepth(parent.t, seen) + 1;
	}

	/** Depth in the model once the plan is applied. */
	finalDepth(t: PlanTerritory, seen = new Set<PlanTerritory>()): number {
		const parent = this.parentOf(t);
		if (seen.has(t)) return 0;
		seen.add(t);
		if (parent.kind === 'plan') return this.finalDepth(parent.t, seen) + 1;
		if (parent.kind === 'org') return this.orgDepth(parent.o) + 1;
		if (parent.kind === 'stay' && this.scopeRoot) return this.orgDepth(this.scopeRoot);
		return this.scopeRoot ? this.orgDepth(this.scopeRoot) + 1 : 0;
	}
}
