import { SalesforceError, type RuleBook } from '../../sandbox/contracts';
import { idChecksum, isValidId, makeId, toId15, toId18 } from '../../sandbox/ids';
import { DEMO_USERNAMES, DEMO_USERS, INTEGRATION_USERNAME, seedDemo, seedEmpty } from '../../sandbox/seed';
import { createOrgStore, loadOrgStore } from '../../sandbox/org';
import { orgToJSON } from '../../sandbox/persist';
import { OrgStore } from '../../sandbox/store';
import { storeProfileId, userFields } from './user-kit';
import { sandboxError } from '../helpers/sandbox';

const sfError = (call: () => unknown) => sandboxError(call);

function fixedClock(store: OrgStore): void {
	let t = Date.parse('2026-11-29T08:00:00.000Z');
	store.clock = () => new Date((t += 1000));
}

function newStore(): OrgStore {
	const store = createOrgStore();
	fixedClock(store);
	seedEmpty(store);
	return store;
}

function newType(store: OrgStore, priority = 10, name = `T${priority}`): string {
	return store.createOne('Territory2Type', { DeveloperName: name, MasterLabel: name, Priority: priority });
}

describe('Salesforce Ids', () => {
	it('computes the case-safe suffix Salesforce documents', () => {
		expect(idChecksum('001A0000006Vm9r')).toBe('IAC');
		expect(toId18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
		expect(toId15('001A0000006Vm9rIAC')).toBe('001A0000006Vm9r');
	});

	it('accepts the suffix in any case and refuses a wrong one', () => {
		expect(isValidId('001A0000006Vm9riac')).toBe(true);
		expect(isValidId('001A0000006Vm9rAAA')).toBe(false);
		expect(isValidId('001A0000006Vm9')).toBe(false);
		expect(isValidId('001A0000006Vm9r!')).toBe(false);
	});

	it('makes distinct, valid ids with the object prefix', () => {
		const a = makeId('0MI', 61);
		const b = makeId('0MI', 62);
		expect(a).toHaveLength(18);
		expect(a.startsWith('0MI')).toBe(true);
		expect(isValidId(a)).toBe(true);
		expect(a).not.toBe(b);
	});
});

describe('OrgStore schema', () => {
	const store = createOrgStore();

	it('describes objects case-insensitively with their key prefixes', () => {
		expect(store.describe('territory2')?.name).toBe('Territory2');
		expect(store.describe('TERRITORY2MODEL')?.keyPrefix).toBe('0MA');
		expect(store.describe('Territory2Type')?.keyPrefix).toBe('0M5');
		expect(store.describe('ObjectTerritory2AssignmentRule')?.keyPrefix).toBe('0OH');
		expect(store.describe('ObjectTerritory2AssignmentRuleItem')?.keyPrefix).toBe('0OI');
		expect(store.describe('RuleTerritory2Association')?.keyPrefix).toBe('0OJ');
		expect(store.describe('Nope')).toBeUndefined();
		expect(store.describeGlobal().map((m) => m.name)).toEqual(expect.arrayContaining(['User', 'Account', 'Organization']));
	});

	it('has the relationship names SOQL paths use', () => {
		const t = store.describe('Territory2')!;
		const byName = (n: string) => t.fields.find((f) => f.name === n)!;
		expect(byName('ParentTerritory2Id')).toMatchObject({ relationshipName: 'ParentTerritory2', referenceTo: ['Territory2'] });
		expect(byName('Territory2TypeId')).toMatchObject({ relationshipName: 'Territory2Type', required: true });
		expect(byName('Territory2ModelId')).toMatchObject({ createable: true, updateable: false });
		expect(byName('ContactAccessLevel')).toMatchObject({ createable: false, updateable: false });
		expect(byName('AccountAccessLevel').picklistValues).toEqual(['Read', 'Edit', 'All']);
		expect(t.childRelationships).toContainEqual({
			relationshipName: 'UserTerritory2Associations',
			childSObject: 'UserTerritory2Association',
			field: 'Territory2Id',
		});
		const rule = store.describe('ObjectTerritory2AssignmentRule')!;
		expect(rule.childRelationships.map((c) => c.relationshipName)).toContain('RuleItems');
	});

	it('takes RoleInTerritory2 values from the settings', () => {
		const custom = createOrgStore({ roles: ['Lead', 'Overlay'] });
		const role = custom.describe('UserTerritory2Association')!.fields.find((f) => f.name === 'RoleInTerritory2')!;
		expect(role.picklistValues).toEqual(['Lead', 'Overlay']);
	});
});

describe('OrgStore CRUD', () => {
	it('creates records with 18-character ids, system fields and canonical field names', () => {
		const store = newStore();
		const id = store.createOne('account', { name: 'Acme', billingpostalcode: '94105' });
		expect(id).toMatch(/^001[a-zA-Z0-9]{15}$/);
		expect(isValidId(id)).toBe(true);
		const rec = store.retrieve('Account', id.slice(0, 15));
		expect(rec).toMatchObject({ Id: id, Name: 'Acme', BillingPostalCode: '94105', CreatedById: store.currentUserId });
		expect(rec.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
		expect(store.get(id.slice(0, 15))?.type).toBe('Account');
		expect(store.records('ACCOUNT').map((r) => r.Id)).toEqual([id]);
	});

	it('keeps system datetimes to the second by default, to the millisecond when asked (datetimePrecision)', () => {
		const store = newStore();
		store.clock = () => new Date('2026-11-29T08:00:01.234Z');
		const stamps = (id: string) => {
			const r = store.retrieve('Account', id.slice(0, 15));
			return [r.CreatedDate, r.LastModifiedDate, r.SystemModstamp];
		};
		expect(stamps(store.createOne('Account', { Name: 'Seconds' }))).toEqual(Array(3).fill('2026-11-29T08:00:01.000+0000'));
		store.datetimePrecision = 'millisecond';
		expect(stamps(store.createOne('Account', { Name: 'Milliseconds' }))).toEqual(Array(3).fill('2026-11-29T08:00:01.234+0000'));
	});

	it('refuses unknown fields with Salesforce wording', () => {
		const store = newStore();
		const e = sfError(() => store.createOne('Account', { Name: 'A', Foo__c: 1 }));
		expect(e).toMatchObject({ status: 400, errorCode: 'INVALID_FIELD', message: "No such column 'Foo__c' on sobject of type Account" });
	});

	it('refuses values longer than the field', () => {
		const store = newStore();
		const e = sfError(() => store.createOne('Territory2Type', { DeveloperName: 'A', MasterLabel: 'x'.repeat(81), Priority: 1 }));
		expect(e.errorCode).toBe('STRING_TOO_LONG');
		expect(e.fields).toEqual(['MasterLabel']);
		expect(e.message).toContain('max length=80');
	});

	it('refuses read-only fields on create and create-only fields on update', () => {
		const store = newStore();
		const e1 = sfError(() => store.createOne('Territory2Model', { Name: 'M', DeveloperName: 'M', State: 'Active' }));
		expect(e1).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['State'] });
		expect(e1.message).toMatch(/^Unable to create\/update fields: State\./);
		const model = store.createOne('Territory2Model', { Name: 'M', DeveloperName: 'M' });
		const other = store.createOne('Territory2Model', { Name: 'N', DeveloperName: 'N' });
		const type = newType(store);
		const t = store.createOne('Territory2', { Name: 'T', DeveloperName: 'T', Territory2ModelId: model, Territory2TypeId: type });
		const e2 = sfError(() => store.updateOne('Territory2', t, { Territory2ModelId: other }));
		expect(e2).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['Territory2ModelId'] });
		expect(sfError(() => store.createOne('Account', { Id: model, Name: 'x' })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
	});

	it('coerces text values from CSV loads and refuses values of the wrong type', () => {
		const store = newStore();
		const id = store.createOne('Territory2Type', { DeveloperName: 'A', MasterLabel: 'A', Priority: '15' });
		expect(store.retrieve('Territory2Type', id).Priority).toBe(15);
		const e = sfError(() => store.createOne('Territory2Type', { DeveloperName: 'B', MasterLabel: 'B', Priority: '1.5' }));
		expect(e).toMatchObject({ errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', fields: ['Priority'] });
		const user = store.createOne('User', userFields('x@y.example', storeProfileId(store), { LastName: 'X', IsActive: 'FALSE' }));
		expect(store.retrieve('User', user).IsActive).toBe(false);
		expect(sfError(() => store.updateOne('User', user, { IsActive: 'maybe' })).errorCode).toBe('INVALID_TYPE_ON_FIELD_IN_RECORD');
	});

	it('reports missing required fields', () => {
		const store = newStore();
		const e = sfError(() => store.createOne('Territory2Type', { DeveloperName: 'A' }));
		expect(e).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [MasterLabel, Priority]' });
		expect(e.fields).toEqual(['MasterLabel', 'Priority']);
		const type = newType(store);
		expect(sfError(() => store.updateOne('Territory2Type', type, { MasterLabel: null })).errorCode).toBe('REQUIRED_FIELD_MISSING');
	});

	it('checks lookups: malformed, missing and wrong-type ids', () => {
		const store = newStore();
		const model = store.createOne('Territory2Model', { Name: 'M', DeveloperName: 'M' });
		const type = newType(store);
		const base = { Name: 'T', DeveloperName: 'T', Territory2ModelId: model };
		expect(sfError(() => store.createOne('Territory2', { ...base, Territory2TypeId: 'nope' })).errorCode).toBe('MALFORMED_ID');
		const ghost = makeId('0M5', 999999);
		expect(sfError(() => store.createOne('Territory2', { ...base, Territory2TypeId: ghost }))).toMatchObject({
			errorCode: 'INVALID_CROSS_REFERENCE_KEY',
			fields: ['Territory2TypeId'],
		});
		expect(sfError(() => store.createOne('Territory2', { ...base, Territory2TypeId: model }))).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
			fields: ['Territory2TypeId'],
		});
		expect(store.createOne('Territory2', { ...base, Territory2TypeId: type.slice(0, 15) })).toMatch(/^0MI/);
		expect(store.records('Territory2')[0].Territory2TypeId).toBe(type);
	});

	it('updates, retrieves and deletes; missing records are 404', () => {
		const store = newStore();
		const id = store.createOne('Account', { Name: 'A' });
		const created = store.retrieve('Account', id);
		store.updateOne('account', id, { NAME: 'B' });
		const updated = store.retrieve('Account', id);
		expect(updated.Name).toBe('B');
		expect(updated.CreatedDate).toBe(created.CreatedDate);
		expect(String(updated.LastModifiedDate) > String(created.LastModifiedDate)).toBe(true);
		expect(created.Name).toBe('A'); // records handed out earlier do not change under the caller
		expect(sfError(() => store.retrieve('User', id))).toMatchObject({ status: 404, errorCode: 'NOT_FOUND' });
		store.deleteOne(null, id);
		expect(store.get(id)).toBeUndefined();
		expect(sfError(() => store.deleteOne('Account', id))).toMatchObject({ status: 404, errorCode: 'ENTITY_IS_DELETED' });
		expect(sfError(() => store.createOne('Nope', {}))).toMatchObject({ status: 404, errorCode: 'NOT_FOUND' });
	});

	it('refuses writes to objects that do not support them', () => {
		const store = newStore();
		const org = store.records('Organization')[0];
		expect(sfError(() => store.updateOne('Organization', org.Id, { Name: 'x' })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
		expect(sfError(() => store.deleteOne(null, org.Id)).errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
	});
});

describe('OrgStore rules registry', () => {
	const model = (store: OrgStore) => store.createOne('Territory2Model', { Name: 'Plan', DeveloperName: 'Plan' });

	it('runs the rules of the book it was given, and only those', () => {
		const seen: string[] = [];
		const book: RuleBook = {
			Territory2Model: {
				beforeCreate: (record, ctx, sent) => seen.push(`create ${String(record.DeveloperName)} by ${ctx.admin ? 'admin' : 'api'}: ${sent.join(',')}`),
				beforeDelete: (record) => {
					if (record.DeveloperName === 'Keep') throw new SalesforceError(400, 'DELETE_FAILED', 'kept by the book');
				},
			},
		};
		const store = new OrgStore(book);
		seedEmpty(store);
		const id = model(store);
		expect(seen).toEqual(['create Plan by api: Name,DeveloperName']);
		// Without the Sales Territories rules, a second model of the same DeveloperName is no clash.
		expect(model(store)).not.toBe(id);
		const kept = store.createOne('Territory2Model', { Name: 'Keep', DeveloperName: 'Keep' });
		expect(sfError(() => store.deleteOne('Territory2Model', kept)).message).toBe('kept by the book');
		expect(store.get(kept)).toBeDefined();
	});

	it('keeps the field checks without any rules, and the org (org.ts) has the Sales Territories rules', () => {
		const bare = new OrgStore({});
		seedEmpty(bare);
		expect(sfError(() => bare.createOne('Territory2Model', { Name: 'x'.repeat(300), DeveloperName: 'Plan' })).errorCode).toBe('STRING_TOO_LONG');
		model(bare);
		expect(() => model(bare)).not.toThrow();
		const org = newStore();
		model(org);
		expect(sfError(() => model(org)).errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
	});
});

describe('OrgStore collections (WriteSource)', () => {
	it('gives per-record results in request order and keeps the good ones without allOrNone', () => {
		const store = newStore();
		const results = store.create('Territory2Type', [
			{ attributes: { type: 'Territory2Type' }, DeveloperName: 'A', MasterLabel: 'A', Priority: 1 },
			{ DeveloperName: 'B', MasterLabel: 'B' },
			{ DeveloperName: 'C', MasterLabel: 'C', Priority: 3 },
		], false);
		expect(results.map((r) => r.success)).toEqual([true, false, true]);
		expect(results[1]).toEqual({
			id: null,
			success: false,
			errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Priority]', fields: ['Priority'] }],
		});
		expect(store.records('Territory2Type').map((t) => t.DeveloperName)).toEqual(['A', 'C']);
	});

	it('keeps nothing with allOrNone and marks the innocent records rolled back', () => {
		const store = newStore();
		const results = store.create('Territory2Type', [
			{ DeveloperName: 'A', MasterLabel: 'A', Priority: 1 },
			{ DeveloperName: 'B', MasterLabel: 'B' },
		], true);
		expect(results[0]).toMatchObject({ id: null, success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }] });
		expect(results[1].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING');
		expect(store.records('Territory2Type')).toHaveLength(0);
	});

	it('updates by Id and reports missing Ids', () => {
		const store = newStore();
		const a = newType(store, 1);
		const results = store.update('Territory2Type', [{ Id: a, MasterLabel: 'New' }, { MasterLabel: 'x' }, { Id: makeId('0M5', 99999), MasterLabel: 'y' }], false);
		expect(results[0]).toEqual({ id: a, success: true, errors: [] });
		expect(results[1].errors[0].statusCode).toBe('MISSING_ARGUMENT');
		expect(results[2].errors[0].statusCode).toBe('INVALID_CROSS_REFERENCE_KEY');
		expect(store.retrieve('Territory2Type', a).MasterLabel).toBe('New');
	});

	it('upserts on an external id, telling created from updated', () => {
		const store = newStore();
		const first = store.upsert('Account', 'External_Key__c', [{ External_Key__c: 'K1', Name: 'One' }], false);
		expect(first[0]).toMatchObject({ success: true, created: true });
		const second = store.upsert('Account', 'external_key__c', [{ External_Key__c: 'k1', Name: 'Uno' }, { Name: 'no key' }], false);
		expect(second[0]).toMatchObject({ id: first[0].id, success: true, created: false });
		expect(second[1].errors[0].statusCode).toBe('MISSING_ARGUMENT');
		expect(store.retrieve('Account', first[0].id!).Name).toBe('Uno');
		const bad = store.upsert('Account', 'Name', [{ Name: 'x' }], false);
		expect(bad[0].errors[0].statusCode).toBe('NOT_FOUND');
	});

	it('removes records, reporting deleted and unknown ids', () => {
		const store = newStore();
		const a = store.createOne('Account', { Name: 'A' });
		const b = store.createOne('Account', { Name: 'B' });
		const results = store.remove([a, a, 'bad', makeId('001', 88888)], false);
		expect(results.map((r) => r.errors[0]?.statusCode)).toEqual([undefined, 'ENTITY_IS_DELETED', 'MALFORMED_ID', 'INVALID_CROSS_REFERENCE_KEY']);
		const rolled = store.remove([b, 'bad'], true);
		expect(rolled[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
		expect(store.get(b)).toBeDefined();
	});
});

describe('OrgStore transactions and persistence', () => {
	it('undoes every write of a failed transaction, keeping creation order', () => {
		const store = newStore();
		const a = store.createOne('Account', { Name: 'A' });
		const b = store.createOne('Account', { Name: 'B' });
		const c = store.createOne('Account', { Name: 'C' });
		expect(() =>
			store.transaction(() => {
				store.deleteOne(null, b);
				store.updateOne('Account', a, { Name: 'A2' });
				store.createOne('Account', { Name: 'D' });
				throw new Error('boom');
			}),
		).toThrow('boom');
		expect(store.records('Account').map((r) => [r.Id, r.Name])).toEqual([[a, 'A'], [b, 'B'], [c, 'C']]);
		expect(store.isDeleted(b)).toBe(false);
	});

	it('keeps its lookup indexes right through updates, deletes and rollbacks', () => {
		const store = newStore();
		const a = store.createOne('Account', { Name: 'A', BillingState: 'CA' });
		const b = store.createOne('Account', { Name: 'B', BillingState: 'ca' });
		const ids = (state: string, ignoreCase = false) => store.select('Account', 'billingstate', state, ignoreCase).map((r) => r.Id);
		expect(ids('CA')).toEqual([a]);
		expect(ids('Ca', true).sort()).toEqual([a, b].sort());
		store.updateOne('Account', b, { BillingState: 'NY' });
		expect(ids('ca', true)).toEqual([a]);
		expect(() =>
			store.transaction(() => {
				store.updateOne('Account', a, { BillingState: 'TX' });
				store.deleteOne(null, b);
				store.createOne('Account', { Name: 'C', BillingState: 'CA' });
				throw new Error('undo');
			}),
		).toThrow('undo');
		expect(ids('CA')).toEqual([a]);
		expect(ids('NY')).toEqual([b]);
		expect(store.count('Account', 'BillingState', 'TX')).toBe(0);
		expect(store.select('Account', 'BillingState', null)).toEqual([]);
	});

	it('round-trips through JSON, and new ids do not collide with loaded ones', () => {
		const store = newStore();
		seedDemo(store, { accounts: 50, activeModel: true });
		const json = JSON.parse(JSON.stringify(orgToJSON(store)));
		const loaded = loadOrgStore(json);
		expect(JSON.stringify(orgToJSON(loaded))).toBe(JSON.stringify(json));
		expect(loaded.currentUserId).toBe(store.currentUserId);
		const id = loaded.createOne('Account', { Name: 'New' });
		expect(store.get(id)).toBeUndefined();
		expect(loaded.records('Account').at(-1)?.Id).toBe(id);
		expect(() => loadOrgStore({ hello: 1 })).toThrow(/sandbox org file/i);
	});
});

describe('seed', () => {
	it('creates the organisation and the integration user', () => {
		const store = createOrgStore({ edition: 'Developer' });
		const { orgId, userId } = seedEmpty(store);
		expect(orgId).toMatch(/^00D/);
		expect(store.currentUserId).toBe(userId);
		expect(store.retrieve('User', userId)).toMatchObject({ Username: INTEGRATION_USERNAME, IsActive: true, Name: 'Integration User' });
		expect(store.retrieve('Organization', orgId).OrganizationType).toBe('Developer Edition');
	});

	it('seeds the demo model with the org roles, and owns new accounts by the running user', () => {
		const store = createOrgStore({ roles: ['Lead', 'Overlay'] });
		seedEmpty(store);
		seedDemo(store, { accounts: 3, activeModel: true });
		const roles = new Set(store.records('UserTerritory2Association').map((a) => a.RoleInTerritory2));
		expect([...roles].sort()).toEqual(['Lead', 'Overlay']);
		const id = store.createOne('Account', { Name: 'Mine' });
		expect(store.retrieve('Account', id).OwnerId).toBe(store.currentUserId);
	});

	it('adds a deterministic demo org', () => {
		const a = newStore();
		const b = newStore();
		const seedA = seedDemo(a, { activeModel: true });
		seedDemo(b, { activeModel: true });
		expect(JSON.stringify(orgToJSON(a))).toBe(JSON.stringify(orgToJSON(b)));
		const users = a.records('User');
		expect(users).toHaveLength(DEMO_USERS.length + 1);
		expect(users.filter((u) => u.IsActive === false)).toHaveLength(5);
		const byName = new Map(users.map((u) => [u.Username, u]));
		for (const name of Object.values(DEMO_USERNAMES)) expect(byName.has(name)).toBe(true);
		expect(byName.get(DEMO_USERNAMES.elenaRossi)?.IsActive).toBe(false);
		const accounts = a.records('Account');
		expect(accounts).toHaveLength(2000);
		expect(accounts.every((r) => /^\d{5}$/.test(String(r.BillingPostalCode)) && r.BillingCountry === 'United States')).toBe(true);
		expect(new Set(accounts.map((r) => r.BillingState)).size).toBeGreaterThan(10);
		expect(a.records('Territory2Type').map((t) => [t.DeveloperName, t.Priority])).toEqual([['Region', 10], ['District', 20], ['Territory', 30]]);
		const model = a.retrieve('Territory2Model', seedA.activeModelId!);
		expect(model).toMatchObject({ Name: 'FY26 Sales', State: 'Active' });
		expect(a.records('Territory2').length).toBeGreaterThanOrEqual(10);
		expect(a.records('UserTerritory2Association').length).toBeGreaterThanOrEqual(8);
	});
});
