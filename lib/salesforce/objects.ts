/** Salesforce's object names, Id shapes and the API version the engine speaks. */

/** The REST API version every connection is pinned to (jsforce defaults to 50.0; v62.0 is Winter '25). */
export const API_VERSION = '62.0';

/** API names of the objects the engine reads and writes (Object Reference). */
export const OBJECTS = {
	model: 'Territory2Model',
	type: 'Territory2Type',
	territory: 'Territory2',
	rule: 'ObjectTerritory2AssignmentRule',
	ruleItem: 'ObjectTerritory2AssignmentRuleItem',
	ruleTerritory: 'RuleTerritory2Association',
	userTerritory: 'UserTerritory2Association',
	objectTerritory: 'ObjectTerritory2Association',
	user: 'User',
	account: 'Account',
} as const;

/** Key prefixes (the first three characters of an Id) of the standard objects a plan names by Id. */
export const KEY_PREFIXES = { user: '005', account: '001' } as const;

