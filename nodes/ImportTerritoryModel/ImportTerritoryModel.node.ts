import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { importModel, type ImportResult } from '../../lib';
import { authenticationParameter, connectedAccountOnly, connectionSettings, serverToServerOnly } from '../shared/authentication';
import { engineFailure } from '../shared/errors';
import { modelLocator, scopeRootKey } from '../shared/descriptions';
import { salesforceTerritoryApiTest, searchModels } from '../shared/methods';

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
			{
				displayName: 'Account Key Field',
				name: 'accountKeyField',
				type: 'string',
				default: '',
				placeholder: 'External_Key__c',
				displayOptions: { show: { includeAccounts: [true] } },
				description: 'Account field to write in the Accounts column; empty means Account IDs',
			},
		],
	};

	methods = {
		listSearch: { searchModels },
		credentialTest: { salesforceTerritoryApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let result: ImportResult;
		try {
			result = await importModel({
				connection: await connectionSettings(this),
				model: { developerName: this.getNodeParameter('model', 0, '', { extractValue: true }) as string },
				scopeRootKey: (this.getNodeParameter('scopeRootKey', 0, '') as string) || null,
				includeAccounts: this.getNodeParameter('includeAccounts', 0, false) as boolean,
				accountKeyField: (this.getNodeParameter('accountKeyField', 0, '') as string) || undefined,
				onProgress: ({ phase, done, total }) => this.logger.debug(`Import Territory Model: ${phase} ${done}/${total}`),
			});
		} catch (error) {
			return engineFailure(this, error);
		}

		// What the table cannot carry (hand-made rules kept in the org) is shown beside the output.
		const notes = result.notes.map((note) => ({ message: `${note.key}: ${note.message}`, type: 'warning' as const, location: 'outputPane' as const }));
		if (notes.length) this.addExecutionHints(...notes);

		if (this.getNodeParameter('output', 0) === 'binary') {
			const fileName = this.getNodeParameter('fileName', 0) as string;
			const property = this.getNodeParameter('binaryPropertyName', 0) as string;
			const binary = await this.helpers.prepareBinaryData(Buffer.from(result.csv, 'utf8'), fileName, 'text/csv');
			const json = { ...result.summary, notes: result.notes } as unknown as IDataObject;
			return [[{ json, binary: { [property]: binary }, pairedItem: { item: 0 } }]];
		}
		return [result.rows.map((row) => ({ json: row as IDataObject, pairedItem: { item: 0 } }))];
	}
}
