/**
 * The sandbox's Metadata API (Territory2 files through retrieve / deploy and their status checks, over SOAP;
 * CRUD calls of the Sales Territories types refused) and the switch that takes RuleTerritory2Association's
 * REST create and delete away: real jsforce 3 over HTTP, and raw SOAP where jsforce hides the wire shape.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Connection } from 'jsforce';
import type { Sandbox } from '../../sandbox';
import { startTestSandbox, TEST_API_VERSION, type TestSandbox } from '../helpers/sandbox';

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

interface Retrieved {
	status: string;
	files: Record<string, string>;
	messages: { fileName: string; problem: string }[];
	fileProperties: { fullName: string; type: string; fileName: string }[];
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function typeName(sandbox: Sandbox, territoryId: string): string {
	return String(sandbox.store.get(String(sandbox.store.get(territoryId)?.record.Territory2TypeId))?.record.DeveloperName);
}

/** retrieve() of Territory2 members through jsforce, polled to done, the zip opened. */
async function retrieve(conn: Connection, members: string[], singlePackage = true): Promise<Retrieved> {
	conn.metadata.pollInterval = 10;
	const locator = conn.metadata.retrieve({ apiVersion: Number(TEST_API_VERSION), singlePackage, unpackaged: { types: [{ members, name: 'Territory2' }], version: TEST_API_VERSION } } as never);
	locator.on('error', () => undefined);
	const result = await locator.complete();
	const files = Object.fromEntries(Object.entries(unzipSync(Buffer.from(result.zipFile, 'base64'))).map(([k, v]) => [k, strFromU8(v)]));
	return { status: result.status, files, messages: asArray(result.messages), fileProperties: asArray(result.fileProperties) };
}

/** A deploy zip: package.xml naming `members` (default: the files) and each Territory2 file. */
function zip(components: Record<string, string>, members = Object.keys(components)): Buffer {
	const manifest =
		'<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata"><types>' +
		members.map((m) => `<members>${m}</members>`).join('') +
		`<name>Territory2</name></types><version>${TEST_API_VERSION}</version></Package>`;
	const files: Record<string, Uint8Array> = { 'package.xml': strToU8(manifest) };
	for (const [fullName, text] of Object.entries(components)) {
		const [model, territory] = fullName.split('.');
		files[`territory2Models/${model}/territories/${territory}.territory2`] = strToU8(text);
	}
	return Buffer.from(zipSync(files));
}

/** deploy() polled to done through jsforce, with details. */
async function deploy(conn: Connection, components: Record<string, string>, members?: string[]) {
	conn.metadata.pollInterval = 10;
	const locator = conn.metadata.deploy(zip(components, members), { rollbackOnError: true, singlePackage: true });
	locator.on('error', () => undefined);
	return locator.complete(true);
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
		// Unlimited: room for the two locked models of the deploy tests.
		t = await startTestSandbox({ ruleLinksViaRest: false, edition: 'Unlimited' });
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

	it('retrieve: the Territory2 file as Salesforce writes it, names that match nothing as messages; done at the first status check', async () => {
		const start = t.sandbox.requestLog.entries.length;
		const result = await retrieve(conn, ['Plan.Bay_Area', 'Plan.Nowhere']);
		expect(result.status).toBe('Succeeded');
		expect(result.messages).toEqual([{ fileName: 'package.xml', problem: "Entity of type 'Territory2' named 'Plan.Nowhere' cannot be found" }]);
		expect(Object.keys(result.files).sort()).toEqual(['package.xml', 'territory2Models/Plan/territories/Bay_Area.territory2']);
		expect(result.files['territory2Models/Plan/territories/Bay_Area.territory2']).toBe(
			[
				'<?xml version="1.0" encoding="UTF-8"?>',
				'<Territory2 xmlns="http://soap.sforce.com/2006/04/metadata">',
				'    <accountAccessLevel>Edit</accountAccessLevel>',
				'    <caseAccessLevel>None</caseAccessLevel>',
				'    <contactAccessLevel>None</contactAccessLevel>',
				'    <description>SF &amp; the &lt;Peninsula&gt;</description>',
				'    <name>Bay Area</name>',
				'    <opportunityAccessLevel>Read</opportunityAccessLevel>',
				'    <parentTerritory>Region</parentTerritory>',
				'    <ruleAssociations>',
				'        <inherited>false</inherited>',
				'        <ruleName>Rule_A</ruleName>',
				'    </ruleAssociations>',
				`    <territory2Type>${typeName(t.sandbox, ids.bay)}</territory2Type>`,
				'</Territory2>',
				'',
			].join('\n'),
		);
		expect(result.files['package.xml']).toContain('<types><members>Plan.Bay_Area</members><name>Territory2</name></types>');
		expect(result.fileProperties.map((f) => [f.fullName, f.type, f.fileName])).toEqual([
			['Plan.Bay_Area', 'Territory2', 'territory2Models/Plan/territories/Bay_Area.territory2'],
			['package.xml', 'Package', 'package.xml'],
		]);
		// Without singlePackage the files sit in the unpackaged/ folder.
		const unpackaged = await retrieve(conn, ['Plan.Region'], false);
		expect(Object.keys(unpackaged.files).sort()).toEqual(['unpackaged/package.xml', 'unpackaged/territory2Models/Plan/territories/Region.territory2']);
		// Each call counts: retrieve and one status check, twice; none writes.
		expect(t.sandbox.requestLog.entries.slice(start).map((e) => [e.operation, e.apiCall, e.write])).toEqual([
			['retrieve', true, false],
			['checkRetrieveStatus', true, false],
			['retrieve', true, false],
			['checkRetrieveStatus', true, false],
		]);
	});

	it('deploy: the job answers InProgress at its first status check and Succeeded at the second; the file replaces the component', async () => {
		const file = (await retrieve(conn, ['Plan.Bay_Area'])).files['territory2Models/Plan/territories/Bay_Area.territory2'];
		const edited = file
			.replace('<description>SF &amp; the &lt;Peninsula&gt;</description>', '<description>Changed &amp; &apos;quoted&apos;</description>')
			.replace('<caseAccessLevel>None</caseAccessLevel>', '<caseAccessLevel>Read</caseAccessLevel>')
			.replace(/<ruleAssociations>[\s\S]*<\/ruleAssociations>/, '<ruleAssociations><inherited>true</inherited><ruleName>Rule_B</ruleName></ruleAssociations>');
		t.sandbox.requestLog.reset();
		const { id } = await conn.metadata.deploy(zip({ 'Plan.Bay_Area': edited }), { rollbackOnError: true, singlePackage: true });
		expect(id).toMatch(/^0Af/);
		const first = await conn.metadata.checkDeployStatus(id, true);
		expect([first.done, first.status, first.numberComponentsTotal, first.numberComponentsDeployed]).toEqual([false, 'InProgress', 1, 0]);
		const done = await conn.metadata.checkDeployStatus(id, true);
		expect([done.done, done.status, done.success, done.numberComponentsDeployed, done.numberComponentErrors]).toEqual([true, 'Succeeded', true, 1, 0]);
		const successes = asArray(done.details.componentSuccesses);
		expect(successes.map((m) => [m.fullName, m.componentType, m.fileName, m.changed])).toEqual([
			['Plan.Bay_Area', 'Territory2', 'territory2Models/Plan/territories/Bay_Area.territory2', true],
			['package.xml', '', 'package.xml', true],
		]);
		expect(linksOf(t.sandbox, ids.bay)).toEqual(['Rule_B:true']);
		const record = t.sandbox.store.get(ids.bay)!.record;
		expect([record.Description, record.CaseAccessLevel, record.AccountAccessLevel, record.ParentTerritory2Id]).toEqual(["Changed & 'quoted'", 'Read', 'Edit', ids.region]);
		// One link removed, one created, the territory updated: the deploy call writes; its status checks do not.
		expect(t.sandbox.requestLog.entries.map((e) => [e.operation, e.write, e.recordsWritten])).toEqual([
			['deploy', true, 3],
			['checkDeployStatus', false, 0],
			['checkDeployStatus', false, 0],
		]);

		// What the file leaves out is cleared (a deployed file replaces the component).
		const bare = `<?xml version="1.0" encoding="UTF-8"?><Territory2 xmlns="http://soap.sforce.com/2006/04/metadata"><name>Bay Area</name><territory2Type>${typeName(t.sandbox, ids.bay)}</territory2Type></Territory2>`;
		expect((await deploy(conn, { 'Plan.Bay_Area': bare })).status).toBe('Succeeded');
		const cleared = t.sandbox.store.get(ids.bay)!.record;
		expect([cleared.Description, cleared.ParentTerritory2Id, cleared.AccountAccessLevel]).toEqual([null, null, 'Read']);
		expect(linksOf(t.sandbox, ids.bay)).toEqual([]);
	});

	it('a failure of any component rolls the whole deploy back; componentFailures name the file, its problem and problemType', async () => {
		const region = (await retrieve(conn, ['Plan.Region'])).files['territory2Models/Plan/territories/Region.territory2'];
		const withRules = (...rules: string[]) =>
			region.replace('</name>', `</name>${rules.map((r) => `<ruleAssociations><inherited>false</inherited><ruleName>${r}</ruleName></ruleAssociations>`).join('')}`);
		const cases: [string, string][] = [
			['Rule_Nope', 'In field: ruleName - no Territory2Rule named Rule_Nope found'],
			['Rule_Other', 'In field: ruleName - no Territory2Rule named Rule_Other found'],
			['Rule_A,rule_a', 'duplicate value found: ruleName rule_a appears twice in ruleAssociations'],
		];
		for (const [rules, problem] of cases) {
			const result = await deploy(conn, { 'Plan.Region': withRules(...rules.split(',')), 'Plan.Bay_Area': withRules('Rule_A').replace('<name>Region</name>', '<name>Bay Area</name>') });
			expect([result.status, result.success, result.numberComponentErrors, result.numberComponentsDeployed]).toEqual(['Failed', false, 1, 1]);
			const [failure] = asArray(result.details.componentFailures);
			expect([failure.fullName, failure.fileName, failure.componentType, failure.problemType, failure.problem, failure.success]).toEqual([
				'Plan.Region',
				'territory2Models/Plan/territories/Region.territory2',
				'Territory2',
				'Error',
				problem,
				false,
			]);
			// Bay_Area passed, but nothing was written.
			expect(linksOf(t.sandbox, ids.region)).toEqual([]);
			expect(t.sandbox.store.get(ids.bay)!.record.Name).toBe('Bay Area');
		}
		// A member of package.xml without its file fails the manifest.
		const missing = await deploy(conn, { 'Plan.Region': withRules('Rule_A') }, ['Plan.Region', 'Plan.Gone']);
		expect(asArray(missing.details.componentFailures).map((f) => [f.fileName, f.problem])).toEqual([
			['package.xml', "An object 'Plan.Gone' of type Territory2 was named in package.xml, but was not found in zipped directory"],
		]);
		expect(linksOf(t.sandbox, ids.region)).toEqual([]);
		// The same good component alone lands.
		expect((await deploy(conn, { 'Plan.Region': withRules('Rule_A') })).status).toBe('Succeeded');
		expect(linksOf(t.sandbox, ids.region)).toEqual(['Rule_A:false']);
	});

	it.each(['Cloning', 'Archived'])('refuses a deploy into a %s model as a componentFailure, writing nothing', async (state) => {
		const s = t.sandbox.store;
		const model = s.adminCreate('Territory2Model', { Name: `Locked ${state}`, DeveloperName: `Locked_${state}` });
		const territory = s.adminCreate('Territory2', { Name: 'T', DeveloperName: 'T', Territory2ModelId: model, Territory2TypeId: s.get(ids.bay)!.record.Territory2TypeId });
		const file = (await retrieve(conn, [`Locked_${state}.T`])).files[`territory2Models/Locked_${state}/territories/T.territory2`];
		s.adminUpdate('Territory2Model', model, { State: state });
		const result = await deploy(conn, { [`Locked_${state}.T`]: file.replace('</name>', '</name><description>x</description>') });
		expect(result.status).toBe('Failed');
		expect(asArray(result.details.componentFailures)[0].problem).toBe(`You can't modify territory model Locked ${state} or its contents while its state is ${state}.`);
		expect(s.get(territory)!.record.Description ?? null).toBeNull();
	});

	it("CRUD calls of the Sales Territories types fault with INVALID_TYPE (their Usage: \"aren't supported in CRUD calls\"); other operations INVALID_OPERATION; a bad session", async () => {
		const crud = "This type of metadata isn't supported in CRUD calls";
		for (const type of ['Territory2', 'Territory2Model', 'Territory2Rule', 'Territory2Type', 'Territory2Settings']) {
			expect(await failure(conn.metadata.read(type as never, ['Plan.Region']))).toEqual({ errorCode: 'sf:INVALID_TYPE', message: `INVALID_TYPE: ${crud}: ${type}. Use deploy() and retrieve().` });
		}
		const component = { fullName: 'Plan.Region', name: 'Region', territory2Type: 'Geo' };
		expect(await failure(conn.metadata.update('Territory2', [component]))).toMatchObject({ errorCode: 'sf:INVALID_TYPE' });
		expect(await failure(conn.metadata.upsert('Territory2', [component]))).toMatchObject({ errorCode: 'sf:INVALID_TYPE' });
		expect(await failure(conn.metadata.create('Territory2', [component]))).toMatchObject({ errorCode: 'sf:INVALID_TYPE' });
		expect(await failure(conn.metadata.delete('Territory2', ['Plan.Region']))).toMatchObject({ errorCode: 'sf:INVALID_TYPE' });
		expect(await failure(conn.metadata.list([{ type: 'Territory2' }]))).toMatchObject({ errorCode: 'sf:INVALID_OPERATION' });
		expect(await failure(conn.metadata.checkDeployStatus('0Af000000000000AAA'))).toMatchObject({ errorCode: 'sf:INVALID_ID_FIELD' });
		// Nothing changed.
		expect(linksOf(t.sandbox, ids.region)).toEqual(['Rule_A:false']);
		const bad = await soap(conn, '<checkRetrieveStatus><asyncProcessId>09S000000000000</asyncProcessId></checkRetrieveStatus>', 'not-a-session');
		expect(bad.status).toBe(500);
		expect(bad.body).toContain('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
		// jsforce renews an expired session on that fault and sends the call again.
		t.sandbox.expireAllSessions();
		expect((await retrieve(conn, ['Plan.Region'])).status).toBe('Succeeded');
	});

	it('counts against the daily allowance, and faults with REQUEST_LIMIT_EXCEEDED past it', async () => {
		const used = t.sandbox.apiUsage.used;
		await retrieve(conn, ['Plan.Region']);
		expect(t.sandbox.apiUsage.used).toBe(used + 2);
		const max = t.sandbox.apiUsage.max;
		t.sandbox.apiUsage.max = t.sandbox.apiUsage.used;
		try {
			expect(await failure(retrieve(conn, ['Plan.Region']))).toMatchObject({ errorCode: 'sf:REQUEST_LIMIT_EXCEEDED' });
		} finally {
			t.sandbox.apiUsage.max = max;
		}
	});

	it('the 503 and crash faults: a deploy that does not fit writes nothing and is cut; one that fits lands and its status checks are cut', async () => {
		t.sandbox.faults.set({ unavailableRate: 1, endpoints: ['metadata'] });
		try {
			expect(await failure(retrieve(conn, ['Plan.Region']))).toMatchObject({ errorCode: 'sf:SERVER_UNAVAILABLE' });
		} finally {
			t.sandbox.faults.clear();
		}
		// Region and Bay_Area linked to Rule_A.
		const store = t.sandbox.store;
		for (const territory of [ids.region, ids.bay]) {
			for (const a of store.select('RuleTerritory2Association', 'Territory2Id', territory)) store.cascadeDelete(String(a.Id));
			store.adminCreate('RuleTerritory2Association', { RuleId: ids.ruleA, Territory2Id: territory, IsInherited: false });
		}
		const { files } = await retrieve(conn, ['Plan.Region', 'Plan.Bay_Area']);
		const region = files['territory2Models/Plan/territories/Region.territory2'].replace(/<ruleAssociations>[\s\S]*<\/ruleAssociations>/, '');
		const bay = files['territory2Models/Plan/territories/Bay_Area.territory2'].replace(
			'<territory2Type>',
			'<ruleAssociations><inherited>false</inherited><ruleName>Rule_B</ruleName></ruleAssociations><territory2Type>',
		);
		// Region loses 1 link, Bay_Area gains 1: 2 records; only 1 may still be written.
		t.sandbox.faults.set({ stopAfterRecordsWritten: 1, stopMode: 'error500' });
		try {
			await expect(conn.metadata.deploy(zip({ 'Plan.Region': region, 'Plan.Bay_Area': bay }), { rollbackOnError: true, singlePackage: true })).rejects.toThrow();
			// The org has crashed: later deploys are cut too.
			await expect(conn.metadata.deploy(zip({ 'Plan.Region': region }), { rollbackOnError: true, singlePackage: true })).rejects.toThrow();
			expect((await retrieve(conn, ['Plan.Region'])).status).toBe('Succeeded');
		} finally {
			t.sandbox.faults.clear();
		}
		expect(linksOf(t.sandbox, ids.region)).toEqual(['Rule_A:false']);
		expect(linksOf(t.sandbox, ids.bay)).toEqual(['Rule_A:false']);

		t.sandbox.faults.set({ stopAfterRecordsWritten: 2, stopMode: 'error500' });
		try {
			const { id } = await conn.metadata.deploy(zip({ 'Plan.Region': region, 'Plan.Bay_Area': bay }), { rollbackOnError: true, singlePackage: true });
			await expect(conn.metadata.checkDeployStatus(id, true)).rejects.toThrow();
		} finally {
			t.sandbox.faults.clear();
		}
		expect(linksOf(t.sandbox, ids.region)).toEqual([]);
		expect(linksOf(t.sandbox, ids.bay)).toEqual(['Rule_A:false', 'Rule_B:false']);
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
		const { files } = await retrieve(conn, ['Plan.Bay_Area']);
		expect([...files['territory2Models/Plan/territories/Bay_Area.territory2'].matchAll(/<ruleName>(\w+)<\/ruleName>/g)].map((m) => m[1])).toEqual(['Rule_A', 'Rule_B']);
	});
});
