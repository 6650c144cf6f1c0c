import { applyBulk, toCsv } from '../../lib/org/bulk';
import type { OrgConnection } from '../../lib/org/connect';

describe('toCsv', () => {
	it('quotes commas, quotes and line breaks, and writes null as #N/A', () => {
		expect(toCsv([{ A: 'x,y', B: 'say "hi"' }, { A: null, B: 'two\nlines' }])).toBe('A,B\n"x,y","say ""hi"""\n#N/A,"two\nlines"\n');
	});
});

describe('applyBulk: results matched to their records by natural key', () => {
	// Bulk API 2.0 results carry no input row number (lib/org/bulk.ts): each result row is matched by the key
	// fields it echoes. jsforce's job is played by a stand-in that answers as a finished job does.
	const orgAnswering = (answer: { successfulResults: Record<string, unknown>[]; failedResults: Record<string, unknown>[] }) =>
		({
			conn: { bulk2: { loadAndWaitForResults: async () => ({ ...answer, unprocessedRecords: [] }) } },
			redact: (s: string) => s,
		}) as unknown as OrgConnection;
	const record = (user: string, territory: string) => ({ UserId: user, Territory2Id: territory, RoleInTerritory2: 'Sales Rep' });

	it('serves a repeated key in order, reads errors, and marks a record the job answered nothing for as unprocessed', async () => {
		const records = [record('005A', '0MIA'), record('005B', '0MIA'), record('005A', '0MIA'), record('005C', '0MIA')];
		const org = orgAnswering({
			successfulResults: [
				{ sf__Id: '0R0one', sf__Created: 'true', UserId: '005A', Territory2Id: '0MIA' },
				{ sf__Id: '0R0two', sf__Created: 'true', UserId: '005A', Territory2Id: '0MIA' },
			],
			failedResults: [{ sf__Id: '', sf__Error: 'DUPLICATE_VALUE:duplicate value found:--', UserId: '005B', Territory2Id: '0MIA' }],
		});
		const outcome = await applyBulk(org, 'UserTerritory2Association', records, { pollInterval: 1, pollTimeout: 100 });
		expect(outcome).toEqual({
			results: [
				{ success: true, id: '0R0one', code: '', message: '' },
				{ success: false, id: null, code: 'DUPLICATE_VALUE', message: 'duplicate value found' },
				{ success: true, id: '0R0two', code: '', message: '' },
				{ success: false, id: null, code: 'OUTCOME_UNKNOWN', message: 'The Bulk API job returned no result for this record', unprocessed: true },
			],
		});
	});
});
