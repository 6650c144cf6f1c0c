import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

describe('sandbox API limits', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await startTestSandbox({ dailyApiLimit: 10 });
	});
	afterAll(() => t.stop());

	it('reports api-usage on every response, answers /limits, and refuses calls past the allowance with 403', async () => {
		const conn = await t.connect();
		await conn.query('SELECT Id FROM User');
		expect(conn.limitInfo).toEqual({ apiUsage: { used: 1, limit: 10 } });
		const limits = (await conn.limits()) as { DailyApiRequests: { Max: number; Remaining: number } };
		expect(limits.DailyApiRequests).toEqual({ Max: 10, Remaining: 8 });
		expect(conn.limitInfo).toEqual({ apiUsage: { used: 2, limit: 10 } });
		for (let i = 0; i < 8; i++) await conn.query('SELECT Id FROM User');
		expect(t.sandbox.apiUsage.used).toBe(10);
		const before = t.sandbox.store.records('Account').length;
		await expect(conn.sobject('Account').create({ Name: 'Over the limit' })).rejects.toMatchObject({
			errorCode: 'REQUEST_LIMIT_EXCEEDED',
		});
		expect(t.sandbox.store.records('Account')).toHaveLength(before);
		const res = await fetch(`${t.sandbox.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
		expect(res.status).toBe(403);
		expect(res.headers.get('sforce-limit-info')).toBe('api-usage=10/10');
		// Logging in is not an API call, and a new day restores the allowance.
		t.sandbox.apiUsage.reset();
		const again = await t.connect();
		await expect(again.query('SELECT Id FROM User')).resolves.toMatchObject({ done: true });
	});

	it('counts API calls per endpoint kind and object in the request log', async () => {
		t.sandbox.apiUsage.reset();
		const conn = await t.connect();
		t.sandbox.requestLog.reset();
		await conn.query('SELECT Id FROM User');
		await conn.sobject('Account').create([{ Name: 'A' }, { Name: 'B' }]);
		await conn.sobject('Account').describe();
		const log = t.sandbox.requestLog;
		expect(log.byKind()).toEqual({ query: 1, collections: 1, describe: 1 });
		expect(log.byObject()).toEqual({ User: 1, Account: 2 });
		expect(log.apiCalls).toBe(3);
		expect(log.writeCalls).toBe(1);
		expect(log.recordsWritten).toBe(2);
	});
});
