/**
 * Bulk API 2.0 of the sandbox org: through real jsforce (conn.bulk2) over HTTP, and job states
 * and paging driven directly through Bulk2Jobs.handle on the same org's store.
 */
import type { Connection } from 'jsforce';
import { Bulk2Jobs } from '../../sandbox/bulk2';
import type { RouteRequest, RouteResponse } from '../../sandbox/contracts';
import { createRecord, startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { queryProfileId, userFields } from './user-kit';

let t: TestSandbox;
let conn: Connection;
const ids: Record<string, string> = {};

const create = (type: string, record: Record<string, unknown>) => createRecord(conn, type, record);

type Row = Record<string, string>;

beforeAll(async () => {
	t = await startTestSandbox();
	conn = await t.connect();
	conn.bulk2.pollInterval = 20;
	conn.bulk2.pollTimeout = 10_000;
	ids.region = await create('Territory2Type', { DeveloperName: 'Region', MasterLabel: 'Region', Priority: 10 });
	ids.model = await create('Territory2Model', { Name: 'FY27 Plan', DeveloperName: 'FY27_Plan' });
	ids.emea = await create('Territory2', { Name: 'EMEA', DeveloperName: 'EMEA', Territory2ModelId: ids.model, Territory2TypeId: ids.region });
	const profile = await queryProfileId(conn);
	ids.anna = await create('User', userFields('anna@example.com.sbx', profile, { Email: 'anna@example.com', LastName: 'Anders' }));
	ids.bob = await create('User', userFields('bob@example.com.sbx', profile, { Email: 'bob@example.com', LastName: 'Baker' }));
});

afterAll(async () => {
	// jsforce deletes a failed job without awaiting it: let that request finish before stopping.
	await new Promise((resolve) => setTimeout(resolve, 100));
	await t?.stop();
});

describe('conn.bulk2.loadAndWaitForResults', () => {
	it('inserts rows, reporting successes with sf__Id/sf__Created and failures with sf__Error, echoing the columns', async () => {
		const csv = [
			'DeveloperName,MasterLabel,Priority,Description',
			'Area,Area,20,"Areas, ""small"""',
			'District,District,30,#N/A',
			'NoPriority,No priority,,',
		].join('\n');
		const results = (await conn.bulk2.loadAndWaitForResults({ object: 'Territory2Type', operation: 'insert', input: csv })) as unknown as {
			successfulResults: Row[];
			failedResults: Row[];
			unprocessedRecords: Row[];
		};
		expect(results.successfulResults.map((r) => [r.sf__Created, r.DeveloperName, r.Description])).toEqual([
			['true', 'Area', 'Areas, "small"'],
			['true', 'District', '#N/A'],
		]);
		expect(results.failedResults).toHaveLength(1);
		expect(results.failedResults[0].DeveloperName).toBe('NoPriority');
		expect(results.failedResults[0].sf__Error).toMatch(/^REQUIRED_FIELD_MISSING:.*:Priority --$/);
		expect(results.unprocessedRecords).toEqual([]);

		const stored = await conn.query<{ Id: string; DeveloperName: string; Priority: number; Description: string | null }>(
			"SELECT Id, DeveloperName, Priority, Description FROM Territory2Type WHERE DeveloperName IN ('Area', 'District', 'NoPriority') ORDER BY Priority",
		);
		expect(stored.records.map((r) => [r.Id, r.DeveloperName, r.Priority, r.Description])).toEqual([
			[results.successfulResults[0].sf__Id, 'Area', 20, 'Areas, "small"'],
			[results.successfulResults[1].sf__Id, 'District', 30, null],
		]);
	});

	it('inserts assignments by Id and reports row errors from the store rules', async () => {
		const csv = `UserId,Territory2Id,RoleInTerritory2\n${ids.anna},${ids.emea},Owner\n${ids.bob},${ids.emea},#N/A\n${ids.anna},${ids.emea},Owner\n`;
		const results = (await conn.bulk2.loadAndWaitForResults({ object: 'UserTerritory2Association', operation: 'insert', input: csv })) as unknown as {
			successfulResults: Row[];
			failedResults: Row[];
		};
		expect(results.successfulResults.map((r) => r.UserId)).toEqual([ids.anna, ids.bob]);
		expect(results.failedResults).toHaveLength(1);
		expect(results.failedResults[0].sf__Error).toMatch(/^[A-Z_]+:.+:.* --$/);
		const count = await conn.query(`SELECT COUNT() FROM UserTerritory2Association WHERE Territory2Id = '${ids.emea}'`);
		expect(count.totalSize).toBe(2);
	});

	it('updates (empty cells unchanged, #N/A cleared) and deletes', async () => {
		const id = await create('Territory2Type', { DeveloperName: 'Zone', MasterLabel: 'Zone', Priority: 40, Description: 'keep me' });
		const other = await create('Territory2Type', { DeveloperName: 'Sector', MasterLabel: 'Sector', Priority: 50, Description: 'clear me' });
		const update = (await conn.bulk2.loadAndWaitForResults({
			object: 'Territory2Type',
			operation: 'update',
			input: `Id,MasterLabel,Description\n${id},Zone 2,\n${other},,#N/A\n`,
		})) as unknown as { successfulResults: Row[]; failedResults: Row[] };
		expect(update.failedResults).toEqual([]);
		expect(update.successfulResults.map((r) => [r.sf__Id, r.sf__Created])).toEqual([
			[id, 'false'],
			[other, 'false'],
		]);
		const after = await conn.query<{ DeveloperName: string; MasterLabel: string; Description: string | null }>(
			"SELECT DeveloperName, MasterLabel, Description FROM Territory2Type WHERE DeveloperName IN ('Zone', 'Sector') ORDER BY Priority",
		);
		expect(after.records.map((r) => [r.MasterLabel, r.Description])).toEqual([
			['Zone 2', 'keep me'],
			['Sector', null],
		]);

		const removed = (await conn.bulk2.loadAndWaitForResults({ object: 'Territory2Type', operation: 'delete', input: `Id\n${id}\n${ids.emea}\n` })) as unknown as {
			successfulResults: Row[];
			failedResults: Row[];
		};
		expect(removed.successfulResults.map((r) => r.sf__Id)).toEqual([id]);
		expect(removed.failedResults.map((r) => r.Id)).toEqual([ids.emea]);
		expect((await conn.query(`SELECT COUNT() FROM Territory2Type WHERE Id = '${id}'`)).totalSize).toBe(0);
		expect((await conn.query(`SELECT COUNT() FROM Territory2 WHERE Id = '${ids.emea}'`)).totalSize).toBe(1);
	});

	it('upserts on an external Id field, reporting created and updated rows', async () => {
		const existing = await create('Account', { Name: 'Acme', External_Key__c: 'ACME' });
		const results = (await conn.bulk2.loadAndWaitForResults({
			object: 'Account',
			operation: 'upsert',
			externalIdFieldName: 'External_Key__c',
			input: 'External_Key__c,Name\nACME,Acme Corp\nGLOBEX,Globex\n',
		})) as unknown as { successfulResults: Row[]; failedResults: Row[] };
		expect(results.failedResults).toEqual([]);
		expect(results.successfulResults.map((r) => [r.External_Key__c, r.sf__Created])).toEqual([
			['ACME', 'false'],
			['GLOBEX', 'true'],
		]);
		expect(results.successfulResults[0].sf__Id).toBe(existing);
		const names = await conn.query<{ Name: string }>("SELECT Name FROM Account WHERE External_Key__c IN ('ACME', 'GLOBEX') ORDER BY Name");
		expect(names.records.map((r) => r.Name)).toEqual(['Acme Corp', 'Globex']);
	});

	it('resolves relationship columns through an external Id field of the parent', async () => {
		const account = await create('Account', { Name: 'Initech', External_Key__c: 'INITECH' });
		const results = (await conn.bulk2.loadAndWaitForResults({
			object: 'ObjectTerritory2Association',
			operation: 'insert',
			input: `Object.External_Key__c,Territory2Id,AssociationCause\nINITECH,${ids.emea},Territory2Manual\nNOBODY,${ids.emea},Territory2Manual\n`,
		})) as unknown as { successfulResults: Row[]; failedResults: Row[] };
		expect(results.successfulResults.map((r) => r['Object.External_Key__c'])).toEqual(['INITECH']);
		expect(results.failedResults.map((r) => r.sf__Error)).toEqual([
			'INVALID_FIELD:Foreign key external ID: NOBODY not found for field External_Key__c in entity Account: --',
		]);
		const stored = await conn.query<{ ObjectId: string }>(`SELECT ObjectId FROM ObjectTerritory2Association WHERE Territory2Id = '${ids.emea}'`);
		expect(stored.records.map((r) => r.ObjectId)).toEqual([account]);

		await expect(
			conn.bulk2.loadAndWaitForResults({
				object: 'ObjectTerritory2Association',
				operation: 'insert',
				input: `ObjectId,Territory2.DeveloperName,AssociationCause\n${account},EMEA,Territory2Manual\n`,
			}),
		).rejects.toThrow('InvalidBatch : Field name not found : Territory2.DeveloperName');
	});

	it('fails the whole job on an unknown column, and jsforce reports the job error', async () => {
		await expect(
			conn.bulk2.loadAndWaitForResults({ object: 'Territory2Type', operation: 'insert', input: 'DeveloperName,Nope\nX,1\n' }),
		).rejects.toThrow('InvalidBatch : Field name not found : Nope');
	});

	it('refuses jobs for unknown objects', async () => {
		await expect(conn.bulk2.loadAndWaitForResults({ object: 'Territory3', operation: 'insert', input: 'Name\nx\n' })).rejects.toMatchObject({
			errorCode: 'INVALIDJOB',
		});
	});
});

describe('conn.bulk2.query', () => {
	it('returns records with parent paths as dotted columns', async () => {
		const records = (await (await conn.bulk2.query("SELECT Name, Territory2Type.DeveloperName, Territory2Model.Name FROM Territory2 WHERE Name = 'EMEA'")).toArray()) as Row[];
		expect(records).toEqual([{ Name: 'EMEA', 'Territory2Type.DeveloperName': 'Region', 'Territory2Model.Name': 'FY27 Plan' }]);
	});

	it('rejects invalid SOQL with the SOQL error code', async () => {
		await expect(conn.bulk2.query('SELECT Nope FROM Territory2')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
	});
});

describe('Bulk2Jobs.handle', () => {
	let jobs: Bulk2Jobs;
	const call = (method: string, path: string, body = '', query = ''): RouteResponse => {
		const req: RouteRequest = { method, path, query: new URLSearchParams(query), headers: {}, body, version: 'v62.0' };
		const response = jobs.handle(req);
		if (!response) throw new Error(`${method} ${path} was not handled`);
		return response;
	};
	const bodyOf = (r: RouteResponse) => r.body as Record<string, unknown>;

	beforeAll(async () => {
		for (const [name, priority] of [['PageA', 61], ['PageB', 62], ['PageC', 63]] as const) {
			await create('Territory2Type', { DeveloperName: name, MasterLabel: name, Priority: priority });
		}
	});

	beforeEach(() => {
		jobs = new Bulk2Jobs(t.sandbox.store, { completeAfterPolls: 2 });
	});

	it('ignores paths outside /jobs and answers unknown jobs with 404 NOT_FOUND', () => {
		expect(jobs.handle({ method: 'GET', path: '/sobjects', query: new URLSearchParams(), headers: {}, body: '', version: 'v62.0' })).toBeUndefined();
		const missing = call('GET', '/jobs/ingest/7508d0000000000AAA');
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
	});

	it('walks an ingest job through its states, processing only after the configured polls', () => {
		const created = call('POST', '/jobs/ingest', JSON.stringify({ object: 'Territory2Type', operation: 'insert', lineEnding: 'LF' }));
		expect(created.status).toBe(200);
		const id = bodyOf(created).id as string;
		expect(id).toMatch(/^750[A-Za-z0-9]{15}$/);
		expect(bodyOf(created)).toMatchObject({ state: 'Open', object: 'Territory2Type', operation: 'insert', contentType: 'CSV', columnDelimiter: 'COMMA' });

		expect(call('GET', `/jobs/ingest/${id}/successfulResults`).status).toBe(400);
		expect(call('PUT', `/jobs/ingest/${id}/batches`, 'DeveloperName,MasterLabel,Priority\nPolled,Polled,90\n').status).toBe(201);
		expect(bodyOf(call('PATCH', `/jobs/ingest/${id}`, JSON.stringify({ state: 'UploadComplete' }))).state).toBe('UploadComplete');
		const late = call('PUT', `/jobs/ingest/${id}/batches`, 'DeveloperName\nLate\n');
		expect(late.status).toBe(400);
		expect((late.body as { errorCode: string }[])[0].errorCode).toBe('INVALIDJOBSTATE');

		const store = t.sandbox.store;
		const stored = () => store.records('Territory2Type').filter((r) => r.DeveloperName === 'Polled').length;
		expect(bodyOf(call('GET', `/jobs/ingest/${id}`)).state).toBe('InProgress');
		expect(bodyOf(call('GET', `/jobs/ingest/${id}`)).state).toBe('InProgress');
		expect(stored()).toBe(0);
		const done = bodyOf(call('GET', `/jobs/ingest/${id}`));
		expect(done).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 1, numberRecordsFailed: 0, jobType: 'V2Ingest' });
		expect(stored()).toBe(1);
		const success = call('GET', `/jobs/ingest/${id}/successfulResults`);
		expect(success.headers?.['Content-Type']).toBe('text/csv');
		expect(success.body).toMatch(/^"sf__Id","sf__Created","DeveloperName","MasterLabel","Priority"\n"0M5[A-Za-z0-9]{15}","true","Polled","Polled","90"\n$/);
		expect(call('GET', `/jobs/ingest/${id}/failedResults`).body).toBe('"sf__Id","sf__Error","DeveloperName","MasterLabel","Priority"\n');

		expect(call('PATCH', `/jobs/ingest/${id}`, JSON.stringify({ state: 'Aborted' })).status).toBe(400);
		expect(call('DELETE', `/jobs/ingest/${id}`).status).toBe(204);
		expect(call('GET', `/jobs/ingest/${id}`).status).toBe(404);
	});

	it('aborts a job without writing and lists its rows as unprocessed', () => {
		const id = bodyOf(call('POST', '/jobs/ingest', JSON.stringify({ object: 'Territory2Type', operation: 'insert' }))).id as string;
		call('PUT', `/jobs/ingest/${id}/batches`, 'DeveloperName,MasterLabel,Priority\nAborted,Aborted,91\n');
		expect(bodyOf(call('PATCH', `/jobs/ingest/${id}`, JSON.stringify({ state: 'Aborted' }))).state).toBe('Aborted');
		expect(call('GET', `/jobs/ingest/${id}/unprocessedrecords`).body).toBe('"DeveloperName","MasterLabel","Priority"\n"Aborted","Aborted","91"\n');
		expect(t.sandbox.store.records('Territory2Type').some((r) => r.DeveloperName === 'Aborted')).toBe(false);
		const listed = bodyOf(call('GET', '/jobs/ingest')).records as { id: string; state: string }[];
		expect(listed).toEqual([expect.objectContaining({ id, state: 'Aborted' })]);
	});

	it('fails a job whose data does not match its line ending', () => {
		const id = bodyOf(call('POST', '/jobs/ingest', JSON.stringify({ object: 'Territory2Type', operation: 'insert', lineEnding: 'CRLF' }))).id as string;
		call('PUT', `/jobs/ingest/${id}/batches`, 'DeveloperName,MasterLabel,Priority\nX,X,1\n');
		call('PATCH', `/jobs/ingest/${id}`, JSON.stringify({ state: 'UploadComplete' }));
		call('GET', `/jobs/ingest/${id}`);
		call('GET', `/jobs/ingest/${id}`);
		const info = bodyOf(call('GET', `/jobs/ingest/${id}`));
		expect(info.state).toBe('Failed');
		expect(info.errorMessage).toContain('LineEnding is invalid');
	});

	it('reads and writes CSV with the job\'s delimiter and line ending', () => {
		const definition = { object: 'Territory2Type', operation: 'insert', lineEnding: 'CRLF', columnDelimiter: 'SEMICOLON' };
		const id = bodyOf(call('POST', '/jobs/ingest', JSON.stringify(definition))).id as string;
		call('PUT', `/jobs/ingest/${id}/batches`, 'DeveloperName;MasterLabel;Priority\r\nSemi;"Semi; colon";71\r\n');
		call('PATCH', `/jobs/ingest/${id}`, JSON.stringify({ state: 'UploadComplete' }));
		call('GET', `/jobs/ingest/${id}`);
		call('GET', `/jobs/ingest/${id}`);
		expect(bodyOf(call('GET', `/jobs/ingest/${id}`))).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
		expect(call('GET', `/jobs/ingest/${id}/successfulResults`).body).toMatch(
			/^"sf__Id";"sf__Created";"DeveloperName";"MasterLabel";"Priority"\r\n"0M5[A-Za-z0-9]{15}";"true";"Semi";"Semi; colon";"71"\r\n$/,
		);
		expect(t.sandbox.store.records('Territory2Type').find((r) => r.DeveloperName === 'Semi')?.MasterLabel).toBe('Semi; colon');
	});

	it('refuses invalid job definitions', () => {
		const upsert = call('POST', '/jobs/ingest', JSON.stringify({ object: 'Account', operation: 'upsert' }));
		expect(upsert.status).toBe(400);
		expect((upsert.body as { errorCode: string }[])[0].errorCode).toBe('INVALIDJOB');
		expect(call('POST', '/jobs/ingest', JSON.stringify({ object: 'Account', operation: 'merge' })).status).toBe(400);
		expect(call('POST', '/jobs/ingest', JSON.stringify({ object: 'Account', operation: 'insert', columnDelimiter: 'SPACE' })).status).toBe(400);
		expect(call('POST', '/jobs/ingest', 'not json').status).toBe(400);
	});

	it('pages query results with Sforce-Locator and Sforce-NumberOfRecords', () => {
		const id = bodyOf(call('POST', '/jobs/query', JSON.stringify({ operation: 'query', query: 'SELECT DeveloperName, Priority FROM Territory2Type ORDER BY Priority' }))).id as string;
		expect(call('GET', `/jobs/query/${id}/results`).status).toBe(400);
		expect(bodyOf(call('GET', `/jobs/query/${id}`)).state).toBe('InProgress');
		call('GET', `/jobs/query/${id}`);
		const info = bodyOf(call('GET', `/jobs/query/${id}`));
		expect(info).toMatchObject({ state: 'JobComplete', object: 'Territory2Type', jobType: 'V2Query' });
		const total = info.numberRecordsProcessed as number;
		const expected = [...t.sandbox.store.records('Territory2Type')]
			.sort((a, b) => Number(a.Priority) - Number(b.Priority))
			.map((r) => `"${String(r.DeveloperName)}","${String(r.Priority)}"`);
		expect(total).toBe(expected.length);
		expect(total).toBeGreaterThan(2);

		const lines: string[] = [];
		let locator: string | null = null;
		let pages = 0;
		do {
			const page = call('GET', `/jobs/query/${id}/results`, '', locator ? `maxRecords=2&locator=${locator}` : 'maxRecords=2');
			expect(page.status).toBe(200);
			const [header, ...rows] = String(page.body).trimEnd().split('\n');
			expect(header).toBe('"DeveloperName","Priority"');
			expect(page.headers?.['Sforce-NumberOfRecords']).toBe(String(rows.length));
			lines.push(...rows);
			locator = page.headers?.['Sforce-Locator'] ?? 'missing';
			pages++;
		} while (locator !== 'null' && pages < 10);
		expect(lines).toEqual(expected);
		expect(pages).toBe(Math.ceil(total / 2));
		expect(call('GET', `/jobs/query/${id}/results`, '', 'locator=bogus').status).toBe(400);
	});
});
