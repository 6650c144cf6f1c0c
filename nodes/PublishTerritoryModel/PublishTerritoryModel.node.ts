import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type NodeExecutionHint,
} from 'n8n-workflow';
import type { PublishMethod } from '../../lib';
import { authenticationParameter, connectedAccountOnly, connectionSettings, serverToServerOnly } from '../shared/authentication';
import { engineFailure, stoppedByApi } from '../shared/errors';
import { accountKeyField, modelLocator, scopeRootKey } from '../shared/descriptions';
import { getAccountKeyFields, salesforceTerritoryApiTest, searchModels, searchTerritories } from '../shared/methods';
import { modelTargetOf, scopeRootOf } from '../shared/targets';
import { readPlanInput, type PlanInput } from './input';
import { assertPlanArrived } from './no-plan';
import { columnNames, inNodeTerms, takeColumnMap, type ColumnNamesValue } from './params/columns';
import { describeIncomplete, refusedPlanError, toOutputItems } from './output';
import { attachChangeReport, changeReportOption, takeChangeReportOption } from './params/report';
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
		credentials: [
			{ name: 'salesforceTerritoryApi', required: true, testedBy: 'salesforceTerritoryApiTest', displayOptions: serverToServerOnly },
			{ name: 'salesforceTerritoryOAuth2Api', required: true, displayOptions: connectedAccountOnly },
		],
		hints: writingHints,
		properties: [
			authenticationParameter,
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
					accountKeyField,
					{
						displayName: 'Allow Active Model',
						name: 'allowActiveModel',
						type: 'boolean',
						default: false,
						description: 'Whether to publish into the Active model (changes reach users as soon as rules run)',
					},
					changeReportOption,
					columnNames,
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
		listSearch: { searchModels, searchTerritories },
		loadOptions: { getAccountKeyFields },
		credentialTest: { salesforceTerritoryApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
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
			columnNames?: ColumnNamesValue;
		};
		const changeReport = takeChangeReportOption(options, this);
		const columnMap = takeColumnMap(options);
		const mode = this.getNodeParameter('mode', 0) as PublishMode;

		let result: Awaited<ReturnType<typeof runPublish>>;
		let input: PlanInput;
		try {
			// The apply mode's input is the dry run's item (carrying the review), not plan rows.
			if (mode !== 'applyReview') assertPlanArrived(this);
			input = mode === 'applyReview' ? { plan: { rows: [] }, itemOfRow: () => 0, itemCount: this.getInputData().length, sheetRowOf: () => undefined } : await readPlanInput(this);
			result = inNodeTerms(await runPublish(this, mode, {
				connection: await connectionSettings(this),
				plan: input.plan,
				model: { ...modelTargetOf(this), name: (this.getNodeParameter('modelName', 0, '') as string) || undefined },
				scopeRootKey: scopeRootOf(this),
				method: this.getNodeParameter('method', 0) as PublishMethod,
				ifModelMissing: this.getNodeParameter('ifModelMissing', 0, 'stop') as 'create' | 'stop',
				...options,
				accountKeyField: options.accountKeyField || undefined,
				signal: this.getExecutionCancelSignal(),
				onProgress: progressLogger(this),
				columnMap,
			}));
		} catch (error) {
			return engineFailure(this, error);
		}
		logPhases(this, result);

		if (result.issues.length > 0 && !this.continueOnFail()) throw refusedPlanError(this.getNode(), result);
		// Rows Salesforce refused (or a run stopped early) fail the node, so error workflows and retries
		// see it; with Continue On Fail the outcomes go on as output, flagged beside it.
		const incomplete = describeIncomplete(result);
		if (incomplete && !this.continueOnFail()) {
			throw stoppedByApi(this, result.summary.stopped, incomplete.description) ?? new NodeOperationError(this.getNode(), incomplete.message, { description: incomplete.description });
		}
		// Warnings never stop a publish; they are shown beside the output.
		const hints: NodeExecutionHint[] = result.warnings.map((w) => ({ message: `Row ${w.row}: ${w.message}`, type: 'warning' as const, location: 'outputPane' as const }));
		if (incomplete) hints.unshift({ message: incomplete.message, type: 'warning', location: 'outputPane' });
		if (result.issues.length > 0) hints.unshift({ message: result.summary.outcome, type: 'danger', location: 'outputPane' });
		if (hints.length) this.addExecutionHints(...hints);
		const items = withReview(toOutputItems(result, this.getNodeParameter('output', 0) as 'summary' | 'rows', input, this.getNode()), result);
		if (changeReport) await attachChangeReport(this, items[0], result);
		return [items];
	}
}
