/** Assignment rule vocabulary: the Account fields the geography columns test and how a rule item names a field. */

/** The geography columns and the Account fields their rule items test (Object Reference, Account). */
export const GEOGRAPHY_FIELDS = {
	postalCodes: 'BillingPostalCode',
	countries: 'BillingCountry',
	states: 'BillingState',
} as const;

/**
 * ObjectTerritory2AssignmentRuleItem.Field is a restricted picklist whose values Salesforce does not
 * publish (Object Reference): the org's describe decides the form (lib/sync/org-rules.ts). Without a
 * describe the qualified form is written; both forms read back.
 */
export function ruleItemField(field: string): string {
	return `Account.${bareRuleItemField(field)}`;
}
export function bareRuleItemField(field: string): string {
	return field.replace(/^Account\./i, '');
}

/** DeveloperName prefix of the assignment rules the tool owns (our convention); others are hand-made and left alone. */
export const TOOL_RULE_PREFIX = 'TP_';
