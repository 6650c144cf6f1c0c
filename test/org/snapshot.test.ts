import { connect, OrgConnection } from '../../lib/org/connect';
import { readSnapshot } from '../../lib/org/snapshot';
import { DEMO_USERNAMES, DEMO_USERS } from '../../sandbox/seed';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

let t: TestSandbox;
let org: OrgConnection;
let modelId: string;
let accountIds: string[];

beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo', seedOptions: { activeModel: true } });
	const { loginUrl, credentials: c } = t.sandbox;
	org = await connect({ connection: { authType: 'clientCredentials', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } }, { retryDelayMs: 10 });
	const store = t.sandbox.store;
	modelId = String(store.records('Territory2Model').find((m) => m.DeveloperName === 'FY26_Sales')!.Id);
	const bayArea = String(store.records('Territory2').find((r) => r.DeveloperName === 'Bay_Area')!.Id);
	const rule = store.adminCreate('ObjectTerritory2AssignmentRule', {
		DeveloperName: 'TP_Bay_Area',
		MasterLabel: 'Bay Area ZIPs',
		ObjectType: 'Account',
		Territory2ModelId: modelId,
		IsActive: true,
	});
	store.adminCreate('ObjectTerritory2AssignmentRuleItem', { RuleId: rule, SortOrder: 2, Field: 'Account.BillingCountry', Operation: 'equals', Value: 'United States' });
	store.adminCreate('ObjectTerritory2AssignmentRuleItem', { RuleId: rule, SortOrder: 1, Field: 'Account.BillingPostalCode', Operation: 'startsWith', Value: '941,951' });
	store.adminCreate('RuleTerritory2Association', { RuleId: rule, Territory2Id: bayArea, IsInherited: false });
	accountIds = store.records('Account').map((a) => String(a.Id));
	store.adminCreate('ObjectTerritory2Association', { ObjectId: accountIds[0], Territory2Id: bayArea, AssociationCause: 'Territory2Manual' });
	store.adminCreate('ObjectTerritory2Association', { ObjectId: accountIds[1], Territory2Id: bayArea, AssociationCause: 'Territory2Manual' });
	store.adminCreate('ObjectTerritory2Association', { ObjectId: accountIds[2], Territory2Id: bayArea, AssociationCause: 'Territory2AssignmentRule' });
}, 60000);
afterAll(() => t.stop());

describe('readSnapshot', () => {
	it('reads the whole seeded model and the records the plan names, in a dozen calls', async () => {
		const progress: string[] = [];
		const before = org.calls;
		const ben = DEMO_USERS.find((u) => u.username === DEMO_USERNAMES.benCarter)!;
		const davidId = String(t.sandbox.store.records('User').find((u) => u.Username === DEMO_USERNAMES.davidKim)!.Id);
		const snap = await readSnapshot(
			org,
			{ developerName: 'fy26_sales' },
			{
				users: [DEMO_USERNAMES.anaLopez, ben.federationIdentifier, 'carla.nguyen@acme-demo.example', davidId, "o'brien\\@nowhere.example"],
				accounts: ['ACME-00005', "ACME-'1"],
				accountKeyField: 'External_Key__c',
			},
			(p) => progress.push(p.phase),
		);
		expect(org.calls - before).toBeLessThanOrEqual(12);
		expect(snap.model).toMatchObject({ id: modelId, developerName: 'FY26_Sales', name: 'FY26 Sales', state: 'Active' });
		expect(snap.models.map((m) => m.developerName)).toEqual(['FY26_Sales']);
		expect(snap.types.map((x) => [x.developerName, x.priority])).toEqual([['Region', 10], ['District', 20], ['Territory', 30]]);
		expect(snap.territories).toHaveLength(14);
		const byName = new Map(snap.territories.map((x) => [x.developerName, x]));
		expect(byName.get('Bay_Area')!.parentId).toBe(byName.get('Pacific')!.id);
		expect(byName.get('West')!.parentId).toBeNull();
		expect(byName.get('Bay_Area')!.accountAccessLevel).toBe('Edit');
		expect(byName.get('Bay_Area')!.forecastUserId).toMatch(/^005/);
		expect(snap.userAssociations).toHaveLength(10);
		expect(snap.userAssociations.filter((a) => a.role === 'Sales Rep')).toHaveLength(8);
		expect(snap.rules).toHaveLength(1);
		expect(snap.rules[0]).toMatchObject({ developerName: 'TP_Bay_Area', isActive: true, booleanFilter: null });
		expect(snap.rules[0].items.map((i) => [i.sortOrder, i.field, i.value])).toEqual([
			[1, 'Account.BillingPostalCode', '941,951'],
			[2, 'Account.BillingCountry', 'United States'],
		]);
		expect(snap.ruleAssociations).toEqual([expect.objectContaining({ ruleId: snap.rules[0].id, territoryId: byName.get('Bay_Area')!.id, isInherited: false })]);
		// Manual assignments only: the rule-made one is left out.
		expect(snap.accountAssociations.map((a) => a.objectId).sort()).toEqual([accountIds[0], accountIds[1]].sort());
		// Named users by any key, plus every assigned user.
		const usernames = snap.users.map((u) => u.username);
		for (const u of [DEMO_USERNAMES.anaLopez, DEMO_USERNAMES.benCarter, DEMO_USERNAMES.carlaNguyen, DEMO_USERNAMES.davidKim]) expect(usernames).toContain(u);
		const assigned = new Set(snap.userAssociations.map((a) => a.userId.slice(0, 15)));
		for (const id of assigned) expect(snap.users.some((u) => u.id.slice(0, 15) === id)).toBe(true);
		expect(new Set(snap.users.map((u) => u.id)).size).toBe(snap.users.length);
		// Accounts by external key plus the manually assigned ones, with their key.
		expect(snap.accounts.find((a) => a.externalKey === 'ACME-00005')).toBeDefined();
		expect(snap.accounts.find((a) => a.id === accountIds[0])?.externalKey).toBe('ACME-00001');
		expect(snap.accounts).toHaveLength(3);
		expect(snap.roles).toEqual(expect.arrayContaining(['Owner', 'Administrator', 'Sales Rep']));
		expect(progress[0]).toBe('Reading models');
	});

	it('rides out 503s on reads (jsforce retries GETs with the connection\'s backoff)', async () => {
		t.sandbox.faults.set({ unavailableRate: 0.3, seed: 11, endpoints: ['query', 'describe'] });
		try {
			const snap = await readSnapshot(org, { developerName: 'FY26_Sales' }, { users: [DEMO_USERNAMES.anaLopez], accounts: [] });
			expect(snap.territories).toHaveLength(14);
			expect(snap.userAssociations).toHaveLength(10);
			expect(t.sandbox.requestLog.entries.some((e) => e.status === 503)).toBe(true);
		} finally {
			t.sandbox.faults.clear();
		}
	});

	it('returns a null model (and no model records) when the target does not exist', async () => {
		const snap = await readSnapshot(org, { developerName: 'FY27_Plan' }, { users: [], accounts: [] });
		expect(snap.model).toBeNull();
		expect(snap.territories).toEqual([]);
		expect(snap.models).toHaveLength(1);
		expect(snap.types).toHaveLength(3);
	});

	it('finds the model by Id (15 or 18 characters)', async () => {
		const snap = await readSnapshot(org, { id: modelId.slice(0, 15) }, { users: [], accounts: [] });
		expect(snap.model?.developerName).toBe('FY26_Sales');
	});

	it('refuses an account key field that is not a field name', async () => {
		await expect(readSnapshot(org, { developerName: 'FY26_Sales' }, { users: [], accounts: ['x'], accountKeyField: 'Name FROM User --' })).rejects.toThrow(
			/account key field/,
		);
	});

	it('reads every record of a large model (12,000 manual assignments: past jsforce\'s 10,000 default cap)', async () => {
		const store = t.sandbox.store;
		const typeId = String(store.records('Territory2Type')[0].Id);
		const big = store.adminCreate('Territory2Model', { Name: 'Big', DeveloperName: 'Big_Model' });
		const territories = Array.from({ length: 6 }, (_, i) =>
			store.adminCreate('Territory2', { Name: `T${i}`, DeveloperName: `T${i}`, Territory2ModelId: big, Territory2TypeId: typeId }),
		);
		store.transaction(() => {
			for (const territory of territories) {
				for (const account of accountIds) store.adminCreate('ObjectTerritory2Association', { ObjectId: account, Territory2Id: territory, AssociationCause: 'Territory2Manual' });
			}
		});
		const before = org.calls;
		const snap = await readSnapshot(org, { developerName: 'Big_Model' }, { users: [], accounts: [] });
		expect(snap.accountAssociations).toHaveLength(12000);
		expect(new Set(snap.accountAssociations.map((a) => a.id)).size).toBe(12000);
		expect(snap.accounts).toHaveLength(2000);
		// 6 pages of 2,000 for the assignments, 15 IN lists of ~140 Account Ids (URLs stay short), 7 more reads.
		expect(org.calls - before).toBeLessThanOrEqual(6 + 15 + 7);
	}, 120000);
});
