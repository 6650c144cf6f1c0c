/**
 * Salesforce record Ids: 15 case-sensitive characters, or 18 with a case-checksum suffix (Object Reference,
 * "Field Types: ID"). The 18-character form names the same record as its first 15 characters, so Ids are
 * compared on that form. The one home of Id shapes and comparison for the engine.
 */

/** A Salesforce Id: 15 case-sensitive alphanumerics, or 18 with the case-checksum suffix. */
export const ID_PATTERN = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

/** Whether a value has the shape of an Id (keeps non-Ids out of `Id IN (…)` and tells Ids from names). */
export function isId(value: string): boolean {
	return ID_PATTERN.test(value);
}

/** The form Ids compare on: an 18-character Id's first 15 characters; anything else as it is. */
export function idKey(id: string): string {
	return /^[a-zA-Z0-9]{18}$/.test(id) ? id.slice(0, 15) : id;
}

/**
 * Whether two Ids name the same record. No Id equals no Id (null, undefined and '' alike): a root's
 * absent parent is the same as another absent parent, which is what every comparison of a lookup needs.
 */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
	if (!a || !b) return !a && !b;
	return idKey(a) === idKey(b);
}
