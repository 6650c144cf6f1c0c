/**
 * Every Salesforce fact the engine relies on, in one folder: limits, object names and Id shapes,
 * picklist values, rule vocabulary. docs/salesforce-facts.md lists each with its source and whether it
 * is confirmed or an assumption. At run time the org's describe overrides what it can (lib/org/describe.ts).
 */
export { LIMITS, MODELS_PER_EDITION, territoryLimitAdvice } from './limits';
export { API_VERSION, KEY_PREFIXES, OBJECTS } from './objects';
export { normalizeBooleanFilter, readBooleanFilter, ungrouped } from './boolean-filter';
export { ID_PATTERN, idKey, isId, sameId } from './ids';
export { USER_KEY_FIELDS, USER_REFERENCE_KINDS } from './users';
export { ACCOUNT_ACCESS, OPPORTUNITY_CASE_ACCESS, PUBLIC_READ_WRITE, PUBLISHABLE_MODEL_STATES, RULE_OPERATORS } from './picklists';
export { GEOGRAPHY_FIELDS, TOOL_RULE_PREFIX, bareRuleItemField, ruleItemField } from './rules';
export type { FilterExpr, SObjectName } from './types';
