import { connect, type OrgConnection } from '../../lib/org/connect';
import { readTogether } from '../../lib/org/composite-read';
import { readGuardState } from '../../lib/org/guard';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

// Large reads handed over page by page (readTogether's `each`), and the guard's reads built on them: what
// keeps a check of a 100,000-record model from holding every raw record at once (bench/RESULTS.md, XL).
let t: TestSandbox;
let org: OrgConnection;

beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo', seedOptions: { accounts: 4500, activeModel: true } });
	const { loginUrl, credentials: c } = t.sandbox;
	org = await connect({ connection: { authType: 'clientCredentials', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } }, { retryDelayMs: 10 });
}, 60000);
afterAll(() => t.stop());

const ACCOUNTS = 'SELECT Id, Name FROM Account ORDER BY Id';
const MODELS = 'SELECT Id FROM Territory2Model';

describe('readTogether with each', () => {
	it('hands every record of every page to each, in order, and answers an empty list for that query', async () => {
		const all = (await readTogether(org, [{ kind: 'query', soql: ACCOUNTS }, { kind: 'query', soql: MODELS }])) as Record<string, unknown>[][];
		expect(all[0].length).toBeGreaterThan(4000); // three pages of 2,000 at most
		const seen: unknown[] = [];
		const pages: number[] = [];
		const before = org.calls;
		const answers = (await readTogether(org, [
			{
				kind: 'query',
				soql: ACCOUNTS,
				each: (r) => {
					seen.push(r.Id);
					pages.push(org.calls - before);
				},
			},
			{ kind: 'query', soql: MODELS },
		])) as Record<string, unknown>[][];
		expect(seen).toEqual(all[0].map((r) => r.Id));
		expect(answers[0]).toEqual([]);
		// The other query of the call still answers its records.
		expect(answers[1]).toEqual(all[1]);
		// Records arrive as their page does: the first 2,000 with the Composite call, the rest with later GETs.
		expect(new Set(pages)).toEqual(new Set([1, 2, 3]));
	});
});

describe('readGuardState', () => {
	it('keeps the record of an unchanged territory from the previous read, and reads a changed one anew', async () => {
		const target = { developerName: 'FY26_Sales' };
		const first = await readGuardState(org, target);
		const ids = Object.keys(first.records).filter((id) => first.records[id].object === 'Territory2');
		expect(ids.length).toBeGreaterThan(5);
		const renamed = t.sandbox.store.records('Territory2').find((r) => String(r.Id).startsWith(ids[0]))!;
		await new Promise((r) => setTimeout(r, 1100)); // SystemModstamp is kept to the second
		t.sandbox.store.adminUpdate('Territory2', String(renamed.Id), { Name: 'Renamed' });
		const second = await readGuardState(org, target, first);
		expect(second.records[ids[0]]).not.toBe(first.records[ids[0]]);
		expect(second.records[ids[0]].stamp).not.toBe(first.records[ids[0]].stamp);
		for (const id of ids.slice(1)) expect(second.records[id]).toBe(first.records[id]);
		// Without a previous state nothing is shared, and the records read are the same.
		const fresh = await readGuardState(org, target);
		expect(fresh).toEqual(second);
		expect(fresh.records[ids[1]]).not.toBe(second.records[ids[1]]);
	});
});
