/**
 * Each row outcome's Salesforce Ids (RowOutcome.ids, lib/row-ids.ts) through publishPlan against the
 * sandbox org: the records the org holds for the row after the run, checked against the org's own store.
 */
import type { RowOutcome } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { DEMO_USERNAMES as U, startEngineOrg, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

const MODEL = { developerName: 'Row_Ids', name: 'Row Ids' };
const rowOf = (rows: RowOutcome[], key: string) => rows.find((r) => r.key === key)!;
const sorted = (ids: readonly unknown[] | undefined) => (ids ?? []).map(String).sort();

function orgIds(key: string) {
	const state = org.model(MODEL.developerName);
	const territory = state.territories.find((t) => t.DeveloperName === key)!;
	const links = (object: string) => org.sandbox.store.records(object).filter((r) => r.Territory2Id === territory.Id);
	return {
		territory: territory.Id,
		users: sorted(links('UserTerritory2Association').map((r) => r.Id)),
		accounts: sorted(links('ObjectTerritory2Association').filter((r) => r.AssociationCause === 'Territory2Manual').map((r) => r.Id)),
		rules: sorted(links('RuleTerritory2Association').map((r) => r.RuleId)),
	};
}

describe('row outcome Ids', () => {
	const plan: PlanRow[] = [
		{ Territory: 'North', Key: 'North', Type: 'Region', Users: `${U.anaLopez} (Owner); ${U.benCarter}`, 'Postal Codes': '100*' },
		{ Territory: 'South', Key: 'South', Type: 'Region', Accounts: 'ACME-00001, ACME-00002' },
	];

	it('name the records created, users, rules and manual accounts alike', async () => {
		const result = await org.publish({ plan: { rows: plan }, model: MODEL, accountKeyField: 'External_Key__c' });
		expect(result.issues).toEqual([]);
		for (const key of ['North', 'South']) {
			const ids = rowOf(result.rows, key).ids;
			const expected = orgIds(key);
			expect([ids?.territory, sorted(ids?.userAssignments), sorted(ids?.accountAssignments), sorted(ids?.rules)]).toEqual([
				expected.territory,
				expected.users,
				expected.accounts,
				expected.rules,
			]);
		}
		expect(orgIds('North').users).toHaveLength(2);
		expect(orgIds('South').accounts).toHaveLength(2);
	});

	it('leave out what the run deleted, and give a deleted territory its former Id', async () => {
		const south = orgIds('South').territory;
		const edited: PlanRow[] = [{ ...plan[0], Users: U.anaLopez }];
		const result = await org.publish({ plan: { rows: edited }, model: MODEL, method: 'overwriteAll' });
		expect(result.issues).toEqual([]);
		const north = rowOf(result.rows, 'North');
		expect(north).toMatchObject({ status: 'updated', action: 'update' });
		expect(sorted(north.ids?.userAssignments)).toEqual(orgIds('North').users);
		expect(north.ids?.userAssignments).toHaveLength(1);
		expect(rowOf(result.rows, 'South')).toMatchObject({ status: 'deleted', action: 'delete', ids: { territory: south } });
	});

	it('on a dry run, are those the org holds now', async () => {
		const result = await org.publish({ plan: { rows: [{ ...plan[0], Users: U.benCarter }] }, model: MODEL, dryRun: true });
		const north = rowOf(result.rows, 'North');
		expect(north).toMatchObject({ status: 'planned', action: 'update' });
		expect(sorted(north.ids?.userAssignments)).toEqual(orgIds('North').users);
	});
});
