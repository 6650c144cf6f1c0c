import type { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

type Result = { id: string | null; success: boolean; errors: { statusCode: string }[] };
const accounts = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ Name: `${prefix} ${i}` }));

describe('sandbox faults', () => {
	let t: TestSandbox;
	let conn: Connection;
	const count = () => t.sandbox.store.records('Account').length;
	beforeAll(async () => {
		t = await startTestSandbox();
		conn = await t.connect();
	});
	afterAll(() => t.stop());
	afterEach(() => t.sandbox.faults.clear());

	it('adds latency to every response', async () => {
		t.sandbox.faults.set({ latencyMs: 150 });
		const started = Date.now();
		await conn.query('SELECT Id FROM User');
		expect(Date.now() - started).toBeGreaterThanOrEqual(150);
	});

	it('locks rows per record in collections, deterministically for a seed', async () => {
		const run = async (prefix: string) => {
			t.sandbox.faults.set({ lockRowRate: 0.5, seed: 42 });
			return ((await conn.sobject('Account').create(accounts(20, prefix))) as Result[]).map((r) => r.success);
		};
		const before = count();
		const first = await run('Lock A');
		const second = await run('Lock B');
		expect(second).toEqual(first);
		const saved = first.filter(Boolean).length;
		expect(saved).toBeGreaterThan(0);
		expect(saved).toBeLessThan(20);
		expect(count()).toBe(before + 2 * saved);
		t.sandbox.faults.set({ lockRowRate: 1 });
		const locked = (await conn.sobject('Account').create(accounts(2, 'Locked'))) as Result[];
		expect(locked.map((r) => r.errors[0]?.statusCode)).toEqual(['UNABLE_TO_LOCK_ROW', 'UNABLE_TO_LOCK_ROW']);
	});

	it('locks a whole single-record write, and only on the chosen objects', async () => {
		t.sandbox.faults.set({ lockRowRate: 1, objects: ['Account'] });
		const before = count();
		await expect(conn.sobject('Account').create({ Name: 'Single lock' })).rejects.toMatchObject({ errorCode: 'UNABLE_TO_LOCK_ROW' });
		expect(count()).toBe(before);
		await expect(conn.sobject('Territory2Type').create({ DeveloperName: 'Free', MasterLabel: 'Free', Priority: 7 })).resolves.toMatchObject({
			success: true,
		});
	});

	it('answers 503 on the chosen endpoints', async () => {
		t.sandbox.faults.set({ unavailableRate: 1, endpoints: ['composite'] });
		await expect(conn.requestPost('/composite', { compositeRequest: [] })).rejects.toMatchObject({ errorCode: 'SERVER_UNAVAILABLE' });
		await expect(conn.query('SELECT Id FROM User')).resolves.toMatchObject({ done: true });
	});

	it('expires sessions after N calls; jsforce logs in again once', async () => {
		t.sandbox.faults.set({ expireSessionsAfterCalls: 2 });
		t.sandbox.requestLog.reset();
		for (let i = 0; i < 4; i++) await conn.query('SELECT Id FROM User');
		const statuses = t.sandbox.requestLog.entries.map((e) => `${e.kind}:${e.status}`);
		expect(statuses).toEqual(['query:200', 'query:200', 'query:401', 'auth:200', 'query:200', 'query:200']);
	});

	it('crashes after N records written: the call that crosses the line dies, later writes fail, state keeps the first N', async () => {
		const before = count();
		t.sandbox.faults.set({ stopAfterRecordsWritten: 5 });
		await expect(conn.sobject('Account').create(accounts(10, 'Crash'))).rejects.toThrow();
		expect(count()).toBe(before + 5);
		await expect(conn.sobject('Account').create({ Name: 'After crash' })).rejects.toThrow();
		expect(count()).toBe(before + 5);
		await expect(conn.query('SELECT Id FROM Account')).resolves.toMatchObject({ totalSize: before + 5 });
		t.sandbox.faults.set({ stopAfterRecordsWritten: 0, stopMode: 'error500' });
		await expect(conn.sobject('Account').create({ Name: 'Refused' })).rejects.toMatchObject({ errorCode: 'UNKNOWN_EXCEPTION' });
		t.sandbox.faults.clear();
		await expect(conn.sobject('Account').create({ Name: 'Recovered' })).resolves.toMatchObject({ success: true });
	});

	it('a crash inside an allOrNone composite keeps nothing of it', async () => {
		const before = count();
		t.sandbox.faults.set({ stopAfterRecordsWritten: 1, stopMode: 'error500' });
		const sub = (i: number) => ({ method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: `a${i}`, body: { Name: `Composite ${i}` } });
		await expect(conn.requestPost('/composite', { allOrNone: true, compositeRequest: [sub(1), sub(2)] })).rejects.toMatchObject({
			errorCode: 'UNKNOWN_EXCEPTION',
		});
		expect(count()).toBe(before);
	});

	it('applies row locks per record to Bulk API 2.0 ingest and counts its writes', async () => {
		conn.bulk2.pollInterval = 20;
		t.sandbox.faults.set({ lockRowRate: 0.5, seed: 7, endpoints: ['bulk2'] });
		t.sandbox.requestLog.reset();
		const before = count();
		const res = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: accounts(20, 'Bulk') });
		expect(res.successfulResults.length + res.failedResults.length).toBe(20);
		expect(res.failedResults.length).toBeGreaterThan(0);
		expect(res.failedResults.every((r) => String(r.sf__Error).startsWith('UNABLE_TO_LOCK_ROW'))).toBe(true);
		expect(count()).toBe(before + res.successfulResults.length);
		expect(t.sandbox.requestLog.recordsWritten).toBe(res.successfulResults.length);
	});

	it('refuses rates outside 0..1', () => {
		expect(() => t.sandbox.faults.set({ lockRowRate: 2 })).toThrow(/between 0 and 1/);
		expect(() => t.sandbox.faults.set({ expireSessionsEveryCalls: 0 })).toThrow(/at least 1/);
	});

	it('expires sessions every N calls, again and again; each session serves N calls', async () => {
		const before = t.sandbox.faults.injected.sessionsExpired;
		t.sandbox.faults.set({ expireSessionsEveryCalls: 2 });
		t.sandbox.requestLog.reset();
		for (let i = 0; i < 4; i++) await conn.query('SELECT Id FROM User');
		const statuses = t.sandbox.requestLog.entries.map((e) => `${e.kind}:${e.status}`);
		expect(statuses).toEqual(['query:200', 'query:200', 'query:401', 'auth:200', 'query:200', 'query:401', 'auth:200', 'query:200']);
		expect(t.sandbox.faults.injected.sessionsExpired - before).toBe(2);
	});

	it('counts the faults it injected, across settings', async () => {
		const before = t.sandbox.faults.injected;
		t.sandbox.faults.set({ lockRowRate: 1, objects: ['Account'] });
		await conn.sobject('Account').create(accounts(3, 'Counted'));
		t.sandbox.faults.set({ unavailableRate: 1, endpoints: ['composite'] });
		// jsforce never retries a POST: one request, one 503.
		await expect(conn.requestPost('/composite', { compositeRequest: [] })).rejects.toMatchObject({ errorCode: 'SERVER_UNAVAILABLE' });
		const after = t.sandbox.faults.injected;
		expect(after.lockRow - before.lockRow).toBe(3);
		expect(after.unavailable - before.unavailable).toBe(1);
	});

	it('tells request log listeners of each request before the answer leaves, until they unsubscribe', async () => {
		const seen: string[] = [];
		let written = -1;
		const dispose = t.sandbox.requestLog.onEntry((entry, index) => {
			seen.push(`${entry.kind}:${entry.status}:${entry.write}`);
			// Served already: the record is in the store although the client has no answer yet.
			if (entry.write) written = count();
			expect(t.sandbox.requestLog.entries[index]).toBe(entry);
		});
		const before = count();
		await conn.sobject('Account').create({ Name: 'Listened' });
		dispose();
		await conn.query('SELECT Id FROM User');
		expect(seen).toEqual(['sobject:201:true']);
		expect(written).toBe(before + 1);
	});
});

describe('the latency model', () => {
	let t: TestSandbox;
	let conn: Connection;
	// Small numbers: the waits are real timers. What is checked is the wait each request was given (waitMs).
	beforeAll(async () => {
		t = await startTestSandbox({ latency: { perRequestMs: 3, perRecordMs: 1 } });
		conn = await t.connect();
		conn.bulk2.pollInterval = 20;
	});
	afterAll(() => t.stop());

	it('waits per request plus per record a request wrote, but not for the records a Bulk API 2.0 job wrote', async () => {
		t.sandbox.requestLog.reset();
		await conn.sobject('Account').create(accounts(30, 'Timed'));
		const res = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: accounts(50, 'Timed bulk') });
		expect(res.successfulResults).toHaveLength(50);
		const entries = t.sandbox.requestLog.entries;
		const collection = entries.find((e) => e.kind === 'collections');
		expect(collection).toMatchObject({ recordsWritten: 30, waitMs: 3 + 30 });
		// The job ran inside the request that closed it (its records are counted there) and waited 3 ms, not 53.
		const closing = entries.find((e) => e.kind === 'bulk2' && e.recordsWritten > 0);
		expect(closing).toMatchObject({ method: 'PATCH', recordsWritten: 50, waitMs: 3 });
		expect(t.sandbox.requestLog.recordsWritten).toBe(80);
	});

	it('serves requests concurrently: a quick request sent after a slow one answers first', async () => {
		// The slow one writes 200 records (3 + 200 ms); served one after the other, the quick read (3 ms)
		// would wait for it.
		const answered: string[] = [];
		const slow = conn
			.sobject('Account')
			.create(accounts(200, 'Concurrent'))
			.then(() => answered.push('slow write'));
		// Sent once the slow one is surely at the sandbox and waiting.
		await new Promise((r) => setTimeout(r, 60));
		const quick = conn.query('SELECT Id FROM Account LIMIT 1').then(() => answered.push('quick read'));
		await Promise.all([slow, quick]);
		expect(answered).toEqual(['quick read', 'slow write']);
	});
});
