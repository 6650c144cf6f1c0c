/**
 * Engine-free helpers for tests that create users in the sandbox org and log in as them: the fields
 * Salesforce requires on a new User (Object Reference, User), the Ids of the seeded profiles, and
 * JWT-bearer assertions.
 */
import { createSign } from 'node:crypto';
import type { Connection } from 'jsforce';
import { PROFILE_NAMES, SEED_USER_LOCALE, profileId } from '../../sandbox/seed';
import type { OrgStore } from '../../sandbox/store';

/** Every field a new User needs, derived from the username; `extra` adds or overrides fields. */
export function userFields(username: string, profile: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const local = username.split('@')[0];
	return {
		Username: username,
		Email: username,
		LastName: local,
		Alias: local.replace(/[^A-Za-z0-9]/g, '').slice(0, 8),
		ProfileId: profile,
		...SEED_USER_LOCALE,
		...extra,
	};
}

/** A seeded profile's Id, read from the store (tests of the bare store). */
export function storeProfileId(store: OrgStore, name: string = PROFILE_NAMES.standard): string {
	return profileId(store, name);
}

/** A seeded profile's Id, queried over the API as a client would. */
export async function queryProfileId(conn: Connection, name: string = PROFILE_NAMES.standard): Promise<string> {
	const result = await conn.query<{ Id: string }>(`SELECT Id FROM Profile WHERE Name = '${name}'`);
	if (result.records.length !== 1) throw new Error(`expected one profile named ${name}`);
	return result.records[0].Id;
}

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** An RS256 JWT-bearer assertion, as a client signs it with its connected app's key. */
export function signJwt(claims: Record<string, unknown>, privateKeyPem: string): string {
	const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
	const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
	const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem).toString('base64url');
	return `${unsigned}.${signature}`;
}
