/**
 * applyChangeSet: writes a reviewed change set (planPublish's review) exactly as it was approved, or
 * nothing. The org is read again the way the dry run read it; when a record the change set reads or
 * touches changed since (lib/sync/fingerprint.ts), the apply is refused with one ORG_CHANGED issue per
 * difference (which record, which field, before → after) and nothing is written. Otherwise the change
 * set itself is applied (not a new diff), with the per-phase model check of every publish.
 */
import type { ApplyReviewOptions, PhaseTiming, PublishResult } from './api-types';
import { checkApplyOptions } from './options';
import { connect, nextStep, readSnapshotAndGuard } from './org';
import { groupIssues } from './issue-groups';
import { applyPrepared, rowsWithIssues, summarize, throwIfCancelled, timed, type ReadyToApply } from './publish';
import { checkReview } from './review';
import { compareFingerprints, describeDifference, hashOf, stateOf } from './sync';
import type { PlanIssue, TerritoryPlan } from './plan/types';

/** How many differences an ORG_CHANGED refusal lists one by one. */
const DIFFERENCES_LISTED = 50;

export async function applyChangeSet(options: ApplyReviewOptions): Promise<PublishResult> {
	const started = Date.now();
	checkApplyOptions(options);
	const { review, signal } = options;
	checkReview(review);
	const phases: PhaseTiming[] = [];
	const target = review.model.id ? { id: review.model.id } : { developerName: review.model.developerName };
	// Only what rowOutcomes reads of a plan: the territories' rows, keys and names.
	const plan = { territories: review.rows, issues: [], columns: [] } as unknown as TerritoryPlan;
	const { changeSet } = review;

	throwIfCancelled(signal, 'the connection to the org');
	const conn = await connect(options);
	const refs = { users: review.apply.users, accounts: review.apply.accounts, accountKeyField: review.apply.accountKeyField };
	// The guard's first state from the same reads, as in publishPlan (readSnapshotAndGuard).
	const { snapshot, guard } = await timed(phases, 'read', conn, () =>
		readSnapshotAndGuard(conn, target, refs, (progress) => {
			throwIfCancelled(signal, 'the read of the org');
			options.onProgress?.(progress);
		}),
	);
	const now = stateOf(snapshot, Object.keys(review.fingerprint.entries));
	const differences = hashOf(now) === review.fingerprint.hash ? [] : compareFingerprints(review.fingerprint, now);

	const issues: PlanIssue[] = differences.slice(0, DIFFERENCES_LISTED).map((d) => ({
		row: 0,
		column: d.field,
		value: d.record,
		code: 'ORG_CHANGED',
		message: `The org changed since the dry run of ${review.plannedAt}: ${describeDifference(d)}. Nothing was written; run the dry run again and review its changes.`,
	}));
	if (differences.length > DIFFERENCES_LISTED) {
		issues.push({
			row: 0,
			column: null,
			value: null,
			code: 'ORG_CHANGED',
			message: `… and ${differences.length - DIFFERENCES_LISTED} more changes in the org since the dry run. Nothing was written.`,
		});
	}
	const finish: ReadyToApply['finish'] = (outcomes, rows, context) => {
		const summary = summarize(changeSet, outcomes, { ...context, started, problems: issues.length, rows });
		const next = nextStep({
			dryRun: false,
			refused: issues.length > 0,
			stoppedCode: context.stopped?.code ?? null,
			changes: changeSet.changes.length,
			modelDeveloperName: changeSet.modelDeveloperName,
			modelState: snapshot.model?.state ?? null,
			reviewed: true,
		});
		return { summary: { ...summary, next, phases }, rows, changeSet, issues, issueGroups: groupIssues(issues), warnings: changeSet.warnings };
	};
	if (issues.length) {
		return finish([], rowsWithIssues(plan, issues), { dryRun: false, usage: conn.usage(), stopped: null, modelCreated: false });
	}
	const ready: ReadyToApply = {
		conn,
		plan,
		snapshot,
		changeSet,
		refs,
		linkPath: review.apply.ruleLinkPath,
		started,
		phases,
		guard,
		modelTarget: target,
		finish,
		reviewed: true,
	};
	return applyPrepared(ready, { onProgress: options.onProgress, signal });
}
