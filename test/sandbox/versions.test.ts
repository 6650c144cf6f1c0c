import { request } from 'node:http';
import { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

/** A request exactly as written (fetch and jsforce would clean the path up first). */
function rawGet(base: string, path: string, token?: string): Promise<{ status: number; body: unknown }> {
	const { hostname, port } = new URL(base);
	return new Promise((resolve, reject) => {
		const req = request({ host: hostname, port, path, method: 'GET', headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
			});
		});
		req.on('error', reject);
		req.end();
	});
}

describe('sandbox API versions, as a current org serves them', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await startTestSandbox();
	});
	afterAll(() => t.stop());

	it('lists 31.0 (Summer \'14) up to 66.0 (Spring \'26) with release labels, without a session', async () => {
		const res = await rawGet(t.sandbox.url, '/services/data');
		expect(res.status).toBe(200);
		const versions = res.body as { label: string; url: string; version: string }[];
		expect(versions[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
		expect(versions.at(-1)).toEqual({ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
		const byVersion = Object.fromEntries(versions.map((v) => [v.version, v.label]));
		expect(byVersion).toMatchObject({ '32.0': "Winter '15", '50.0': "Winter '21", '62.0': "Winter '25", '64.0': "Summer '25", '65.0': "Winter '26" });
		expect(versions.map((v) => Number(v.version))).toEqual(Array.from({ length: 36 }, (_, i) => 31 + i));
	});

	it('serves both the engine\'s pinned 62.0 and the latest 66.0 through jsforce', async () => {
		for (const version of ['62.0', '66.0']) {
			const conn = await t.connect({ version });
			await expect(conn.query('SELECT Id FROM Territory2Model')).resolves.toMatchObject({ totalSize: 0, done: true });
			expect(t.sandbox.requestLog.entries.at(-1)?.path).toBe(`/services/data/v${version}/query`);
		}
	});

	it('answers retired versions (7.0 to 30.0) with 410 GONE, not 404', async () => {
		const conn = await t.connect();
		for (const v of ['7.0', '20.0', '21.0', '30.0']) {
			const res = await rawGet(t.sandbox.url, `/services/data/v${v}/limits`, conn.accessToken ?? undefined);
			expect({ v, status: res.status }).toEqual({ v, status: 410 });
			expect((res.body as { errorCode: string; message: string }[])[0]).toMatchObject({
				errorCode: 'UNSUPPORTED_API_VERSION',
				message: expect.stringContaining(`${v} has been retired`),
			});
		}
		const old = new Connection({ instanceUrl: t.sandbox.url, accessToken: conn.accessToken ?? '', version: '30.0' });
		await expect(old.query('SELECT Id FROM User')).rejects.toMatchObject({ errorCode: 'UNSUPPORTED_API_VERSION' });
	});

	it('answers versions that never existed or are not released with 404', async () => {
		for (const v of ['6.0', '67.0', '99.0']) {
			const res = await rawGet(t.sandbox.url, `/services/data/v${v}/limits`);
			expect({ v, status: res.status }).toEqual({ v, status: 404 });
		}
	});

	it('serves up to apiVersionLatest when an older org is wanted', async () => {
		const older = await startTestSandbox({ apiVersionLatest: '62.0' });
		try {
			const versions = (await rawGet(older.sandbox.url, '/services/data')).body as { version: string }[];
			expect(versions.at(-1)?.version).toBe('62.0');
			expect((await rawGet(older.sandbox.url, '/services/data/v66.0/limits')).status).toBe(404);
		} finally {
			await older.stop();
		}
	});
});

describe('sandbox request paths with repeated slashes (the Salesforce CLI sends //services/data/...)', () => {
	let t: TestSandbox;
	let token: string;
	beforeAll(async () => {
		t = await startTestSandbox();
		token = (await t.connect()).accessToken ?? '';
	});
	afterAll(() => t.stop());

	it('serves //services/data and //services/data/v66.0//limits like their single-slash forms', async () => {
		const list = await rawGet(t.sandbox.url, '//services/data');
		expect(list.status).toBe(200);
		expect((list.body as unknown[]).length).toBeGreaterThan(30);
		const limits = await rawGet(t.sandbox.url, '//services/data/v66.0//limits/', token);
		expect(limits.status).toBe(200);
		expect(limits.body).toMatchObject({ DailyApiRequests: { Max: 100000 } });
		expect(t.sandbox.requestLog.entries.at(-1)).toMatchObject({ path: '/services/data/v66.0/limits/', kind: 'limits' });
	});

	it('keeps slashes inside the query string', async () => {
		await (await t.connect()).sobject('Account').create({ Name: 'Slash//Co' });
		const soql = "SELECT Id FROM Account WHERE Name = 'Slash//Co'";
		const res = await rawGet(t.sandbox.url, `//services/data/v66.0/query?q=${encodeURIComponent(soql).replace(/%2F/g, '/')}`, token);
		expect(res).toMatchObject({ status: 200, body: { totalSize: 1 } });
	});

	it('serves the OAuth and identity endpoints under a doubled slash', async () => {
		const res = await rawGet(t.sandbox.url, '//services/oauth2/userinfo', token);
		expect(res).toMatchObject({ status: 200, body: { preferred_username: t.sandbox.credentials.username } });
	});
});
