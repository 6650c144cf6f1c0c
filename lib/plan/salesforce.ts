/**
 * Every Salesforce fact the engine relies on: object and field names, limits, picklist values.
 * Kept in one place so that a difference found against a real org is a one-line change.
 * Source: shared/docs/salesforce-territories.md.
 */

export const LIMITS = {
	/** Territory2.Name, Territory2.DeveloperName, model Name/DeveloperName, rule MasterLabel. */
	nameLength: 80,
	developerNameLength: 80,
	/**
	 * Description is string(1000) on Territory2 but 255 on Territory2Model and Territory2Type
	 * (Object Reference / Field Reference: Territory2, Territory2Model, Territory2Type).
	 */
	territoryDescriptionLength: 1000,
	modelDescriptionLength: 255,
	typeDescriptionLength: 255,
	/** Default territories per model; raised by Salesforce support on request. */
	territoriesPerModel: 1000,
	rulesPerTerritory: 15,
	itemsPerRule: 10,
	booleanFilterLength: 255,
	ruleItemValueLength: 1000,
	/** sObject Collections: records per call. */
	collectionSize: 200,
	/** Composite: subrequests per call, and how many of them may be collections or queries. */
	compositeSubrequests: 25,
	compositeCollections: 5,
	/** REST query page size. */
	queryPageSize: 2000,
} as const;

/** Territory models an org may hold, clones included, by edition (Help: Create and Edit a Territory Model). */
export const MODELS_PER_EDITION: Record<string, number> = { Developer: 4, Enterprise: 2, Performance: 4, Unlimited: 4 };

/** The REST API version every connection is pinned to (jsforce defaults to 50.0). */
export const API_VERSION = '62.0';

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

export type SObjectName = (typeof OBJECTS)[keyof typeof OBJECTS];

/**
 * The only model states the engine publishes into: Planning, and Active when the caller allows it.
 * Every other state is refused before a write: Activating, Activation Failed, Archiving, Archiving
 * Failed, Archived, Deleting, Deletion Failed (Object Reference, Territory2Model.State), Cloning and
 * Cloning Failed (Metadata API guide, Territory2Model), and any state a later release adds.
 * Metadata API guide, Territory2Model: deploys go only into Planning or Active models.
 */
export const PUBLISHABLE_MODEL_STATES = ['Planning', 'Active'] as const;

/** Access levels: API value ← accepted spellings (API values and Setup labels, compared case-insensitively). */
export const ACCOUNT_ACCESS: Record<string, string> = {
	read: 'Read',
	'read only': 'Read',
	edit: 'Edit',
	'read/write': 'Edit',
	all: 'All',
	owner: 'All',
};
export const OPPORTUNITY_CASE_ACCESS: Record<string, string> = {
	none: 'None',
	private: 'None',
	read: 'Read',
	'read only': 'Read',
	edit: 'Edit',
	'read/write': 'Edit',
};

/** Rule item operators: Salesforce names ← accepted spellings. */
export const RULE_OPERATORS: Record<string, string> = {
	equals: 'equals',
	'=': 'equals',
	'==': 'equals',
	notequal: 'notEqual',
	'!=': 'notEqual',
	'<>': 'notEqual',
	lessthan: 'lessThan',
	'<': 'lessThan',
	greaterthan: 'greaterThan',
	'>': 'greaterThan',
	lessorequal: 'lessOrEqual',
	'<=': 'lessOrEqual',
	greaterorequal: 'greaterOrEqual',
	'>=': 'greaterOrEqual',
	contains: 'contains',
	notcontain: 'notContain',
	startswith: 'startsWith',
	includes: 'includes',
	excludes: 'excludes',
	within: 'within',
};

/** The geography columns and the Account fields their rule items test. */
export const GEOGRAPHY_FIELDS = {
	postalCodes: 'BillingPostalCode',
	countries: 'BillingCountry',
	states: 'BillingState',
} as const;

/**
 * Rule item Field format is unconfirmed ("Account.BillingPostalCode" or "BillingPostalCode").
 * We write the qualified form and accept both when reading; this is the one place that decides.
 */
export function ruleItemField(field: string): string {
	return `Account.${bareRuleItemField(field)}`;
}
export function bareRuleItemField(field: string): string {
	return field.replace(/^Account\./i, '');
}

/** DeveloperName prefix of the assignment rules the tool owns; others are hand-made and left alone. */
export const TOOL_RULE_PREFIX = 'TP_';

/** Default roles of UserTerritory2Association.RoleInTerritory2 (an org picklist). */
export const DEFAULT_ROLES = ['Owner', 'Administrator', 'Sales Rep'];
