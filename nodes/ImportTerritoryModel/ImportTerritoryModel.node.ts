import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { importModel, type ImportResult } from '../../lib';
import { toConnectionSettings } from '../shared/connection';
import { engineFailure } from '../shared/errors';
import { accountKeyField, modelLocator, scopeRootKey } from '../shared/descriptions';
import { CREDENTIAL_NAME, getAccountKeyFields, salesforceTerritoryApiTest, searchModels, searchTerritories } from '../shared/methods';
import { modelTargetOf, scopeRootOf } from '../shared/targets';

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
		credentials: [{ name: 'salesforceTerritoryApi', required: true, testedBy: 'salesforceTerritoryApiTest' }],
		properties: [
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
		],
	};

	methods = {
		listSearch: { searchModels, searchTerritories },
		loadOptions: { getAccountKeyFields },
		credentialTest: { salesforceTerritoryApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials(CREDENTIAL_NAME);
		let result: ImportResult;
		try {
			result = await importModel({
				connection: toConnectionSettings(credentials),
				model: modelTargetOf(this),
				scopeRootKey: scopeRootOf(this),
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
