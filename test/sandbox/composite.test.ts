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
