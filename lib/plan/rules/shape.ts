/**
 * What packing writes and decoding reads back: a rule item, a group of items of one field, the operators
 * whose lists are ANDed, and which operator the geography columns are written with.
 */

/**
 * The operator a Countries or States cell is written with. With State and Country/Territory Picklists,
 * rules on states and countries "must use contains matching instead of equals matching" (Help, Create
 * Rules to Assign Accounts to Territories; knowledge article 005321975): the org's describe decides
 * (lib/sync/org-rules.ts), and each form reads back into its column only in its own org.
 */
export interface GeographyMatch {
	countries: 'equals' | 'contains';
	states: 'equals' | 'contains';
}
export const EQUALS_GEOGRAPHY: GeographyMatch = { countries: 'equals', states: 'equals' };

/** Operators whose comma list means "not a and not b": their items are ANDed, not ORed. */
export const NEGATIVE_OPERATIONS = new Set(['notEqual', 'notContain', 'excludes']);

/** One rule item as packing writes it (field without the "Account." prefix). */
export interface RuleItem {
	field: string;
	operation: string;
	value: string;
}

/** Items of one field, joined by one operator; a rule's groups are ANDed. */
export interface RuleGroup {
	join: 'OR' | 'AND';
	items: RuleItem[];
}
