/**
 * Picklist values the engine writes or accepts, as Salesforce documents them. At run time the org's
 * describe has the last word (lib/sync/org-rules.ts); these are the defaults and the spellings users type.
 */

/**
 * The only model states the engine publishes into: Planning, and Active when the caller allows it.
 * Every other state is refused before a write: Activating, Activation Failed, Archiving, Archiving
 * Failed, Archived, Deleting, Deletion Failed (Object Reference, Territory2Model.State), Cloning and
 * Cloning Failed (Metadata API guide, Territory2Model), and any state a later release adds.
 * Metadata API guide, Territory2Model: deploys go only into Planning or Active models.
 */
export const PUBLISHABLE_MODEL_STATES = ['Planning', 'Active'] as const;

/**
 * Access levels: API value ← accepted spellings (API values and Setup labels, compared case-insensitively).
 * Object Reference, Territory2: AccountAccessLevel Read/Edit/All; OpportunityAccessLevel and
 * CaseAccessLevel None/Read/Edit.
 */
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

/**
 * Organization-wide defaults that are Public Read/Write (Read/Write/Transfer for cases): with them a
 * territory gives accounts only Edit or All, and takes no opportunity or case level (Metadata API,
 * Territory2; Object Reference, Organization.Default*Access).
 */
export const PUBLIC_READ_WRITE = new Set(['Edit', 'ReadEditTransfer']);

/**
 * Rule item operators: Salesforce names ← accepted spellings (Metadata API, Territory2RuleItem;
 * `within` is for distance criteria only).
 */
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
