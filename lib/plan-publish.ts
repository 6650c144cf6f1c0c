/**
 * planPublish: the dry run, plus the reviewed change set (api-types ReviewedChangeSet) that
 * applyChangeSet writes exactly once approved. Same road as publishPlan's planning half.
 */
import type { PlanPublishResult, PublishOptions, ReviewedChangeSet } from './api-types';
import { OptionError, checkPublishOptions } from './options';
import { preparePublish, type ReadyToApply } from './publish';
import { REVIEW_FORMAT, REVIEW_VERSION, sealReview } from './review';
import { fingerprintOf } from './sync';

export async function planPublish(options: PublishOptions): Promise<PlanPublishResult> {
	// Scripts call this from plain JavaScript: a wrong option is refused before any file or org is touched.
	checkPublishOptions(options);
	if (options.dryRun === false) {
		throw new OptionError('dryRun', 'planPublish never writes: leave dryRun out, and apply its review with applyChangeSet (or call publishPlan to plan and write at once).');
	}
	const prepared = await preparePublish({ ...options, dryRun: true }, { guard: false });
	const result = prepared.result!;
	const review = prepared.ready && result.issues.length === 0 ? buildReview(prepared.ready, options) : null;
	return { ...result, review };
}

function buildReview(ready: ReadyToApply, options: PublishOptions): ReviewedChangeSet {
	const { changeSet, snapshot, plan, refs } = ready;
	return sealReview({
		format: REVIEW_FORMAT,
		version: REVIEW_VERSION,
		plannedAt: new Date(ready.started).toISOString(),
		model: {
			developerName: changeSet.modelDeveloperName,
			id: snapshot.model?.id ?? null,
			...(options.model.name !== undefined ? { name: options.model.name } : {}),
		},
		changeSet,
		apply: {
			ruleLinkPath: ready.linkPath,
			allowActiveModel: options.allowActiveModel ?? false,
			users: refs.users,
			accounts: refs.accounts,
			...(refs.accountKeyField ? { accountKeyField: refs.accountKeyField } : {}),
		},
		rows: plan.territories.map((t) => ({ row: t.row, rows: t.rows, key: t.key, name: t.name })),
		fingerprint: fingerprintOf(snapshot, changeSet),
	});
}
