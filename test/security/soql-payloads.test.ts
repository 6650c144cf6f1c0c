/**
 * SOQL payloads through the real path: publishPlan and importModel over jsforce and HTTP against the
 * sandbox org, whose SOQL parser refuses a malformed query as Salesforce does (MALFORMED_QUERY). Users,
 * account keys and model names carry quotes, backslashes, LIKE wildcards, line breaks, an injection
 * attempt and non-Latin text: each is found exactly (or reported as not found, naming row and column),
 * never widens a match, and never breaks a query.
 */
import type { Connection } from 'jsforce';
import { importModel } from '../../lib';
import { startEngineOrg, type EngineOrg } from '../helpers/engine-org';
import { failure, TEST_API_VERSION } from '../helpers/sandbox';
import { Connection as JsforceConnection } from 'jsforce';

/** Usernames a Salesforce org accepts (email-shaped, no white space) that carry SOQL's special characters. */
const TRICKY_USERS = ["o'hara@payload.example", 'back\\slash@payload.example', '100%@payload.example', 'under_score@payload.example', 'quote"d@payload.example', 'x\'OR\'1\'=\'1@payload.example', 'ünïcødé.東京@payload.example'];
/** Users that a LIKE-style or unescaped match would wrongly take for the tricky ones. */
const LOOKALIKES = ['1000@payload.example', 'underXscore@payload.example', 'ohara@payload.example', 'backslash@payload.example'];
/** External keys of accounts. */
const TRICKY_KEYS = ["K'1", 'K\\2', 'K%3', 'K_4', "' OR Id != '", 'ключ-6', 'K"7'];
const LOOKALIKE_KEYS = ['K%33', 'KX4', 'K2'];

let org: EngineOrg;
const userIds: Record<string, string> = {};
const accountIds: Record<string, string> = {};

beforeAll(async () => {
	org = await startEngineOrg();
	const store = org.sandbox.store;
	const profileId = String(store.records('User').find((u) => u.Username === 'ana.alvarez@acme.example')?.ProfileId ?? store.records('Profile')[0].Id);
	for (const [i, username] of [...TRICKY_USERS, ...LOOKALIKES].entries()) {
		userIds[username] = store.adminCreate('User', {
			Username: username,
			Email: username,
			LastName: `Payload${i}`,
			Alias: `pay${i}`,
			IsActive: true,
			ProfileId: profileId,
			TimeZoneSidKey: 'America/Los_Angeles',
			LocaleSidKey: 'en_US',
			EmailEncodingKey: 'UTF-8',
			LanguageLocaleKey: 'en_US',
		});
	}
	for (const key of [...TRICKY_KEYS, ...LOOKALIKE_KEYS]) accountIds[key] = store.adminCreate('Account', { Name: `Account ${key}`, External_Key__c: key });
});
afterAll(async () => org?.stop());

async function login(): Promise<Connection> {
	const { loginUrl, credentials } = org.sandbox;
	const conn = new JsforceConnection({ loginUrl, version: TEST_API_VERSION, oauth2: { loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret } });
	await conn.login(credentials.username, credentials.password);
	return conn;
}

describe('the sandbox org refuses what Salesforce refuses', () => {
	it.each([
		["an unescaped quote", "SELECT Id FROM User WHERE Username = 'o'hara@payload.example'"],
		['an unknown escape', "SELECT Id FROM User WHERE Username = 'back\\slash@payload.example'"],
		['an injected OR', "SELECT Id FROM Account WHERE External_Key__c = '' OR Name != ''"],
	])('%s is not a valid query', async (what, soql) => {
		const conn = await login();
		if (what === 'an injected OR') {
			// Well-formed, and it matches every account: what escaping must prevent.
			const all = await conn.query(soql);
			expect(all.totalSize).toBe(org.sandbox.store.records('Account').length);
			return;
		}
		expect((await failure(conn.query(soql))).errorCode).toBe('MALFORMED_QUERY');
	});
});

describe('payloads in the plan reach the org exactly', () => {
	afterAll(() => org.dropModel('Payloads'));

	it('assigns each tricky user and account, and nothing that only looks like them', async () => {
		const result = await org.publish({
			plan: {
				rows: [
					{ Territory: 'Payloads', Key: 'Payloads', Type: 'Region', Users: TRICKY_USERS.join('; '), Accounts: TRICKY_KEYS.filter((k) => !/[,;]/.test(k)).join('; ') },
				],
			},
			model: { developerName: 'Payloads', name: 'Payloads' },
			accountKeyField: 'External_Key__c',
		});
		expect(result.issues).toEqual([]);
		const state = org.model('Payloads');
		expect(state.usersByTerritory.Payloads).toEqual([...TRICKY_USERS].sort());
		const assigned = org.sandbox.store
			.records('ObjectTerritory2Association')
			.filter((a) => a.Territory2Id === state.territories[0].Id)
			.map((a) => String(a.ObjectId).slice(0, 15))
			.sort();
		expect(assigned).toEqual(TRICKY_KEYS.map((k) => accountIds[k].slice(0, 15)).sort());
	});

	it('imports them back as the same users and keys, and that CSV publishes with no write', async () => {
		const imported = await importModel({ connection: org.connection, model: { developerName: 'Payloads' }, accountKeyField: 'External_Key__c' });
		const row = imported.rows.find((r) => r.Key === 'Payloads');
		expect(String(row?.Users).split(/;\s*|\n/).filter(Boolean).map((u) => u.replace(/ \(.*\)$/, '')).sort()).toEqual([...TRICKY_USERS].sort());
		const before = org.dump();
		const back = await org.publish({ plan: { csv: imported.csv }, model: { developerName: 'Payloads' }, accountKeyField: 'External_Key__c' });
		expect(back.issues).toEqual([]);
		expect(org.changesSince(before)).toEqual([]);
	});

	it.each([
		// A username has no white space: the plan's validation refuses this one before any query.
		["' OR Id != '", 'Users', 'INVALID_USER'],
		["nobody'OR'Username'!='x@payload.example", 'Users', 'UNKNOWN_USER'],
		["x'OR'1'='2@payload.example", 'Users', 'UNKNOWN_USER'],
		['%@payload.example', 'Users', 'UNKNOWN_USER'],
		['_@payload.example', 'Users', 'UNKNOWN_USER'],
		["' OR Name != '", 'Accounts', 'UNKNOWN_ACCOUNT'],
		['K%', 'Accounts', 'UNKNOWN_ACCOUNT'],
		['K\\', 'Accounts', 'UNKNOWN_ACCOUNT'],
	])('%j in %s is reported as not found, naming the row and column, and nothing is written', async (value, column, code) => {
		const before = org.dump();
		const result = await org.publish({
			plan: { rows: [{ Territory: 'Payloads', Key: 'Payloads', Type: 'Region', [column]: value }] },
			model: { developerName: 'Payloads' },
			accountKeyField: 'External_Key__c',
		});
		expect(result.issues.map((i) => [i.row, i.column, i.code])).toEqual([[2, column, code]]);
		expect(org.changesSince(before)).toEqual([]);
	});
});

describe('model names with payloads', () => {
	it.each(["x' OR DeveloperName != '", 'back\\slash', 'line\nbreak', "quote\"d'", '100%', '_', 'ünï'])(
		'importModel of %j says the model does not exist (the query stays well-formed)',
		async (developerName) => {
			const error = await importModel({ connection: org.connection, model: { developerName } }).then(
				() => null,
				(e: Error) => e,
			);
			expect(error?.message).toBe(`No territory model ${developerName} exists in the org`);
			expect(error?.message).not.toMatch(/MALFORMED_QUERY/);
		},
	);
});
