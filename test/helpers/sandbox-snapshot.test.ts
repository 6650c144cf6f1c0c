/**
 * The kit's applyInSandbox (test/helpers/sandbox-snapshot.ts): the sync tests' convergence checks are only
 * worth something if a write Salesforce refuses fails them and the fixture's Ids come back as they went in.
 */
import type { Change, ChangeSet } from '../../lib/sync/types';
import { baseOrg } from '../sync/fixtures';
import { applyInSandbox } from './sandbox-snapshot';

const changeSet = (changes: Change[]): ChangeSet => ({ modelDeveloperName: 'FY26', modelId: null, changes, issues: [], warnings: [] });

function change(object: Change['object'], action: Change['action'], recordId: string | null, fields: Change['fields'] = {}): Change {
	return { id: `${object}:${action}:${recordId}`, object, action, recordId, label: object, fields, diff: [], reason: 'test', rows: [], dependsOn: [], phase: 1 };
}

describe('applyInSandbox', () => {
	it('returns the loaded org with the fixture Ids for an empty change set', async () => {
		const org = baseOrg().territory('West', { type: 'Region' }).territory('Utah', { parent: 'West' }).assign('Utah', 'ana@acme.example', 'Owner');
		org.t('Utah').forecastUserId = org.u('ana@acme.example').id;
		const after = await applyInSandbox(org.s, changeSet([]));
		expect(after.model?.id).toBe(org.s.model?.id);
		const fields = (ts: typeof after.territories) => ts.map((t) => [t.id, t.parentId, t.typeId, t.forecastUserId]).sort();
		expect(fields(after.territories)).toEqual(fields(org.s.territories));
		expect(after.userAssociations).toEqual(org.s.userAssociations);
	});

	it('fails on a write the org refuses: deleting a territory that has children', async () => {
		const org = baseOrg().territory('West', { type: 'Region' }).territory('Utah', { parent: 'West' });
		await expect(applyInSandbox(org.s, changeSet([change('Territory2', 'delete', org.t('West').id)]))).rejects.toThrow(/refused/);
	});

	it("shows the org's cascades: a deleted territory takes its user assignments along", async () => {
		const org = baseOrg().territory('West', { type: 'Region' }).assign('West', 'ben@acme.example');
		const after = await applyInSandbox(org.s, changeSet([change('Territory2', 'delete', org.t('West').id)]));
		expect(after.territories).toEqual([]);
		expect(after.userAssociations).toEqual([]);
	});
});
