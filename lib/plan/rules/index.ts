/**
 * Rules: a territory's geography and criteria as assignment rules the tool owns, and back.
 *
 * Shape packRules makes (and decodeRules recognises as exact):
 * - groups, in this order: postal codes, countries, states, then one group per criterion;
 * - a criterion with a single-value operator (ordering comparisons, within: SINGLE_VALUE_OPERATIONS) is
 *   one item whose Value is the value whole, commas included ("1,000,000");
 * - a group is one or more items of one field, ORed (ANDed for the negative operators notEqual and
 *   notContain, where "not a and not b" is what the comma list means; includes/excludes lists are
 *   never split, see UNSPLITTABLE_OPERATIONS); values are
 *   comma-joined into as few items as the 1,000-character Value allows; the postal group holds an
 *   `equals` item (exact codes) and a `startsWith` item (prefixes, stars dropped), the kind that
 *   appears first in the plan first;
 * - the groups are ANDed: "(1 OR 2) AND 3 AND (4 OR 5)"; a multi-item group is parenthesised unless it
 *   is the only one and ORed; a single item has no filter (null);
 * - when the items exceed one rule (10 items, 255-character filter), OR groups are cut into chunks and
 *   the territory gets one rule per combination of chunks (Salesforce ORs a territory's rules, so
 *   every rule repeats the other groups), at most 15 rules. Rules are numbered in odometer order
 *   (the last group's chunk changes fastest).
 * Limits: postal codes with exact codes and prefixes interleaved come back grouped by kind (same set,
 * same order within each kind); a criterion with the shape of an empty geography column (e.g.
 * "BillingCountry equals US" with no Countries) comes back in that column, which means the same.
 *
 * Modules: naming (rule names), packing (packRules), decoding (decodeRules, decodeRulesByField),
 * filters (the BooleanFilter both write and read), shape (what packing writes and decoding reads).
 */
export { isToolRule, ruleDeveloperName, ruleMasterLabel } from './naming';
export { booleanFilterFor, parseBooleanFilter } from './filters';
export { packRules, packValues } from './packing';
export { decodeRules, decodeRulesByField, type DecodableRule, type DecodedRules } from './decoding';
export { EQUALS_GEOGRAPHY } from './shape';
