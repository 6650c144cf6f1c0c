/**
 * The Sales Territories rules as a client sees them: real jsforce over HTTP against the sandbox org,
 * asserting Salesforce's error codes (single-record calls throw, collections report per record).
 */
import type { Connection } from 'jsforce';
import { DEMO_USERNAMES } from '../../sandbox/seed';
import { failure, startTestSandbox, TEST_API_VERSION, type TestSandbox } from '../helpers/sandbox';
import { queryProfileId, userFields } from './user-kit';


/** A raw REST call, to see the HTTP status jsforce hides. */
async function raw(conn: Connection, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
	const res = await fetch(`${conn.instanceUrl}/services/data/v${TEST_API_VERSION}${path}`, {
		method,
		headers: { Authorization: `Bearer ${conn.accessToken}`, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The statusCode of a collection result's first error ("ok" on success); jsforce's typings name it errorCode. */
function outcome(result: { success: boolean; errors: unknown[] }): string {
	return result.success ? 'ok' : (result.errors[0] as { statusCode: string }).statusCode;
}

function idOf(result: unknown): string {
	const r = result as { id?: string; success?: boolean };
	if (!r.success || !r.id) throw new Error(`create failed: ${JSON.stringify(result)}`);
	return r.id;
}

let t: TestSandbox;
let conn: Connection;
let types: Record<string, string>;
let userIds: Record<string, string>;

beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo', seedOptions: { accounts: 20, activeModel: true }, edition: 'Unlimited', territoriesPerModel: 20 });
	conn = await t.connect();
	const typeRows = await conn.query<{ Id: string; DeveloperName: string }>('SELECT Id, DeveloperName FROM Territory2Type');
	types = Object.fromEntries(typeRows.records.map((r) => [r.DeveloperName, r.Id]));
	const users = await conn.query<{ Id: string; Username: string }>('SELECT Id, Username FROM User');
	userIds = Object.fromEntries(users.records.map((r) => [r.Username, r.Id]));
});
afterAll(() => t.stop());

const createModel = async (dev: string) => idOf(await conn.sobject('Territory2Model').create({ Name: dev, DeveloperName: dev }));
const createTerritory = async (modelId: string, dev: string, extra: Record<string, unknown> = {}) =>
	idOf(
		await conn
			.sobject('Territory2')
			.create({ Name: dev, DeveloperName: dev, Territory2ModelId: modelId, Territory2TypeId: types.Territory, ...extra }),
	);
const createRule = async (modelId: string, dev: string) =>
	idOf(await conn.sobject('ObjectTerritory2AssignmentRule').create({ DeveloperName: dev, MasterLabel: dev, ObjectType: 'Account', Territory2ModelId: modelId }));
const createItem = async (ruleId: string, sortOrder: number) =>
	idOf(
		await conn
			.sobject('ObjectTerritory2AssignmentRuleItem')
			.create({ RuleId: ruleId, SortOrder: sortOrder, Field: 'Account.BillingPostalCode', Operation: 'equals', Value: '94105,94404' }),
	);

describe('models over HTTP', () => {
	it('refuses bad and duplicate DeveloperNames and State writes with status 400', async () => {
		const m = await createModel('Http_Plan');
		expect(await failure(conn.sobject('Territory2Model').create({ Name: 'x', DeveloperName: 'http_plan' }))).toMatchObject({
			errorCode: 'DUPLICATE_DEVELOPER_NAME',
			fields: ['DeveloperName'],
		});
		const results = await conn.sobject('Territory2Model').create(
			[
				{ Name: 'ok', DeveloperName: 'Bad__Name' },
				{ Name: 'ok', DeveloperName: '9Lives' },
			],
			{ allOrNone: false },
		);
		expect(results.map(outcome)).toEqual(['FIELD_INTEGRITY_EXCEPTION', 'FIELD_INTEGRITY_EXCEPTION']);
		const state = await raw(conn, 'PATCH', `/sobjects/Territory2Model/${m}`, { State: 'Active' });
		expect(state.status).toBe(400);
		expect(state.body).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['State'] })]);
		const unknown = await raw(conn, 'POST', '/sobjects/Territory2Model', { Name: 'x', Colour__c: 'red' });
		expect(unknown).toEqual({ status: 400, body: [expect.objectContaining({ errorCode: 'INVALID_FIELD', message: "No such column 'Colour__c' on sobject of type Territory2Model" })] });
		await conn.sobject('Territory2Model').destroy(m);
	});

	it('refuses deleting the Active model and writing into an Archived one', async () => {
		const active = (await conn.query<{ Id: string }>("SELECT Id FROM Territory2Model WHERE State = 'Active'")).records[0].Id;
		expect((await failure(conn.sobject('Territory2Model').destroy(active))).errorCode).toBe('DELETE_FAILED');
		const m = await createModel('Archived_Plan');
		t.sandbox.store.adminUpdate('Territory2Model', m, { State: 'Archived' });
		expect((await failure(createTerritory(m, 'Nope'))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect((await failure(createModel('Archived_Plan'))).errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
		await conn.sobject('Territory2Model').destroy(m);
	});

	it('knows Cloning Failed and refuses writes into models in the failed states', async () => {
		const meta = await conn.sobject('Territory2Model').describe();
		const states = meta.fields.find((f) => f.name === 'State')?.picklistValues?.map((p) => p.value);
		expect(states).toEqual(expect.arrayContaining(['Activation Failed', 'Archiving Failed', 'Cloning', 'Cloning Failed', 'Deletion Failed']));
		const m = await createModel('Failed_Plan');
		for (const state of ['Activation Failed', 'Archiving Failed', 'Cloning Failed', 'Deletion Failed']) {
			t.sandbox.store.adminUpdate('Territory2Model', m, { State: state });
			const refused = await failure(createTerritory(m, 'Nope'));
			expect(refused.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
			expect(refused.message).toContain(state);
		}
		t.sandbox.store.adminUpdate('Territory2Model', m, { State: 'Planning' });
		expect(await createTerritory(m, 'Now_Ok')).toMatch(/^0MI/);
		t.sandbox.store.deleteOne('Territory2Model', m);
	});

	it('stops at the edition limit', async () => {
		// The demo org has one (Active) model; Unlimited allows 4.
		const ids = [await createModel('L1'), await createModel('L2'), await createModel('L3')];
		expect((await failure(createModel('L4'))).errorCode).toBe('LIMIT_EXCEEDED');
		await conn.sobject('Territory2Model').destroy(ids);
	});
});

describe('territories over HTTP', () => {
	let model: string;
	let other: string;
	beforeAll(async () => {
		model = await createModel('Terr_Plan');
		other = await createModel('Other_Plan');
	});
	afterAll(async () => {
		await conn.sobject('Territory2Model').destroy([model, other]);
	});

	it('checks required fields, picklists, lookups and the hierarchy', async () => {
		expect(
			await failure(conn.sobject('Territory2').create({ Name: 'A', DeveloperName: 'A', Territory2ModelId: model })),
		).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Territory2TypeId'] });
		expect((await failure(createTerritory(model, 'A', { AccountAccessLevel: 'Read Only' }))).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
		expect((await failure(createTerritory(model, 'A', { Name: 'x'.repeat(81) }))).errorCode).toBe('STRING_TOO_LONG');
		expect((await failure(createTerritory(model, 'A', { Territory2TypeId: model }))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect((await failure(createTerritory(model, 'A', { Territory2TypeId: '0M58d0000000zzzAAA' }))).errorCode).toMatch(
			/INVALID_CROSS_REFERENCE_KEY|MALFORMED_ID/,
		);
		const root = await createTerritory(model, 'Root');
		const child = await createTerritory(model, 'Child', { ParentTerritory2Id: root.slice(0, 15) });
		expect((await failure(createTerritory(other, 'Stray', { ParentTerritory2Id: root }))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect((await failure(conn.sobject('Territory2').update({ Id: root, ParentTerritory2Id: child }))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect((await failure(conn.sobject('Territory2').update({ Id: child, Territory2ModelId: other }))).errorCode).toBe(
			'INVALID_FIELD_FOR_INSERT_UPDATE',
		);
		expect((await failure(createTerritory(model, 'ROOT'))).errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
		expect((await failure(conn.sobject('Territory2').destroy(root))).errorCode).toBe('DELETE_FAILED');
		const row = await conn.sobject('Territory2').retrieve(child);
		expect(row).toMatchObject({ ParentTerritory2Id: root, AccountAccessLevel: 'Read' });
	});

	it('limits territories per model (settings.territoriesPerModel = 20)', async () => {
		const results = await conn.sobject('Territory2').create(
			Array.from({ length: 20 }, (_, i) => ({ Name: `L${i}`, DeveloperName: `L${i}`, Territory2ModelId: other, Territory2TypeId: types.Territory })),
			{ allOrNone: false },
		);
		expect(results.map(outcome)).toEqual(Array(20).fill('ok'));
		expect((await failure(createTerritory(other, 'L20'))).errorCode).toBe('LIMIT_EXCEEDED');
	});

	it('assigns active users once, keeps ForecastUserId among them and refuses association updates', async () => {
		const territory = await createTerritory(model, 'Users_T');
		const ana = userIds[DEMO_USERNAMES.anaLopez];
		const elena = userIds[DEMO_USERNAMES.elenaRossi];
		const assoc = conn.sobject('UserTerritory2Association');
		expect((await failure(assoc.create({ UserId: elena, Territory2Id: territory, RoleInTerritory2: 'Owner' }))).errorCode).toBe('INACTIVE_OWNER_OR_USER');
		expect((await failure(conn.sobject('Territory2').update({ Id: territory, ForecastUserId: ana }))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		const link = idOf(await assoc.create({ UserId: ana, Territory2Id: territory, RoleInTerritory2: 'Owner' }));
		expect((await failure(assoc.create({ UserId: ana, Territory2Id: territory, RoleInTerritory2: 'Sales Rep' }))).errorCode).toBe('DUPLICATE_VALUE');
		expect((await failure(assoc.update({ Id: link, RoleInTerritory2: 'Sales Rep' }))).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
		await conn.sobject('Territory2').update({ Id: territory, ForecastUserId: ana });
		await assoc.destroy(link);
		expect((await conn.sobject('Territory2').retrieve(territory)).ForecastUserId).toBeNull();
	});

	it('assigns accounts manually and refuses updates of the assignment', async () => {
		const territory = await createTerritory(model, 'Accounts_T');
		const account = (await conn.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1')).records[0].Id;
		const assoc = conn.sobject('ObjectTerritory2Association');
		const link = idOf(await assoc.create({ ObjectId: account, Territory2Id: territory, AssociationCause: 'Territory2Manual' }));
		expect((await failure(assoc.create({ ObjectId: account, Territory2Id: territory, AssociationCause: 'Territory2Manual' }))).errorCode).toBe(
			'DUPLICATE_VALUE',
		);
		expect((await failure(assoc.update({ Id: link, AssociationCause: 'Territory2AssignmentRule' }))).errorCode).toBe(
			'INVALID_FIELD_FOR_INSERT_UPDATE',
		);
		await conn.sobject('Territory2').destroy(territory);
		expect((await conn.query(`SELECT Id FROM ObjectTerritory2Association WHERE Id = '${link}'`)).totalSize).toBe(0);
	});
});

describe('assignment rules over HTTP', () => {
	let model: string;
	beforeAll(async () => {
		model = await createModel('Rule_Plan');
	});
	afterAll(async () => {
		await conn.sobject('Territory2Model').destroy(model);
	});

	it('changes items only while BooleanFilter is empty and limits items to 10', async () => {
		const rule = await createRule(model, 'Zip_Rule');
		for (let i = 1; i <= 10; i++) await createItem(rule, i);
		expect((await failure(createItem(rule, 11))).errorCode).toBe('LIMIT_EXCEEDED');
		const rules = conn.sobject('ObjectTerritory2AssignmentRule');
		expect((await failure(rules.update({ Id: rule, BooleanFilter: '1 AND (2 OR' }))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		await rules.update({ Id: rule, BooleanFilter: '(1 OR 2 OR 3 OR 4 OR 5) AND (6 OR 7 OR 8 OR 9 OR 10)' });
		const first = (await conn.query<{ Id: string }>(`SELECT Id FROM ObjectTerritory2AssignmentRuleItem WHERE RuleId = '${rule}' AND SortOrder = 1`))
			.records[0].Id;
		expect((await failure(conn.sobject('ObjectTerritory2AssignmentRuleItem').destroy(first))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		await rules.update({ Id: rule, BooleanFilter: null });
		await conn.sobject('ObjectTerritory2AssignmentRuleItem').destroy(first);
		expect((await failure(createItem(rule, 2))).errorCode).toBe('DUPLICATE_VALUE');
		expect(
			(
				await failure(
					conn.sobject('ObjectTerritory2AssignmentRuleItem').create({ RuleId: rule, SortOrder: 1, Field: 'BillingPostalCode', Operation: 'between', Value: '1' }),
				)
			).errorCode,
		).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
	});

	it('takes within only on a location or address field, on create and on update', async () => {
		const rule = await createRule(model, 'Within_Rule');
		const items = conn.sobject('ObjectTerritory2AssignmentRuleItem');
		const refused = await failure(items.create({ RuleId: rule, SortOrder: 1, Field: 'Account.Industry', Operation: 'within', Value: '37.77,-122.41,10' }));
		expect(refused).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['Operation'] });
		expect(refused.message).toContain('within applies to distance criteria only');
		const address = await items.create({ RuleId: rule, SortOrder: 1, Field: 'Account.BillingAddress', Operation: 'within', Value: '37.77,-122.41,10' });
		expect(outcome(address)).toBe('ok');
		const equals = idOf(await items.create({ RuleId: rule, SortOrder: 2, Field: 'Account.Industry', Operation: 'equals', Value: 'Technology' }));
		expect((await failure(items.update({ Id: equals, Operation: 'within' }))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		// A within item cannot be moved onto a field that is not a location either.
		expect((await failure(items.update({ Id: idOf(address), Field: 'Account.BillingPostalCode' }))).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		const meta = await conn.sobject('Account').describe();
		expect(meta.fields.find((f) => f.name === 'BillingAddress')).toMatchObject({ type: 'address', createable: false, updateable: false });
	});

	it('links at most 15 rules per territory and rolls back a failed allOrNone batch', async () => {
		const territory = await createTerritory(model, 'Rules_T');
		const ruleResults = await conn.sobject('ObjectTerritory2AssignmentRule').create(
			Array.from({ length: 16 }, (_, i) => ({ DeveloperName: `R_${i}`, MasterLabel: `R ${i}`, ObjectType: 'Account', Territory2ModelId: model })),
			{ allOrNone: true },
		);
		const ruleIds = ruleResults.map(idOf);
		const links = conn.sobject('RuleTerritory2Association');
		const rolledBack = await links.create(
			ruleIds.map((RuleId) => ({ RuleId, Territory2Id: territory, IsInherited: true })),
			{ allOrNone: true },
		);
		expect(rolledBack.slice(0, 15).every((r) => outcome(r) === 'ALL_OR_NONE_OPERATION_ROLLED_BACK')).toBe(true);
		expect(outcome(rolledBack[15])).toBe('LIMIT_EXCEEDED');
		expect((await conn.query(`SELECT Id FROM RuleTerritory2Association WHERE Territory2Id = '${territory}'`)).totalSize).toBe(0);
		await links.create(ruleIds.slice(0, 15).map((RuleId) => ({ RuleId, Territory2Id: territory })), { allOrNone: true });
		expect((await failure(links.create({ RuleId: ruleIds[0], Territory2Id: territory }))).errorCode).toBe('DUPLICATE_VALUE');
		await conn.sobject('ObjectTerritory2AssignmentRule').destroy(ruleIds[0]);
		expect((await conn.query(`SELECT Id FROM RuleTerritory2Association WHERE Territory2Id = '${territory}'`)).totalSize).toBe(14);
	});
});

describe('cascades and statuses over HTTP', () => {
	it('deletes a Planning model with everything in it, and answers 400 DELETE_FAILED / 404 as Salesforce does', async () => {
		const m = await createModel('Cascade_Plan');
		const parent = await createTerritory(m, 'Parent');
		const child = await createTerritory(m, 'Child', { ParentTerritory2Id: parent });
		const rule = await createRule(m, 'Cascade_Rule');
		await createItem(rule, 1);
		await conn.sobject('RuleTerritory2Association').create({ RuleId: rule, Territory2Id: child });
		await conn.sobject('UserTerritory2Association').create({ UserId: userIds[DEMO_USERNAMES.benCarter], Territory2Id: child });
		expect(await failure(conn.sobject('ObjectTerritory2AssignmentRule').update({ Id: rule, BooleanFilter: '1 OR 2' }))).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
			fields: ['BooleanFilter'],
		});
		const refused = await raw(conn, 'DELETE', `/sobjects/Territory2/${parent}`);
		expect(refused).toEqual({ status: 400, body: [expect.objectContaining({ errorCode: 'DELETE_FAILED' })] });
		expect((await raw(conn, 'DELETE', `/sobjects/Territory2Model/${m}`)).status).toBe(204);
		for (const type of ['Territory2', 'ObjectTerritory2AssignmentRule']) {
			expect((await conn.query(`SELECT Id FROM ${type} WHERE Territory2ModelId = '${m}'`)).totalSize).toBe(0);
		}
		expect((await conn.query(`SELECT Id FROM ObjectTerritory2AssignmentRuleItem WHERE RuleId = '${rule}'`)).totalSize).toBe(0);
		expect((await conn.query(`SELECT Id FROM UserTerritory2Association WHERE Territory2Id = '${child}'`)).totalSize).toBe(0);
		expect((await raw(conn, 'GET', `/sobjects/Territory2/${child}`)).status).toBe(404);
	});

	it('refuses deleting a type in use, ForecastUserId on create, rule-made account assignments and cross-model links', async () => {
		expect((await failure(conn.sobject('Territory2Type').destroy(types.Territory))).errorCode).toBe('DELETE_FAILED');
		const m = await createModel('Misc_Plan');
		expect(await failure(createTerritory(m, 'F', { ForecastUserId: userIds[DEMO_USERNAMES.anaLopez] }))).toMatchObject({
			errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
			fields: ['ForecastUserId'],
		});
		const territory = await createTerritory(m, 'T');
		const account = (await conn.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1')).records[0].Id;
		expect(
			(await failure(conn.sobject('ObjectTerritory2Association').create({ ObjectId: account, Territory2Id: territory, AssociationCause: 'Territory2AssignmentRule' })))
				.errorCode,
		).toBe('FIELD_INTEGRITY_EXCEPTION');
		const active = (await conn.query<{ Id: string }>("SELECT Id FROM Territory2Model WHERE State = 'Active'")).records[0].Id;
		const foreignRule = await createRule(active, 'Foreign_Rule');
		expect((await failure(conn.sobject('RuleTerritory2Association').create({ RuleId: foreignRule, Territory2Id: territory }))).errorCode).toBe(
			'FIELD_INTEGRITY_EXCEPTION',
		);
		await conn.sobject('ObjectTerritory2AssignmentRule').destroy(foreignRule);
		await conn.sobject('Territory2Model').destroy(m);
	});
});

describe('types and users over HTTP', () => {
	it('keeps type priorities unique and usernames unique', async () => {
		expect(
			await failure(conn.sobject('Territory2Type').create({ DeveloperName: 'Zone', MasterLabel: 'Zone', Priority: 20 })),
		).toMatchObject({ errorCode: 'DUPLICATE_VALUE', fields: ['Priority'] });
		expect(
			(await failure(conn.sobject('User').create(userFields(DEMO_USERNAMES.benCarter, await queryProfileId(conn), { Email: 'b@x.example' }))))
				.errorCode,
		).toBe('DUPLICATE_USERNAME');
	});
});
