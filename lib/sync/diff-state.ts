/**
 * The state one diff run shares between its parts (territories, rules, users, accounts, model checks):
 * the inputs and their indexes, the changes and issues found so far, and what one part decided that
 * another must know (the model's Id or its create, deleted territories, the count of new ones).
 *
 * Changes are collected in the order the parts find them and sorted by phase only at the end, so each
 * part can be written in plan order and the result is still in apply order and deterministic.
 */
import type { IssueCode } from '../issue-codes';
import type { GeographyMatch } from '../plan/rules';
import { ruleItemField } from '../salesforce';
import type { PlanColumn, PlanIssue, TerritoryPlan } from '../plan/types';
import { geographyMatch, ruleItemFieldName } from './org-rules';
import { AccountIndex, indexAssociations, UserIndex } from './match';
import { TerritoryScope } from './territory-scope';
import type { Change, ChangeSet, DiffOptions, FieldChange, FieldValue, OrgSnapshot } from './types';

/** Rendering of a value in reasons: 'text', or (none). */
export function quote(v: unknown): string {
	return v === null || v === undefined || v === '' ? '(none)' : `'${String(v)}'`;
}

/** The reason of an update: "Name: 'a' → 'b'; Description: (none) → 'c'". */
export function changesReason(changes: FieldChange[]): string {
	return changes.map((c) => `${c.field}: ${quote(c.from)} → ${quote(c.to)}`).join('; ');
}

export const lower = (s: string): string => s.toLowerCase();

/** A cell's text, with blank meaning "no value". */
export const text = (s: string | null | undefined): string | null => (s === null || s === undefined || s.trim() === '' ? null : s.trim());

/**
 * Diff codes that name a problem the plan check already reports under another code (same row and
 * column): the plan's issue is the one kept, whatever value each carries.
 */
const SAME_PROBLEM_AS: Record<string, string[]> = {
	FORECAST_MANAGER_NOT_ASSIGNED: ['FORECAST_MANAGER_NOT_USER'],
	TERRITORY_LIMIT: ['TOO_MANY_TERRITORIES'],
	// A field Account does not have is reported once, as the plan's UNKNOWN_FIELD.
	RULE_FIELD_NOT_AVAILABLE: ['UNKNOWN_FIELD'],
};

/**
 * Dependencies without '' and repeats, in order. A change has a handful: a loop allocates one array where
 * filter + Set + spread made three and a Set for each of the XL plan's 500,000 changes.
 */
function uniqueDependencies(deps: readonly string[]): string[] {
	if (deps.length > 16) return [...new Set(deps.filter((d) => d !== ''))];
	const out: string[] = [];
	for (const d of deps) if (d !== '' && !out.includes(d)) out.push(d);
	return out;
}

const issueKey = (...parts: unknown[]): string => parts.map((p) => String(p)).join('\u0000');

/** What a part passes to `push`: the rest of a Change has empty defaults. */
type NewChange = Partial<Change> & Pick<Change, 'id' | 'object' | 'action' | 'label' | 'reason' | 'phase'>;

export class DiffState {
	readonly changes: Change[] = [];
	readonly issues: PlanIssue[] = [];
	readonly warnings: PlanIssue[] = [];
	readonly columns: Set<PlanColumn>;
	/** Set by the model check: the existing model's Id, or the id of the change that creates it. */
	modelId: string | null = null;
	modelChangeId: string | null = null;

	readonly scope: TerritoryScope;
	readonly users: UserIndex;
	readonly accounts: AccountIndex;
	readonly assoc: ReturnType<typeof indexAssociations>;

	/** Territories deleted as missing from the plan (idKey); their rules and the territory count depend on it. */
	readonly deletedTerritoryIds = new Set<string>();
	createdTerritories = 0;

	/** The first change of each id, for `find`: a scan of every change per territory was quadratic at scale. */
	private byId = new Map<string, Change>();
	private readonly issueKeys = new Set<string>();
	/** (row, column, code) of the plan's own issues. */
	private readonly planIssueCodes: Set<string>;

	constructor(
		readonly plan: TerritoryPlan,
		readonly snapshot: OrgSnapshot,
		readonly options: DiffOptions,
	) {
		this.columns = new Set(plan.columns);
		this.planIssueCodes = new Set(plan.issues.map((i) => issueKey(i.row, i.column, i.code)));
		this.users = new UserIndex(snapshot.users);
		this.assoc = indexAssociations(snapshot);
		this.accounts = new AccountIndex(snapshot.accounts);
		this.scope = new TerritoryScope(plan, snapshot, options, (...a) => this.issue(...a));
	}

	/** One problem, one issue: a repeat (row, column, code, value) or an echo of a plan issue is dropped. */
	issue(row: number, column: string | null, value: string | null, code: IssueCode, message: string): void {
		const key = issueKey(row, column, code, value);
		if (this.issueKeys.has(key)) return;
		if ((SAME_PROBLEM_AS[code] ?? []).some((c) => this.planIssueCodes.has(issueKey(row, column, c)))) return;
		this.issueKeys.add(key);
		this.issues.push({ row, column, value, code, message });
	}

	/** Something the user should know that does not stop the publish. */
	warn(row: number, column: string | null, value: string | null, code: IssueCode, message: string): void {
		this.warnings.push({ row, column, value, code, message });
	}

	/** Parts pass dependencies unconditionally: '' (an existing record, nothing to wait for) is dropped. */
	push(c: NewChange): Change {
		const change: Change = { recordId: null, fields: {}, diff: [], rows: [], dependsOn: [], ...c };
		change.dependsOn = uniqueDependencies(change.dependsOn);
		this.changes.push(change);
		if (!this.byId.has(change.id)) this.byId.set(change.id, change);
		return change;
	}

	find(id: string): Change | undefined {
		return this.byId.get(id);
	}

	/** Takes changes back out (rare: a rule's deletion replaces its links' deletes), one pass over the list. */
	remove(dropped: readonly Change[]): void {
		if (!dropped.length) return;
		const gone = new Set(dropped);
		let n = 0;
		for (const c of this.changes) if (!gone.has(c)) this.changes[n++] = c;
		this.changes.length = n;
		this.byId = new Map();
		for (const c of this.changes) if (!this.byId.has(c.id)) this.byId.set(c.id, c);
	}

	/** The model's Id, or a reference to the change that creates it. */
	get modelRef(): FieldValue {
		return this.modelChangeId ? { $ref: this.modelChangeId } : this.modelId;
	}

	/** How this org writes states and countries in rules (org-rules.ts). */
	get geography(): GeographyMatch {
		return geographyMatch(this.snapshot.describe);
	}

	/** A rule item's Field in the form the org lists; the qualified form when it lists neither (org-rules.ts reports that). */
	ruleItemField(field: string): string {
		return ruleItemFieldName(this.snapshot.describe, field) ?? ruleItemField(field);
	}

	userLabel(userId: string | null): string | null {
		if (!userId) return null;
		return this.users.get(userId)?.username ?? userId;
	}

	result(): ChangeSet {
		// Stable sort: within a phase, changes keep the (deterministic) order they were found in.
		const changes = this.changes.map((c, i) => ({ c, i })).sort((a, b) => a.c.phase - b.c.phase || a.i - b.i).map((x) => x.c);
		return { modelDeveloperName: this.options.modelDeveloperName, modelId: this.modelId, changes, issues: this.issues, warnings: this.warnings };
	}
}
