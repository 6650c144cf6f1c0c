/**
 * The ground floor's types: a BooleanFilter as read by the one grammar (boolean-filter.ts), and the
 * Salesforce objects the engine names (objects.ts).
 */
import type { OBJECTS } from './objects';

/** A BooleanFilter read: item numbers, NOT, AND/OR lists, and parentheses kept as groups. */
export type FilterExpr =
	| { atom: number }
	| { not: FilterExpr }
	| { and: FilterExpr[] }
	| { or: FilterExpr[] }
	| { group: FilterExpr };

/** The API name of an object the engine reads or writes. */
export type SObjectName = (typeof OBJECTS)[keyof typeof OBJECTS];
