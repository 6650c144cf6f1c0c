/**
 * What the diff's stages share, read-only (diff.ts runs them): the inputs (plan, snapshot, options), their
 * indexes, and the publish scope the scope stage matched. A stage reads it and never writes it; what it
 * finds goes into its own `Findings` (findings.ts), and what it decides for a later stage is a typed
 * result of its own.
 */
import type { GeographyMatch } from '../plan/types';
import { ruleItemField } from '../salesforce';
import type { PlanColumn, TerritoryPlan } from '../plan/types';
import { geographyMatch, ruleItemFieldName } from './org-rules';
import { AccountIndex, indexAssociations, UserIndex } from './match';
import type { TerritoryScope } from './territory-scope';
import type { DiffOptions, FieldChange, OrgSnapshot } from './types';

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

/** The inputs of one diff run and their indexes, with the publish scope once matched: read-only for every stage. */
export class DiffContext {
	readonly columns: ReadonlySet<PlanColumn>;
	readonly users: UserIndex;
	readonly accounts: AccountIndex;
	readonly assoc: ReturnType<typeof indexAssociations>;

	constructor(
		readonly plan: TerritoryPlan,
		readonly snapshot: OrgSnapshot,
		readonly options: DiffOptions,
		readonly scope: TerritoryScope,
	) {
		this.columns = new Set(plan.columns);
		this.users = new UserIndex(snapshot.users);
		this.assoc = indexAssociations(snapshot);
		this.accounts = new AccountIndex(snapshot.accounts);
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
}
