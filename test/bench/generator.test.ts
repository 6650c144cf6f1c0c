/**
 * The benchmark's plan generator makes valid plans of the promised shape, and the first publish of the
 * generated M plan costs write calls at the lower bound: records written ÷ 1,020 per Composite call
 * (5 sObject Collections of 200 and 20 single-record subrequests, REST API guide, Composite).
 */
import { publishPlan } from '../../lib';
import { RECORDS_PER_CALL } from '../../lib/org/composite-pack';
import { parsePlan } from '../../lib/plan';
import { changePlan, generatePlan, SIZES, usZipCodes } from '../../bench/plan-generator';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

describe('the plan generator', () => {
	it.each(['S', 'M', 'L', 'XL'] as const)('makes a valid %s plan of regions, districts and territories', (name) => {
		const size = SIZES[name];
		const rows = generatePlan(size);
		const plan = parsePlan(rows, { maxTerritories: size.territories });
		expect(plan.issues).toEqual([]);
		expect(plan.territories).toHaveLength(size.territories);
		const byType = (type: string) => rows.filter((r) => r.Type === type);
		expect(byType('Region')).toHaveLength(size.regions);
		expect(byType('District')).toHaveLength(size.districts);
		const leaves = byType('Territory');
		expect(leaves).toHaveLength(size.territories - size.regions - size.districts);
		// Three levels: every district under a region, every territory under a district.
		const keys = new Map(rows.map((r) => [r.Key, r]));
		for (const leaf of leaves) expect(keys.get(leaf.Parent as string)?.Type).toBe('District');
		for (const d of byType('District')) expect(keys.get(d.Parent as string)?.Type).toBe('Region');
		const assignments = leaves.reduce((n, r) => n + String(r.Accounts).split('; ').filter(Boolean).length, 0);
		expect(assignments).toBe(size.accountAssignments);
		// Real ZIP codes only.
		const real = new Set(usZipCodes());
		for (const leaf of leaves.slice(0, 50)) for (const code of String(leaf['Postal Codes']).split(', ')) expect(real.has(code)).toBe(true);
	});

	it('changes 5 % of the territories', () => {
		const rows = generatePlan(SIZES.M);
		const { rows: changed, changed: n } = changePlan(rows, SIZES.M);
		expect(n).toBe(45);
		expect(changed.filter((r, i) => r !== rows[i])).toHaveLength(45);
		expect(parsePlan(changed).issues).toEqual([]);
	});
});

describe('write calls of a generated M plan', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await startTestSandbox({ seed: 'demo', seedOptions: { accounts: SIZES.M.accounts, users: SIZES.M.users } });
	}, 60_000);
	afterAll(() => t?.stop());

	it('first publish: within 1.25 × the lower bound; an unchanged re-publish writes nothing', async () => {
		const rows = generatePlan(SIZES.M);
		const options = { connection: t.sandbox.passwordLogin(), plan: { rows }, model: { developerName: 'Bench_M' }, accountKeyField: 'External_Key__c' };
		const log = t.sandbox.requestLog;
		log.reset();
		const first = await publishPlan(options);
		expect(first.issues).toEqual([]);
		expect(first.summary.failed + first.summary.skipped).toBe(0);
		const records = log.recordsWritten;
		const bound = Math.ceil(records / RECORDS_PER_CALL);
		expect(records).toBe(first.changeSet.changes.length);
		expect(records).toBe(9_701);
		expect(bound).toBe(10);
		expect(log.writeCalls).toBeLessThanOrEqual(Math.floor(1.25 * bound));
		// 11 calls: the first five carry about 900 records each, levels and objects too small to fill 5 collections.
		expect(log.writeCalls).toBe(11);

		log.reset();
		const again = await publishPlan(options);
		expect(again.summary.failed).toBe(0);
		expect(log.writeCalls).toBe(0);
		expect(log.recordsWritten).toBe(0);
	}, 120_000);
});
