import type { INodeProperties } from 'n8n-workflow';

/** The Model parameter both nodes share: pick from the org's models, or type a DeveloperName. */
export const modelLocator: INodeProperties = {
	displayName: 'Territory Model',
	name: 'model',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
			// Before the first publish the org has no model to list: say how to make one.
			placeholder: 'Choose a model, or switch to By Name and type a new one',
		},
		{
			// Short enough for the mode selector ("By Developer Name" showed as "By Deve"); the value stays developerName.
			displayName: 'By Name',
			name: 'developerName',
			type: 'string',
			placeholder: 'FY27_Sales',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*[A-Za-z0-9]?$',
						errorMessage: 'A Developer Name has letters, digits and single underscores, and starts with a letter',
					},
				},
			],
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: '0MA5g000000XyZ1AAK',
			validation: [
				{
					type: 'regex',
					properties: {
						// Any Salesforce Id (15 or 18 letters and digits); the org says whether it is a model's.
						regex: '^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$',
						errorMessage: 'A Salesforce ID has 15 or 18 letters and digits',
					},
				},
			],
		},
	],
};

/**
 * The territory to work under: picked from the chosen model's territories (shown by path), or typed as a
 * Key. Once a plain text parameter: a saved workflow's text value still reads as the Key (resource
 * locators hand a plain string through unchanged, n8n-core extractValue).
 */
export const scopeRootKey: INodeProperties = {
	displayName: 'Under Territory',
	name: 'scopeRootKey',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'Territory to work under; empty means the whole model',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchTerritories', searchable: true },
		},
		{
			displayName: 'By Key',
			name: 'key',
			type: 'string',
			placeholder: 'West',
		},
	],
};

/** The Account field the Accounts column refers to: one of Account's external-ID fields, or the Account Id. */
export const accountKeyField: INodeProperties = {
	displayName: 'Account Key Field Name or ID',
	name: 'accountKeyField',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getAccountKeyFields' },
	default: '',
	description:
		'Account field the Accounts column refers to: an external ID field, or Account ID. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
