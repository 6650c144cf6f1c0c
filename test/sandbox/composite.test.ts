import type { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

interface SubResponse {
	body: unknown;
	httpHeaders: Record<string, string>;
	httpStatusCode: number;
	referenceId: string;
}

const V = '/services/data/v62.0';

describe('sandbox Composite API', () => {
	let t: TestSandbox;
	let conn: Connection;
	let typeId: string;
	const composite = async (compositeRequest: unknown[], allOrNone = false) =>
		((await conn.requestPost('/composite', { allOrNone, compositeRequest })) as { compositeResponse: SubResponse[] }).compositeResponse;
	const typeCount = () => t.sandbox.store.records('Territory2Type').length;

	beforeAll(async () => {
		t = await startTestSandbox();
		conn = await t.connect();
		const created = await conn.sobject('Territory2Type').create({ DeveloperName: 'Region', MasterLabel: 'Region', Priority: 1 });
		typeId = created.id as string;
	});
	afterAll(() => t.stop());

	it('runs subrequests in order with @{ref.id} references, as one API call', async () => {
		t.sandbox.requestLog.reset();
		const usedBefore = t.sandbox.apiUsage.used;
		const responses = await composite([
			{ method: 'POST', url: `${V}/sobjects/Territory2Model`, referenceId: 'model', body: { Name: 'FY27', DeveloperName: 'FY27' } },
			{
				method: 'POST',
				url: `${V}/sobjects/Territory2`,
				referenceId: 'west',
				body: { Name: 'West', DeveloperName: 'West', Territory2ModelId: '@{model.id}', Territory2TypeId: typeId },
			},
			{ method: 'GET', url: `${V}/sobjects/Territory2/@{west.id}?fields=Name,Territory2ModelId`, referenceId: 'readBack' },
			{ method: 'GET', url: `${V}/query?q=${encodeURIComponent("SELECT Id FROM Territory2 WHERE DeveloperName = 'West'")}`, referenceId: 'q' },
			{ method: 'PATCH', url: `${V}/sobjects/Territory2/@{q.records[0].Id}`, referenceId: 'rename', body: { Description: 'Western states' } },
		]);
		expect(responses.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([
			['model', 201],
			['west', 201],
			['readBack', 200],
			['q', 200],
			['rename', 204],
		]);
		const modelId = (responses[0].body as { id: string }).id;
		const westId = (responses[1].body as { id: string }).id;
		expect(responses[0].httpHeaders.Location).toBe(`${V}/sobjects/Territory2Model/${modelId}`);
		expect(responses[2].body).toMatchObject({ Name: 'West', Territory2ModelId: modelId });
		expect(t.sandbox.store.get(westId)?.record.Description).toBe('Western states');
		expect(t.sandbox.apiUsage.used).toBe(usedBefore + 1);
		expect(t.sandbox.requestLog.count('composite')).toBe(1);
		expect(t.sandbox.requestLog.recordsWritten).toBe(3);
	});

	it('resolves @{ref[0].id} against a collection result', async () => {
		const responses = await composite([
			{
				method: 'POST',
				url: `${V}/composite/sobjects`,
				referenceId: 'models',
				body: { allOrNone: true, records: [{ attributes: { type: 'Territory2Model' }, Name: 'Coll', DeveloperName: 'Coll_Model' }] },
			},
			{
				method: 'POST',
				url: `${V}/sobjects/Territory2`,
				referenceId: 'top',
				body: { Name: 'Top', DeveloperName: 'Top', Territory2ModelId: '@{models[0].id}', Territory2TypeId: typeId },
			},
		]);
		expect(responses.map((r) => r.httpStatusCode)).toEqual([200, 201]);
		const modelId = (responses[0].body as { id: string }[])[0].id;
		expect(t.sandbox.store.get((responses[1].body as { id: string }).id)?.record.Territory2ModelId).toBe(modelId);
	});

	it('with allOrNone, a failure rolls back earlier subrequests and halts the rest', async () => {
		const before = typeCount();
		const responses = await composite(
			[
				{ method: 'POST', url: `${V}/sobjects/Territory2Type`, referenceId: 'ok', body: { DeveloperName: 'Rolled', MasterLabel: 'Rolled', Priority: 50 } },
				{ method: 'POST', url: `${V}/sobjects/Territory2Type`, referenceId: 'bad', body: { DeveloperName: 'No_Label', Priority: 51 } },
				{ method: 'POST', url: `${V}/sobjects/Territory2Type`, referenceId: 'later', body: { DeveloperName: 'Later', MasterLabel: 'Later', Priority: 52 } },
			],
			true,
		);
		expect(responses.map((r) => r.httpStatusCode)).toEqual([400, 400, 400]);
		expect((responses[0].body as { errorCode: string }[])[0].errorCode).toBe('PROCESSING_HALTED');
		expect((responses[1].body as { errorCode: string }[])[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
		expect((responses[2].body as { errorCode: string }[])[0].errorCode).toBe('PROCESSING_HALTED');
		expect(typeCount()).toBe(before);
	});

	it('without allOrNone, keeps successes and halts only subrequests that reference a failure', async () => {
		const before = typeCount();
		const responses = await composite([
			{ method: 'POST', url: `${V}/sobjects/Territory2Type`, referenceId: 'bad', body: { DeveloperName: 'No_Label', Priority: 60 } },
			{ method: 'GET', url: `${V}/sobjects/Territory2Type/@{bad.id}`, referenceId: 'dependent' },
			{ method: 'POST', url: `${V}/sobjects/Territory2Type`, referenceId: 'independent', body: { DeveloperName: 'Indep', MasterLabel: 'Indep', Priority: 61 } },
		]);
		expect(responses.map((r) => r.httpStatusCode)).toEqual([400, 400, 201]);
		expect((responses[1].body as { errorCode: string }[])[0].errorCode).toBe('PROCESSING_HALTED');
		expect(typeCount()).toBe(before + 1);
	});

	it('refuses more than 25 subrequests and more than 5 collections or queries', async () => {
		const q = (i: number) => ({ method: 'GET', url: `${V}/query?q=SELECT+Id+FROM+User`, referenceId: `q${i}` });
		const get = (i: number) => ({ method: 'GET', url: `${V}/limits`, referenceId: `g${i}` });
		await expect(composite(Array.from({ length: 26 }, (_, i) => get(i)))).rejects.toMatchObject({ errorCode: 'LIMIT_EXCEEDED' });
		await expect(composite(Array.from({ length: 6 }, (_, i) => q(i)))).rejects.toMatchObject({ errorCode: 'LIMIT_EXCEEDED' });
		const ok = await composite([...Array.from({ length: 5 }, (_, i) => q(i)), ...Array.from({ length: 20 }, (_, i) => get(i))]);
		expect(ok).toHaveLength(25);
	});

	it('refuses a malformed composite body with JSON_PARSER_ERROR', async () => {
		await expect(
			conn.request({ method: 'POST', url: '/composite', body: '{"compositeRequest": [', headers: { 'content-type': 'application/json' } }),
		).rejects.toMatchObject({ errorCode: 'JSON_PARSER_ERROR' });
	});
});

/**
 * collateSubrequests (REST API guide, Composite request body): true by default from API 49.0, and then
 * "the order of execution is not guaranteed". The sandbox plays collation as POST, PATCH, PUT, DELETE,
 * GET, each subrequest after those it references; with false, request order.
 */
describe('sandbox Composite API: collateSubrequests', () => {
	let t: TestSandbox;
	let conn: Connection;
	let model: string;
	let typeId: string;

	beforeAll(async () => {
		t = await startTestSandbox();
		conn = await t.connect();
		typeId = (await conn.sobject('Territory2Type').create({ DeveloperName: 'Region', MasterLabel: 'Region', Priority: 1 })).id as string;
		model = (await conn.sobject('Territory2Model').create({ Name: 'Order', DeveloperName: 'Order' })).id as string;
	});
	afterAll(() => t.stop());

	const send = async (c: Connection, body: Record<string, unknown>) => ((await c.requestPost('/composite', body)) as { compositeResponse: SubResponse[] }).compositeResponse;
	const territory = (name: string) => ({ Name: name, DeveloperName: name, Territory2ModelId: model, Territory2TypeId: typeId });
	const createDup = async () => (await conn.sobject('Territory2').create(territory('Dup'))).id as string;
	/** Delete a territory, then create another with its DeveloperName: right only in request order. */
	const deleteThenCreate = (version: string, id: string) => [
		{ method: 'DELETE', url: `/services/data/v${version}/sobjects/Territory2/${id}`, referenceId: 'gone' },
		{ method: 'POST', url: `/services/data/v${version}/sobjects/Territory2`, referenceId: 'again', body: territory('Dup') },
	];
	const outcome = (r: SubResponse) => [r.referenceId, r.httpStatusCode, r.httpStatusCode >= 400 ? (r.body as { errorCode: string }[])[0].errorCode : 'ok'];
	const dupIds = () => t.sandbox.store.records('Territory2').filter((r) => r.DeveloperName === 'Dup').map((r) => r.Id);
	afterEach(() => {
		for (const id of dupIds()) t.sandbox.store.deleteOne('Territory2', id);
	});

	it('collates by default from API 49.0: the create runs before the delete it waited for, answers stay in request order', async () => {
		const id = await createDup();
		const responses = await send(conn, { allOrNone: false, compositeRequest: deleteThenCreate('62.0', id) });
		expect(responses.map(outcome)).toEqual([
			['gone', 204, 'ok'],
			['again', 400, 'DUPLICATE_DEVELOPER_NAME'],
		]);
		expect(dupIds()).toEqual([]);
	});

	it('runs in request order with collateSubrequests: false', async () => {
		const id = await createDup();
		const responses = await send(conn, { allOrNone: false, collateSubrequests: false, compositeRequest: deleteThenCreate('62.0', id) });
		expect(responses.map(outcome)).toEqual([
			['gone', 204, 'ok'],
			['again', 201, 'ok'],
		]);
		expect(dupIds()).toHaveLength(1);
		expect(dupIds()[0]).not.toBe(id);
	});

	it('does not collate by default in API 48.0, and collates there when asked', async () => {
		const v48 = await t.connect({ version: '48.0' });
		const first = await send(v48, { allOrNone: false, compositeRequest: deleteThenCreate('48.0', await createDup()) });
		expect(first.map(outcome)).toEqual([
			['gone', 204, 'ok'],
			['again', 201, 'ok'],
		]);
		const second = await send(v48, { allOrNone: false, collateSubrequests: true, compositeRequest: deleteThenCreate('48.0', dupIds()[0]) });
		expect(second.map(outcome)).toEqual([
			['gone', 204, 'ok'],
			['again', 400, 'DUPLICATE_DEVELOPER_NAME'],
		]);
	});

	it('still runs a subrequest after the ones it references, and never lets one reference a later one', async () => {
		await createDup();
		const query = `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Territory2 WHERE DeveloperName = 'Dup'")}`;
		const responses = await send(conn, {
			allOrNone: false,
			compositeRequest: [
				{ method: 'GET', url: query, referenceId: 'q' },
				{ method: 'PATCH', url: '/services/data/v62.0/sobjects/Territory2/@{q.records[0].Id}', referenceId: 'edit', body: { Description: 'found first' } },
				// References the create below it: refused even though collation runs POSTs first.
				{ method: 'PATCH', url: '/services/data/v62.0/sobjects/Territory2/@{later.id}', referenceId: 'early', body: { Description: 'x' } },
				{ method: 'POST', url: '/services/data/v62.0/sobjects/Territory2', referenceId: 'later', body: territory('Later') },
			],
		});
		expect(responses.map(outcome)).toEqual([
			['q', 200, 'ok'],
			['edit', 204, 'ok'],
			['early', 400, 'PROCESSING_HALTED'],
			['later', 201, 'ok'],
		]);
		expect(t.sandbox.store.records('Territory2').find((r) => r.DeveloperName === 'Dup')?.Description).toBe('found first');
		t.sandbox.store.deleteOne('Territory2', String((responses[3].body as { id: string }).id));
	});

	it('with allOrNone, rolls back and keeps the error on the subrequest that failed, wherever it ran', async () => {
		const id = await createDup();
		const responses = await send(conn, { allOrNone: true, compositeRequest: deleteThenCreate('62.0', id) });
		expect(responses.map(outcome)).toEqual([
			['gone', 400, 'PROCESSING_HALTED'],
			['again', 400, 'DUPLICATE_DEVELOPER_NAME'],
		]);
		expect(dupIds()).toEqual([id]);
	});

	it('refuses a collateSubrequests that is not a boolean', async () => {
		await expect(send(conn, { collateSubrequests: 'no', compositeRequest: [{ method: 'GET', url: '/services/data/v62.0/limits', referenceId: 'l' }] })).rejects.toMatchObject({
			errorCode: 'JSON_PARSER_ERROR',
		});
	});
});

/**
 * A reference to a record that failed inside an sObject Collections create (the collection answers 200;
 * the failed record carries no id, as the REST guide's example shows). What that reference does is not
 * documented, so the sandbox plays both (SandboxOptions.failedReference): the referring subrequest is not
 * run, or it runs with null.
 */
for (const failedReference of ['halt', 'null'] as const) {
	describe(`sandbox Composite: a reference to a record that failed in a collection (failedReference: ${failedReference})`, () => {
		let t: TestSandbox;
		let conn: Connection;
		beforeAll(async () => {
			t = await startTestSandbox({ failedReference });
			conn = await t.connect();
		});
		afterAll(() => t.stop());

		it(failedReference === 'halt' ? 'fails the referring subrequest, which writes nothing' : 'runs the referring subrequest with null', async () => {
			const type = (developerName: string, priority: number, label?: string) => ({
				attributes: { type: 'Territory2Type' },
				DeveloperName: developerName,
				...(label ? { MasterLabel: label } : {}),
				Priority: priority,
			});
			const { compositeResponse } = (await conn.requestPost('/composite', {
				allOrNone: false,
				collateSubrequests: false,
				compositeRequest: [
					{ method: 'POST', url: `${V}/composite/sobjects`, referenceId: 'types', body: { allOrNone: false, records: [type('Good', 1, 'Good'), type('No_Label', 2)] } },
					// Refers to the good record: runs whatever the mode.
					{ method: 'PATCH', url: `${V}/sobjects/Territory2Type/@{types[0].id}`, referenceId: 'good', body: { Description: 'first' } },
					// Refers to the failed one's id.
					{ method: 'POST', url: `${V}/sobjects/Territory2Model`, referenceId: 'model', body: { Name: 'M', DeveloperName: 'M', Description: 'after @{types[1].id}' } },
				],
			})) as { compositeResponse: SubResponse[] };
			const [types, good, model] = compositeResponse;
			expect(types.httpStatusCode).toBe(200);
			const results = types.body as { id?: string; success: boolean }[];
			expect(results[0]).toMatchObject({ success: true });
			expect(results[1]).toEqual({ success: false, errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })] });
			expect(good.httpStatusCode).toBe(204);
			const models = t.sandbox.store.records('Territory2Model').filter((m) => m.DeveloperName === 'M');
			if (failedReference === 'halt') {
				expect(model.httpStatusCode).toBe(400);
				expect((model.body as { errorCode: string; message: string }[])[0]).toMatchObject({ errorCode: 'PROCESSING_HALTED', message: expect.stringMatching(/No value for types\[1\]\.id/) });
				expect(models).toHaveLength(0);
			} else {
				expect(model.httpStatusCode).toBe(201);
				expect(models.map((m) => m.Description)).toEqual(['after null']);
			}
		});
	});
}
