/**
 * What packing writes and decoding reads back: a rule item, a group of items of one field, the operators
 * whose lists are ANDed, and which operator the geography columns are written with.
 */
import type { GeographyMatch } from '../types';

/** Countries and States written with `equals`: an org without State and Country/Territory Picklists. */
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
