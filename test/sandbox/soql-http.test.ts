/**
 * The SOQL engine through real jsforce over HTTP: data is created through the REST API, then read
 * back with conn.query().
 */
import type { Connection } from 'jsforce';
import { createRecord, startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { queryProfileId, userFields } from './user-kit';

let t: TestSandbox;
let conn: Connection;
const ids: Record<string, string> = {};

const create = (type: string, record: Record<string, unknown>) => createRecord(conn, type, record);

async function queryError(soql: string): Promise<{ errorCode?: string; message: string }> {
	try {
		await conn.query(soql);
	} catch (error) {
		return error as { errorCode?: string; message: string };
	}
	throw new Error(`expected ${soql} to fail`);
}

beforeAll(async () => {
	t = await startTestSandbox();
	conn = await t.connect();
	ids.region = await create('Territory2Type', { DeveloperName: 'Region', MasterLabel: 'Region', Priority: 10 });
	ids.area = await create('Territory2Type', { DeveloperName: 'Area', MasterLabel: 'Area', Priority: 20 });
	ids.model = await create('Territory2Model', { Name: 'FY27 Plan', DeveloperName: 'FY27_Plan' });
	const territory = (name: string, type: string, parent?: string) =>
		create('Territory2', {
			Name: name,
			DeveloperName: name.replace(/\W/g, '_'),
			Territory2ModelId: ids.model,
			Territory2TypeId: type,
			...(parent ? { ParentTerritory2Id: parent } : {}),
		});
	ids.emea = await territory('EMEA', ids.region);
	ids.france = await territory('France', ids.area, ids.emea);
	ids.paris = await territory("Paris l'Ouest", ids.area, ids.france);
	ids.amer = await territory('AMER', ids.region);
	const profile = await queryProfileId(conn);
	ids.anna = await create('User', userFields('anna@example.com.sbx', profile, { Email: 'anna@example.com', LastName: 'Anders' }));
	ids.bob = await create('User', userFields('bob@example.com.sbx', profile, { Email: 'bob@example.com', LastName: 'Baker' }));
	await create('UserTerritory2Association', { UserId: ids.anna, Territory2Id: ids.france, RoleInTerritory2: 'Owner' });
	await create('UserTerritory2Association', { UserId: ids.bob, Territory2Id: ids.france });
	await create('UserTerritory2Association', { UserId: ids.bob, Territory2Id: ids.paris });
	// Deactivated after being assigned: the semi-join test below filters on it.
	await conn.sobject('User').update({ Id: ids.bob, IsActive: false });
});

afterAll(() => t?.stop());

describe('conn.query against the sandbox org', () => {
	it('returns parent paths as nested records and child subqueries as nested results', async () => {
		const result = await conn.query<Record<string, any>>( // eslint-disable-line @typescript-eslint/no-explicit-any -- nested REST records of several shapes
			`SELECT Name, Territory2Type.DeveloperName, ParentTerritory2.DeveloperName, ParentTerritory2.Territory2Type.Priority,
			 (SELECT User.Username, RoleInTerritory2 FROM UserTerritory2Associations ORDER BY User.Username)
			 FROM Territory2 WHERE Territory2Model.DeveloperName = 'FY27_Plan' ORDER BY Name`,
		);
		expect(result.done).toBe(true);
		expect(result.totalSize).toBe(4);
		const byName = Object.fromEntries(result.records.map((r) => [r.Name, r]));
		expect(byName.AMER.ParentTerritory2).toBeNull();
		expect(byName.AMER.UserTerritory2Associations).toBeNull();
		expect(byName.France.attributes).toEqual({ type: 'Territory2', url: `/services/data/v62.0/sobjects/Territory2/${ids.france}` });
		expect(byName.France.Territory2Type).toEqual({ attributes: { type: 'Territory2Type', url: `/services/data/v62.0/sobjects/Territory2Type/${ids.area}` }, DeveloperName: 'Area' });
		expect(byName.France.ParentTerritory2.DeveloperName).toBe('EMEA');
		expect(byName.France.ParentTerritory2.Territory2Type.Priority).toBe(10);
		const children = byName.France.UserTerritory2Associations;
		expect(children.totalSize).toBe(2);
		expect(children.records.map((r: { User: { Username: string }; RoleInTerritory2: string | null }) => [r.User.Username, r.RoleInTerritory2])).toEqual([
			['anna@example.com.sbx', 'Owner'],
			['bob@example.com.sbx', null],
		]);
	});

	it.each([
		[`Name = 'france'`, ['France']],
		[`Name != 'France' AND ParentTerritory2Id = null`, ['AMER', 'EMEA']],
		[`Name <> 'AMER' AND ParentTerritory2Id != null`, ['France', "Paris l'Ouest"]],
		[`Territory2Type.Priority > 10`, ['France', "Paris l'Ouest"]],
		[`Territory2Type.Priority >= 10 AND Territory2Type.Priority < 20`, ['AMER', 'EMEA']],
		[`Territory2Type.Priority <= 10`, ['AMER', 'EMEA']],
		[`Name IN ('EMEA', 'amer')`, ['AMER', 'EMEA']],
		[`Name NOT IN ('EMEA', 'AMER')`, ['France', "Paris l'Ouest"]],
		[`Name LIKE '%r%' AND NOT Name LIKE 'a%'`, ['France', "Paris l'Ouest"]],
		[`Name = 'Paris l\\'Ouest'`, ["Paris l'Ouest"]],
		[`(Name = 'EMEA' OR Name = 'France') AND ParentTerritory2Id = null`, ['EMEA']],
		[`NOT (Name = 'EMEA' OR ParentTerritory2.Name = 'EMEA')`, ['AMER', "Paris l'Ouest"]],
		[`Id IN (SELECT Territory2Id FROM UserTerritory2Association WHERE User.IsActive = true)`, ['France']],
	])('WHERE %s', async (where, expected) => {
		const result = await conn.query<{ Name: string }>(`SELECT Name FROM Territory2 WHERE ${where} ORDER BY Name`);
		expect(result.records.map((r) => r.Name)).toEqual(expected);
	});

	it('accepts 15- and 18-character Ids', async () => {
		const long = await conn.query<{ Name: string }>(`SELECT Name FROM Territory2 WHERE Id = '${ids.paris}'`);
		const short = await conn.query<{ Name: string }>(`SELECT Name FROM Territory2 WHERE Id = '${ids.paris.slice(0, 15)}'`);
		expect(long.records.map((r) => r.Name)).toEqual(["Paris l'Ouest"]);
		expect(short.records.map((r) => r.Name)).toEqual(["Paris l'Ouest"]);
	});

	it('orders, limits and offsets; COUNT() gives totalSize only', async () => {
		const page = await conn.query<{ Name: string }>('SELECT Name FROM Territory2 ORDER BY Territory2Type.Priority DESC, Name DESC LIMIT 2 OFFSET 1');
		expect(page.records.map((r) => r.Name)).toEqual(['France', 'EMEA']);
		const count = await conn.query(`SELECT COUNT() FROM Territory2 WHERE Territory2TypeId = '${ids.area}'`);
		expect(count.totalSize).toBe(2);
		expect(count.records).toEqual([]);
	});

	it('answers errors with the Salesforce error codes', async () => {
		const unknownObject = await queryError('SELECT Id FROM Territory3');
		expect(unknownObject.errorCode).toBe('INVALID_TYPE');
		expect(unknownObject.message).toContain("sObject type 'Territory3' is not supported");
		const unknownField = await queryError('SELECT Id, Nmae FROM Territory2');
		expect(unknownField.errorCode).toBe('INVALID_FIELD');
		expect(unknownField.message).toContain("No such column 'Nmae' on entity 'Territory2'");
		expect((await queryError('SELECT Id FROM Territory2 WHERE')).errorCode).toBe('MALFORMED_QUERY');
		expect((await queryError("SELECT Id FROM User WHERE IsActive = 'true'")).errorCode).toBe('INVALID_FIELD');
		expect((await queryError("SELECT Id FROM User WHERE Id = '005'")).errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
	});
});
