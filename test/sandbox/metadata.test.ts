/**
 * The sandbox's Metadata API (Territory2 readMetadata / updateMetadata over SOAP) and the switch that takes
 * RuleTerritory2Association's REST create and delete away: real jsforce 3 over HTTP, and raw SOAP where
 * jsforce hides the wire shape.
 */
import type { Connection } from 'jsforce';
import type { Sandbox } from '../../sandbox';
import { startTestSandbox, TEST_API_VERSION, type TestSandbox } from '../helpers/sandbox';

interface Territory2Component {
	fullName?: string;
	name: string;
	description?: string | null;
	accountAccessLevel?: string | null;
	opportunityAccessLevel?: string | null;
	caseAccessLevel?: string | null;
	contactAccessLevel?: string | null;
	parentTerritory?: string | null;
	territory2Type: string;
	ruleAssociations: { ruleName: string; inherited: boolean }[];
	customFields: { name?: string; value?: unknown }[];
}

interface Ids {
	model: string;
	region: string;
	bay: string;
	ruleA: string;
	ruleB: string;
	otherModelRule: string;
}

/** A Planning model "Plan" (Region → Bay_Area, two rules, Bay_Area linked to Rule_A) and a rule of another model. */
function seed(sandbox: Sandbox): Ids {
	const s = sandbox.store;
	const type = s.records('Territory2Type')[0]?.Id ?? s.adminCreate('Territory2Type', { DeveloperName: 'Geo', MasterLabel: 'Geo', Priority: 1 });
	const regionType = s.adminCreate('Territory2Type', { DeveloperName: 'Region_Type', MasterLabel: 'Region', Priority: 99 });
	const model = s.adminCreate('Territory2Model', { Name: 'Plan', DeveloperName: 'Plan' });
	const region = s.adminCreate('Territory2', { Name: 'Region', DeveloperName: 'Region', Territory2ModelId: model, Territory2TypeId: regionType });
	const bay = s.adminCreate('Territory2', {
		Name: 'Bay Area',
		DeveloperName: 'Bay_Area',
		Territory2ModelId: model,
		Territory2TypeId: type,
		ParentTerritory2Id: region,
		Description: 'SF & the <Peninsula>',
		AccountAccessLevel: 'Edit',
		OpportunityAccessLevel: 'Read',
		CaseAccessLevel: 'None',
	});
	const rule = (m: string, dev: string) =>
		s.adminCreate('ObjectTerritory2AssignmentRule', { DeveloperName: dev, MasterLabel: dev, ObjectType: 'Account', Territory2ModelId: m, IsActive: true });
	const ruleA = rule(model, 'Rule_A');
	const ruleB = rule(model, 'Rule_B');
	const other = s.adminCreate('Territory2Model', { Name: 'Other', DeveloperName: 'Other' });
	const otherModelRule = rule(other, 'Rule_Other');
	s.adminCreate('RuleTerritory2Association', { RuleId: ruleA, Territory2Id: bay, IsInherited: false });
	return { model, region, bay, ruleA, ruleB, otherModelRule };
}

function linksOf(sandbox: Sandbox, territoryId: string): string[] {
	return sandbox.store
		.select('RuleTerritory2Association', 'Territory2Id', territoryId)
		.map((a) => `${String(sandbox.store.get(String(a.RuleId))?.record.DeveloperName)}:${String(a.IsInherited)}`)
		.sort();
}

/** A raw SOAP call to the Metadata API, for what jsforce does not show (status, nil records, faults). */
async function soap(conn: Connection, operation: string, sessionId = conn.accessToken ?? ''): Promise<{ status: number; body: string }> {
	const envelope =
		'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
		'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata">' +
		`<SessionHeader><sessionId>${sessionId}</sessionId></SessionHeader></soapenv:Header>` +
		`<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata">${operation}</soapenv:Body></soapenv:Envelope>`;
	const res = await fetch(`${conn.instanceUrl}/services/Soap/m/${TEST_API_VERSION}`, {
		method: 'POST',
		headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
		body: envelope,
	});
	return { status: res.status, body: await res.text() };
}

async function failure(call: Promise<unknown>): Promise<{ errorCode: string; message: string }> {
	try {
		await call;
	} catch (e) {
		const err = e as { errorCode?: string; message: string };
		if (!err.errorCode) throw e;
		return { errorCode: err.errorCode, message: err.message };
	}
	throw new Error('expected the call to fail');
}

describe('RuleTerritory2Association without REST create and delete (ruleLinksViaRest: false)', () => {
	let t: TestSandbox;
	let conn: Connection;
	let ids: Ids;
	beforeAll(async () => {
		t = await startTestSandbox({ ruleLinksViaRest: false });
		ids = seed(t.sandbox);
		conn = await t.connect();
	});
	afterAll(() => t.stop());

	it('describe says the object cannot be created or deleted, globally and per object; its fields keep Create', async () => {
		const global = await conn.describeGlobal();
		const entry = global.sobjects.find((o) => o.name === 'RuleTerritory2Association')!;
		expect([entry.createable, entry.deletable, entry.queryable]).toEqual([false, false, true]);
		const object = await conn.describe('RuleTerritory2Association');
		expect([object.createable, object.deletable]).toEqual([false, false]);
		expect(object.fields.find((f) => f.name === 'RuleId')?.createable).toBe(true);
		expect(global.sobjects.find((o) => o.name === 'Territory2')?.createable).toBe(true);
	});

	it('refuses REST creates and deletes (single record, collections, composite, Bulk 2.0); queries still work', async () => {
		const link = { RuleId: ids.ruleB, Territory2Id: ids.bay, IsInherited: false };
		const single = await failure(conn.sobject('RuleTerritory2Association').create(link));
		expect(single.errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
		expect(single.message).toBe('entity type cannot be inserted: RuleTerritory2Association');

		const collection = await conn.request<{ success: boolean; errors: { statusCode: string }[] }[]>({
			method: 'POST',
			url: `/services/data/v${TEST_API_VERSION}/composite/sobjects`,
			body: JSON.stringify({ allOrNone: false, records: [{ attributes: { type: 'RuleTerritory2Association' }, ...link }] }),
			headers: { 'content-type': 'application/json' },
		});
		expect(collection.map((r) => r.errors[0]?.statusCode)).toEqual(['INVALID_TYPE_FOR_OPERATION']);

		const existing = t.sandbox.store.select('RuleTerritory2Association', 'Territory2Id', ids.bay)[0].Id;
		const composite = await conn.request<{ compositeResponse: { httpStatusCode: number; body: { errorCode: string }[] }[] }>({
			method: 'POST',
			url: `/services/data/v${TEST_API_VERSION}/composite`,
			body: JSON.stringify({
				allOrNone: false,
				compositeRequest: [
					{ method: 'DELETE', url: `/services/data/v${TEST_API_VERSION}/sobjects/RuleTerritory2Association/${existing}`, referenceId: 'del' },
				],
			}),
			headers: { 'content-type': 'application/json' },
		});
		expect(composite.compositeResponse[0].httpStatusCode).toBe(400);
		expect(composite.compositeResponse[0].body[0].errorCode).toBe('INVALID_TYPE_FOR_OPERATION');

		const bulk = await conn.bulk2.loadAndWaitForResults({
			object: 'RuleTerritory2Association',
			operation: 'insert',
			input: `RuleId,Territory2Id,IsInherited\n${ids.ruleB},${ids.bay},false\n`,
			pollTimeout: 30_000,
			pollInterval: 50,
		});
		expect(bulk.successfulResults).toHaveLength(0);
		expect(String(bulk.failedResults[0]?.sf__Error)).toMatch(/^INVALID_TYPE_FOR_OPERATION:/);

		const rows = await conn.query(`SELECT Id FROM RuleTerritory2Association WHERE Territory2Id = '${ids.bay}'`);
		expect(rows.totalSize).toBe(1);
		expect(linksOf(t.sandbox, ids.bay)).toEqual(['Rule_A:false']);
	});

	it('reads a Territory2 component with every field from the store; an unknown name is a nil record', async () => {
		const [bay, missing] = (await conn.metadata.read('Territory2', ['Plan.Bay_Area', 'Plan.Nowhere'])) as unknown as Territory2Component[];
		expect(bay).toEqual({
			fullName: 'Plan.Bay_Area',
			name: 'Bay Area',
			description: 'SF & the <Peninsula>',
			accountAccessLevel: 'Edit',
			opportunityAccessLevel: 'Read',
			caseAccessLevel: 'None',
			contactAccessLevel: 'None',
			parentTerritory: 'Region',
			territory2Type: String(t.sandbox.store.get(String(t.sandbox.store.get(ids.bay)?.record.Territory2TypeId))?.record.DeveloperName),
			ruleAssociations: [{ ruleName: 'Rule_A', inherited: false }],
			customFields: [],
		});
		expect(missing.fullName).toBeUndefined();
		const raw = await soap(conn, '<readMetadata><type>Territory2</type><fullNames>Plan.Nowhere</fullNames></readMetadata>');
		expect(raw.status).toBe(200);
		expect(raw.body).toContain('<readMetadataResponse><result><records xsi:nil="true"/></result></readMetadataResponse>');
	});

	it('updateMetadata writes the links and the fields the component carries, and counts the records', async () => {
		const [bay] = (await conn.metadata.read('Territory2', ['Plan.Bay_Area'])) as unknown as Territory2Component[];
		t.sandbox.requestLog.reset();
		const result = await conn.metadata.update('Territory2', [
			{ ...bay, description: 'Changed', caseAccessLevel: 'Read', ruleAssociations: [{ ruleName: 'Rule_B', inherited: true }] },
		]);
		expect(result).toEqual([{ fullName: 'Plan.Bay_Area', success: true, errors: [] }]);
		expect(linksOf(t.sandbox, ids.bay)).toEqual(['Rule_B:true']);
		const record = t.sandbox.store.get(ids.bay)!.record;
		expect([record.Description, record.CaseAccessLevel, record.AccountAccessLevel, record.ParentTerritory2Id]).toEqual(['Changed', 'Read', 'Edit', ids.region]);
		// One link removed, one created, the territory updated.
		expect(t.sandbox.requestLog.entries.map((e) => [e.kind, e.apiCall, e.write, e.recordsWritten])).toEqual([['metadata', true, true, 3]]);

		// What the component leaves out is cleared (a component update replaces the component).
		const bare = await conn.metadata.update('Territory2', [{ fullName: 'Plan.Bay_Area', name: 'Bay Area', territory2Type: bay.territory2Type }]);
		expect(bare).toEqual([{ fullName: 'Plan.Bay_Area', success: true, errors: [] }]);
		const cleared = t.sandbox.store.get(ids.bay)!.record;
		expect([cleared.Description, cleared.ParentTerritory2Id, cleared.AccountAccessLevel]).toEqual([null, null, 'Read']);
		expect(linksOf(t.sandbox, ids.bay)).toEqual([]);
	});

	it('answers per component with Salesforce error codes, writing the good ones', async () => {
		const [region] = (await conn.metadata.read('Territory2', ['Plan.Region'])) as unknown as Territory2Component[];
		const results = (await conn.metadata.update('Territory2', [
			{ ...region, ruleAssociations: [{ ruleName: 'Rule_Nope', inherited: false }] },
			{ ...region, fullName: 'Plan.Nowhere' },
			{ ...region, ruleAssociations: [{ ruleName: 'Rule_Other', inherited: false }] },
			{ ...region, ruleAssociations: [{ ruleName: 'Rule_A', inherited: false }, { ruleName: 'rule_a', inherited: false }] },
			{ ...region, ruleAssociations: [{ ruleName: 'Rule_A', inherited: false }] },
		])) as unknown as { success: boolean; errors: { statusCode: string; message: string }[] }[];
		expect(results.map((r) => (r.success ? 'ok' : r.errors[0].statusCode))).toEqual([
			'INVALID_CROSS_REFERENCE_KEY',
			'INVALID_CROSS_REFERENCE_KEY',
			'INVALID_CROSS_REFERENCE_KEY',
			'DUPLICATE_VALUE',
			'ok',
		]);
		expect(results[0].errors[0].message).toBe('In field: ruleName - no Territory2Rule named Rule_Nope found');
		expect(results[1].errors[0].message).toBe('In field: fullName - no Territory2 named Plan.Nowhere found');
		expect(linksOf(t.sandbox, ids.region)).toEqual(['Rule_A:false']);
	});

	it('faults: more than 10 components, another type, another operation, a bad session', async () => {
		const names = Array.from({ length: 11 }, (_, i) => `Plan.T${i}`);
		expect(await failure(conn.metadata.read('Territory2', names))).toMatchObject({ errorCode: 'sf:LIMIT_EXCEEDED' });
		expect(await failure(conn.metadata.read('CustomObject', ['Account']))).toMatchObject({ errorCode: 'sf:INVALID_TYPE' });
		expect(await failure(conn.metadata.delete('Territory2', ['Plan.Region']))).toMatchObject({ errorCode: 'sf:INVALID_OPERATION' });
		const bad = await soap(conn, '<readMetadata><type>Territory2</type><fullNames>Plan.Region</fullNames></readMetadata>', 'not-a-session');
		expect(bad.status).toBe(500);
		expect(bad.body).toContain('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
		// jsforce renews an expired session on that fault and sends the call again.
		t.sandbox.expireAllSessions();
		const [region] = (await conn.metadata.read('Territory2', ['Plan.Region'])) as unknown as Territory2Component[];
		expect(region.fullName).toBe('Plan.Region');
	});

	it('counts against the daily allowance, and faults with REQUEST_LIMIT_EXCEEDED past it', async () => {
		const used = t.sandbox.apiUsage.used;
		await conn.metadata.read('Territory2', ['Plan.Region']);
		expect(t.sandbox.apiUsage.used).toBe(used + 1);
		const max = t.sandbox.apiUsage.max;
		t.sandbox.apiUsage.max = t.sandbox.apiUsage.used;
		try {
			expect(await failure(conn.metadata.read('Territory2', ['Plan.Region']))).toMatchObject({ errorCode: 'sf:REQUEST_LIMIT_EXCEEDED' });
		} finally {
			t.sandbox.apiUsage.max = max;
		}
	});

	it('the 503 and crash faults apply to Metadata API calls', async () => {
		t.sandbox.faults.set({ unavailableRate: 1, endpoints: ['metadata'] });
		try {
			expect(await failure(conn.metadata.read('Territory2', ['Plan.Region']))).toMatchObject({ errorCode: 'sf:SERVER_UNAVAILABLE' });
		} finally {
			t.sandbox.faults.clear();
		}
		const [region] = (await conn.metadata.read('Territory2', ['Plan.Region'])) as unknown as Territory2Component[];
		const [bay] = (await conn.metadata.read('Territory2', ['Plan.Bay_Area'])) as unknown as Territory2Component[];
		// 1 record may still be written: Region's change (1 link) fits, Bay_Area's (2 links) cuts the call.
		t.sandbox.faults.set({ stopAfterRecordsWritten: 1, stopMode: 'error500' });
		try {
			await expect(
				conn.metadata.update('Territory2', [
					{ ...region, ruleAssociations: [] },
					{ ...bay, ruleAssociations: [{ ruleName: 'Rule_A', inherited: false }, { ruleName: 'Rule_B', inherited: false }] },
				]),
			).rejects.toThrow();
		} finally {
			t.sandbox.faults.clear();
		}
		expect(linksOf(t.sandbox, ids.region)).toEqual([]);
		expect(linksOf(t.sandbox, ids.bay)).toEqual([]);
	});

	it('refuses writes into a locked model as REST does', async () => {
		const [region] = (await conn.metadata.read('Territory2', ['Plan.Region'])) as unknown as Territory2Component[];
		t.sandbox.store.adminUpdate('Territory2Model', ids.model, { State: 'Cloning' });
		try {
			const [result] = (await conn.metadata.update('Territory2', [{ ...region, description: 'x' }])) as unknown as {
				success: boolean;
				errors: { statusCode: string }[];
			}[];
			expect(result.errors[0].statusCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		} finally {
			t.sandbox.store.adminUpdate('Territory2Model', ids.model, { State: 'Planning' });
		}
	});
});

describe('RuleTerritory2Association by default (ruleLinksViaRest unset)', () => {
	let t: TestSandbox;
	let conn: Connection;
	let ids: Ids;
	beforeAll(async () => {
		t = await startTestSandbox();
		ids = seed(t.sandbox);
		conn = await t.connect();
	});
	afterAll(() => t.stop());

	it('is createable and deletable through REST, and the Metadata API serves the same links', async () => {
		const object = await conn.describe('RuleTerritory2Association');
		expect([object.createable, object.deletable]).toEqual([true, true]);
		const created = await conn.sobject('RuleTerritory2Association').create({ RuleId: ids.ruleB, Territory2Id: ids.bay, IsInherited: false });
		expect(created.success).toBe(true);
		const [bay] = (await conn.metadata.read('Territory2', ['Plan.Bay_Area'])) as unknown as Territory2Component[];
		expect(bay.ruleAssociations.map((a) => a.ruleName).sort()).toEqual(['Rule_A', 'Rule_B']);
	});
});
