/**
 * Saved orgs and permissions: a saved org keeps the Id sequence of the permission objects, and an org
 * saved before profiles existed is brought up to date when it is loaded, so its users keep working.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PERMISSION_OBJECTS } from '../../sandbox/schema';
import { INTEGRATION_USERNAME, PLANNER_USERNAME, PROFILE_NAMES, seedEmpty, seedPlanner } from '../../sandbox/seed';
import { createOrgStore, loadOrgStore } from '../../sandbox/org';
import { orgToJSON } from '../../sandbox/persist';
import { startTestSandbox } from '../helpers/sandbox';
import { storeProfileId, userFields } from './user-kit';

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'permissions-state-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saved orgs', () => {
	it('keep numbering permission objects after a reload, without reusing an Id', () => {
		const store = createOrgStore();
		seedEmpty(store);
		seedPlanner(store);
		const restored = loadOrgStore(JSON.parse(JSON.stringify(orgToJSON(store))));
		const before = new Set(PERMISSION_OBJECTS.flatMap((type) => restored.records(type).map((r) => r.Id)));
		const ps = restored.createOne('PermissionSet', { Name: 'After_Reload', Label: 'After reload' });
		const user = restored.createOne('User', userFields('after.reload@acme.example', storeProfileId(restored)));
		const assignment = restored.select('PermissionSetAssignment', 'AssigneeId', user)[0];
		expect(before.has(ps)).toBe(false);
		expect(before.has(assignment.Id)).toBe(false);
	});

	it('from before profiles existed load with the integration user as System Administrator and the others as Standard Users', async () => {
		const path = join(dir, 'old-org.json');
		const old = await startTestSandbox({ statePath: path });
		old.sandbox.store.createOne('User', userFields('someone@acme.example', storeProfileId(old.sandbox.store)));
		await old.stop();

		// Rewrite the saved org as an older sandbox wrote it: no permission objects, users without the new fields.
		const state = JSON.parse(readFileSync(path, 'utf8'));
		for (const type of PERMISSION_OBJECTS) delete state.org.records[type];
		delete state.org.permissionCounter;
		for (const user of state.org.records.User) {
			for (const key of ['ProfileId', 'TimeZoneSidKey', 'LocaleSidKey', 'EmailEncodingKey', 'LanguageLocaleKey']) delete user[key];
		}
		writeFileSync(path, JSON.stringify(state), { mode: 0o600 });

		const t = await startTestSandbox({ statePath: path });
		try {
			const conn = await t.connect({ username: INTEGRATION_USERNAME });
			const users = await conn.query<{ Username: string; Profile: { Name: string }; TimeZoneSidKey: string }>(
				'SELECT Username, Profile.Name, TimeZoneSidKey FROM User ORDER BY Username',
			);
			expect(users.records.map((u) => [u.Username, u.Profile.Name, u.TimeZoneSidKey])).toEqual([
				[INTEGRATION_USERNAME, PROFILE_NAMES.admin, 'America/Los_Angeles'],
				[PLANNER_USERNAME, PROFILE_NAMES.standard, 'America/Los_Angeles'],
				['someone@acme.example', PROFILE_NAMES.standard, 'America/Los_Angeles'],
			]);
			const manages = await conn.query(
				`SELECT Id FROM PermissionSetAssignment WHERE Assignee.Username = '${INTEGRATION_USERNAME}' AND PermissionSet.PermissionsManageTerritories = true`,
			);
			expect(manages.totalSize).toBe(1);
			// The integration user still writes territory objects.
			await expect(conn.sobject('Territory2Type').create({ DeveloperName: 'Region', MasterLabel: 'Region', Priority: 10 })).resolves.toMatchObject({ success: true });
		} finally {
			await t.stop();
		}
	});
});
