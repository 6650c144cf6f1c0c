/**
 * Past 1,000 territories: maxTerritoriesPerModel (publishPlan) follows an org whose limit Salesforce
 * support raised. The plan check and the diff's model check use the same limit and say how to raise it,
 * once; a refused plan writes nothing; the org's own limit (sandbox option territoriesPerModel) still holds.
 */
import type { PlanRow, PublishOptions, PublishResult } from '../../lib';
import { startEngineOrg, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;

beforeAll(async () => {
	// The org's real limit, as support raised it: 1,002 territories per model.
	org = await startEngineOrg({ territoriesPerModel: 1002 });
});
afterAll(() => org.stop());

const flat = (n: number, prefix = 'T'): PlanRow[] => Array.from({ length: n }, (_, i) => ({ Territory: `${prefix} ${i}`, Key: `${prefix}_${i}`, Type: 'Territory' }));
const triples = (r: PublishResult) => r.issues.map((i) => [i.row, i.column, i.code]);

async function refused(rows: PlanRow[], options: Partial<Omit<PublishOptions, 'connection' | 'plan'>>): Promise<PublishResult> {
	const before = org.dump();
	org.sandbox.requestLog.reset();
	const result = await org.publish({ plan: { rows }, model: { developerName: 'Big_Model' }, ...options });
	expect(org.sandbox.requestLog.writeCalls).toBe(0);
	expect(org.changesSince(before)).toEqual([]);
	return result;
}

describe('maxTerritoriesPerModel', () => {
	it('refuses 1,001 territories by default, once, saying how to raise the limit, and writes nothing', async () => {
		const result = await refused(flat(1001), {});
		expect(triples(result)).toEqual([[0, null, 'TOO_MANY_TERRITORIES']]);
		const { message } = result.issues[0];
		expect(message).toMatch(/1001 territories; a model holds at most 1000 per model \(Salesforce's default\)/);
		expect(message).toMatch(/Only Salesforce support raises an org's real limit/);
		expect(message).toMatch(/maxTerritoriesPerModel \("Territories per Model" in the Publish node's options\)/);
		expect(org.model('Big_Model').id).toBeNull();
	});

	it('publishes 1,001 territories with the option raised, and the diff counts what the model holds with it', async () => {
		const result = await org.publish({ plan: { rows: flat(1001) }, model: { developerName: 'Big_Model' }, maxTerritoriesPerModel: 1002 });
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		expect(org.model('Big_Model').territories).toHaveLength(1001);

		// Two more would make 1,003 in the model: the diff's check, with the option's limit, refuses it once.
		const over = await refused(flat(2, 'More'), { maxTerritoriesPerModel: 1002 });
		expect(triples(over)).toEqual([[0, null, 'TERRITORY_LIMIT']]);
		expect(over.issues[0].message).toMatch(/would hold 1003 territories; it may hold at most 1002 per model \(set by the option maxTerritoriesPerModel\)/);
		expect(over.issues[0].message).toMatch(/Salesforce support/);
		// One more fits.
		const one = await org.publish({ plan: { rows: flat(1, 'More') }, model: { developerName: 'Big_Model' }, maxTerritoriesPerModel: 1002 });
		expect(one.issues).toEqual([]);
		expect(org.model('Big_Model').territories).toHaveLength(1002);
	}, 120_000);

	it('a plan over the option is one issue (the plan check), not repeated by the diff', async () => {
		const result = await refused(flat(1003), { model: { developerName: 'Other_Model' }, maxTerritoriesPerModel: 1002 });
		expect(triples(result)).toEqual([[0, null, 'TOO_MANY_TERRITORIES']]);
		expect(result.issues[0].message).toMatch(/1003 territories; a model holds at most 1002 per model/);
	});

	it('the org still refuses territories past its own limit when the option claims more', async () => {
		const result = await org.publish({ plan: { rows: flat(1, 'Past') }, model: { developerName: 'Big_Model' }, maxTerritoriesPerModel: 5000 });
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(1);
		expect(result.rows[0]).toMatchObject({ status: 'failed', errorCode: 'LIMIT_EXCEEDED' });
		expect(org.model('Big_Model').territories).toHaveLength(1002);
	});

	it.each([0, 2.5, -1, '2000'])('refuses the option %p with an error naming it, before any call', async (value) => {
		const before = org.dump();
		org.sandbox.requestLog.reset();
		await expect(
			org.publish({ plan: { rows: flat(2) }, model: { developerName: 'Other_Model' }, maxTerritoriesPerModel: value as number }),
		).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'maxTerritoriesPerModel' });
		expect(org.sandbox.requestLog.entries.length).toBe(0);
		expect(org.changesSince(before)).toEqual([]);
	});
});
