import { SalesforceError } from '../../sandbox/contracts';
import { executeFlatQuery, executeQuery } from '../../sandbox/soql';
import { sandboxError } from '../helpers/sandbox';
import {
	FixtureSource,
	MODEL,
	T_AMER,
	T_EMEA,
	T_FRANCE,
	T_PARIS,
	T_SPAIN,
	TYPE_AREA,
	U_ANNA,
	U_BOB,
	id,
} from './soql-fixture';

const source = new FixtureSource();
const run = (soql: string, includeDeleted = false) => executeQuery(soql, source, { version: 'v62.0', includeDeleted });
const names = (soql: string) => run(soql).records.map((r) => r.Name);

const errorOf = (soql: string) => sandboxError(() => run(soql), soql);

describe('executeQuery: record shape', () => {
	it('returns fields in the selected order with canonical case and REST attributes', () => {
		const result = run(`SELECT developername, ID, name FROM territory2 WHERE Id = '${T_FRANCE}'`);
		expect(result.totalSize).toBe(1);
		expect(result.records[0]).toEqual({
			attributes: { type: 'Territory2', url: `/services/data/v62.0/sobjects/Territory2/${T_FRANCE}` },
			DeveloperName: 'France',
			Id: T_FRANCE,
			Name: 'France',
		});
		expect(Object.keys(result.records[0])).toEqual(['attributes', 'DeveloperName', 'Id', 'Name']);
	});

	it('nests parent paths, two levels deep, with their own attributes, and null for empty lookups', () => {
		const result = run(
			'SELECT Name, Territory2Type.DeveloperName, ParentTerritory2.DeveloperName, ParentTerritory2.Territory2Type.Priority FROM Territory2 WHERE Name IN (\'EMEA\', \'France\')',
		);
		const [emea, france] = result.records;
		expect(emea).toEqual({
			attributes: expect.any(Object),
			Name: 'EMEA',
			Territory2Type: { attributes: { type: 'Territory2Type', url: expect.stringContaining('/sobjects/Territory2Type/') }, DeveloperName: 'Region' },
			ParentTerritory2: null,
		});
		expect(france.ParentTerritory2).toEqual({
			attributes: { type: 'Territory2', url: `/services/data/v62.0/sobjects/Territory2/${T_EMEA}` },
			DeveloperName: 'EMEA',
			Territory2Type: { attributes: expect.any(Object), Priority: 1 },
		});
	});

	it('returns child subqueries as a nested result, or null when there are no children', () => {
		const result = run(
			"SELECT Name, (SELECT User.Username, RoleInTerritory2 FROM UserTerritory2Associations ORDER BY User.Username DESC) FROM Territory2 WHERE Name IN ('France', 'EMEA') ORDER BY Name",
		);
		expect(result.records[0].UserTerritory2Associations).toBeNull();
		const children = result.records[1].UserTerritory2Associations as { totalSize: number; done: boolean; records: Record<string, unknown>[] };
		expect(children.totalSize).toBe(2);
		expect(children.done).toBe(true);
		expect(children.records.map((r) => (r.User as { Username: string }).Username)).toEqual(['bob@example.com', 'anna@example.com']);
		expect(children.records[0].attributes).toEqual({ type: 'UserTerritory2Association', url: expect.stringMatching(/\/sobjects\/UserTerritory2Association\/0R0/) });
	});

	it('filters, orders and limits child subqueries per parent', () => {
		const result = run(`SELECT Name, (SELECT Name FROM ChildTerritories WHERE Name != 'Spain_100%' ORDER BY Name LIMIT 1) FROM Territory2 WHERE Id = '${T_EMEA}'`);
		expect(result.records[0].ChildTerritories).toEqual({ totalSize: 1, done: true, records: [expect.objectContaining({ Name: 'France' })] });
	});

	it('uses the version given with or without the v prefix', () => {
		const result = executeQuery(`SELECT Id FROM Territory2Model`, source, { version: '59.0' });
		expect(result.records[0].attributes).toEqual({ type: 'Territory2Model', url: `/services/data/v59.0/sobjects/Territory2Model/${MODEL}` });
	});
});

describe('executeQuery: WHERE', () => {
	it.each([
		["Name = 'france'", ['France']],
		["Name != 'France' AND ParentTerritory2Id = null", ['EMEA', 'AMER']],
		["Name <> 'France' AND ParentTerritory2Id != null", ["Paris l'Ouest", 'Spain_100%']],
		['Score > 1.5', ['France', 'Spain_100%']],
		['Score >= 1.5', ['EMEA', 'France', 'Spain_100%']],
		['Score < 1.5', ['AMER']],
		['Score <= 2', ['EMEA', 'Spain_100%', 'AMER']],
		["Name IN ('EMEA', 'amer', 'nowhere')", ['EMEA', 'AMER']],
		["Name NOT IN ('EMEA', 'AMER')", ['France', "Paris l'Ouest", 'Spain_100%']],
		["AccountAccessLevel NOT IN ('Read')", ['France', "Paris l'Ouest", 'Spain_100%']],
		["AccountAccessLevel IN ('Edit', null)", ['France', "Paris l'Ouest"]],
		["Name LIKE 'a%'", ['AMER']],
		["Name LIKE '%a%' AND Name LIKE '_r%'", ['France']],
		["Name LIKE 'Spain\\_100\\%'", ['Spain_100%']],
		["Name LIKE 'Spain_1%'", ['Spain_100%']],
		["Name = 'Paris l\\'Ouest'", ["Paris l'Ouest"]],
		["(Name = 'EMEA' OR Name = 'AMER') AND Score > 0", ['EMEA']],
		["Name = 'EMEA' OR (Name = 'AMER' AND Score > 0)", ['EMEA']],
		["NOT Name = 'EMEA' AND ParentTerritory2Id = null", ['AMER']],
		["NOT (Name = 'EMEA' OR Name = 'AMER')", ['France', "Paris l'Ouest", 'Spain_100%']],
		["Territory2Type.DeveloperName = 'Region'", ['EMEA', 'AMER']],
		["ParentTerritory2.ParentTerritory2.DeveloperName = 'EMEA'", ["Paris l'Ouest"]],
		['StartDate >= 2026-02-01 AND StartDate < 2026-05-01', ['France', 'Spain_100%']],
		['CreatedDate > 2026-03-05T10:00:00Z', ['Spain_100%', 'AMER']],
		['CreatedDate = 2026-03-05T11:00:00+01:00', ["Paris l'Ouest"]],
		['CreatedDate < TODAY', ['EMEA', 'France', "Paris l'Ouest", 'Spain_100%', 'AMER']],
		['CreatedDate = LAST_N_DAYS:3', []],
	])('WHERE %s', (where, expected) => {
		expect(names(`SELECT Name FROM Territory2 WHERE ${where}`)).toEqual(expected);
	});

	it('matches Ids given as 15 or 18 characters', () => {
		expect(names(`SELECT Name FROM Territory2 WHERE Id = '${T_PARIS.slice(0, 15)}'`)).toEqual(["Paris l'Ouest"]);
		expect(names(`SELECT Name FROM Territory2 WHERE ParentTerritory2Id IN ('${T_EMEA}', '${T_FRANCE.slice(0, 15)}')`)).toEqual([
			'France',
			"Paris l'Ouest",
			'Spain_100%',
		]);
	});

	it('compares booleans and rejects quoted booleans like Salesforce', () => {
		expect(run('SELECT Username FROM User WHERE IsActive = false').records.map((r) => r.Username)).toEqual(['bob@example.com']);
		const error = errorOf("SELECT Id FROM User WHERE IsActive = 'true'");
		expect(error.errorCode).toBe('INVALID_FIELD');
		expect(error.message).toContain("value of filter criterion for field 'IsActive' must be of type boolean and should not be enclosed in quotes");
	});

	it('supports semi-joins and anti-joins', () => {
		expect(run("SELECT Username FROM User WHERE Id IN (SELECT UserId FROM UserTerritory2Association WHERE RoleInTerritory2 = 'Owner')").records.map((r) => r.Username)).toEqual([
			'anna@example.com',
		]);
		expect(run('SELECT Username FROM User WHERE Id NOT IN (SELECT UserId FROM UserTerritory2Association)').records.map((r) => r.Username)).toEqual([
			'carl@example.com',
		]);
		expect(names('SELECT Name FROM Territory2 WHERE Id IN (SELECT ParentTerritory2Id FROM Territory2)')).toEqual(['EMEA', 'France']);
	});

	it('refuses mixing AND and OR without parentheses, as SOQL does', () => {
		expect(errorOf("SELECT Id FROM Territory2 WHERE Name = 'a' OR Name = 'b' AND Score > 1").errorCode).toBe('MALFORMED_QUERY');
	});

	it('accepts an object alias and the object name as path prefixes', () => {
		const result = run("SELECT t.Name, t.ParentTerritory2.Name FROM Territory2 t WHERE t.Name = 'France' ORDER BY t.Name");
		expect(result.records).toEqual([expect.objectContaining({ Name: 'France', ParentTerritory2: expect.objectContaining({ Name: 'EMEA' }) })]);
		expect(names("SELECT Territory2.Name FROM Territory2 WHERE Territory2.Name = 'EMEA'")).toEqual(['EMEA']);
	});

	it('hides deleted records unless includeDeleted', () => {
		expect(names("SELECT Name FROM Territory2 WHERE Name = 'Gone'")).toEqual([]);
		expect(run("SELECT Name FROM Territory2 WHERE Name = 'Gone'", true).records.map((r) => r.Name)).toEqual(['Gone']);
	});
});

describe('executeQuery: ORDER BY, LIMIT, OFFSET, COUNT', () => {
	it('orders by several fields and parent paths, nulls first ascending by default', () => {
		expect(names('SELECT Name FROM Territory2 ORDER BY Territory2Type.DeveloperName DESC, Name')).toEqual([
			'AMER',
			'EMEA',
			'France',
			"Paris l'Ouest",
			'Spain_100%',
		]);
		expect(names('SELECT Name FROM Territory2 ORDER BY Score')).toEqual(["Paris l'Ouest", 'AMER', 'EMEA', 'Spain_100%', 'France']);
		expect(names('SELECT Name FROM Territory2 ORDER BY Score DESC')).toEqual(['France', 'Spain_100%', 'EMEA', 'AMER', "Paris l'Ouest"]);
		expect(names('SELECT Name FROM Territory2 ORDER BY Score ASC NULLS LAST')).toEqual(['AMER', 'EMEA', 'Spain_100%', 'France', "Paris l'Ouest"]);
		expect(names('SELECT Name FROM Territory2 ORDER BY ParentTerritory2.Name DESC NULLS FIRST, Name DESC')).toEqual([
			'EMEA',
			'AMER',
			"Paris l'Ouest",
			'Spain_100%',
			'France',
		]);
	});

	it('applies OFFSET then LIMIT', () => {
		expect(names('SELECT Name FROM Territory2 ORDER BY Name LIMIT 2 OFFSET 1')).toEqual(['EMEA', 'France']);
		expect(run('SELECT Name FROM Territory2 LIMIT 2').totalSize).toBe(2);
		expect(errorOf('SELECT Name FROM Territory2 OFFSET 2001').errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
	});

	it('answers COUNT() with totalSize and no records, and COUNT(field) as an AggregateResult', () => {
		expect(run(`SELECT COUNT() FROM Territory2 WHERE Territory2TypeId = '${TYPE_AREA}'`)).toEqual({ totalSize: 3, records: [] });
		expect(run('SELECT COUNT(Score) total FROM Territory2').records).toEqual([{ attributes: { type: 'AggregateResult' }, total: 4 }]);
		expect(run('SELECT COUNT(Id) FROM Territory2').records[0].expr0).toBe(5);
	});

	it('answers COUNT, MAX and MIN of fields together without GROUP BY: one row, aliases or expr0, expr1 for the rest', () => {
		expect(run('SELECT COUNT(Id) n, MAX(Score), MIN(Score) FROM Territory2').records).toEqual([{ attributes: { type: 'AggregateResult' }, n: 5, expr0: 3, expr1: 0 }]);
		expect(run('SELECT MAX(CreatedDate) latest FROM Territory2').records[0].latest).toBe('2026-05-05T10:00:00.000+0000');
		// MAX and MIN of no rows are null; COUNT of no rows is 0.
		expect(run("SELECT COUNT(Id) n, MAX(Name) top FROM Territory2 WHERE Name = 'none'").records[0]).toMatchObject({ n: 0, top: null });
		expect(errorOf('SELECT Name, MAX(Score) FROM Territory2').message).toContain('field must be grouped or aggregated');
		expect(errorOf('SELECT MAX(Id) FROM Territory2')).toMatchObject({ errorCode: 'INVALID_FIELD', message: expect.stringContaining('field Id does not support aggregate operator MAX') });
	});
});

describe('executeQuery: errors', () => {
	it('reports unknown objects as INVALID_TYPE', () => {
		const error = errorOf('SELECT Id FROM Territory3');
		expect(error.status).toBe(400);
		expect(error.errorCode).toBe('INVALID_TYPE');
		expect(error.message).toContain("sObject type 'Territory3' is not supported. If you are attempting to use a custom object, be sure to append the '__c'");
		expect(errorOf('SELECT Id FROM Secret').errorCode).toBe('INVALID_TYPE');
	});

	it('reports unknown fields as INVALID_FIELD with the query line, caret and position', () => {
		const error = errorOf('SELECT Id, Nmae FROM Territory2');
		expect(error.errorCode).toBe('INVALID_FIELD');
		expect(error.message).toBe(
			"\nSELECT Id, Nmae FROM Territory2\n           ^\nERROR at Row:1:Column:12\nNo such column 'Nmae' on entity 'Territory2'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
		);
		expect(errorOf('SELECT Territory2Type.Nope FROM Territory2').message).toContain("No such column 'Nope' on entity 'Territory2Type'");
		expect(errorOf("SELECT Id FROM Territory2 WHERE Nope = 'x'").errorCode).toBe('INVALID_FIELD');
		expect(errorOf('SELECT Id FROM Territory2 ORDER BY Nope').errorCode).toBe('INVALID_FIELD');
	});

	it('reports unknown relationships', () => {
		const parent = errorOf('SELECT Parent.Name FROM Territory2');
		expect(parent.errorCode).toBe('INVALID_FIELD');
		expect(parent.message).toContain("Didn't understand relationship 'Parent' in field path");
		const child = errorOf('SELECT Id, (SELECT Id FROM Users) FROM Territory2');
		expect(child.errorCode).toBe('INVALID_TYPE');
		expect(child.message).toContain("Didn't understand relationship 'Users' in FROM part of query call");
	});

	it('reports syntax errors as MALFORMED_QUERY', () => {
		const error = errorOf('SELECT Id FROM');
		expect(error.errorCode).toBe('MALFORMED_QUERY');
		expect(error.message).toContain('unexpected token: <EOF>');
		expect(errorOf("SELECT Id FROM Territory2 WHERE Name = 'x' Name").errorCode).toBe('MALFORMED_QUERY');
		expect(errorOf('SELECT Id, Id FROM Territory2').message).toContain('duplicate field selected: Id');
		const lexical = errorOf('SELECT Id FROM Territory2 WHERE Name = "x"');
		expect(lexical.errorCode).toBe('MALFORMED_QUERY');
		expect(lexical.message).toBe(`line 1:39 no viable alternative at character '"'`);
		expect(errorOf("SELECT Id FROM Territory2 WHERE Name = 'a\\qb'").message).toContain("Illegal character sequence '\\q'");
	});

	it('refuses values of the wrong type and malformed Ids', () => {
		expect(errorOf("SELECT Id FROM Territory2 WHERE Score = '1'").errorCode).toBe('INVALID_FIELD');
		expect(errorOf('SELECT Id FROM Territory2 WHERE Name = 1').message).toContain('must be of type string and should be enclosed in quotes');
		const badId = errorOf("SELECT Id FROM Territory2 WHERE Id = 'abc'");
		expect(badId.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
		expect(badId.message).toContain('invalid ID field: abc');
		expect(errorOf("SELECT Id FROM Territory2 WHERE Description = 'x'").message).toContain("field 'Description' can not be filtered");
	});

	it('refuses what the sandbox does not implement instead of answering wrongly', () => {
		const error = errorOf('SELECT Name, COUNT(Id) FROM Territory2 GROUP BY Name');
		expect(error.errorCode).toBe('MALFORMED_QUERY');
		expect(error.message).toContain('does not support');
	});
});

describe('executeFlatQuery', () => {
	it('gives canonical column paths for Bulk API 2.0', () => {
		const result = executeFlatQuery('SELECT id, territory2type.developername FROM Territory2 LIMIT 1', source, { version: 'v62.0' });
		expect(result.object).toBe('Territory2');
		expect(result.columns).toEqual([['Id'], ['Territory2Type', 'DeveloperName']]);
	});

	it('refuses child subqueries', () => {
		expect(() => executeFlatQuery('SELECT Id, (SELECT Id FROM UserTerritory2Associations) FROM Territory2', source, { version: 'v62.0' })).toThrow(
			SalesforceError,
		);
	});
});

// Unused fixture ids are referenced so the fixture stays the single source of record ids.
void [T_AMER, T_SPAIN, U_ANNA, U_BOB, id];
