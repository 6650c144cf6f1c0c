import type { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

describe('sandbox server: bad requests get Salesforce-shaped errors and change nothing', () => {
	let t: TestSandbox;
	let conn: Connection;
	let snapshot: string;
	const raw = (path: string, init: RequestInit = {}) =>
		fetch(`${t.sandbox.url}${path}`, {
			...init,
			headers: { Authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
		});

	beforeAll(async () => {
		t = await startTestSandbox({ maxRequestBytes: 64 * 1024 });
		conn = await t.connect();
		await conn.sobject('Account').create({ Name: 'Existing' });
		snapshot = JSON.stringify(t.sandbox.store.image());
	});
	afterAll(() => t.stop());
	afterEach(() => {
		expect(JSON.stringify(t.sandbox.store.image())).toBe(snapshot);
	});

	it('malformed JSON → 400 JSON_PARSER_ERROR', async () => {
		for (const path of ['/services/data/v62.0/sobjects/Account', '/services/data/v62.0/composite/sobjects']) {
			const res = await raw(path, { method: 'POST', body: '{"Name": "Broken' });
			expect(res.status).toBe(400);
			const body = (await res.json()) as { errorCode: string; message: string }[];
			expect(body[0].errorCode).toBe('JSON_PARSER_ERROR');
		}
	});

	it('unknown object, record, path or API version → 404 NOT_FOUND', async () => {
		const paths = [
			'/services/data/v62.0/sobjects/Nope__c',
			'/services/data/v62.0/sobjects/Account/001000000000000AAA',
			'/services/data/v62.0/nothing-here',
			'/services/data/v99.0/limits',
			'/no/such/path',
		];
		for (const path of paths) {
			const res = await raw(path);
			expect({ path, status: res.status, body: await res.json() }).toEqual({
				path,
				status: 404,
				body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
			});
		}
		const post = await raw('/services/data/v62.0/sobjects/Nope__c', { method: 'POST', body: '{"Name":"x"}' });
		expect(post.status).toBe(404);
	});

	it('wrong method → 405 METHOD_NOT_ALLOWED', async () => {
		const id = t.sandbox.store.records('Account')[0].Id;
		const res = await raw(`/services/data/v62.0/sobjects/Account/${id}`, { method: 'PUT', body: '{}' });
		expect(res.status).toBe(405);
		expect(((await res.json()) as { errorCode: string }[])[0].errorCode).toBe('METHOD_NOT_ALLOWED');
		const composite = await raw('/services/data/v62.0/composite', { method: 'GET' });
		expect(composite.status).toBe(405);
	});

	it('oversize payload → 413, and the server keeps serving', async () => {
		const records = Array.from({ length: 200 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `Big ${i} ${'x'.repeat(400)}` }));
		const res = await raw('/services/data/v62.0/composite/sobjects', { method: 'POST', body: JSON.stringify({ records }) });
		expect(res.status).toBe(413);
		expect(((await res.json()) as { errorCode: string }[])[0].errorCode).toBe('REQUEST_ENTITY_TOO_LARGE');
		await expect(conn.query('SELECT Id FROM Account')).resolves.toMatchObject({ totalSize: 1 });
	});

	it('a field that does not exist → 400 INVALID_FIELD through jsforce', async () => {
		await expect(conn.sobject('Account').create({ Name: 'X', Nope__c: 1 })).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
	});

	it('a collection record without attributes.type is refused as a whole', async () => {
		const res = await raw('/services/data/v62.0/composite/sobjects', { method: 'POST', body: JSON.stringify({ records: [{ Name: 'No type' }] }) });
		expect(res.status).toBe(400);
	});
});

describe('sandbox state files', () => {
	it('round-trips the org through statePath and refuses a file that is not a sandbox state', async () => {
		const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
		const { join } = await import('node:path');
		const { tmpdir } = await import('node:os');
		const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
		try {
			const statePath = join(dir, 'org.json');
			const first = await startTestSandbox({ statePath });
			const conn = await first.connect();
			const created = await conn.sobject('Account').create({ Name: 'Saved' });
			await first.stop();
			const second = await startTestSandbox({ statePath });
			expect(second.sandbox.store.get(created.id as string)?.record.Name).toBe('Saved');
			expect(second.sandbox.credentials.clientSecret).toBe(first.sandbox.credentials.clientSecret);
			await second.stop();

			const bad = join(dir, 'bad.json');
			writeFileSync(bad, '{"hello": 1}');
			await expect(startTestSandbox({ statePath: bad })).rejects.toThrow(/not a sandbox state/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
