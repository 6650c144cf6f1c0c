/**
 * The Publish node's writing parameters: Mode (dry run, write, apply a reviewed change set), where the
 * review comes from, what to do when the model does not exist, Maximum Deletes, and the static hints
 * that make a writing mode unmistakable in the editor. `runPublish` calls the engine for the mode.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, NodeHint } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { applyChangeSet, planPublish, publishPlan, type PublishOptions, type PublishResult, type ReviewedChangeSet } from '../../../lib';

export type PublishMode = 'dryRun' | 'write' | 'applyReview';

export const modeParameter: INodeProperties = {
	displayName: 'Mode',
	name: 'mode',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Dry Run (Write Nothing)',
			value: 'dryRun',
			description: 'Show the change set and write nothing; the output item carries a review that Apply a Reviewed Change Set writes later',
		},
		{
			name: 'Write to Salesforce',
			value: 'write',
			description: 'Compute the change set and write it to the territory model now',
		},
		{
			name: 'Apply a Reviewed Change Set',
			value: 'applyReview',
			description: 'Write exactly the change set of an earlier dry run (e.g. after an approval step), or nothing if the org changed since',
		},
	],
	default: 'dryRun',
};

export const reviewFieldParameter: INodeProperties = {
	displayName: 'Review Field',
	name: 'reviewField',
	type: 'string',
	default: 'review',
	required: true,
	displayOptions: { show: { mode: ['applyReview'] } },
	description:
		"Field of the first input item that holds the review a dry run returned (its summary item's review field). After an approval step the field keeps its name when the step passes the dry run's item on; otherwise give a field path such as body.review.",
};

export const ifModelMissingParameter: INodeProperties = {
	displayName: 'If the Model Does Not Exist',
	name: 'ifModelMissing',
	type: 'options',
	options: [
		{ name: 'Stop', value: 'stop', description: 'Write nothing and say so: a mistyped Developer Name never creates a second model' },
		{ name: 'Create It', value: 'create', description: 'Create the model (in Planning state) and publish into it' },
	],
	default: 'stop',
	displayOptions: { hide: { mode: ['applyReview'] } },
};

export const maxDeletesOption: INodeProperties = {
	displayName: 'Maximum Deletes',
	name: 'maxDeletes',
	type: 'number',
	default: 10,
	typeOptions: { minValue: 0, numberPrecision: 0 },
	description:
		'Most territories, rules, user and account assignments one run may delete; a plan that would delete more writes nothing and lists what it would have deleted (dry runs too)',
};

/** Shown in the editor before a run: which mode writes, and when deletes are possible. */
export const writingHints: NodeHint[] = [
	{
		message: 'This node WRITES to Salesforce when it runs. Use Mode "Dry Run (Write Nothing)" to see the change set first.',
		type: 'warning',
		location: 'ndv',
		whenToDisplay: 'always',
		displayCondition: '={{ $parameter["mode"] === "write" }}',
	},
	{
		message: 'This node WRITES the reviewed change set to Salesforce when it runs (or nothing if the org changed since the dry run).',
		type: 'warning',
		location: 'ndv',
		whenToDisplay: 'always',
		displayCondition: '={{ $parameter["mode"] === "applyReview" }}',
	},
	{
		message: 'Territories not in the plan are deleted (Overwrite All or Delete Territories Not in Plan). Set Options → Maximum Deletes to cap them.',
		type: 'warning',
		location: 'ndv',
		whenToDisplay: 'always',
		displayCondition: '={{ $parameter["mode"] !== "applyReview" && ($parameter["method"] === "overwriteAll" || $parameter["options"]["deleteMissing"] === true) }}',
	},
];

/** The canvas subtitle: the mode first, in capitals when it writes. */
export const modeSubtitle =
	'={{ $parameter["mode"] === "write" ? "WRITES to Salesforce" : $parameter["mode"] === "applyReview" ? "WRITES reviewed change set" : "Dry run (writes nothing)" }}';

/** The review the mode "Apply a Reviewed Change Set" writes, from the first input item. */
function reviewFromInput(ctx: IExecuteFunctions): ReviewedChangeSet {
	const field = (ctx.getNodeParameter('reviewField', 0, 'review') as string).trim() || 'review';
	const json = ctx.getInputData()[0]?.json ?? {};
	const value = field.split('.').reduce<unknown>((v, part) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined), json);
	if (value === undefined || value === null) {
		throw new NodeOperationError(ctx.getNode(), `The first input item has no field '${field}' holding a reviewed change set`, {
			description:
				"Connect the dry run's output (Mode: Dry Run, Output: Summary) to this node, directly or through the approval step, or set Review Field to the field that holds its review.",
		});
	}
	return value as ReviewedChangeSet;
}

/**
 * The engine call for the node's mode. `options` are the publish options the node built (plan, model,
 * method …); the apply mode takes only the connection and the review. Dry runs carry the review.
 */
export async function runPublish(
	ctx: IExecuteFunctions,
	mode: PublishMode,
	options: Omit<PublishOptions, 'plan'> & { plan?: PublishOptions['plan'] },
): Promise<PublishResult & { review?: ReviewedChangeSet | null }> {
	if (mode === 'applyReview') {
		return applyChangeSet({ connection: options.connection, review: reviewFromInput(ctx), onProgress: options.onProgress, signal: options.signal });
	}
	const plan = options.plan!;
	const { dryRun: _dryRun, ...rest } = options;
	if (mode === 'dryRun') return planPublish({ ...rest, plan });
	return publishPlan({ ...rest, plan, dryRun: false });
}

/** Progress at info level, once per phase (n8n has no progress API for nodes: the log is where it shows). */
export function progressLogger(ctx: IExecuteFunctions): PublishOptions['onProgress'] {
	let last = '';
	return ({ phase, done, total }) => {
		if (phase === last) return ctx.logger.debug(`Publish Territory Model: ${phase} ${done}/${total}`);
		last = phase;
		ctx.logger.info(`Publish Territory Model: ${phase} (${done}/${total} done)`);
	};
}

/** Each phase's time, calls and records at info level once the run is over. */
export function logPhases(ctx: IExecuteFunctions, result: PublishResult): void {
	for (const p of result.summary.phases ?? []) {
		ctx.logger.info(`Publish Territory Model: phase ${p.phase}: ${p.records} records, ${p.calls} API calls, ${p.ms} ms`);
	}
}

/** A dry run's summary item carries its review, for Apply a Reviewed Change Set after an approval. */
export function withReview(items: INodeExecutionData[], result: { review?: ReviewedChangeSet | null }): INodeExecutionData[] {
	if (!result.review || items.length !== 1 || !('dryRun' in items[0].json)) return items;
	return [{ ...items[0], json: { ...items[0].json, review: result.review as unknown as IDataObject } }];
}
