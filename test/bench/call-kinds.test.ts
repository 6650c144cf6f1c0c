import { callsByPurpose, type LoggedRequest } from '../../bench/call-kinds';

const base = { write: false, recordsWritten: 0, apiCall: true, serveMs: 1, waitMs: 40 };
const composite = (objects: string[], extra: Partial<LoggedRequest> = {}): LoggedRequest => ({ ...base, method: 'POST', path: '/services/data/v62.0/composite', kind: 'composite', objects, ...extra });
const page = (locator: string, recordsRead: number): LoggedRequest => ({ ...base, method: 'GET', path: `/services/data/v62.0/query/${locator}`, kind: 'query', objects: [], recordsRead });
const bulk = (method: string, path: string, extra: Partial<LoggedRequest> = {}): LoggedRequest => ({ ...base, method, path: `/services/data/v62.0/jobs/ingest${path}`, kind: 'bulk2', objects: [], ...extra });
const GUARD = ['Territory2Model', 'Territory2', 'ObjectTerritory2AssignmentRule', 'UserTerritory2Association', 'ObjectTerritory2Association'];

describe('callsByPurpose', () => {
	it('tells guard reads, snapshot reads, their later pages, writes and the steps of a Bulk job apart', () => {
		const split = callsByPurpose([
			{ ...base, method: 'POST', path: '/services/oauth2/token', kind: 'auth', objects: [], apiCall: false },
			composite(GUARD, { recordsRead: 2001 }),
			page('01gA-2000', 2000),
			page('01gB-2000', 1500),
			// The snapshot's first call reads the same three objects and more: not the guard's.
			composite([...GUARD, 'Territory2Type', 'Organization'], { recordsRead: 10 }),
			composite(['User'], { recordsRead: 165 }),
			page('01gC-2000', 300),
			composite(['Territory2'], { write: true, recordsWritten: 1020, waitMs: 1060 }),
			bulk('POST', ''),
			bulk('PUT', '/750A/batches'),
			bulk('PATCH', '/750A', { write: true, recordsWritten: 40_000 }),
			bulk('GET', '/750A'),
			bulk('GET', '/750A'),
			bulk('GET', '/750A/successfulResults'),
			bulk('GET', '/750A/failedResults'),
			bulk('GET', '/750A/unprocessedrecords'),
		]);
		expect(split.login?.calls).toBe(0);
		expect(split['guard read']).toMatchObject({ calls: 3, pages: 2, recordsRead: 5501, waitMs: 120 });
		expect(split['snapshot read']).toMatchObject({ calls: 3, pages: 1, recordsRead: 475 });
		expect(split['write call']).toMatchObject({ calls: 1, recordsWritten: 1020, waitMs: 1060 });
		expect(split['bulk job: close']).toMatchObject({ calls: 1, recordsWritten: 40_000 });
		expect(split['bulk job: status poll']?.calls).toBe(2);
		expect(split['bulk job: results']?.calls).toBe(3);
		expect([split['bulk job: create']?.calls, split['bulk job: upload']?.calls]).toEqual([1, 1]);
		expect(split.other).toBeUndefined();
	});
});
