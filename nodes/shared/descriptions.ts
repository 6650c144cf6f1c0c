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
	],
};

export const scopeRootKey: INodeProperties = {
	displayName: 'Under Territory',
	name: 'scopeRootKey',
	type: 'string',
	default: '',
	placeholder: 'West',
	description: 'Developer Name (Key) of the territory to work under; empty means the whole model',
};
