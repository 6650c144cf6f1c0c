/**
 * Salesforce record Ids: 15 case-sensitive characters (3-character key prefix, then an instance and a
 * counter) and the 18-character case-insensitive form, which appends a 3-character checksum that
 * encodes which of the first 15 characters are upper case.
 */

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID15 = /^[a-zA-Z0-9]{15}$/;
const ID18 = /^[a-zA-Z0-9]{18}$/;

/** The 3-character suffix that turns a 15-character Id into its 18-character form. */
export function idChecksum(id15: string): string {
	let suffix = '';
	for (let chunk = 0; chunk < 3; chunk++) {
		let bits = 0;
		for (let i = 0; i < 5; i++) {
			const c = id15.charCodeAt(chunk * 5 + i);
			if (c >= 65 && c <= 90) bits |= 1 << i;
		}
		suffix += SUFFIX_ALPHABET[bits];
	}
	return suffix;
}

/** True for a well-formed 15-character Id or an 18-character Id whose checksum matches. */
export function isValidId(id: unknown): id is string {
	if (typeof id !== 'string') return false;
	if (ID15.test(id)) return true;
	if (!ID18.test(id)) return false;
	// The suffix is case-insensitive: Salesforce accepts it in any case.
	return idChecksum(id.slice(0, 15)) === id.slice(15).toUpperCase();
}

/** The 18-character form of a valid 15- or 18-character Id, or undefined. */
export function toId18(id: unknown): string | undefined {
	if (!isValidId(id)) return undefined;
	const id15 = id.slice(0, 15);
	return id15 + idChecksum(id15);
}

/** The 15-character (case-sensitive) form of a valid Id, or undefined. */
export function toId15(id: unknown): string | undefined {
	return isValidId(id) ? id.slice(0, 15) : undefined;
}

/** The key prefix of an Id (its first 3 characters). */
export function keyPrefixOf(id: string): string {
	return id.slice(0, 3);
}

/**
 * Builds the 18-character Id of the n-th record created in the sandbox org. The 2 characters after the
 * prefix stand for the instance ("8d", as a pod would), the next one is reserved (always 0), the last 9
 * are the org-wide counter in base 62, so Ids sort in creation order within a prefix.
 */
export function makeId(keyPrefix: string, counter: number): string {
	if (!/^[a-zA-Z0-9]{3}$/.test(keyPrefix)) throw new Error(`Bad key prefix: ${keyPrefix}`);
	let n = Math.floor(counter);
	let digits = '';
	for (let i = 0; i < 9; i++) {
		digits = BASE62[n % 62] + digits;
		n = Math.floor(n / 62);
	}
	const id15 = `${keyPrefix}8d0${digits}`;
	return id15 + idChecksum(id15);
}
