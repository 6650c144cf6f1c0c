/**
 * The second pass of a publish that went on while another writer changed its model (lib/org/guard.ts).
 *
 * Two publishes released together can both write before either can see the other: the guard then lets
 * the one with the earlier claim go on and stops the other at its next check. What the loser wrote until
 * then (its first phases) is in the org, and the winner's change set, diffed before, knows nothing of it:
 * a territory the winner deletes may have the loser's children (DELETE_FAILED), a key both plans create
 * exists twice over, or (overwriteAll) the loser's territories stay in a model that should be exactly
 * the winner's plan. So the winner, once the loser has stopped (waitForQuiet), reads the model again and
 * publishes the same plan once more: the final model is what publishing the winner's plan after the
 * loser's stop gives, as if the two had run one after the other. Its result is both passes in one: the
 * changes each pass wrote, the second pass's failures (the first pass's failures and skips are what the
 * second pass planned again), the calls of both.
 */
import type { ApiUsage, ChangeOutcome, PublishOptions, PublishResult } from './api-types';
import type { PlanIssue } from './plan/types';
import { AFTER_WRITES, isRecordRef, waitForQuiet, type ApplyResult } from './org';
import { preparePublish, resultOf, writePrepared, type ReadyToApply } from './publish';
import type { Change, ChangeSet, FieldValue } from './sync';

/** Suffix of the second pass's change ids: both passes' changes stand in one change set. */
const SECOND = '~2';

/** The phase timing the wait for the other writer is counted in. */
const WAIT_FOR_OTHER_WRITER = 'waitForOtherWriter';

/** Publishes the prepared change set; when another writer lost to it, the second pass too. */
export async function publishConverged(options: PublishOptions, ready: ReadyToApply): Promise<PublishResult> {
	const run = { onProgress: options.onProgress, signal: options.signal };
	const applied = await writePrepared(ready, run);
	if (!ready.sawOtherWriter || applied.stopped || options.signal?.aborted) return resultOf(ready, ready.changeSet, applied);
	// Someone began writing after this run had finished (a later publish): a second pass would undo them.
	if (ready.guardNotes?.some((n) => n.code === 'CHANGED_AFTER_PUBLISH')) {
		return firstPassWith(ready, applied, 'no second pass was made, because a later writer began after this one had finished; what the other wrote before it stopped may still be in the model: run a dry run of this plan to see it');
	}

	const waited = Date.now();
	const callsBefore = ready.conn.usage().calls;
	const target = ready.modelTarget.id ? ready.modelTarget : { developerName: ready.changeSet.modelDeveloperName };
	await waitForQuiet(ready.conn, target, quietInterval(applied), options.signal);
	ready.phases.push({ phase: WAIT_FOR_OTHER_WRITER, ms: Date.now() - waited, calls: ready.conn.usage().calls - callsBefore, records: 0 });
	// Stopped on request while waiting: the first pass is the answer (the next publish finishes the job).
	if (options.signal?.aborted) return resultOf(ready, ready.changeSet, applied);

	let second: ReadyToApply;
	let appliedAgain: ApplyResult;
	try {
		const prepared = await preparePublish(options, { guard: true });
		// The second pass keeps the first pass's claim: another writer that shows up now still meets it.
		if (prepared.ready) prepared.ready.priorClaim = { ids: createdIds(applied), until: ready.lastWriteAt ?? null };
		// The model as the other writer left it refuses the plan (a limit, a user gone): the first pass's
		// result says so beside what it wrote.
		if (prepared.result) return firstPassWith(ready, applied, `a second pass found problems and wrote nothing: ${prepared.result.issues.map((i) => i.message).slice(0, 3).join('; ')}`);
		second = prepared.ready;
		appliedAgain = await writePrepared(second, run);
	} catch (e) {
		// The second pass could not read or write (the org unreachable, stopped on request): the first pass's
		// changes are in the org and its result must not be lost; the next publish of the plan finishes the job.
		return firstPassWith(ready, applied, `the second pass did not finish (${e instanceof Error ? e.message : String(e)}); publish the same plan again to remove what the other wrote`);
	}
	return merged(ready, applied, second, appliedAgain);
}

/** The Ids of the records a pass created. */
function createdIds(applied: ApplyResult): string[] {
	return applied.outcomes.filter((o) => o.action === 'create' && o.status === 'done' && o.recordId).map((o) => o.recordId!);
}

/** The first pass's result, with a note of why no second pass was written. */
function firstPassWith(ready: ReadyToApply, applied: ApplyResult, detail: string): PublishResult {
	const first = resultOf(ready, ready.changeSet, applied);
	first.warnings.push(note(detail));
	return first;
}

/** Both passes as one result, its rows and counts from the changes each pass wrote. */
function merged(first: ReadyToApply, applied: ApplyResult, second: ReadyToApply, appliedAgain: ApplyResult): PublishResult {
	const done = applied.outcomes.filter((o) => o.status === 'done');
	const doneIds = new Set(done.map((o) => o.changeId));
	const changeSet: ChangeSet = {
		...second.changeSet,
		changes: [...first.changeSet.changes.filter((c) => doneIds.has(c.id)), ...second.changeSet.changes.map(secondPass)],
	};
	const outcomes: ChangeOutcome[] = [...done, ...appliedAgain.outcomes.map((o) => ({ ...o, changeId: o.changeId + SECOND }))];
	const usage = sumUsage(first.conn.usage(), second.conn.usage());
	const result = resultOf(second, changeSet, { outcomes, stopped: appliedAgain.stopped }, usage);
	// The first pass's own notes (a check after its last write that could not be made) stand beside the second's.
	const firstNotes = (first.guardNotes ?? []).filter((n) => !result.warnings.some((w) => w.code === n.code));
	if (firstNotes.length) result.warnings = [...result.warnings, ...firstNotes];
	const secondPhases = second.phases.map((p) => ({ ...p, phase: `${p.phase} (second pass)` }));
	result.summary.phases = [...first.phases, ...secondPhases];
	result.summary.durationMs = Date.now() - first.started;
	result.warnings.push(
		note(
			`the first pass wrote ${done.length} changes; once the other had stopped, the second pass read the model again and wrote ${appliedAgain.outcomes.filter((o) => o.status === 'done').length}`,
		),
	);
	return result;
}

function note(detail: string): PlanIssue {
	return {
		row: 0,
		column: null,
		value: null,
		code: 'OTHER_WRITER',
		message: `Another publish wrote to this model at the same time and stopped (this one wrote first, lib/org/guard.ts); ${detail}.`,
	};
}

/** A change of the second pass, its id and the ids it refers to marked as the second pass's. */
function secondPass(change: Change): Change {
	const fields: Record<string, FieldValue> = {};
	for (const [k, v] of Object.entries(change.fields)) fields[k] = isRecordRef(v) ? { ...v, $ref: v.$ref + SECOND } : v;
	return {
		...change,
		id: change.id + SECOND,
		dependsOn: change.dependsOn.map((d) => d + SECOND),
		...(change.recordRef ? { recordRef: change.recordRef + SECOND } : {}),
		fields,
	};
}

function sumUsage(a: ApiUsage, b: ApiUsage): ApiUsage {
	return { ...b, calls: a.calls + b.calls };
}

/**
 * How long the model must stay unchanged to count as quiet: twice this run's slowest write call (the other
 * writer's calls are of the same kind), at least a quarter second, at most ten.
 */
function quietInterval(applied: ApplyResult): number {
	const perCall = applied.phases.filter((p) => p.calls > 0 && p.phase !== AFTER_WRITES).map((p) => p.ms / p.calls);
	return Math.min(10_000, Math.max(250, 2 * Math.max(0, ...perCall)));
}
