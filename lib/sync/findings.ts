/**
 * What one stage of the diff found: its changes, issues and warnings, in the order it found them. Each
 * stage collects its own and returns them (diff.ts); a stage can reach only its own findings, so no stage
 * edits another's changes.
 *
 * Changes are collected in the order each stage finds them and sorted by phase only at the end, so each
 * stage can be written in plan order and the result is still in apply order and deterministic.
 */
import type { IssueCode } from '../issue-codes';
import type { PlanIssue } from '../plan/types';
import type { Change } from './types';

/** What a stage passes to `push`: the rest of a Change has empty defaults. */
type NewChange = Partial<Change> & Pick<Change, 'id' | 'object' | 'action' | 'label' | 'reason' | 'phase'>;

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

/** The changes, issues and warnings of one stage, in the order it found them. */
export class Findings {
	readonly changes: Change[] = [];
	readonly issues: PlanIssue[] = [];
	readonly warnings: PlanIssue[] = [];
	/** The first change of each id (ids are unique; the first wins, as a search from the start would find). */
	private readonly byId = new Map<string, Change>();

	/** Every problem as found (bound, so that it can be handed on as a sink): repeats and echoes of plan issues are dropped once, by reconcile.ts. */
	readonly issue = (row: number, column: string | null, value: string | null, code: IssueCode, message: string): void => {
		this.issues.push({ row, column, value, code, message });
	};

	/** Something the user should know that does not stop the publish. */
	warn(row: number, column: string | null, value: string | null, code: IssueCode, message: string): void {
		this.warnings.push({ row, column, value, code, message });
	}

	/** Stages pass dependencies unconditionally: '' (an existing record, nothing to wait for) is dropped. */
	push(c: NewChange): Change {
		const change: Change = { recordId: null, fields: {}, diff: [], rows: [], dependsOn: [], ...c };
		change.dependsOn = uniqueDependencies(change.dependsOn);
		this.changes.push(change);
		if (!this.byId.has(change.id)) this.byId.set(change.id, change);
		return change;
	}

	/** One of this stage's own changes, to amend it (a row more, a change more to wait for). */
	find(id: string): Change | undefined {
		return this.byId.get(id);
	}

	/**
	 * Takes back some of this stage's own changes (ones that another of its changes makes redundant), in one
	 * pass over the list: an indexOf + splice per change was quadratic when a rule's deletion replaces
	 * thousands of link deletes.
	 */
	drop(dropped: readonly Change[]): void {
		if (!dropped.length) return;
		const gone = new Set(dropped);
		let n = 0;
		for (const c of this.changes) if (!gone.has(c)) this.changes[n++] = c;
		this.changes.length = n;
		for (const c of dropped) if (this.byId.get(c.id) === c) this.byId.delete(c.id);
	}
}
