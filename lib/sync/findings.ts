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
import type { Change, FieldChange } from './types';

/**
 * A change's id from its parts: changeId(OBJECTS.territory, key, 'update') is "Territory2:<key>:update".
 * Joined into one flat string: a template literal leaves a tree of concatenation nodes (four of 32 bytes
 * for three parts) that the change set keeps for each of its changes, and that every hash of the id in a
 * map (apply's index of changes, Findings.find) walks again.
 */
export function changeId(...parts: (string | number)[]): string {
	return parts.join(':');
}

/**
 * The diff of each change without one (every create and delete): one frozen empty list, as a change set
 * only reads it. 450,000 of the XL plan's 500,000 changes are creates, each of which kept an empty array.
 */
const NO_DIFF: FieldChange[] = Object.freeze([]) as unknown as FieldChange[];

/** What a stage passes to `push`: the rest of a Change has empty defaults. */
type NewChange = Partial<Change> & Pick<Change, 'id' | 'object' | 'action' | 'label' | 'reason' | 'phase'>;

/**
 * Dependencies without '' and repeats, in order, in an array of exactly their number. A change has a
 * handful: an array grown by push reserves 17 slots (152 bytes) for one id, and the change set keeps it,
 * for each of the XL plan's 500,000 changes; filter + Set + spread made three arrays and a Set each.
 */
function uniqueDependencies(deps: readonly string[]): string[] {
	if (deps.length > 16) return [...new Set(deps.filter((d) => d !== ''))];
	const kept = (d: string, i: number) => d !== '' && deps.indexOf(d) === i;
	let count = 0;
	for (let i = 0; i < deps.length; i++) if (kept(deps[i], i)) count++;
	const out = new Array<string>(count);
	let n = 0;
	for (let i = 0; i < deps.length; i++) if (kept(deps[i], i)) out[n++] = deps[i];
	return out;
}

/** The changes, issues and warnings of one stage, in the order it found them. */
export class Findings {
	readonly changes: Change[] = [];
	readonly issues: PlanIssue[] = [];
	readonly warnings: PlanIssue[] = [];
	/**
	 * The first change of each id (ids are unique; the first wins, as a search from the start would find).
	 * Built by the first `find` and kept up to date from then on: most stages never look a change up, and
	 * a map of every change (200,000 account assignments at XL) cost more than the stage's own work.
	 */
	private byId: Map<string, Change> | null = null;

	/** Every problem as found (bound, so that it can be handed on as a sink): repeats and echoes of plan issues are dropped once, by reconcile.ts. */
	readonly issue = (row: number, column: string | null, value: string | null, code: IssueCode, message: string): void => {
		this.issues.push({ row, column, value, code, message });
	};

	/** Something the user should know that does not stop the publish. */
	warn(row: number, column: string | null, value: string | null, code: IssueCode, message: string): void {
		this.warnings.push({ row, column, value, code, message });
	}

	/**
	 * Stages pass dependencies unconditionally: '' (an existing record, nothing to wait for) is dropped.
	 *
	 * The change is one object literal, each field written once: a spread over defaults allocated a fields
	 * object and three arrays per change only to replace them, and its object outgrew its in-object slots
	 * (a property array more per change); at XL that was 500,000 changes.
	 */
	push(c: NewChange): Change {
		const change: Change = {
			id: c.id,
			object: c.object,
			action: c.action,
			recordId: c.recordId ?? null,
			label: c.label,
			fields: c.fields ?? {},
			diff: c.diff ?? NO_DIFF,
			reason: c.reason,
			rows: c.rows ?? [],
			dependsOn: uniqueDependencies(c.dependsOn ?? []),
			phase: c.phase,
		};
		// Only a few kinds of change have these: absent rather than undefined elsewhere, as before.
		if (c.recordRef !== undefined) change.recordRef = c.recordRef;
		if (c.ruleLink !== undefined) change.ruleLink = c.ruleLink;
		this.changes.push(change);
		if (this.byId && !this.byId.has(change.id)) this.byId.set(change.id, change);
		return change;
	}

	/** One of this stage's own changes, to amend it (a row more, a change more to wait for). */
	find(id: string): Change | undefined {
		if (!this.byId) {
			this.byId = new Map();
			for (const c of this.changes) if (!this.byId.has(c.id)) this.byId.set(c.id, c);
		}
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
		if (this.byId) for (const c of dropped) if (this.byId.get(c.id) === c) this.byId.delete(c.id);
	}
}
