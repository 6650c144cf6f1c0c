import type { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

/**
 * Requests the official Salesforce CLI (`sf`, 2.150.6) sends, as recorded by `npm run test:sf-cli`,
 * replayed here through jsforce so that the sandbox keeps answering them.
 */
interface Column {
	columnName: string;
	displayName: string;
	aggregate: boolean;
	apexType: string | null;
	textType: boolean;
	numberType: boolean;
	booleanType: boolean;
	insertable: boolean;
	updatable: boolean;
	joinColumns: Column[];
}

/** The column names as `sf data query` flattens them (A.B for parent paths). */
function names(columns: Column[]): string[] {
	return columns.flatMap((c) => (c.joinColumns.length && !c.aggregate ? names(c.joinColumns).map((n) => `${c.columnName}.${n}`) : [c.columnName]));
}

describe('what the Salesforce CLI asks the sandbox org', () => {
	let t: TestSandbox;
	let conn: Connection;
	const columns = async (soql: string) =>
		(await conn.request(`/services/data/v66.0/query?q=${encodeURIComponent(soql)}&columns=true`)) as {
			columnMetadata: Column[];
			entityName: string;
			idSelected: boolean;
			keyPrefix: string;
			records?: unknown;
		};

	beforeAll(async () => {
		t = await startTestSandbox({ seed: 'demo', seedOptions: { activeModel: true, accounts: 5 } });
		conn = await t.connect({ version: '66.0' });
	});
	afterAll(() => t.stop());

	it('query?columns=true (sf data query after every query with rows) describes the columns, without records', async () => {
		const before = t.sandbox.requestLog.entries.length;
		const result = await columns('SELECT Id, Username, IsActive FROM User WHERE IsActive = true ORDER BY Username');
		expect(result).toMatchObject({ entityName: 'User', idSelected: true, keyPrefix: '005' });
		expect(result.records).toBeUndefined();
		expect(result.columnMetadata.map((c) => [c.columnName, c.apexType, c.textType, c.booleanType, c.aggregate])).toEqual([
			['Id', 'Id', false, false, false],
			['Username', 'String', true, false, false],
			['IsActive', 'Boolean', false, true, false],
		]);
		expect(result.columnMetadata[1]).toMatchObject({ displayName: 'Username', insertable: true, updatable: true, joinColumns: [] });
		expect(t.sandbox.requestLog.entries.slice(before)).toEqual([expect.objectContaining({ kind: 'query', status: 200, apiCall: true })]);
	});

	it('parent paths nest as joinColumns, child subqueries and COUNT(field) are aggregate columns', async () => {
		const paths = await columns('SELECT Name, Territory2Type.DeveloperName, ParentTerritory2.Territory2Type.Priority FROM Territory2');
		expect(names(paths.columnMetadata)).toEqual(['Name', 'Territory2Type.DeveloperName', 'ParentTerritory2.Territory2Type.Priority']);
		expect(paths.columnMetadata[2]).toMatchObject({ columnName: 'ParentTerritory2', apexType: null, joinColumns: [{ columnName: 'Territory2Type' }] });
		expect(paths.columnMetadata[2].joinColumns[0].joinColumns[0]).toMatchObject({ columnName: 'Priority', numberType: true });
		expect(paths.idSelected).toBe(false);

		const child = await columns('SELECT Name, (SELECT UserId, RoleInTerritory2 FROM UserTerritory2Associations) FROM Territory2');
		expect(child.columnMetadata[1]).toMatchObject({ columnName: 'UserTerritory2Associations', aggregate: true });
		expect(child.columnMetadata[1].joinColumns.map((c) => c.columnName)).toEqual(['UserId', 'RoleInTerritory2']);

		const count = await columns('SELECT COUNT(Id) FROM Account');
		expect(count.columnMetadata).toEqual([expect.objectContaining({ columnName: 'expr0', displayName: 'count(Id)', aggregate: true, numberType: true })]);
	});

	it('query?columns=true refuses what the query itself refuses', async () => {
		await expect(columns('SELECT Nope__c FROM Account')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
		await expect(columns('SELECT Id FROM Nope__c')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
	});

	it('the Organization fields sfdx-core reads after a login: a production org without a namespace', async () => {
		const org = await conn.query('SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization');
		expect(org.records).toHaveLength(1);
		expect(org.records[0]).toMatchObject({ IsSandbox: false, TrialExpirationDate: null, NamespacePrefix: null, OrganizationType: 'Enterprise Edition' });
		const describe = await conn.sobject('Organization').describe();
		const fields = Object.fromEntries(describe.fields.map((f) => [f.name, f]));
		expect(fields.TrialExpirationDate).toMatchObject({ type: 'datetime', createable: false, updateable: false });
		expect(fields.NamespacePrefix).toMatchObject({ type: 'string', createable: false, updateable: false });
	});

	it('ScratchOrgInfo (the CLI\'s Dev Hub probe) is not an object here, as in any org that is not a Dev Hub', async () => {
		await expect(conn.query('SELECT Id FROM ScratchOrgInfo limit 1')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
	});
});
