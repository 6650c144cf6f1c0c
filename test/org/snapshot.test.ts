import { publishPlan } from '../../lib';
import { connect, OrgConnection } from '../../lib/org/connect';
import { OrgError } from '../../lib/org/errors';
import { readSnapshot } from '../../lib/org/snapshot';
import type { OrgSnapshot } from '../../lib/sync/types';
import { SAMPLE_CSV } from '../helpers/engine-org';
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
	it('reads the whole seeded model and the records the plan names, in three calls', async () => {
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
		// Models, types, territories, rules and roles; rule items and assignments; users and accounts.
		expect(org.calls - before).toBe(3);
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
		expect(progress[0]).toBe('Reading models, types, territories and rules');
	});

	it('rides out 503s on reads (Composite calls retried by us, page GETs by jsforce)', async () => {
		t.sandbox.faults.set({ unavailableRate: 0.3, seed: 17, endpoints: ['query', 'describe', 'composite'] });
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

/**
 * The reader sends independent queries together through Composite. These tests compare what it read
 * with the sandbox org's own records (read from its store, not through SOQL), in few calls, through
 * paging, faults and expiry.
 */
describe('readSnapshot through Composite', () => {
	let c: TestSandbox;
	let org2: OrgConnection;
	const allUsernames = Object.values(DEMO_USERNAMES);
	const refsFor = (accountKeys: string[]) => ({ users: [...allUsernames, 'nobody@nowhere.example'], accounts: accountKeys, accountKeyField: 'External_Key__c' });
	const apiCalls = () => c.sandbox.requestLog.apiCalls;
	const id15 = (id: unknown) => String(id).slice(0, 15);
	const ids = (records: readonly { id: string }[]) => records.map((r) => id15(r.id)).sort();
	/** What the snapshot must hold for a model, straight from the org's store. */
	function expectMatchesOrg(snapshot: OrgSnapshot, developerName: string): void {
		const store = c.sandbox.store;
		const model = store.records('Territory2Model').find((m) => String(m.DeveloperName).toLowerCase() === developerName.toLowerCase())!;
		expect(id15(snapshot.model!.id)).toBe(id15(model.Id));
		const territories = store.records('Territory2').filter((t) => t.Territory2ModelId === model.Id);
		const inModel = new Set(territories.map((t) => id15(t.Id)));
		const rules = store.records('ObjectTerritory2AssignmentRule').filter((r) => r.Territory2ModelId === model.Id);
		const ruleIds = new Set(rules.map((r) => id15(r.Id)));
		const of = (type: string, keep: (r: Record<string, unknown>) => boolean) => store.records(type).filter(keep).map((r) => id15(r.Id)).sort();
		expect(ids(snapshot.territories)).toEqual(territories.map((t) => id15(t.Id)).sort());
		expect(ids(snapshot.rules)).toEqual([...ruleIds].sort());
		expect(snapshot.rules.flatMap((r) => r.items.map((i) => id15(i.id))).sort()).toEqual(
			of('ObjectTerritory2AssignmentRuleItem', (i) => ruleIds.has(id15(i.RuleId))),
		);
		expect(ids(snapshot.ruleAssociations)).toEqual(of('RuleTerritory2Association', (a) => inModel.has(id15(a.Territory2Id))));
		expect(ids(snapshot.userAssociations)).toEqual(of('UserTerritory2Association', (a) => inModel.has(id15(a.Territory2Id))));
		expect(ids(snapshot.accountAssociations)).toEqual(
			of('ObjectTerritory2Association', (a) => inModel.has(id15(a.Territory2Id)) && a.AssociationCause === 'Territory2Manual'),
		);
		expect(ids(snapshot.types)).toEqual(of('Territory2Type', () => true));
		expect(ids(snapshot.models)).toEqual(of('Territory2Model', () => true));
		// Every field the diff compares, for every territory.
		const byId = new Map(territories.map((t) => [id15(t.Id), t]));
		for (const t of snapshot.territories) {
			const o = byId.get(id15(t.id))!;
			expect([t.name, t.developerName, t.parentId && id15(t.parentId), id15(t.typeId), t.description, t.accountAccessLevel]).toEqual([
				o.Name, o.DeveloperName, o.ParentTerritory2Id ? id15(o.ParentTerritory2Id) : null, id15(o.Territory2TypeId), o.Description ?? null, o.AccountAccessLevel ?? null,
			]);
		}
	}

	beforeAll(async () => {
		c = await startTestSandbox({ seed: 'demo', edition: 'Unlimited', seedOptions: { activeModel: true, accounts: 100 } });
		const { loginUrl, credentials: cr } = c.sandbox;
		const connection = { authType: 'clientCredentials' as const, loginUrl, clientId: cr.clientId, clientSecret: cr.clientSecret };
		org2 = await connect({ connection }, { retryDelayMs: 5 });
		const published = await publishPlan({ connection, plan: { csv: SAMPLE_CSV }, model: { developerName: 'TP_Sample' } });
		expect(published.summary.failed).toBe(0);
		// A few manual account assignments, so the accounts group has work too.
		const store = c.sandbox.store;
		const model = store.records('Territory2Model').find((m) => m.DeveloperName === 'TP_Sample')!;
		const territory = store.records('Territory2').find((x) => x.Territory2ModelId === model.Id)!;
		for (const account of store.records('Account').slice(0, 5)) {
			store.adminCreate('ObjectTerritory2Association', { ObjectId: account.Id, Territory2Id: territory.Id, AssociationCause: 'Territory2Manual' });
		}
	}, 120000);
	afterAll(() => c.stop());

	it('reads everything the model holds in 3 calls (11 or more with one call per query)', async () => {
		const sample = c.sandbox.store.records('Territory2Model').find((m) => m.DeveloperName === 'TP_Sample')!;
		const targets = [{ developerName: 'TP_Sample' }, { developerName: 'tp_sample' }, { id: String(sample.Id).slice(0, 15) }, { developerName: 'FY26_Sales' }];
		for (const target of targets) {
			const refs = refsFor(['ACME-00003', 'ACME-00077', "ACME-'x"]);
			const before = apiCalls();
			const progress: number[] = [];
			const fresh = await readSnapshot(org2, target, refs, (p) => progress.push(p.done));
			expect(apiCalls() - before).toBe(3);
			expect(fresh.territories.length).toBeGreaterThan(10);
			expectMatchesOrg(fresh, target.developerName ?? 'TP_Sample');
			// The accounts the plan names, plus those assigned by hand in the model.
			expect(fresh.accounts.map((a) => a.externalKey)).toEqual(expect.arrayContaining(['ACME-00003', 'ACME-00077']));
			expect(fresh.accounts.map((a) => a.externalKey)).not.toContain("ACME-'x");
			expect(fresh.users.map((u) => u.username)).toEqual(expect.arrayContaining(allUsernames));
			expect(progress).toEqual([0, 1, 2, 3]);
		}
		const sampleSnap = await readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor([]));
		expect(sampleSnap.territories).toHaveLength(208);
		expect(sampleSnap.accountAssociations).toHaveLength(5);
		expect(sampleSnap.rules.length).toBeGreaterThan(100);
		expect(sampleSnap.rules.every((r) => r.items.length > 0)).toBe(true);
	});

	it('spends 2 calls when the model does not exist', async () => {
		const before = apiCalls();
		const fresh = await readSnapshot(org2, { developerName: 'Not_There' }, refsFor([]));
		expect(apiCalls() - before).toBe(2);
		expect(fresh.model).toBeNull();
		expect([fresh.territories, fresh.rules, fresh.userAssociations]).toEqual([[], [], []]);
		expect(fresh.users.map((u) => u.username)).toEqual(expect.arrayContaining(allUsernames));
		// Not an Id: nothing can match, and the territory query is not even sent (it would be refused).
		expect((await readSnapshot(org2, { id: "0MA'; --" }, refsFor([]))).model).toBeNull();
	});

	it('follows nextRecordsUrl past 2,000 records per query (2,500 user assignments)', async () => {
		const store = c.sandbox.store;
		const typeId = String(store.records('Territory2Type')[0].Id);
		const model = store.adminCreate('Territory2Model', { Name: 'Paged', DeveloperName: 'Paged_Model' });
		const users = store.records('User').filter((u) => u.IsActive !== false);
		const territoryCount = Math.ceil(2500 / users.length);
		const links = users.length * territoryCount;
		expect(links).toBeGreaterThanOrEqual(2500);
		expect(links).toBeLessThanOrEqual(4000);
		store.transaction(() => {
			for (let i = 0; i < territoryCount; i++) {
				const territory = store.adminCreate('Territory2', { Name: `P${i}`, DeveloperName: `P${i}`, Territory2ModelId: model, Territory2TypeId: typeId });
				for (const user of users) store.adminCreate('UserTerritory2Association', { UserId: user.Id, Territory2Id: territory, RoleInTerritory2: 'Sales Rep' });
			}
		});
		const before = apiCalls();
		const fresh = await readSnapshot(org2, { developerName: 'Paged_Model' }, { users: [], accounts: [] });
		// 3 Composite calls, plus one GET for the second page of user assignments.
		expect(apiCalls() - before).toBe(4);
		expect(fresh.userAssociations).toHaveLength(links);
		expect(new Set(fresh.userAssociations.map((a) => a.id)).size).toBe(links);
		expect(fresh.users).toHaveLength(users.length);
		expectMatchesOrg(fresh, 'Paged_Model');
	}, 60000);

	it('retries a Composite read that answers 503 (jsforce never retries a POST)', async () => {
		const expected = JSON.stringify(await readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor(['ACME-00003'])));
		const logStart = c.sandbox.requestLog.entries.length;
		c.sandbox.faults.set({ unavailableRate: 0.5, seed: 12, endpoints: ['composite'] });
		try {
			const fresh = await readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor(['ACME-00003']));
			expect(JSON.stringify(fresh)).toBe(expected);
			const composite = c.sandbox.requestLog.entries.slice(logStart).filter((e) => e.kind === 'composite');
			expect(composite.some((e) => e.status === 503)).toBe(true);
			expect(composite.filter((e) => e.status === 200)).toHaveLength(3);
		} finally {
			c.sandbox.faults.clear();
		}
	});

	it('gives up after maxTries with the 503 named', async () => {
		const logStart = c.sandbox.requestLog.entries.length;
		c.sandbox.faults.set({ unavailableRate: 1, endpoints: ['composite'] });
		try {
			await expect(readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor([]))).rejects.toThrow(/SERVER_UNAVAILABLE/);
			const composite = c.sandbox.requestLog.entries.slice(logStart).filter((e) => e.kind === 'composite');
			expect(composite).toHaveLength(org2.tuning.maxTries);
		} finally {
			c.sandbox.faults.clear();
		}
	});

	it('retries only the subrequests that answered 5xx', async () => {
		const expected = JSON.stringify(await readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor([])));
		// The sandbox injects 503s on whole calls only: mark one subrequest of the first answer as failed.
		const conn = org2.conn as unknown as { request: (...args: unknown[]) => Promise<unknown> };
		const original = conn.request;
		const sent: string[][] = [];
		let tampered = false;
		conn.request = async function (this: unknown, ...args: unknown[]) {
			const req = args[0] as { method: string; url: string; body?: string };
			const res = await original.apply(this, args);
			if (req.method === 'POST' && req.url.endsWith('/composite')) {
				sent.push((JSON.parse(req.body!).compositeRequest as { referenceId: string }[]).map((s) => s.referenceId));
				if (!tampered) {
					tampered = true;
					const answers = (res as { compositeResponse: { httpStatusCode: number; body: unknown }[] }).compositeResponse;
					answers[1] = { ...answers[1], httpStatusCode: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }] };
				}
			}
			return res;
		};
		try {
			const fresh = await readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor([]));
			expect(JSON.stringify(fresh)).toBe(expected);
			expect(sent[1]).toEqual([sent[0][1]]);
		} finally {
			conn.request = original;
		}
	});

	it('renews an expired session in the middle of the read', async () => {
		const expected = JSON.stringify(await readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor(['ACME-00003'])));
		const logStart = c.sandbox.requestLog.entries.length;
		c.sandbox.faults.set({ expireSessionsAfterCalls: 1 });
		try {
			const fresh = await readSnapshot(org2, { developerName: 'TP_Sample' }, refsFor(['ACME-00003']));
			expect(JSON.stringify(fresh)).toBe(expected);
			const entries = c.sandbox.requestLog.entries.slice(logStart);
			expect(entries.some((e) => e.kind === 'composite' && e.status === 401)).toBe(true);
			expect(entries.some((e) => e.kind === 'auth')).toBe(true);
		} finally {
			c.sandbox.faults.clear();
		}
	});

	it('names the query and the field when a subrequest is refused (INVALID_FIELD)', async () => {
		const refs = { users: [], accounts: ['ACME-00003'], accountKeyField: 'No_Such_Key__c' };
		const fresh = (await readSnapshot(org2, { developerName: 'TP_Sample' }, refs).catch((e: unknown) => e)) as OrgError;
		expect(fresh).toBeInstanceOf(OrgError);
		expect(fresh.code).toBe('INVALID_FIELD');
		expect(fresh.message).toMatch(/^Query of Account failed \(INVALID_FIELD\): .*No_Such_Key__c/s);
	});
});
