/**
 * The catalogue of issue codes: every code a plan problem or warning (PlanIssue) can carry, with what it
 * means, in one place. `IssueCode` is the type of PlanIssue.code, so a code that is not listed here does
 * not compile; test/issue-codes.test.ts checks that every listed code is still raised somewhere and that
 * docs/plan-format.md's table lists them all. Codes are stable: workflows and scripts branch on them.
 *
 * Codes of whole-run failures (OrgError, OptionError, a change's outcome) are in ENGINE_ERROR_CODES below;
 * codes Salesforce itself answers (UNABLE_TO_LOCK_ROW, INVALID_SESSION_ID, …) are passed on as they are.
 */
export const ISSUE_CODES = {
	// The table: headers, rows and cells (lib/plan/csv.ts, columns.ts, parse.ts, cells.ts).
	CSV_ENCODING: 'A cell holds characters that could not be read: the file\'s encoding is mixed or unknown.',
	CSV_EXTRA_FIELD: 'A CSV row has more fields than the header.',
	CSV_MISSINGQUOTES: 'A quoted CSV field is never closed (papaparse MissingQuotes).',
	CSV_INVALIDQUOTES: 'A CSV field has a stray quote (papaparse InvalidQuotes).',
	CSV_TOOFEWFIELDS: 'A CSV row has fewer fields than the header (papaparse TooFewFields).',
	CSV_TOOMANYFIELDS: 'A CSV row has more fields than the header (papaparse TooManyFields).',
	CSV_UNDETECTABLEDELIMITER: 'The CSV delimiter could not be told (papaparse UndetectableDelimiter).',
	CSV_UNNAMED_COLUMN: 'A CSV column has values but no header.',
	DUPLICATE_COLUMN: 'Two headers name the same plan column.',
	UNKNOWN_COLUMN: 'A header is not a plan column (map it with Column Names, or ignore unknown columns).',
	INVALID_COLUMN_MAP: 'The column mapping names a plan column that does not exist.',
	MISSING_COLUMN: 'A column the plan needs (Territory) is absent.',
	INVALID_ROW: 'An item or row is not a set of named cells.',
	INVALID_CELL: 'A cell holds an object or list, not a value.',
	EMPTY_PLAN: 'The plan has no territories.',
	MISSING_NAME: 'A row has no territory name.',
	NAME_TOO_LONG: "A territory name is longer than Salesforce's 80 characters.",
	DESCRIPTION_TOO_LONG: "A description is longer than Salesforce's limit.",
	INVALID_KEY: 'A Key is not a valid DeveloperName.',
	DUPLICATE_KEY: 'Two territories have the same Key.',
	KEY_CASE_COLLISION: 'Two Keys differ only in case (Salesforce compares DeveloperNames case-insensitively).',
	DUPLICATE_TERRITORY: 'A territory appears twice under the same parent, the parent written differently.',
	CONFLICTING_VALUE: 'Rows of one territory give different values for the same column.',
	INVALID_ACCESS: 'An access level is not one Salesforce accepts.',
	INVALID_POSTAL_CODE: 'A "*" stands elsewhere than at the end of a postal-code prefix.',
	INVALID_USER: 'A Users entry cannot be read as "user (Role)".',
	EMPTY_ROLE: 'A Users entry has empty parentheses for its role.',
	CONFLICTING_ROLE: 'A user is given two roles in one territory.',
	FORECAST_MANAGER_NOT_USER: 'The Forecast Manager is not one of the Users of the row.',
	INVALID_CRITERION: 'A Criteria entry cannot be read as "Field operator value".',
	INVALID_FIELD: 'A Criteria entry names something that is not an Account field API name.',
	UNKNOWN_OPERATOR: 'A Criteria entry uses an operator rules do not have.',
	// The hierarchy (lib/plan/parse.ts, lib/sync/territory-changes.ts, territory-scope.ts).
	UNKNOWN_PARENT: 'A Parent is neither in the plan nor in the model.',
	AMBIGUOUS_PARENT: 'A Parent names several territories; give its Key.',
	PARENT_CYCLE: 'Parents form a cycle (a territory under itself).',
	SCOPE_ROOT_NOT_FOUND: 'The territory to publish under does not exist in the model.',
	SCOPE_ROOT_MOVE: 'The plan moves the territory published under, which stays where it is.',
	KEY_OUTSIDE_SCOPE: 'A Key belongs to a territory outside the scope published under.',
	// Rules (lib/plan/rules/packing.ts, lib/sync/rule-changes.ts).
	RULE_NAME_COLLISION: 'Two territories would get the same rule name.',
	VALUE_TOO_LONG: "A rule value is longer than Salesforce's 255 characters for a rule item.",
	VALUE_WITH_COMMA: 'A rule value holds a comma, which Salesforce reads as a separator.',
	CRITERION_TOO_LONG: 'A multi-select criterion\'s values exceed one rule item and cannot be split.',
	TOO_MANY_RULE_ITEMS: "A territory's rule needs more items than Salesforce allows.",
	TOO_MANY_RULES: "A territory needs more rules than Salesforce allows.",
	SHARED_TOOL_RULE: "A tool rule is shared with other territories and cannot get a territory's own name.",
	HAND_MADE_RULES_KEPT: 'Rules made in Setup are kept beside the plan\'s (warning).',
	TOOL_RULE_INHERITED: "A tool rule applies to child territories too, set in Setup; left as it is (warning).",
	// The org's records and describe (lib/sync/*-changes.ts, org-rules.ts, lib/org/account-fields.ts).
	UNKNOWN_USER: 'A user is not in the org.',
	AMBIGUOUS_USER: 'A user reference matches several users.',
	INACTIVE_USER: 'A user is inactive.',
	DUPLICATE_USER: 'A user is listed twice for one territory with different roles.',
	UNKNOWN_ROLE: 'A role is not a value of the org\'s RoleInTerritory2 picklist.',
	FORECAST_MANAGER_NOT_ASSIGNED: 'The Forecast Manager is not assigned to the territory.',
	FORECAST_MANAGER_INACTIVE: 'The Forecast Manager is inactive.',
	UNKNOWN_ACCOUNT: 'An account is not in the org.',
	AMBIGUOUS_ACCOUNT: 'An account key matches several accounts.',
	UNKNOWN_TYPE: 'A territory type is not in the org.',
	AMBIGUOUS_TYPE: 'A type name matches several territory types.',
	TYPE_REQUIRED: 'A new territory has no Type.',
	TYPE_NAME_TOO_LONG: 'A territory type to create has a label longer than 80 characters.',
	UNKNOWN_FIELD: 'A Criteria field is not an Account field of the org.',
	WITHIN_NEEDS_LOCATION: 'A "within" criterion tests a field that is not a location or address.',
	RULE_FIELD_NOT_AVAILABLE: 'The org does not offer a rule field the plan needs.',
	RULE_OPERATION_NOT_AVAILABLE: 'The org does not offer a rule operator the plan needs.',
	ACCESS_LEVEL_NOT_ALLOWED: "An access level is one the org's sharing settings do not allow.",
	PICKLIST_EQUALS: 'A geography value is matched exactly under state and country picklists (warning).',
	PICKLIST_CONTAINS_SHORT: 'A short geography value matched with contains matches more (warning).',
	NOT_PERMITTED: 'The user may not write what the change set writes.',
	// The model (lib/publish.ts, lib/sync/model-checks.ts).
	INVALID_MODEL_NAME: 'The model to create has an invalid DeveloperName or label.',
	MODEL_NOT_FOUND: 'No model with that Id exists.',
	MODEL_NOT_VISIBLE: 'The user cannot see territory models.',
	MODEL_ACTIVE: 'The model is Active and publishing into it was not allowed.',
	MODEL_READ_ONLY: 'The model is in a state that cannot be changed (archiving, cloning, …).',
	TERRITORY_LIMIT: 'The model would hold more territories than allowed.',
	TOO_MANY_TERRITORIES: 'The plan has more territories than a model may hold.',
	// Safe schedules and reviewed change sets (lib/publish.ts, lib/apply-review.ts).
	TOO_MANY_DELETES: 'The publish would delete more records than Maximum Deletes allows.',
	ORG_CHANGED: 'The org changed since the dry run in a way that touches the reviewed change set.',
	OTHER_WRITER: 'Another publish wrote to the model during this one and stopped; a second pass made the model match this plan (note).',
	// Import's notes beside the rows (lib/sync/export.ts).
	HAND_MADE_RULES_NOT_EXPORTED: 'Rules made in Setup are not written into the plan rows (note).',
	RULES_NOT_EXACT: "The tool's rules were edited by hand and the rows cannot say them exactly (note).",
	// Outcomes of rows that were not published because of problems elsewhere (lib/publish.ts).
	PLAN_INVALID: 'A row was not published because other rows have problems.',
} as const;

export type IssueCode = keyof typeof ISSUE_CODES;

/** Codes of ours on whole-run errors and on change outcomes (Salesforce's own codes pass through as they are). */
export const ENGINE_ERROR_CODES = {
	INVALID_OPTION: 'publishPlan or importModel was called with a wrong option (OptionError).',
	REVIEW_INVALID: 'A reviewed change set was edited, garbled or is missing.',
	CANCELLED: 'The run was stopped on request (the execution was cancelled).',
	MODEL_CHANGED: 'Another publish changed the model during this one; this one stopped.',
	INVALID_SETTINGS: 'The connection settings are incomplete.',
	AUTH_FAILED: 'The org refused the login.',
	CONNECTION_FAILED: 'The org could not be reached.',
	INVALID_PRIVATE_KEY: 'The JWT private key cannot be read.',
	MODEL_NOT_FOUND: 'Import: no model with that DeveloperName or Id.',
	MODEL_NOT_NAMED: 'The model target has neither a DeveloperName nor an Id.',
	SCOPE_ROOT_NOT_FOUND: 'Import: the territory to import under does not exist.',
	INVALID_SOQL_VALUE: 'A value cannot be written into SOQL.',
	INVALID_SOQL_NAME: 'A field or object name is not an API name.',
	DEPENDENCY_FAILED: 'A change was not sent because a change it depends on failed.',
	DEPENDENCY_ORDER: 'A change depends on one of a later phase (a defect of the change set).',
	DEPENDENCY_CYCLE: 'Changes depend on each other in a cycle (a defect of the change set).',
	UNRESOLVED_REFERENCE: 'A change refers to a record whose create gave no Id.',
	INVALID_CHANGE: 'A change cannot be sent as it is (a defect of the change set).',
	NO_ANSWER: 'A Composite call answered without a result for a subrequest.',
	OUTCOME_UNKNOWN: 'A write may or may not have happened; a re-run settles it without duplicates.',
	RETRIEVE_FAILED: 'A Metadata API retrieve failed.',
	DEPLOY_FAILED: 'A Metadata API deploy failed.',
	UNKNOWN_ERROR: 'Salesforce failed without a code.',
} as const;
