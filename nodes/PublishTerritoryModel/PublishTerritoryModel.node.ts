import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import type { PublishMethod } from '../../lib';
import { toConnectionSettings } from '../shared/connection';
import { engineFailure, stoppedByApi } from '../shared/errors';
import { modelLocator, scopeRootKey } from '../shared/descriptions';
import { CREDENTIAL_NAME, salesforceTerritoryApiTest, searchModels } from '../shared/methods';
import { readPlanInput, type PlanInput } from './input';
import { describeIncomplete, formatIssues, toOutputItems } from './output';
import {
	ifModelMissingParameter,
	logPhases,
	maxDeletesOption,
	modeParameter,
	modeSubtitle,
	progressLogger,
	reviewFieldParameter,
	runPublish,
	withReview,
	writingHints,
	type PublishMode,
} from './params/apply';

// Deliberately not `usableAsTool`: the node rewrites a whole territory model from its input items, which
// an AI agent's tool call does not carry, and such a change should be a reviewed workflow step.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class PublishTerritoryModel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Publish Territory Model',
		name: 'publishTerritoryModel',
		icon: { light: 'file:salesforceTerritory.svg', dark: 'file:salesforceTerritory.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: modeSubtitle,
		description: 'Make a Salesforce territory model match a territory plan: territories, hierarchy, rules, users',
		defaults: { name: 'Publish Territory Model' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'salesforceTerritoryApi', required: true, testedBy: 'salesforceTerritoryApiTest' }],
		hints: writingHints,
		properties: [
			modelLocator,
			{
				displayName: 'Model Label',
				name: 'modelName',
				type: 'string',
				default: '',
				description: 'Label of the model when it has to be created (in Planning state); defaults to its Developer Name',
			},
			{
				displayName: 'Plan Source',
				name: 'source',
				type: 'options',
				options: [
					{ name: 'Input Items (One per Territory Row)', value: 'items' },
					{ name: 'CSV File (Binary Property)', value: 'binary' },
				],
				default: 'items',
			},
			{
				displayName: 'Input Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				displayOptions: { show: { source: ['binary'] } },
				description: 'Name of the binary property that holds the plan as a CSV file',
			},
			{
				displayName: 'Method',
				name: 'method',
				type: 'options',
				options: [
					{
						name: 'Add',
						value: 'add',
						description: 'Create the plan as new territories; a key that already exists is an error',
					},
					{
						name: 'Overwrite Matching',
						value: 'overwriteMatching',
						description: 'Update territories whose key matches, create the rest, leave others alone',
					},
					{
						name: 'Overwrite All',
						value: 'overwriteAll',
						description: 'Make the scope exactly the plan: territories not in the plan are deleted',
					},
				],
				default: 'overwriteMatching',
			},
			scopeRootKey,
			modeParameter,
			reviewFieldParameter,
			ifModelMissingParameter,
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'Summary', value: 'summary', description: 'One item: counts, the change set, API usage' },
					{ name: 'One Item per Plan Row', value: 'rows', description: 'The outcome of every territory row' },
				],
				default: 'summary',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Account Key Field',
						name: 'accountKeyField',
						type: 'string',
						default: '',
						placeholder: 'External_Key__c',
						description: 'Account field that the Accounts column refers to; empty means Account IDs',
					},
					{
						displayName: 'Allow Active Model',
						name: 'allowActiveModel',
						type: 'boolean',
						default: false,
						description: 'Whether to publish into the Active model (changes reach users as soon as rules run)',
					},
					{
						displayName: 'Create Missing Territory Types',
						name: 'createMissingTypes',
						type: 'boolean',
						default: false,
						description: 'Whether to create territory types the plan names that the org lacks',
					},
					{
						displayName: 'Delete Territories Not in Plan',
						name: 'deleteMissing',
						type: 'boolean',
						default: false,
						description: 'Whether to delete territories under the scope that the plan does not name',
					},
					{
						displayName: 'Ignore Unknown Columns',
						name: 'ignoreUnknownColumns',
						type: 'boolean',
						default: false,
						description: 'Whether to ignore columns the plan format does not know instead of failing',
					},
					{
						displayName: 'Manage Manual Account Assignments',
						name: 'manageAccounts',
						type: 'boolean',
						default: true,
						description: 'Whether the Accounts column sets the manual account assignments',
					},
					maxDeletesOption,
					{
						displayName: 'Territories per Model',
						name: 'maxTerritoriesPerModel',
						type: 'number',
						default: 1000,
						typeOptions: { minValue: 1, numberPrecision: 0 },
						description:
							"Most territories the model may hold. Salesforce's default is 1,000; raise it only after Salesforce support has raised the org's limit.",
					},
					{
						displayName: 'Update Hand-Made Rules',
						name: 'touchHandMadeRules',
						type: 'boolean',
						default: false,
						description: 'Whether assignment rules not created by this tool may be changed',
					},
				],
			},
		],
	};

	methods = {
		listSearch: { searchModels },
		credentialTest: { salesforceTerritoryApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials(CREDENTIAL_NAME);
		const model = this.getNodeParameter('model', 0, '', { extractValue: true }) as string;
		const options = this.getNodeParameter('options', 0, {}) as {
			accountKeyField?: string;
			allowActiveModel?: boolean;
			createMissingTypes?: boolean;
			deleteMissing?: boolean;
			ignoreUnknownColumns?: boolean;
			manageAccounts?: boolean;
			maxDeletes?: number;
			maxTerritoriesPerModel?: number;
			touchHandMadeRules?: boolean;
		};
		const mode = this.getNodeParameter('mode', 0) as PublishMode;

		let result: Awaited<ReturnType<typeof runPublish>>;
		let input: PlanInput;
		try {
			// The apply mode's input is the dry run's item (carrying the review), not plan rows.
			input = mode === 'applyReview' ? { plan: { rows: [] }, itemOfRow: () => 0 } : await readPlanInput(this);
			result = await runPublish(this, mode, {
				connection: toConnectionSettings(credentials),
				plan: input.plan,
				model: { developerName: model, name: (this.getNodeParameter('modelName', 0, '') as string) || undefined },
				scopeRootKey: (this.getNodeParameter('scopeRootKey', 0, '') as string) || null,
				method: this.getNodeParameter('method', 0) as PublishMethod,
				ifModelMissing: this.getNodeParameter('ifModelMissing', 0, 'stop') as 'create' | 'stop',
				...options,
				accountKeyField: options.accountKeyField || undefined,
				signal: this.getExecutionCancelSignal(),
				onProgress: progressLogger(this),
			});
		} catch (error) {
			return engineFailure(this, error);
		}
		logPhases(this, result);

		if (result.issues.length > 0 && !this.continueOnFail()) {
			throw new NodeOperationError(this.getNode(), `The plan has ${result.issues.length} problem(s); nothing was written`, {
				description: formatIssues(result.issues),
			});
		}
		// Rows Salesforce refused (or a run stopped early) fail the node, so error workflows and retries
		// see it; with Continue On Fail the outcomes go on as output, flagged beside it.
		const incomplete = describeIncomplete(result);
		if (incomplete && !this.continueOnFail()) {
			throw stoppedByApi(this, result.summary.stopped, incomplete.description) ?? new NodeOperationError(this.getNode(), incomplete.message, { description: incomplete.description });
		}
		// Warnings never stop a publish; they are shown beside the output.
		const hints = result.warnings.map((w) => ({ message: `Row ${w.row}: ${w.message}`, type: 'warning' as const, location: 'outputPane' as const }));
		if (incomplete) hints.unshift({ message: incomplete.message, type: 'warning', location: 'outputPane' });
		if (hints.length) this.addExecutionHints(...hints);
		return [withReview(toOutputItems(result, this.getNodeParameter('output', 0) as 'summary' | 'rows', input.itemOfRow), result)];
	}
}
