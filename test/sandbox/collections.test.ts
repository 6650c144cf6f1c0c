import type { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

type Result = { id: string | null; success: boolean; errors: { statusCode: string; message: string; fields: string[] }[] };

const accounts = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ Name: `${prefix} ${i}`, BillingPostalCode: String(10000 + i) }));

describe('sandbox sObject Collections', () => {
	let t: TestSandbox;
	let conn: Connection;
	const count = () => t.sandbox.store.records('Account').length;
	beforeAll(async () => {
		t = await startTestSandbox();
		conn = await t.connect();
	});
	afterAll(() => t.stop());

	it('creates 200 records in one call, in request order', async () => {
		t.sandbox.requestLog.reset();
		const results = (await conn.sobject('Account').create(accounts(200, 'Batch'))) as Result[];
		expect(results).toHaveLength(200);
		expect(results.every((r) => r.success)).toBe(true);
		expect(t.sandbox.store.get(results[199].id as string)?.record.Name).toBe('Batch 199');
		expect(t.sandbox.requestLog.count('collections')).toBe(1);
		expect(t.sandbox.requestLog.recordsWritten).toBe(200);
		expect(t.sandbox.requestLog.byObject().Account).toBe(1);
	});

	it('refuses 201 records with EXCEEDED_ID_LIMIT and writes nothing', async () => {
		const before = count();
		await expect(conn.sobject('Account').create(accounts(201, 'Too many'))).rejects.toMatchObject({ errorCode: 'EXCEEDED_ID_LIMIT' });
		expect(count()).toBe(before);
	});

	it('lets jsforce split 201 records into 200 + 1 with allowRecursive', async () => {
		t.sandbox.requestLog.reset();
		const results = (await conn.sobject('Account').create(accounts(201, 'Split'), { allowRecursive: true })) as Result[];
		expect(results.filter((r) => r.success)).toHaveLength(201);
		expect(t.sandbox.requestLog.count('collections')).toBe(2);
	});

	it('with allOrNone, one bad record rolls every record back', async () => {
		const before = count();
		const records = [...accounts(3, 'AllOrNone'), { BillingPostalCode: '99999' }];
		const results = (await conn.sobject('Account').create(records, { allOrNone: true })) as Result[];
		expect(results.map((r) => r.success)).toEqual([false, false, false, false]);
		expect(results[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
		expect(results[3].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING');
		expect(count()).toBe(before);
	});

	// REST API guide, sObject Collections Create: no several object types in one call when one is a setup
	// object. This replaces the earlier mixed Account + Territory2Type allOrNone case, which Salesforce refuses.
	it.each([
		['Account with Territory2Type', [{ attributes: { type: 'Account' }, Name: 'Mixed' }, { attributes: { type: 'Territory2Type' }, DeveloperName: 'Mixed_Type', MasterLabel: 'Mixed', Priority: 3 }]],
		['two setup objects', [{ attributes: { type: 'Territory2Type' }, DeveloperName: 'Mixed_Type', MasterLabel: 'Mixed', Priority: 3 }, { attributes: { type: 'Territory2Model' }, Name: 'Mixed', DeveloperName: 'Mixed' }]],
	])('refuses a create mixing %s: every record fails with MIXED_DML_OPERATION, nothing is written', async (_what, records) => {
		for (const allOrNone of [false, true]) {
			const before = t.sandbox.store.image();
			const results = (await conn.requestPost('/composite/sobjects', { allOrNone, records })) as Result[];
			expect(results.map((r) => [r.success, r.errors[0]?.statusCode])).toEqual([
				[false, 'MIXED_DML_OPERATION'],
				[false, 'MIXED_DML_OPERATION'],
			]);
			expect(results[0].errors[0].message).toContain('setup object');
			expect(t.sandbox.store.image()).toEqual(before);
		}
	});

	it('refuses an update mixing Account and User, and such a collection inside Composite, but not one type per subrequest', async () => {
		const [account] = (await conn.sobject('Account').create(accounts(1, 'Upd'))) as Result[];
		const user = t.sandbox.store.records('User')[0];
		const updated = (await conn.requestPatch('/composite/sobjects', {
			records: [
				{ attributes: { type: 'Account' }, id: account.id, BillingCountry: 'FR' },
				{ attributes: { type: 'User' }, id: user.Id, Title: 'Boss' },
			],
		})) as Result[];
		expect(updated.map((r) => r.errors[0]?.statusCode)).toEqual(['MIXED_DML_OPERATION', 'MIXED_DML_OPERATION']);
		expect(t.sandbox.store.get(account.id as string)?.record.BillingCountry).toBeNull();

		const url = '/services/data/v62.0/composite/sobjects';
		const type = (n: number) => ({ attributes: { type: 'Territory2Type' }, DeveloperName: `Sub_${n}`, MasterLabel: `Sub ${n}`, Priority: 70 + n });
		const { compositeResponse } = (await conn.requestPost('/composite', {
			allOrNone: false,
			collateSubrequests: false,
			compositeRequest: [
				{ method: 'POST', url, referenceId: 'mixed', body: { records: [type(1), { attributes: { type: 'Account' }, Name: 'In composite' }] } },
				{ method: 'POST', url, referenceId: 'types', body: { records: [type(2), type(3)] } },
				{ method: 'POST', url, referenceId: 'accounts', body: { records: [{ attributes: { type: 'Account' }, Name: 'Alone' }] } },
			],
		})) as { compositeResponse: { referenceId: string; body: Result[] }[] };
		expect(compositeResponse.map((r) => [r.referenceId, r.body.map((x) => x.errors[0]?.statusCode ?? 'ok')])).toEqual([
			['mixed', ['MIXED_DML_OPERATION', 'MIXED_DML_OPERATION']],
			['types', ['ok', 'ok']],
			['accounts', ['ok']],
		]);
		expect(t.sandbox.store.records('Territory2Type').map((r) => r.DeveloperName)).toEqual(expect.arrayContaining(['Sub_2', 'Sub_3']));
		expect(t.sandbox.store.records('Territory2Type').map((r) => r.DeveloperName)).not.toContain('Sub_1');
	});

	it('without allOrNone, good records are saved and bad ones report their errors', async () => {
		const before = count();
		const results = (await conn.sobject('Account').create([...accounts(2, 'Partial'), { BillingPostalCode: '1' }])) as Result[];
		expect(results.map((r) => r.success)).toEqual([true, true, false]);
		expect(results[2].errors[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING' });
		expect(count()).toBe(before + 2);
	});

	it('updates, retrieves and deletes many records', async () => {
		const created = (await conn.sobject('Account').create(accounts(5, 'Many'))) as Result[];
		const ids = created.map((r) => r.id as string);
		const updated = (await conn.sobject('Account').update(ids.map((Id) => ({ Id, BillingCountry: 'US' })))) as Result[];
		expect(updated.every((r) => r.success)).toBe(true);
		const read = (await conn.sobject('Account').retrieve([...ids, '001000000000000AAA'], { fields: ['BillingCountry'] })) as unknown as (Record<string, unknown> | null)[];
		expect(read.slice(0, 5).map((r) => r?.BillingCountry)).toEqual(['US', 'US', 'US', 'US', 'US']);
		expect(read[5]).toBeNull();
		const deleted = (await conn.sobject('Account').destroy(ids)) as Result[];
		expect(deleted.every((r) => r.success)).toBe(true);
		expect(ids.every((id) => t.sandbox.store.get(id) === undefined)).toBe(true);
	});

	it('deletes with allOrNone: a missing Id keeps the others', async () => {
		const created = (await conn.sobject('Account').create(accounts(2, 'Keep'))) as Result[];
		const ids = created.map((r) => r.id as string);
		const results = (await conn.sobject('Account').destroy([...ids, '001000000000000AAA'], { allOrNone: true })) as Result[];
		expect(results.every((r) => !r.success)).toBe(true);
		expect(ids.every((id) => t.sandbox.store.get(id) !== undefined)).toBe(true);
	});

	it('upserts a collection by external Id', async () => {
		const first = (await conn.sobject('Account').upsert(
			[
				{ Name: 'Ext A', External_Key__c: 'C-1' },
				{ Name: 'Ext B', External_Key__c: 'C-2' },
			],
			'External_Key__c',
		)) as (Result & { created: boolean })[];
		expect(first.map((r) => r.created)).toEqual([true, true]);
		const second = (await conn.sobject('Account').upsert(
			[
				{ Name: 'Ext A2', External_Key__c: 'C-1' },
				{ Name: 'Ext C', External_Key__c: 'C-3' },
			],
			'External_Key__c',
		)) as (Result & { created: boolean })[];
		expect(second.map((r) => r.created)).toEqual([false, true]);
		expect(second[0].id).toBe(first[0].id);
	});
});
