import type { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

describe('sandbox REST API through jsforce', () => {
	let t: TestSandbox;
	let conn: Connection;
	beforeAll(async () => {
		t = await startTestSandbox({ seed: 'demo', seedOptions: { accounts: 4500 } });
		conn = await t.connect();
	});
	afterAll(() => t.stop());

	it('serves on loopback only', () => {
		expect(t.sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	});

	it('lists API versions up to the latest without a session', async () => {
		const versions = (await conn.request('/services/data')) as { version: string; url: string }[];
		expect(versions[versions.length - 1]).toEqual({ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
	});

	it('describes global and per object, with the field properties clients read', async () => {
		const global = await conn.describeGlobal();
		const names = global.sobjects.map((s) => s.name);
		expect(names).toEqual(expect.arrayContaining(['Territory2Model', 'Territory2', 'UserTerritory2Association', 'Account', 'User']));
		const territory = await conn.sobject('Territory2').describe();
		const byName = Object.fromEntries(territory.fields.map((f) => [f.name, f]));
		expect(byName.Territory2ModelId).toMatchObject({ type: 'reference', createable: true, updateable: false, referenceTo: ['Territory2Model'] });
		expect(byName.ParentTerritory2Id.relationshipName).toBe('ParentTerritory2');
		expect(byName.AccountAccessLevel.restrictedPicklist).toBe(true);
		expect((byName.AccountAccessLevel.picklistValues ?? []).map((p) => p.value)).toEqual(['Read', 'Edit', 'All']);
		expect(byName.Name).toMatchObject({ type: 'string', length: 80, nillable: false });
	});

	it('answers an unknown object with 404 NOT_FOUND', async () => {
		await expect(conn.sobject('NoSuchThing__c').describe()).rejects.toMatchObject({
			errorCode: 'NOT_FOUND',
			message: 'The requested resource does not exist',
		});
	});

	it('creates, reads, updates and deletes a single record', async () => {
		const created = await conn.sobject('Account').create({ Name: 'Single Record Co', BillingPostalCode: '94105' });
		expect(created.success).toBe(true);
		const id = created.id as string;
		const read = (await conn.sobject('Account').retrieve(id)) as Record<string, unknown>;
		expect(read).toMatchObject({ Id: id, Name: 'Single Record Co', BillingPostalCode: '94105', attributes: { type: 'Account' } });
		await conn.sobject('Account').update({ Id: id, BillingPostalCode: '10001' });
		expect(t.sandbox.store.get(id)?.record.BillingPostalCode).toBe('10001');
		await conn.sobject('Account').destroy(id);
		expect(t.sandbox.store.get(id)).toBeUndefined();
		await expect(conn.sobject('Account').retrieve(id)).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
	});

	it('returns only the asked fields with ?fields=', async () => {
		const id = t.sandbox.store.records('Account')[0].Id;
		const read = (await conn.request(`/sobjects/Account/${id}?fields=Name`)) as Record<string, unknown>;
		expect(Object.keys(read).sort()).toEqual(['Id', 'Name', 'attributes']);
	});

	it('refuses an invalid create with the store validation error and writes nothing', async () => {
		const before = t.sandbox.store.records('Territory2Model').length;
		await expect(conn.sobject('Territory2Model').create({ DeveloperName: 'No_Name' })).rejects.toMatchObject({
			errorCode: 'REQUIRED_FIELD_MISSING',
		});
		expect(t.sandbox.store.records('Territory2Model')).toHaveLength(before);
	});

	it('upserts by external Id: 201 created, then 200 updated', async () => {
		const first = await conn.sobject('Account').upsert({ Name: 'Upsert Co', External_Key__c: 'EXT-1' }, 'External_Key__c');
		expect(first).toMatchObject({ success: true, created: true });
		const second = await conn.sobject('Account').upsert({ Name: 'Upsert Co 2', External_Key__c: 'EXT-1' }, 'External_Key__c');
		expect(second).toMatchObject({ success: true, created: false, id: first.id });
		expect(t.sandbox.store.get(first.id as string)?.record.Name).toBe('Upsert Co 2');
	});

	it('pages a query by 2,000 with queryMore cursors', async () => {
		const total = t.sandbox.store.records('Account').length;
		expect(total).toBeGreaterThan(4000);
		const first = await conn.query('SELECT Id FROM Account');
		expect(first.records).toHaveLength(2000);
		expect(first.done).toBe(false);
		expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-2000$/);
		const second = await conn.queryMore(first.nextRecordsUrl as string);
		expect(second.records).toHaveLength(2000);
		const third = await conn.queryMore(second.nextRecordsUrl as string);
		expect(third.done).toBe(true);
		const ids = new Set([...first.records, ...second.records, ...third.records].map((r) => r.Id));
		expect(ids.size).toBe(total);
	});

	it('fetches every page with autoFetch and honours Sforce-Query-Options batchSize', async () => {
		const total = t.sandbox.store.records('Account').length;
		const all = await conn.query('SELECT Id FROM Account', { autoFetch: true, maxFetch: 100000 });
		expect(all.records).toHaveLength(total);
		const small = (await conn.request({
			method: 'GET',
			url: `/query?q=${encodeURIComponent('SELECT Id FROM Account')}`,
			headers: { 'Sforce-Query-Options': 'batchSize=500' },
		})) as { records: unknown[]; done: boolean };
		expect(small.records).toHaveLength(500);
		expect(small.done).toBe(false);
	});

	it('rejects an unknown query locator and a malformed query', async () => {
		await expect(conn.queryMore('01gNOPE-2000')).rejects.toMatchObject({ errorCode: 'INVALID_QUERY_LOCATOR' });
		await expect(conn.query('SELEKT Id FROM Account')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
	});

	it('serves the identity URL and userinfo', async () => {
		const identity = (await conn.request(conn.userInfo?.url as string)) as Record<string, unknown>;
		expect(identity).toMatchObject({ username: t.sandbox.credentials.username, organization_id: t.sandbox.orgId });
		const info = (await conn.request('/services/oauth2/userinfo')) as Record<string, unknown>;
		expect(info.preferred_username).toBe(t.sandbox.credentials.username);
	});
});
