/**
 * Profiles, permission sets and what they let a session see and write, through real jsforce over
 * HTTP: the demo org with its Active model, a Planning model next to it, the integration user (System
 * Administrator) and the planner (Standard User, no Manage Territories).
 */
import type { Connection } from 'jsforce';
import { makeId } from '../../sandbox/ids';
import { DEMO_ACTIVE_MODEL, DEMO_USERS, PLANNER_USERNAME, PROFILE_NAMES, TERRITORY_MANAGER_PERMISSION_SET } from '../../sandbox/seed';
import { failure, startTestSandbox, type TestSandbox } from '../helpers/sandbox';


let t: TestSandbox;
let admin: Connection;
let planner: Connection;
let plannerId: string;
const ids: Record<string, string> = {};

async function create(type: string, record: Record<string, unknown>): Promise<string> {
	const result = await admin.sobject(type).create(record);
	if (!result.success) throw new Error(`create ${type} failed: ${JSON.stringify(result)}`);
	return result.id as string;
}

const names = async (conn: Connection, soql: string): Promise<string[]> =>
	(await conn.query<{ DeveloperName: string }>(soql)).records.map((r) => r.DeveloperName).sort();

/** "Does this user hold Manage Territories", from the profile or from a permission set. */
const managesTerritories = async (conn: Connection, userId: string): Promise<boolean> =>
	(
		await conn.query(
			`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${userId}' AND PermissionSet.PermissionsManageTerritories = true`,
		)
	).totalSize > 0;

beforeAll(async () => {
	// Unlimited Edition allows 4 models, so that creating a third one meets the name check, not the model limit.
	t = await startTestSandbox({ seed: 'demo', edition: 'Unlimited', seedOptions: { activeModel: true, accounts: 20 } });
	admin = await t.connect();
	planner = await t.connect({ username: PLANNER_USERNAME });
	plannerId = (await planner.identity()).user_id;

	const active = await admin.query<{ Id: string }>(`SELECT Id FROM Territory2Model WHERE DeveloperName = '${DEMO_ACTIVE_MODEL.DeveloperName}'`);
	ids.active = active.records[0].Id;
	// A leaf, so that deleting it would pass the territory rules.
	ids.activeTerritory = (await admin.query<{ Id: string }>("SELECT Id FROM Territory2 WHERE DeveloperName = 'Bay_Area'")).records[0].Id;
	ids.type = (await admin.query<{ Id: string }>("SELECT Id FROM Territory2Type WHERE DeveloperName = 'Territory'")).records[0].Id;
	ids.planning = await create('Territory2Model', { Name: 'FY27 Plan', DeveloperName: 'FY27_Plan' });
	ids.north = await create('Territory2', { Name: 'North', DeveloperName: 'North', Territory2ModelId: ids.planning, Territory2TypeId: ids.type });
	ids.rule = await create('ObjectTerritory2AssignmentRule', { DeveloperName: 'North_Zips', MasterLabel: 'North zips', ObjectType: 'Account', Territory2ModelId: ids.planning });
	ids.item = await create('ObjectTerritory2AssignmentRuleItem', { RuleId: ids.rule, SortOrder: 1, Field: 'Account.BillingPostalCode', Operation: 'startsWith', Value: '98' });
	ids.link = await create('RuleTerritory2Association', { RuleId: ids.rule, Territory2Id: ids.north, IsInherited: false });
	const rep = (await admin.query<{ Id: string }>(`SELECT Id FROM User WHERE Username = '${DEMO_USERS[0].username}'`)).records[0].Id;
	ids.member = await create('UserTerritory2Association', { UserId: rep, Territory2Id: ids.north, RoleInTerritory2: 'Sales Rep' });
	const account = (await admin.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1')).records[0].Id;
	ids.account = await create('ObjectTerritory2Association', { ObjectId: account, Territory2Id: ids.north, AssociationCause: 'Territory2Manual' });
});
afterAll(() => t.stop());

describe('profiles and permission sets', () => {
	it('gives every profile one permission set of its own, and every user an assignment to it', async () => {
		const owned = await admin.query<{ Profile: { Name: string } }>('SELECT Profile.Name FROM PermissionSet WHERE IsOwnedByProfile = true');
		expect(owned.records.map((r) => r.Profile.Name).sort()).toEqual([PROFILE_NAMES.standard, PROFILE_NAMES.admin]);
		const users = (await admin.query('SELECT COUNT() FROM User')).totalSize;
		const assigned = await admin.query('SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = true');
		expect(assigned.totalSize).toBe(users);
		const extra = await admin.query<{ Name: string; IsOwnedByProfile: boolean }>(
			'SELECT Name, IsOwnedByProfile, PermissionsManageTerritories, PermissionsViewSetup FROM PermissionSet WHERE IsOwnedByProfile = false',
		);
		expect(extra.records).toEqual([
			expect.objectContaining({ Name: TERRITORY_MANAGER_PERMISSION_SET, PermissionsManageTerritories: true, PermissionsViewSetup: true }),
		]);
	});

	it('describes the objects with their real field names and key prefixes', async () => {
		const prefixes = { Profile: '00e', PermissionSet: '0PS', PermissionSetAssignment: '0Pa', ObjectPermissions: '110' };
		for (const [type, prefix] of Object.entries(prefixes)) {
			const meta = await admin.sobject(type).describe();
			expect(meta.keyPrefix).toBe(prefix);
		}
		const fieldNames = async (type: string) => (await admin.sobject(type).describe()).fields.map((f) => f.name);
		expect(await fieldNames('Profile')).toEqual(expect.arrayContaining(['Id', 'Name', 'UserType']));
		expect(await fieldNames('PermissionSet')).toEqual(
			expect.arrayContaining([
				'Name',
				'Label',
				'IsOwnedByProfile',
				'ProfileId',
				'PermissionsManageTerritories',
				'PermissionsViewSetup',
				'PermissionsCustomizeApplication',
				'PermissionsApiEnabled',
				'PermissionsViewAllData',
				'PermissionsModifyAllData',
			]),
		);
		expect(await fieldNames('PermissionSetAssignment')).toEqual(expect.arrayContaining(['AssigneeId', 'PermissionSetId']));
		expect(await fieldNames('ObjectPermissions')).toEqual(
			expect.arrayContaining(['ParentId', 'SobjectType', 'PermissionsRead', 'PermissionsCreate', 'PermissionsEdit', 'PermissionsDelete', 'PermissionsViewAllRecords', 'PermissionsModifyAllRecords']),
		);
		const profile = await admin.sobject('Profile').describe();
		expect(profile).toMatchObject({ createable: false, updateable: false, deletable: false });
	});

	it('shows View All on Account for System Administrator only, through the profile permission set', async () => {
		const rows = await admin.query<{ Parent: { Profile: { Name: string } } }>(
			"SELECT Parent.Profile.Name FROM ObjectPermissions WHERE SobjectType = 'Account' AND PermissionsViewAllRecords = true",
		);
		expect(rows.records.map((r) => r.Parent.Profile.Name)).toEqual([PROFILE_NAMES.admin]);
	});

	it('keeps profiles read-only through the API', async () => {
		expect((await failure(admin.sobject('Profile').create({ Name: 'Custom' }))).errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
		const profileId = (await admin.query<{ Id: string }>(`SELECT Id FROM Profile WHERE Name = '${PROFILE_NAMES.standard}'`)).records[0].Id;
		expect((await failure(admin.sobject('Profile').update({ Id: profileId, Name: 'Renamed' }))).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
		expect((await failure(admin.sobject('Profile').destroy(profileId))).errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
	});

	it('creates permission sets with unique API names and keeps profile-owned ones and their assignments for Setup', async () => {
		const id = await create('PermissionSet', { Name: 'Rule_Author', Label: 'Rule Author', PermissionsViewSetup: true });
		expect(await admin.sobject('PermissionSet').retrieve(id)).toMatchObject({ IsOwnedByProfile: false, ProfileId: null });
		expect(await failure(admin.sobject('PermissionSet').create({ Name: 'rule_author', Label: 'Again' }))).toMatchObject({
			errorCode: 'DUPLICATE_DEVELOPER_NAME',
			fields: ['Name'],
		});
		expect(await failure(admin.sobject('ObjectPermissions').create({ ParentId: id, SobjectType: 'Account', PermissionsEdit: true }))).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
			fields: ['PermissionsEdit'],
		});
		expect(await failure(admin.sobject('ObjectPermissions').create({ ParentId: id, SobjectType: 'Nothing__c', PermissionsRead: true }))).toMatchObject({
			errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
		});
		await create('ObjectPermissions', { ParentId: id, SobjectType: 'Account', PermissionsRead: true, PermissionsViewAllRecords: true });

		const own = await admin.query<{ Id: string; PermissionSetId: string }>(
			`SELECT Id, PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${plannerId}' AND PermissionSet.IsOwnedByProfile = true`,
		);
		expect(own.records).toHaveLength(1);
		const ownSet = own.records[0].PermissionSetId;
		expect((await failure(admin.sobject('PermissionSet').update({ Id: ownSet, PermissionsManageTerritories: true }))).errorCode).toBe(
			'INSUFFICIENT_ACCESS_OR_READONLY',
		);
		expect((await failure(admin.sobject('PermissionSetAssignment').destroy(own.records[0].Id))).errorCode).toBe('DELETE_FAILED');
		const anotherUser = (await admin.query<{ Id: string }>(`SELECT Id FROM User WHERE Username = '${DEMO_USERS[1].username}'`)).records[0].Id;
		expect(await failure(admin.sobject('PermissionSetAssignment').create({ AssigneeId: anotherUser, PermissionSetId: ownSet }))).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
			fields: ['PermissionSetId'],
		});

		// An assigned permission set is not deleted from under its users; unassigned, it goes with its object permissions.
		const assignment = await create('PermissionSetAssignment', { AssigneeId: anotherUser, PermissionSetId: id });
		expect(await failure(admin.sobject('PermissionSetAssignment').create({ AssigneeId: anotherUser, PermissionSetId: id }))).toMatchObject({
			errorCode: 'DUPLICATE_VALUE',
		});
		expect((await failure(admin.sobject('PermissionSet').destroy(id))).errorCode).toBe('DELETE_FAILED');
		await admin.sobject('PermissionSetAssignment').destroy(assignment);
		await admin.sobject('PermissionSet').destroy(id);
		expect((await admin.query(`SELECT COUNT() FROM ObjectPermissions WHERE ParentId = '${id}'`)).totalSize).toBe(0);
	});

	it('keeps the demo seed Ids: users first, the planner after everything else', async () => {
		const first = (await admin.query<{ Id: string }>(`SELECT Id FROM User WHERE Username = '${DEMO_USERS[0].username}'`)).records[0].Id;
		expect(first).toBe(makeId('005', 3));
		const accounts = await admin.query<{ Id: string }>('SELECT Id FROM Account ORDER BY Id LIMIT 1');
		expect(accounts.records[0].Id).toBe(makeId('001', 3 + DEMO_USERS.length));
		const lastSeeded = (await admin.query<{ Id: string }>('SELECT Id FROM ObjectTerritory2Association')).records;
		expect(plannerId > makeId('005', 3 + DEMO_USERS.length)).toBe(true);
		expect(lastSeeded.length).toBeGreaterThan(0);
	});
});

describe('Manage Territories', () => {
	it('answers per user, from the profile or from an added permission set', async () => {
		expect(await managesTerritories(admin, t.sandbox.store.currentUserId)).toBe(true);
		expect(await managesTerritories(admin, plannerId)).toBe(false);
		const byUsername = await admin.query(
			`SELECT Id FROM PermissionSetAssignment WHERE Assignee.Username = '${PLANNER_USERNAME}' AND PermissionSet.PermissionsViewAllData = true`,
		);
		expect(byUsername.totalSize).toBe(0);
	});

	it('shows the planner (no View Setup) neither permission sets nor their assignments, but its profile', async () => {
		expect((await failure(planner.query('SELECT Id FROM PermissionSetAssignment'))).errorCode).toBe('INVALID_TYPE');
		expect((await failure(planner.sobject('PermissionSet').describe())).errorCode).toBe('NOT_FOUND');
		const global = (await planner.describeGlobal()).sobjects.map((s) => s.name);
		expect(global).toEqual(expect.arrayContaining(['Profile', 'Territory2Model', 'User']));
		expect(global).not.toEqual(expect.arrayContaining(['PermissionSetAssignment']));
		const profile = await planner.query<{ Name: string }>(`SELECT Profile.Name FROM User WHERE Id = '${plannerId}'`);
		expect(profile.records[0]).toMatchObject({ Profile: { Name: PROFILE_NAMES.standard } });
	});
});

describe('a session without Manage Territories', () => {
	const planningNames = ['North'];

	it('sees only the Active model and what belongs to it; the admin sees both', async () => {
		expect(await names(planner, 'SELECT DeveloperName FROM Territory2Model')).toEqual([DEMO_ACTIVE_MODEL.DeveloperName]);
		expect(await names(admin, 'SELECT DeveloperName FROM Territory2Model')).toEqual([DEMO_ACTIVE_MODEL.DeveloperName, 'FY27_Plan']);

		const activeTerritories = await names(admin, `SELECT DeveloperName FROM Territory2 WHERE Territory2ModelId = '${ids.active}'`);
		expect(await names(planner, 'SELECT DeveloperName FROM Territory2')).toEqual(activeTerritories);
		expect(await names(admin, 'SELECT DeveloperName FROM Territory2')).toEqual([...activeTerritories, ...planningNames].sort());

		const counts = async (conn: Connection) => {
			const out: Record<string, number> = {};
			for (const type of ['ObjectTerritory2AssignmentRule', 'ObjectTerritory2AssignmentRuleItem', 'RuleTerritory2Association', 'ObjectTerritory2Association'])
				out[type] = (await conn.query(`SELECT COUNT() FROM ${type}`)).totalSize;
			out.UserTerritory2Association = (await conn.query(`SELECT COUNT() FROM UserTerritory2Association WHERE Territory2Id = '${ids.north}'`)).totalSize;
			return out;
		};
		expect(await counts(planner)).toEqual({
			ObjectTerritory2AssignmentRule: 0,
			ObjectTerritory2AssignmentRuleItem: 0,
			RuleTerritory2Association: 0,
			ObjectTerritory2Association: 0,
			UserTerritory2Association: 0,
		});
		expect(await counts(admin)).toEqual({
			ObjectTerritory2AssignmentRule: 1,
			ObjectTerritory2AssignmentRuleItem: 1,
			RuleTerritory2Association: 1,
			ObjectTerritory2Association: 1,
			UserTerritory2Association: 1,
		});
		// Active-model user assignments stay visible.
		const activeMembers = (await admin.query(`SELECT COUNT() FROM UserTerritory2Association WHERE Territory2.Territory2ModelId = '${ids.active}'`)).totalSize;
		expect((await planner.query('SELECT COUNT() FROM UserTerritory2Association')).totalSize).toBe(activeMembers);
	});

	it('cannot read records of the Planning model by Id, through REST or collections', async () => {
		expect((await failure(planner.sobject('Territory2Model').retrieve(ids.planning))).errorCode).toBe('NOT_FOUND');
		expect((await failure(planner.sobject('Territory2').retrieve(ids.north))).errorCode).toBe('NOT_FOUND');
		await expect(planner.sobject('Territory2Model').retrieve(ids.active)).resolves.toMatchObject({ State: 'Active' });
		const many = await planner.request<unknown[]>({ method: 'GET', url: `/composite/sobjects/Territory2?ids=${ids.north},${ids.activeTerritory}&fields=DeveloperName` });
		expect(many).toEqual([null, expect.objectContaining({ DeveloperName: 'Bay_Area' })]);
	});

	it('sees the same through Bulk 2.0 queries', async () => {
		planner.bulk2.pollInterval = 20;
		const rows = (await planner.bulk2.query('SELECT DeveloperName FROM Territory2Model')) as unknown as { toArray(): Promise<{ DeveloperName: string }[]> };
		expect((await rows.toArray()).map((r) => r.DeveloperName)).toEqual([DEMO_ACTIVE_MODEL.DeveloperName]);
	});

	it('has its territory writes refused, and nothing changes', async () => {
		const before = (await admin.query('SELECT COUNT() FROM Territory2')).totalSize;
		const refused = { errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' };
		expect(
			await failure(planner.sobject('Territory2').create({ Name: 'East 2', DeveloperName: 'East_2', Territory2ModelId: ids.active, Territory2TypeId: ids.type })),
		).toMatchObject(refused);
		expect(await failure(planner.sobject('Territory2').update({ Id: ids.activeTerritory, Name: 'Bay' }))).toMatchObject(refused);
		expect(await failure(planner.sobject('Territory2').destroy(ids.activeTerritory))).toMatchObject(refused);
		expect(await failure(planner.sobject('Territory2Model').create({ Name: 'Mine', DeveloperName: 'Mine' }))).toMatchObject(refused);
		expect(await failure(planner.sobject('Territory2Type').create({ DeveloperName: 'Zone', MasterLabel: 'Zone', Priority: 99 }))).toMatchObject(refused);

		// Collections report the refusal per record; a hidden record's Id is refused the same way.
		const results = await planner.sobject('Territory2').update(
			[
				{ Id: ids.activeTerritory, Name: 'Bay' },
				{ Id: ids.north, Name: 'Far North' },
			],
			{ allOrNone: false },
		);
		const codes = results.map((r) => (r.success ? 'ok' : (r.errors[0] as unknown as { statusCode: string }).statusCode));
		expect(codes).toEqual(['INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_ACCESS_OR_READONLY']);

		expect((await admin.query('SELECT COUNT() FROM Territory2')).totalSize).toBe(before);
		await expect(admin.sobject('Territory2').retrieve(ids.activeTerritory)).resolves.toMatchObject({ Name: 'Bay Area' });
		await expect(admin.sobject('Territory2').retrieve(ids.north)).resolves.toMatchObject({ Name: 'North' });
		expect(await names(admin, "SELECT DeveloperName FROM Territory2Model WHERE DeveloperName = 'Mine'")).toEqual([]);
	});

	it('meets the usual duplicate error when a hidden model holds the DeveloperName', async () => {
		expect(await failure(planner.sobject('Territory2Model').create({ Name: 'FY27 Plan', DeveloperName: 'FY27_Plan' }))).toMatchObject({
			errorCode: 'DUPLICATE_DEVELOPER_NAME',
			fields: ['DeveloperName'],
		});
		expect((await admin.query("SELECT COUNT() FROM Territory2Model WHERE DeveloperName = 'FY27_Plan'")).totalSize).toBe(1);
	});

	it('cannot grant itself permissions', async () => {
		const territoryManager = (await admin.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = '${TERRITORY_MANAGER_PERMISSION_SET}'`)).records[0].Id;
		expect((await failure(planner.sobject('PermissionSetAssignment').create({ AssigneeId: plannerId, PermissionSetId: territoryManager }))).errorCode).toBe(
			'NOT_FOUND',
		);
		expect(await managesTerritories(admin, plannerId)).toBe(false);
	});

	it('sees and writes every model once an admin assigns it Territory_Manager, and only the Active one again once removed', async () => {
		const territoryManager = (await admin.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = '${TERRITORY_MANAGER_PERMISSION_SET}'`)).records[0].Id;
		const grant = await create('PermissionSetAssignment', { AssigneeId: plannerId, PermissionSetId: territoryManager });
		expect(await managesTerritories(admin, plannerId)).toBe(true);
		// The same session: access follows the assignments at each request.
		expect(await managesTerritories(planner, plannerId)).toBe(true);
		expect(await names(planner, 'SELECT DeveloperName FROM Territory2Model')).toEqual([DEMO_ACTIVE_MODEL.DeveloperName, 'FY27_Plan']);
		const south = await planner.sobject('Territory2').create({ Name: 'South', DeveloperName: 'South', Territory2ModelId: ids.planning, Territory2TypeId: ids.type });
		expect(south.success).toBe(true);

		await admin.sobject('PermissionSetAssignment').destroy(grant);
		expect(await managesTerritories(admin, plannerId)).toBe(false);
		expect(await names(planner, 'SELECT DeveloperName FROM Territory2Model')).toEqual([DEMO_ACTIVE_MODEL.DeveloperName]);
		// The territory is in the Planning model again hidden from the planner: for it, there is no such record.
		expect((await failure(planner.sobject('Territory2').destroy(south.id as string))).errorCode).toBe('NOT_FOUND');
		await expect(admin.sobject('Territory2').retrieve(south.id as string)).resolves.toMatchObject({ DeveloperName: 'South' });
	});
});
