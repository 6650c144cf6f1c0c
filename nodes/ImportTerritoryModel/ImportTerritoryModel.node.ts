import {
	NodeConnectionTypes,
	NodeOperationError,
		type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { importModel, type ImportResult } from '../../lib';
import { authenticationParameter, connectedAccountOnly, connectionSettings, serverToServerOnly } from '../shared/authentication';
import { accountKeyField, modelLocator, scopeRootKey } from '../shared/descriptions';
import { engineFailure } from '../shared/errors';
import { getAccountKeyFields, salesforceTerritoryApiTest, searchModels, searchTerritories } from '../shared/methods';
import { modelTargetOf, scopeRootOf } from '../shared/targets';
import { importOptions } from './options';
import { importOutput } from './output';

export class ImportTerritoryModel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Import Territory Model',
		name: 'importTerritoryModel',
		icon: { light: 'file:salesforceTerritory.svg', dark: 'file:salesforceTerritory.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["output"] === "binary" ? "To CSV file" : "To items"}}',
		description: 'Read a Salesforce territory model back into the territory plan table',
		defaults: { name: 'Import Territory Model' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'salesforceTerritoryApi', required: true, testedBy: 'salesforceTerritoryApiTest', displayOptions: serverToServerOnly },
			{ name: 'salesforceTerritoryOAuth2Api', required: true, displayOptions: connectedAccountOnly },
		],
		properties: [
			authenticationParameter,
			modelLocator,
			scopeRootKey,
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'Items (One per Territory Row)', value: 'items' },
					{ name: 'CSV File (Binary)', value: 'binary' },
				],
				default: 'items',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: 'territory-plan.csv',
				displayOptions: { show: { output: ['binary'] } },
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { output: ['binary'] } },
			},
			{
				displayName: 'Include Manual Account Assignments',
				name: 'includeAccounts',
				type: 'boolean',
				default: false,
				description: 'Whether to fill the Accounts column with the accounts assigned to each territory by hand',
			},
			{ ...accountKeyField, displayOptions: { show: { includeAccounts: [true] } } },
			importOptions,
		],
	};

	methods = {
		listSearch: { searchModels, searchTerritories },
		loadOptions: { getAccountKeyFields },
		credentialTest: { salesforceTerritoryApiTest },
	};

	/**
	 * Runs once per input item: the model, the scope and the other parameters may differ per item
	 * (expressions), and each result is paired with the item it was asked for.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let connection: Awaited<ReturnType<typeof connectionSettings>>;
		try {
			// A credential never connected (OAuth2) fails here: with Continue On Fail, as an item like the rest.
			connection = await connectionSettings(this);
		} catch (error) {
			return engineFailure(this, error);
		}
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			let result: ImportResult;
			try {
				result = await importModel({
					connection,
					model: modelTargetOf(this, i),
					scopeRootKey: scopeRootOf(this, i),
					includeAccounts: this.getNodeParameter('includeAccounts', i, false) as boolean,
					accountKeyField: (this.getNodeParameter('accountKeyField', i, '') as string) || undefined,
					onProgress: ({ phase, done, total }) => this.logger.debug(`Import Territory Model: ${phase} ${done}/${total}`),
				});
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
			out.push(...(await importOutput(this, result, i)));
		}
		return [out];
	}
}
