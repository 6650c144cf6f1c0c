/**
 * Points where Salesforce's documentation corrects what the engine and the sandbox assumed (issue 7,
 * "Real-org compatibility"), through publishPlan / importModel over real jsforce against the sandbox org.
 */
import { importModel } from '../../lib';
import { DEMO_USERNAMES as U, issueTriples, startEngineOrg, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

describe('Territory2.Description is string(1000)', () => {
	afterAll(() => org.dropModel('Desc'));
	const long = (n: number) => Array.from({ length: n }, (_, i) => 'abcdefghij'[i % 10]).join('');

	it('publishes a 1,000-character description, imports it back whole and publishing that writes nothing', async () => {
		const description = long(1000);
		const first = await org.publish({ plan: { rows: [{ Territory: 'West', Key: 'West', Type: 'Region', Description: description }] }, model: { developerName: 'Desc', name: 'Desc' } });
		expect(first.issues).toEqual([]);
		expect(org.model('Desc').territories.map((t) => t.Description)).toEqual([description]);

		const imported = await importModel({ connection: org.connection, model: { developerName: 'Desc' } });
		expect(imported.rows.map((r) => r.Description)).toEqual([description]);
		const before = org.dump();
		const again = await org.publish({ plan: { csv: imported.csv }, model: { developerName: 'Desc' } });
		expect(again.issues).toEqual([]);
		expect(again.summary.counts).toEqual({});
		expect(org.changesSince(before)).toEqual([]);
	});

	it('refuses 1,001 characters naming row and column, and writes nothing', async () => {
		const before = org.dump();
		org.sandbox.requestLog.reset();
		const result = await org.publish({ plan: { rows: [{ Territory: 'West', Key: 'West', Type: 'Region', Description: long(1001) }] }, model: { developerName: 'Desc' } });
		expect(issueTriples(result)).toEqual([[2, 'Description', 'DESCRIPTION_TOO_LONG']]);
		expect(result.issues[0].message).toContain('Row 2, Description');
		expect(org.sandbox.requestLog.writeCalls).toBe(0);
		expect(org.changesSince(before)).toEqual([]);
	});
});

describe('model states: only Planning (and Active when allowed) is published into', () => {
	const plan = { rows: [{ Territory: 'West', Key: 'West', Type: 'Region' }] };

	it.each([
		['Activation Failed', /could not activate it.*Setup → Territory Models.*activates it again/],
		['Archiving Failed', /could not archive it.*Setup → Territory Models.*archives it again/],
		['Deletion Failed', /could not delete it.*deletes it again in Setup → Territory Models/],
		['Cloning Failed', /copy Salesforce was making is incomplete.*deletes it in Setup → Territory Models and clones the source model again/],
		['Archived', /never changes again/],
		['Activating', /still working on it.*Wait until Setup → Territory Models shows it as Planning or Active/],
		['Archiving', /still working on it/],
		['Cloning', /still working on it/],
		['Deleting', /still working on it/],
	])('refuses a model in state %s before any write, naming the state and what the admin does', async (state, advice) => {
		org.sandbox.store.adminCreate('Territory2Model', { Name: 'Stuck', DeveloperName: 'Stuck', State: state });
		try {
			const before = org.dump();
			org.sandbox.requestLog.reset();
			// Allowing an Active model changes nothing for these states.
			const result = await org.publish({ plan, model: { developerName: 'Stuck' }, allowActiveModel: true });
			expect(issueTriples(result)).toEqual([[0, null, 'MODEL_READ_ONLY']]);
			expect(result.issues[0].message).toContain(`Model Stuck is ${state}: `);
			expect(result.issues[0].message).toMatch(advice);
			expect(org.sandbox.requestLog.writeCalls).toBe(0);
			expect(org.changesSince(before)).toEqual([]);
		} finally {
			// Archived models can be deleted (as Planning ones); the others not.
			org.sandbox.store.adminUpdate('Territory2Model', String(org.model('Stuck').id), { State: 'Archived' });
			org.dropModel('Stuck');
		}
	});

	it('publishes into a Planning model, and into an Active one only when allowed', async () => {
		org.sandbox.store.adminCreate('Territory2Model', { Name: 'Live', DeveloperName: 'Live', State: 'Planning' });
		try {
			expect((await org.publish({ plan, model: { developerName: 'Live' } })).issues).toEqual([]);
			org.sandbox.store.adminUpdate('Territory2Model', String(org.model('Live').id), { State: 'Active' });
			const refused = await org.publish({ plan: { rows: [{ Territory: 'East', Key: 'East', Type: 'Region' }] }, model: { developerName: 'Live' } });
			expect(issueTriples(refused)).toEqual([[0, null, 'MODEL_ACTIVE']]);
			const allowed = await org.publish({ plan: { rows: [{ Territory: 'East', Key: 'East', Type: 'Region' }] }, model: { developerName: 'Live' }, allowActiveModel: true, method: 'add' });
			expect(allowed.issues).toEqual([]);
			expect(org.model('Live').territories.map((t) => t.DeveloperName).sort()).toEqual(['East', 'West']);
		} finally {
			org.sandbox.store.adminUpdate('Territory2Model', String(org.model('Live').id), { State: 'Archived' });
			org.dropModel('Live');
		}
	});
});

describe('within is for distance criteria only', () => {
	afterAll(() => org.dropModel('Geo'));

	it('refuses within on a field that is not a location or address field, naming row, column and value, before any write', async () => {
		const before = org.dump();
		org.sandbox.requestLog.reset();
		const result = await org.publish({
			plan: { rows: [
				{ Territory: 'Near', Key: 'Near', Type: 'Region', Criteria: 'BillingAddress within 37.77,-122.41,10' },
				{ Territory: 'Odd', Key: 'Odd', Type: 'Region', Criteria: 'Industry within 37.77,-122.41,10; Account.BillingPostalCode within 94105' },
			] },
			model: { developerName: 'Geo', name: 'Geo' },
		});
		expect(result.issues.map((i) => [i.row, i.column, i.code, i.value])).toEqual([
			[3, 'Criteria', 'WITHIN_NEEDS_LOCATION', 'Industry within 37.77,-122.41,10'],
			[3, 'Criteria', 'WITHIN_NEEDS_LOCATION', 'BillingPostalCode within 94105'],
		]);
		expect(result.issues[0].message).toBe(
			'Row 3, Criteria: "Industry within 37.77,-122.41,10": within tests a distance, so it applies only to location (geolocation) and address fields; Industry is a picklist field.',
		);
		expect(org.sandbox.requestLog.writeCalls).toBe(0);
		expect(org.changesSince(before)).toEqual([]);
	});

	it('publishes within on an address field and round-trips it with no writes', async () => {
		const first = await org.publish({ plan: { rows: [{ Territory: 'Near', Key: 'Near', Type: 'Region', Criteria: 'BillingAddress within 37.77,-122.41,10' }] }, model: { developerName: 'Geo', name: 'Geo' } });
		expect(first.issues).toEqual([]);
		expect(org.model('Geo').ruleItems.map((i) => [i.Field, i.Operation, i.Value])).toEqual([['Account.BillingAddress', 'within', '37.77,-122.41,10']]);
		const imported = await importModel({ connection: org.connection, model: { developerName: 'Geo' } });
		expect(imported.rows.map((r) => r.Criteria)).toEqual(['BillingAddress within 37.77,-122.41,10']);
		const before = org.dump();
		const again = await org.publish({ plan: { csv: imported.csv }, model: { developerName: 'Geo' } });
		expect(again.issues).toEqual([]);
		expect(org.changesSince(before)).toEqual([]);
	});
});

describe('Composite order: the sandbox collates subrequests unless told not to', () => {
	afterAll(() => org.dropModel('Roles'));

	it('publishes a role change (a delete and a create of the same user/territory pair) and converges', async () => {
		const rows = (role: string) => [{ Territory: 'West', Key: 'West', Type: 'Region', Users: `${U.anaLopez} (${role}); ${U.benCarter} (Sales Rep)` }];
		expect((await org.publish({ plan: { rows: rows('Sales Rep') }, model: { developerName: 'Roles', name: 'Roles' } })).issues).toEqual([]);
		const changed = await org.publish({ plan: { rows: rows('Owner') }, model: { developerName: 'Roles' } });
		expect(changed.summary.failed).toBe(0);
		expect(changed.summary.counts).toEqual({ UserTerritory2Association: { delete: 1, create: 1 } });
		expect(org.model('Roles').usersByTerritory.West).toEqual([`${U.anaLopez} (Owner)`, `${U.benCarter} (Sales Rep)`]);
		const before = org.dump();
		expect((await org.publish({ plan: { rows: rows('Owner') }, model: { developerName: 'Roles' } })).summary.counts).toEqual({});
		expect(org.changesSince(before)).toEqual([]);
	});
});

describe('setup objects are never mixed in one collection call', () => {
	afterAll(() => org.dropModel('Setup_Mix'));

	it('publishes a new model with every object (a new type, territories, rules, users, accounts) with no refusals', async () => {
		const keys = org.sandbox.store.records('Account').slice(0, 2).map((a) => String(a.External_Key__c));
		const result = await org.publish({
			plan: { rows: [
				{ Territory: 'West', Key: 'West', Type: 'Zone', Description: 'new type', Users: `${U.anaLopez} (Owner)`, 'Forecast Manager': U.anaLopez, Accounts: keys[0] },
				{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*, 94501', Criteria: 'Industry equals Technology', Users: U.benCarter, Accounts: keys[1] },
			] },
			model: { developerName: 'Setup_Mix', name: 'Setup Mix' },
			createMissingTypes: true,
			accountKeyField: 'External_Key__c',
		});
		expect(result.issues).toEqual([]);
		// The sandbox fails every record of a collection call that mixes a setup object with another type
		// (MIXED_DML_OPERATION): every change written means no call mixed them.
		expect([result.summary.failed, result.summary.skipped, result.summary.stopped]).toEqual([0, 0, null]);
		const written = Object.values(result.summary.counts).flatMap((byAction) => Object.values(byAction));
		// Counted per record: the follow-up update of a record created in the same run (a new territory's
		// ForecastUserId, a new rule's BooleanFilter) is part of its create.
		const followUps = result.changeSet.changes.filter((c) => c.action === 'update' && c.recordRef).length;
		expect(followUps).toBeGreaterThan(0);
		expect(written.reduce((a, b) => a + b, 0)).toBe(result.changeSet.changes.length - followUps);
		expect(Object.keys(result.summary.counts).sort()).toEqual([
			'ObjectTerritory2AssignmentRule',
			'ObjectTerritory2AssignmentRuleItem',
			'ObjectTerritory2Association',
			'RuleTerritory2Association',
			'Territory2',
			'Territory2Model',
			'Territory2Type',
			'UserTerritory2Association',
		]);
	});
});
