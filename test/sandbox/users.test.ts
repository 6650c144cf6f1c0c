/**
 * Users as a real org requires them, through real jsforce over HTTP: the fields a new User must have
 * (Object Reference, User), their restricted picklists and limits, and logging in as a new user.
 */
import { Connection } from 'jsforce';
import { makeId } from '../../sandbox/ids';
import { INTEGRATION_USERNAME, PLANNER_USERNAME, PROFILE_NAMES } from '../../sandbox/seed';
import { failure, startTestSandbox, TEST_API_VERSION, type TestSandbox } from '../helpers/sandbox';
import { JWT_GRANT, queryProfileId, signJwt, userFields } from './user-kit';


const REQUIRED = ['Username', 'Email', 'LastName', 'Alias', 'ProfileId', 'TimeZoneSidKey', 'LocaleSidKey', 'EmailEncodingKey', 'LanguageLocaleKey'];

let t: TestSandbox;
let admin: Connection;
let standardProfile: string;

beforeAll(async () => {
	t = await startTestSandbox();
	admin = await t.connect();
	standardProfile = await queryProfileId(admin);
});
afterAll(() => t.stop());

const userCount = async () => (await admin.query('SELECT COUNT() FROM User')).totalSize;

describe('creating a User', () => {
	it.each(REQUIRED)('refuses a user without %s, naming it, and creates nothing', async (missing) => {
		const before = await userCount();
		const fields = userFields(`no.${missing.toLowerCase()}@acme.example`, standardProfile);
		delete fields[missing];
		expect(await failure(admin.sobject('User').create(fields))).toEqual({
			errorCode: 'REQUIRED_FIELD_MISSING',
			message: `Required fields are missing: [${missing}]`,
			fields: [missing],
		});
		expect(await userCount()).toBe(before);
	});

	it('names every missing field at once', async () => {
		const e = await failure(admin.sobject('User').create({ FirstName: 'Nobody' }));
		expect(e.errorCode).toBe('REQUIRED_FIELD_MISSING');
		expect([...(e.fields ?? [])].sort()).toEqual([...REQUIRED].sort());
	});

	it('takes only the values of the Sid-key picklists, an Alias of 8 characters and a Profile as ProfileId', async () => {
		const base = (extra: Record<string, unknown>) => userFields('picky@acme.example', standardProfile, extra);
		for (const field of ['TimeZoneSidKey', 'LocaleSidKey', 'EmailEncodingKey', 'LanguageLocaleKey']) {
			expect(await failure(admin.sobject('User').create(base({ [field]: 'Mars/Olympus' })))).toMatchObject({
				errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
				fields: [field],
			});
		}
		expect(await failure(admin.sobject('User').create(base({ Alias: 'ninechars' })))).toMatchObject({ errorCode: 'STRING_TOO_LONG', fields: ['Alias'] });
		const permissionSet = (await admin.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'Territory_Manager'")).records[0].Id;
		expect(await failure(admin.sobject('User').create(base({ ProfileId: permissionSet })))).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
			fields: ['ProfileId'],
		});
		// Other real values are accepted.
		const ok = await admin.sobject('User').create(
			base({ TimeZoneSidKey: 'Europe/Paris', LocaleSidKey: 'fr_FR', EmailEncodingKey: 'ISO-8859-1', LanguageLocaleKey: 'fr' }),
		);
		expect(ok.success).toBe(true);
	});

	it('keeps usernames in e-mail form and unique across the org, whatever their case', async () => {
		expect(await failure(admin.sobject('User').create(userFields('not-an-email', standardProfile, { Email: 'x@acme.example' })))).toMatchObject({
			errorCode: 'INVALID_NEW_USERNAME',
			fields: ['Username'],
		});
		expect(await failure(admin.sobject('User').create(userFields(PLANNER_USERNAME.toUpperCase(), standardProfile)))).toMatchObject({
			errorCode: 'DUPLICATE_USERNAME',
			fields: ['Username'],
		});
	});

	it('creates a complete user, who can then log in and is assigned their profile', async () => {
		const username = 'new.rep@acme.example';
		const created = await admin.sobject('User').create(userFields(username, standardProfile, { FirstName: 'New', LastName: 'Rep' }));
		expect(created.success).toBe(true);
		const id = created.id as string;
		const user = await admin.sobject('User').retrieve(id);
		expect(user).toMatchObject({ Name: 'New Rep', IsActive: true, ProfileId: standardProfile, TimeZoneSidKey: 'America/Los_Angeles' });

		const assignments = await admin.query<{ PermissionSet: { IsOwnedByProfile: boolean; Profile: { Name: string } } }>(
			`SELECT PermissionSet.IsOwnedByProfile, PermissionSet.Profile.Name FROM PermissionSetAssignment WHERE AssigneeId = '${id}'`,
		);
		expect(assignments.records).toEqual([
			expect.objectContaining({ PermissionSet: expect.objectContaining({ IsOwnedByProfile: true, Profile: expect.objectContaining({ Name: PROFILE_NAMES.standard }) }) }),
		]);

		const rep = await t.connect({ username });
		const identity = await rep.identity();
		expect(identity).toMatchObject({ user_id: id, username });
		expect(t.sandbox.passwordLogin(username)).toMatchObject({ username, password: t.sandbox.credentials.password });
	});

	it('moves the profile assignment when a user changes profile', async () => {
		const created = await admin.sobject('User').create(userFields('mover@acme.example', standardProfile));
		const id = created.id as string;
		const adminProfile = await queryProfileId(admin, PROFILE_NAMES.admin);
		await admin.sobject('User').update({ Id: id, ProfileId: adminProfile });
		const names = await admin.query<{ PermissionSet: { Profile: { Name: string } | null } }>(
			`SELECT PermissionSet.Profile.Name FROM PermissionSetAssignment WHERE AssigneeId = '${id}'`,
		);
		expect(names.records.map((r) => r.PermissionSet.Profile?.Name)).toEqual([PROFILE_NAMES.admin]);
	});
});

describe('seeded users', () => {
	it('keeps the Ids the seeds gave before profiles existed, and adds the planner last', async () => {
		const users = await admin.query<{ Id: string; Username: string }>('SELECT Id, Username FROM User ORDER BY Username');
		const byName = Object.fromEntries(users.records.map((u) => [u.Username, u.Id]));
		expect(byName[INTEGRATION_USERNAME]).toBe(makeId('005', 1));
		expect(t.sandbox.orgId).toBe(makeId('00D', 2));
		expect(byName[PLANNER_USERNAME]).toBe(makeId('005', 3));
	});

	it('gives every seeded user the required fields', async () => {
		const users = await admin.query<Record<string, unknown>>(`SELECT ${REQUIRED.join(', ')} FROM User`);
		for (const user of users.records) for (const field of REQUIRED) expect(user[field]).toEqual(expect.any(String));
	});

	it('lets the planner log in with the password flow, a JWT and its access token', async () => {
		const planner = await t.connect({ username: PLANNER_USERNAME });
		const plannerId = (await planner.identity()).user_id;
		expect(plannerId).not.toBe(t.sandbox.store.currentUserId);

		const jwt = new Connection({ loginUrl: t.sandbox.loginUrl, version: TEST_API_VERSION });
		const claims = { iss: t.sandbox.credentials.clientId, sub: PLANNER_USERNAME, aud: t.sandbox.loginUrl, exp: Math.floor(Date.now() / 1000) + 180 };
		const user = await jwt.authorize({ grant_type: JWT_GRANT, assertion: signJwt(claims, t.sandbox.credentials.privateKey) });
		expect(user.id).toBe(plannerId);

		const byToken = new Connection({ instanceUrl: t.sandbox.url, accessToken: jwt.accessToken as string, version: TEST_API_VERSION });
		const info = await byToken.request<{ preferred_username: string }>('/services/oauth2/userinfo');
		expect(info.preferred_username).toBe(PLANNER_USERNAME);
	});
});
