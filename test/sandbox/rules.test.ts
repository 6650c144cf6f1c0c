/** The Sales Territories rules, straight against the store (the HTTP layer is tested in rules-http). */
import type { StoreSettings } from '../../sandbox/contracts';
import { parseBooleanFilter } from '../../sandbox/rules/assignment';
import { seedEmpty } from '../../sandbox/seed';
import { createOrgStore } from '../../sandbox/org';
import type { OrgStore } from '../../sandbox/store';
import { storeProfileId, userFields } from './user-kit';
import { sandboxError } from '../helpers/sandbox';

const sfError = (call: () => unknown) => sandboxError(call);

interface Org {
	store: OrgStore;
	types: { region: string; district: string; territory: string };
	model: (dev?: string) => string;
	territory: (modelId: string, dev: string, extra?: Record<string, unknown>) => string;
	user: (username: string, active?: boolean) => string;
	rule: (modelId: string, dev: string, extra?: Record<string, unknown>) => string;
	item: (ruleId: string, sortOrder: number, value?: string) => string;
}

function newOrg(settings?: Partial<StoreSettings>): Org {
	const store = createOrgStore(settings);
	seedEmpty(store);
	const type = (dev: string, priority: number) => store.createOne('Territory2Type', { DeveloperName: dev, MasterLabel: dev, Priority: priority });
	const types = { region: type('Region', 10), district: type('District', 20), territory: type('Territory', 30) };
	return {
		store,
		types,
		model: (dev = 'Plan') => store.createOne('Territory2Model', { Name: dev, DeveloperName: dev }),
		territory: (modelId, dev, extra = {}) =>
			store.createOne('Territory2', { Name: dev, DeveloperName: dev, Territory2ModelId: modelId, Territory2TypeId: types.territory, ...extra }),
		user: (username, active = true) =>
			store.createOne('User', userFields(username, storeProfileId(store), { IsActive: active })),
		rule: (modelId, dev, extra = {}) =>
			store.createOne('ObjectTerritory2AssignmentRule', { DeveloperName: dev, MasterLabel: dev, ObjectType: 'Account', Territory2ModelId: modelId, ...extra }),
		item: (ruleId, sortOrder, value = '94105') =>
			store.createOne('ObjectTerritory2AssignmentRuleItem', {
				RuleId: ruleId,
				SortOrder: sortOrder,
				Field: 'Account.BillingPostalCode',
				Operation: 'equals',
				Value: value,
			}),
	};
}

describe('DeveloperName', () => {
	it.each(['1Plan', 'Plan_', 'Pl__an', 'Pl an', 'Plän', '_Plan', 'P'.repeat(81)])('refuses %s', (name) => {
		const { store } = newOrg();
		const e = sfError(() => store.createOne('Territory2Model', { Name: 'x', DeveloperName: name }));
		expect(e.errorCode).toBe(name.length > 80 ? 'STRING_TOO_LONG' : 'FIELD_INTEGRITY_EXCEPTION');
		expect(e.fields).toEqual(['DeveloperName']);
	});

	it('accepts letters, digits and single underscores', () => {
		const { store } = newOrg();
		expect(() => store.createOne('Territory2Model', { Name: 'x', DeveloperName: 'FY27_Plan_2' })).not.toThrow();
	});

	it('is required on models, types, territories and rules', () => {
		const org = newOrg();
		const m = org.model();
		const missing = (type: string, fields: Record<string, unknown>) => sfError(() => org.store.createOne(type, fields));
		for (const e of [
			missing('Territory2Model', { Name: 'x' }),
			missing('Territory2Type', { MasterLabel: 'x', Priority: 99 }),
			missing('Territory2', { Name: 'x', Territory2ModelId: m, Territory2TypeId: org.types.region }),
			missing('ObjectTerritory2AssignmentRule', { MasterLabel: 'x', ObjectType: 'Account', Territory2ModelId: m }),
		]) {
			expect(e).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['DeveloperName'] });
		}
		const t = org.territory(m, 'T');
		expect(sfError(() => org.store.updateOne('Territory2', t, { DeveloperName: null })).errorCode).toBe('REQUIRED_FIELD_MISSING');
		expect(sfError(() => org.store.updateOne('Territory2', t, { DeveloperName: 'T__2' })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
	});
});

describe('Territory2Model', () => {
	it('has org-wide unique DeveloperNames, ignoring case', () => {
		const org = newOrg();
		org.model('Plan');
		const e = sfError(() => org.store.createOne('Territory2Model', { Name: 'Other', DeveloperName: 'PLAN' }));
		expect(e).toMatchObject({ errorCode: 'DUPLICATE_DEVELOPER_NAME', fields: ['DeveloperName'] });
	});

	it.each([
		['Developer', 4],
		['Enterprise', 2],
		['Performance', 4],
		['Unlimited', 4],
	] as const)('allows %s edition %i models', (edition, limit) => {
		const org = newOrg({ edition });
		for (let i = 0; i < limit; i++) org.model(`M${i}`);
		expect(sfError(() => org.model('OneMore')).errorCode).toBe('LIMIT_EXCEEDED');
	});

	it('starts in Planning and refuses State writes', () => {
		const org = newOrg();
		const m = org.model();
		expect(org.store.retrieve('Territory2Model', m).State).toBe('Planning');
		expect(sfError(() => org.store.updateOne('Territory2Model', m, { State: 'Active' }))).toMatchObject({
			errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
			fields: ['State'],
		});
	});

	it('allows only one Active model', () => {
		const org = newOrg({ edition: 'Unlimited' });
		const a = org.model('A');
		const b = org.model('B');
		org.store.adminUpdate('Territory2Model', a, { State: 'Active' });
		expect(sfError(() => org.store.adminUpdate('Territory2Model', b, { State: 'Active' })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
	});

	// Every state but Planning and Active: Archived, the transitions and the failed ones (Cloning Failed included).
	it.each([
		'Archived',
		'Activating',
		'Archiving',
		'Cloning',
		'Deleting',
		'Activation Failed',
		'Archiving Failed',
		'Cloning Failed',
		'Deletion Failed',
	])('makes a model in state %s and its contents read-only', (state) => {
		const org = newOrg();
		const m = org.model('Old');
		const t = org.territory(m, 'T1');
		const r = org.rule(m, 'R1');
		org.store.adminUpdate('Territory2Model', m, { State: state });
		const refused = [
			() => org.store.updateOne('Territory2Model', m, { Description: 'x' }),
			() => org.territory(m, 'T2'),
			() => org.store.updateOne('Territory2', t, { Name: 'New' }),
			() => org.store.deleteOne(null, t),
			() => org.item(r, 1),
			() => org.store.updateOne('ObjectTerritory2AssignmentRule', r, { IsActive: true }),
			() => org.store.createOne('RuleTerritory2Association', { RuleId: r, Territory2Id: t }),
		];
		for (const write of refused) expect(sfError(write).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect(org.store.retrieve('Territory2', t).Name).toBe('T1');
	});

	it("refuses a new model with an Archived model's DeveloperName", () => {
		const org = newOrg();
		const m = org.model('FY25');
		org.store.adminUpdate('Territory2Model', m, { State: 'Archived' });
		const e = sfError(() => org.model('FY25'));
		expect(e.errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
		expect(e.message).toMatch(/archived/i);
	});

	it('deletes only Planning or Archived models', () => {
		const org = newOrg({ edition: 'Unlimited' });
		for (const state of ['Active', 'Activating', 'Archiving', 'Cloning']) {
			const m = org.model(`M_${state}`);
			org.store.adminUpdate('Territory2Model', m, { State: state });
			expect(sfError(() => org.store.deleteOne(null, m)).errorCode).toBe('DELETE_FAILED');
			org.store.adminUpdate('Territory2Model', m, { State: 'Archived' });
			org.store.deleteOne(null, m);
			expect(org.store.get(m)).toBeUndefined();
		}
	});

	it("deletes its territories, rules, items and associations with it", () => {
		const org = newOrg();
		const keep = org.model('Keep');
		const kept = org.territory(keep, 'Kept');
		const m = org.model('Gone');
		const parent = org.territory(m, 'Parent');
		const child = org.territory(m, 'Child', { ParentTerritory2Id: parent });
		const u = org.user('rep@x.example');
		org.store.createOne('UserTerritory2Association', { UserId: u, Territory2Id: child, RoleInTerritory2: 'Sales Rep' });
		const account = org.store.createOne('Account', { Name: 'A' });
		org.store.createOne('ObjectTerritory2Association', { ObjectId: account, Territory2Id: child, AssociationCause: 'Territory2Manual' });
		const r = org.rule(m, 'R');
		org.item(r, 1);
		org.store.createOne('RuleTerritory2Association', { RuleId: r, Territory2Id: child });
		org.store.deleteOne('Territory2Model', m);
		expect(org.store.records('Territory2').map((t) => t.Id)).toEqual([kept]);
		for (const type of ['ObjectTerritory2AssignmentRule', 'ObjectTerritory2AssignmentRuleItem', 'RuleTerritory2Association', 'UserTerritory2Association', 'ObjectTerritory2Association']) {
			expect(org.store.records(type)).toHaveLength(0);
		}
		expect(org.store.get(account)).toBeDefined();
	});
});

describe('Territory2Type', () => {
	it('has unique priorities and DeveloperNames', () => {
		const org = newOrg();
		expect(sfError(() => org.store.createOne('Territory2Type', { DeveloperName: 'Zone', MasterLabel: 'Zone', Priority: 20 }))).toMatchObject({
			errorCode: 'DUPLICATE_VALUE',
			fields: ['Priority'],
		});
		expect(sfError(() => org.store.createOne('Territory2Type', { DeveloperName: 'region', MasterLabel: 'R', Priority: 99 })).errorCode).toBe(
			'DUPLICATE_DEVELOPER_NAME',
		);
		expect(sfError(() => org.store.updateOne('Territory2Type', org.types.region, { Priority: 30 })).errorCode).toBe('DUPLICATE_VALUE');
	});

	it('cannot be deleted while territories use it', () => {
		const org = newOrg();
		org.territory(org.model(), 'T');
		expect(sfError(() => org.store.deleteOne(null, org.types.territory)).errorCode).toBe('DELETE_FAILED');
		org.store.deleteOne(null, org.types.region);
	});
});

describe('Territory2', () => {
	it('has DeveloperNames unique within a model only', () => {
		const org = newOrg();
		const a = org.model('A');
		const b = org.model('B');
		org.territory(a, 'West');
		expect(org.territory(b, 'West')).toMatch(/^0MI/);
		expect(sfError(() => org.territory(a, 'WEST')).errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
	});

	it('requires a type and a model, and checks the restricted access levels', () => {
		const org = newOrg();
		const m = org.model();
		expect(sfError(() => org.store.createOne('Territory2', { Name: 'T', DeveloperName: 'T', Territory2ModelId: m }))).toMatchObject({
			errorCode: 'REQUIRED_FIELD_MISSING',
			fields: ['Territory2TypeId'],
		});
		for (const [field, value] of [['AccountAccessLevel', 'None'], ['OpportunityAccessLevel', 'All'], ['CaseAccessLevel', 'Read Only']]) {
			const e = sfError(() => org.territory(m, 'T', { [field]: value }));
			expect(e).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: [field] });
			expect(e.message).toContain('bad value for restricted picklist field');
		}
		const t = org.territory(m, 'T', { AccountAccessLevel: 'All', OpportunityAccessLevel: 'Edit', CaseAccessLevel: 'Read' });
		expect(org.store.retrieve('Territory2', t)).toMatchObject({ AccountAccessLevel: 'All', OpportunityAccessLevel: 'Edit', CaseAccessLevel: 'Read' });
		expect(sfError(() => org.store.updateOne('Territory2', t, { AccountAccessLevel: null })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
		expect(sfError(() => org.territory(m, 'T2', { ContactAccessLevel: 'Read' })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
	});

	it('keeps parents in the same model and the hierarchy free of loops', () => {
		const org = newOrg();
		const a = org.model('A');
		const b = org.model('B');
		const root = org.territory(a, 'Root');
		const mid = org.territory(a, 'Mid', { ParentTerritory2Id: root });
		const leaf = org.territory(a, 'Leaf', { ParentTerritory2Id: mid });
		const other = org.territory(b, 'Other');
		expect(sfError(() => org.territory(b, 'X', { ParentTerritory2Id: root }))).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
			fields: ['ParentTerritory2Id'],
		});
		expect(sfError(() => org.store.updateOne('Territory2', other, { ParentTerritory2Id: leaf })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect(sfError(() => org.store.updateOne('Territory2', root, { ParentTerritory2Id: leaf })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect(sfError(() => org.store.updateOne('Territory2', root, { ParentTerritory2Id: root })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect(sfError(() => org.territory(a, 'Y', { ParentTerritory2Id: org.types.region })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		org.store.updateOne('Territory2', leaf, { ParentTerritory2Id: root });
		expect(org.store.retrieve('Territory2', leaf).ParentTerritory2Id).toBe(root);
	});

	it('limits territories per model', () => {
		const org = newOrg({ territoriesPerModel: 3 });
		const m = org.model('A');
		for (let i = 0; i < 3; i++) org.territory(m, `T${i}`);
		expect(sfError(() => org.territory(m, 'T3')).errorCode).toBe('LIMIT_EXCEEDED');
		expect(org.territory(org.model('B'), 'T3')).toMatch(/^0MI/);
	});

	it('accepts as forecast manager only a user assigned to the territory', () => {
		const org = newOrg();
		const m = org.model();
		const t = org.territory(m, 'T');
		const u = org.user('rep@x.example');
		expect(sfError(() => org.territory(m, 'T2', { ForecastUserId: u }))).toMatchObject({
			errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
			fields: ['ForecastUserId'],
		});
		expect(sfError(() => org.store.updateOne('Territory2', t, { ForecastUserId: u }))).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
			fields: ['ForecastUserId'],
		});
		const link = org.store.createOne('UserTerritory2Association', { UserId: u, Territory2Id: t, RoleInTerritory2: 'Owner' });
		org.store.updateOne('Territory2', t, { ForecastUserId: u });
		org.store.deleteOne(null, link);
		expect(org.store.retrieve('Territory2', t).ForecastUserId).toBeNull();
	});

	it('restores a deleted territory, its associations and its forecast manager when the batch rolls back', () => {
		const org = newOrg();
		const t = org.territory(org.model(), 'T');
		const u = org.user('rep@x.example');
		const link = org.store.createOne('UserTerritory2Association', { UserId: u, Territory2Id: t });
		org.store.updateOne('Territory2', t, { ForecastUserId: u });
		const results = org.store.remove([t, 'not-an-id'], true);
		expect(results.map((r) => r.errors[0]?.statusCode)).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'MALFORMED_ID']);
		expect(org.store.retrieve('Territory2', t).ForecastUserId).toBe(u);
		expect(org.store.select('UserTerritory2Association', 'Territory2Id', t).map((a) => a.Id)).toEqual([link]);
		org.store.remove([t], true);
		expect(org.store.get(link)).toBeUndefined();
	});

	it('cannot be deleted while it has children; deleting a leaf removes its associations', () => {
		const org = newOrg();
		const m = org.model();
		const parent = org.territory(m, 'Parent');
		const leaf = org.territory(m, 'Leaf', { ParentTerritory2Id: parent });
		const u = org.user('rep@x.example');
		org.store.createOne('UserTerritory2Association', { UserId: u, Territory2Id: leaf });
		const r = org.rule(m, 'R');
		org.store.createOne('RuleTerritory2Association', { RuleId: r, Territory2Id: leaf });
		expect(sfError(() => org.store.deleteOne(null, parent)).errorCode).toBe('DELETE_FAILED');
		org.store.deleteOne(null, leaf);
		expect(org.store.records('UserTerritory2Association')).toHaveLength(0);
		expect(org.store.records('RuleTerritory2Association')).toHaveLength(0);
		expect(org.store.get(r)).toBeDefined();
		org.store.deleteOne(null, parent);
	});
});

describe('assignment rules', () => {
	it('parses filter logic and names its items', () => {
		expect(parseBooleanFilter('(1 AND 2) OR NOT 3')).toEqual([1, 2, 3]);
		expect(parseBooleanFilter('1 or 2 or 10')).toEqual([1, 2, 10]);
		for (const bad of ['1 AND 2 OR 3', '(1 AND 2', '1 2', 'AND 1', '1 AND', '1 XOR 2', '']) {
			expect(sfError(() => parseBooleanFilter(bad)).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		}
	});

	it('has DeveloperNames unique within a model and a restricted object type', () => {
		const org = newOrg();
		const m = org.model();
		org.rule(m, 'R');
		expect(sfError(() => org.rule(m, 'r')).errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
		expect(sfError(() => org.rule(m, 'L', { ObjectType: 'Lead' })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
		expect(sfError(() => org.store.updateOne('ObjectTerritory2AssignmentRule', org.rule(m, 'S'), { ObjectType: 'Account' })).errorCode).toBe(
			'INVALID_FIELD_FOR_INSERT_UPDATE',
		);
	});

	it('changes items only while BooleanFilter is empty, and checks the filter against them', () => {
		const org = newOrg();
		const r = org.rule(org.model(), 'R');
		const one = org.item(r, 1);
		org.item(r, 2, '94404');
		const update = (filter: string | null) => org.store.updateOne('ObjectTerritory2AssignmentRule', r, { BooleanFilter: filter });
		expect(sfError(() => update('1 OR 3')).message).toMatch(/item 3/);
		expect(sfError(() => update('1')).message).toMatch(/item 2/);
		update('1 OR 2');
		expect(sfError(() => org.item(r, 3)).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect(sfError(() => org.store.deleteOne(null, one)).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		expect(sfError(() => org.store.updateOne('ObjectTerritory2AssignmentRuleItem', one, { SortOrder: 5 })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		org.store.updateOne('ObjectTerritory2AssignmentRuleItem', one, { Value: '94107' });
		update(null);
		org.item(r, 3);
		org.store.deleteOne(null, one);
		update('2 AND 3');
	});

	it('limits a rule to 10 items with distinct sort orders, valid operators and Account fields', () => {
		const org = newOrg();
		const r = org.rule(org.model(), 'R');
		for (let i = 1; i <= 10; i++) org.item(r, i);
		expect(sfError(() => org.item(r, 11)).errorCode).toBe('LIMIT_EXCEEDED');
		const r2 = org.rule(org.model('Two'), 'R2');
		org.item(r2, 1);
		expect(sfError(() => org.item(r2, 1)).errorCode).toBe('DUPLICATE_VALUE');
		const item = (extra: Record<string, unknown>) =>
			org.store.createOne('ObjectTerritory2AssignmentRuleItem', { RuleId: r2, SortOrder: 2, Field: 'Account.BillingState', Operation: 'equals', Value: 'CA', ...extra });
		expect(sfError(() => item({ Operation: 'between' })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
		// Field is a restricted picklist (Object Reference): a field it does not list is a bad picklist value,
		// and so is the other naming form (this org lists `Account.`-qualified names).
		expect(sfError(() => item({ Field: 'Account.NoSuchField' })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
		expect(sfError(() => item({ Field: 'BillingState' })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
		expect(sfError(() => item({ Value: 'x'.repeat(1001) })).errorCode).toBe('STRING_TOO_LONG');
		expect(item({})).toMatch(/^0OI/);
	});

	it('links at most 15 rules to a territory, each once, within the same model', () => {
		const org = newOrg();
		const m = org.model('A');
		const t = org.territory(m, 'T');
		const link = (rule: string) => org.store.createOne('RuleTerritory2Association', { RuleId: rule, Territory2Id: t, IsInherited: true });
		const rules = Array.from({ length: 16 }, (_, i) => org.rule(m, `R${i}`));
		rules.slice(0, 15).forEach(link);
		expect(sfError(() => link(rules[0])).errorCode).toBe('DUPLICATE_VALUE');
		expect(sfError(() => link(rules[15])).errorCode).toBe('LIMIT_EXCEEDED');
		const foreign = org.rule(org.model('B'), 'Foreign');
		expect(sfError(() => link(foreign)).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		const existing = org.store.records('RuleTerritory2Association')[0];
		expect(sfError(() => org.store.updateOne('RuleTerritory2Association', existing.Id, { IsInherited: false })).errorCode).toBe(
			'INVALID_FIELD_FOR_INSERT_UPDATE',
		);
	});

	it('deleting a rule deletes its items and links', () => {
		const org = newOrg();
		const m = org.model();
		const t = org.territory(m, 'T');
		const r = org.rule(m, 'R');
		org.item(r, 1);
		org.store.updateOne('ObjectTerritory2AssignmentRule', r, { BooleanFilter: '1' });
		org.store.createOne('RuleTerritory2Association', { RuleId: r, Territory2Id: t });
		org.store.deleteOne(null, r);
		expect(org.store.records('ObjectTerritory2AssignmentRuleItem')).toHaveLength(0);
		expect(org.store.records('RuleTerritory2Association')).toHaveLength(0);
	});
});

describe('users and territory associations', () => {
	it('assigns only active users, once per territory, with a role from the org picklist', () => {
		const org = newOrg({ roles: ['Owner', 'Overlay'] });
		const t = org.territory(org.model(), 'T');
		const active = org.user('a@x.example');
		const inactive = org.user('i@x.example', false);
		const assign = (userId: string, role: string | null = 'Owner') =>
			org.store.createOne('UserTerritory2Association', { UserId: userId, Territory2Id: t, RoleInTerritory2: role });
		expect(sfError(() => assign(inactive))).toMatchObject({ errorCode: 'INACTIVE_OWNER_OR_USER', fields: ['UserId'] });
		expect(sfError(() => assign(active, 'Sales Rep')).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
		const link = assign(active);
		expect(org.store.retrieve('UserTerritory2Association', link).IsActive).toBe(true);
		expect(sfError(() => assign(active, 'Overlay'))).toMatchObject({ errorCode: 'DUPLICATE_VALUE' });
		expect(sfError(() => org.store.updateOne('UserTerritory2Association', link, { RoleInTerritory2: 'Overlay' }))).toMatchObject({
			errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
			fields: ['RoleInTerritory2'],
		});
		expect(sfError(() => org.store.createOne('UserTerritory2Association', { UserId: t, Territory2Id: t })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
	});

	it('assigns accounts manually, once per territory', () => {
		const org = newOrg();
		const t = org.territory(org.model(), 'T');
		const account = org.store.createOne('Account', { Name: 'A' });
		const assign = (cause = 'Territory2Manual') =>
			org.store.createOne('ObjectTerritory2Association', { ObjectId: account, Territory2Id: t, AssociationCause: cause });
		expect(sfError(() => assign('Territory2AssignmentRule')).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
		const link = assign();
		expect(org.store.retrieve('ObjectTerritory2Association', link).SobjectType).toBe('Account');
		expect(sfError(() => assign()).errorCode).toBe('DUPLICATE_VALUE');
		expect(sfError(() => org.store.createOne('ObjectTerritory2Association', { ObjectId: t, Territory2Id: t, AssociationCause: 'Territory2Manual' })).errorCode).toBe(
			'FIELD_INTEGRITY_EXCEPTION',
		);
		expect(sfError(() => org.store.updateOne('ObjectTerritory2Association', link, { Territory2Id: t })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
	});

	it('keeps usernames unique and computes Name', () => {
		const org = newOrg();
		const u = org.user('dup@x.example');
		expect(sfError(() => org.user('DUP@x.example')).errorCode).toBe('DUPLICATE_USERNAME');
		org.store.updateOne('User', u, { FirstName: 'Ana', LastName: 'Lopez' });
		expect(org.store.retrieve('User', u).Name).toBe('Ana Lopez');
		expect(sfError(() => org.store.updateOne('User', u, { Name: 'x' })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
		expect(sfError(() => org.store.deleteOne(null, u)).errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
	});
});
