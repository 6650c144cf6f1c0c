/**
 * Points where Salesforce's documentation corrects what the engine and the sandbox assumed (issue 7,
 * "Real-org compatibility"), through publishPlan / importModel over real jsforce against the sandbox org.
 */
import { importModel } from '../../lib';
import { issueTriples, startEngineOrg, type EngineOrg } from './fixtures';

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
