/**
 * The guard's decision (lib/org/guard.ts, goesOn), from the records each of two concurrent runs reads:
 * exactly one goes on, both deciding from their own reads, whatever they wrote first and however their
 * creates share a millisecond.
 */
import type { ChangeOutcome } from '../../lib/api-types';
import { foreignChanges, goesOn } from '../../lib/org/guard';
import type { GuardRecord, GuardState, OwnWrites } from '../../lib/org/types';
import type { Change } from '../../lib/sync/types';

const MODEL = '0MCxx0000000001';
const T0 = '2026-12-02T03:00:00.000+0000';

function territory(name: string, createdDate = T0, stamp = createdDate): GuardRecord {
	return { object: 'Territory2', developerName: name, createdDate, stamp };
}

/** The state before either run wrote: the model and two territories. */
const BEFORE: GuardState = {
	[MODEL]: { object: 'Territory2Model', developerName: 'Contested', createdDate: T0, stamp: T0, state: 'Planning' },
	'0MIxx0000000001': territory('West'),
	'0MIxx0000000002': territory('East'),
};

/** A run's own writes: creates (name → the Id they got), updates and deletes of existing records. */
function run(creates: Record<string, string>, touched: { update?: string[]; delete?: string[] } = {}): OwnWrites {
	const changes: Change[] = [];
	const outcomes: ChangeOutcome[] = [];
	const created: Record<string, string> = {};
	const add = (action: Change['action'], name: string, recordId: string | null, status: ChangeOutcome['status']) => {
		const id = `Territory2:${name}:${action}`;
		changes.push({ id, object: 'Territory2', action, recordId, label: name, fields: { DeveloperName: name }, diff: [], reason: '', rows: [], dependsOn: [], phase: 1000 });
		outcomes.push({ changeId: id, object: 'Territory2', action, label: name, status, recordId });
		return id;
	};
	for (const [name, recordId] of Object.entries(creates)) created[add('create', name, null, 'done')] = recordId;
	for (const recordId of touched.update ?? []) add('update', recordId, recordId, 'done');
	for (const recordId of touched.delete ?? []) add('delete', recordId, recordId, 'done');
	return { changes, outcomes, created };
}

/** Each run's verdict, each from its own read of the org (`nowA`, `nowB`). */
function verdicts(a: OwnWrites, b: OwnWrites, nowA: GuardState, nowB: GuardState = nowA): { a: boolean | null; b: boolean | null } {
	const decide = (own: OwnWrites, now: GuardState) => {
		const foreign = foreignChanges(BEFORE, now, own);
		return foreign.length ? goesOn(now, own, foreign) : null;
	};
	return { a: decide(a, nowA), b: decide(b, nowB) };
}

describe('the guard: of two runs that both wrote, exactly one goes on', () => {
	it('the earlier created record goes on', () => {
		const now = { ...BEFORE, '0MIxx00000000A1': territory('A_1', '2026-12-02T03:00:01.100+0000'), '0MIxx00000000B1': territory('B_1', '2026-12-02T03:00:01.050+0000') };
		expect(verdicts(run({ A_1: '0MIxx00000000A1' }), run({ B_1: '0MIxx00000000B1' }), now)).toEqual({ a: false, b: true });
	});

	it('equal CreatedDates: both stop, from either side and whatever the Ids (Salesforce returns datetimes to the second)', () => {
		const same = '2026-12-02T03:00:01.000+0000';
		const now = {
			...BEFORE,
			'0MIxx0000000009': territory('A_1', same),
			'0MIxx000000000z': territory('A_2', same),
			'0MIxx000000000A': territory('B_1', same),
			'0MIxx000000000B': territory('B_2', same),
		};
		const a = run({ A_1: '0MIxx0000000009', A_2: '0MIxx000000000z' });
		const b = run({ B_1: '0MIxx000000000A', B_2: '0MIxx000000000B' });
		expect(verdicts(a, b, now)).toEqual({ a: false, b: false });
		// The reviewer's case: B's smaller Id becomes visible only later. Decided by Ids, A (seeing B_1 only)
		// and B (seeing all) would both have gone on; by the second, both stop whatever each sees.
		const aView = { ...BEFORE, '0MIxx000000000A': territory('A_1', same), '0MIxx000000000z': territory('B_1', same) };
		const bView = { ...aView, '0MIxx0000000009': territory('B_2', same) };
		expect(verdicts(run({ A_1: '0MIxx000000000A' }), run({ B_1: '0MIxx000000000z', B_2: '0MIxx0000000009' }), aView, bView)).toEqual({ a: false, b: false });
	});

	it("a create of this run that failed (the other run made that key first) does not make the other's record this run's", () => {
		// L created T first (its claim); W's create of T failed with DUPLICATE_DEVELOPER_NAME, W created U later.
		const now = { ...BEFORE, '0MIxx00000000L1': territory('T', '2026-12-02T03:00:01.000+0000'), '0MIxx00000000W1': territory('U', '2026-12-02T03:00:02.000+0000') };
		const w = run({ U: '0MIxx00000000W1' });
		const failedCreate = { ...w, changes: [...w.changes, { ...w.changes[0], id: 'w-T', label: 'T', fields: { DeveloperName: 'T' } }], outcomes: [...w.outcomes, { ...w.outcomes[0], changeId: 'w-T', label: 'T', status: 'failed' as const, recordId: null }] };
		expect(verdicts(run({ T: '0MIxx00000000L1' }), failedCreate, now)).toEqual({ a: true, b: false });
	});

	it('a partial view of the other run (its later records not there yet) decides the same way', () => {
		const a1 = territory('A_1', '2026-12-02T03:00:01.000+0000');
		const a2 = territory('A_2', '2026-12-02T03:00:03.000+0000');
		const b1 = territory('B_1', '2026-12-02T03:00:02.000+0000');
		const full = { ...BEFORE, '0MIxx00000000A1': a1, '0MIxx00000000A2': a2, '0MIxx00000000B1': b1 };
		// B read the org before A's second record existed; A reads it all.
		const bView = { ...BEFORE, '0MIxx00000000A1': a1, '0MIxx00000000B1': b1 };
		const a = run({ A_1: '0MIxx00000000A1', A_2: '0MIxx00000000A2' });
		expect(verdicts(a, run({ B_1: '0MIxx00000000B1' }), full, bView)).toEqual({ a: true, b: false });
	});

	it('a run whose writes are deletes only (no stamp) loses to one with a create, and the creator does not stop for the delete', () => {
		// B deleted East; A created A_1. Before the fix a foreign delete stopped A too: both stopped, a mix.
		const now: GuardState = { ...BEFORE, '0MIxx00000000A1': territory('A_1', '2026-12-02T03:00:05.000+0000') };
		delete now['0MIxx0000000002'];
		expect(verdicts(run({ A_1: '0MIxx00000000A1' }), run({}, { delete: ['0MIxx0000000002'] }), now)).toEqual({ a: true, b: false });
	});

	it('updates do not claim (their SystemModstamp moves): an updater loses to a creator even when it wrote earlier', () => {
		const now: GuardState = {
			...BEFORE,
			'0MIxx0000000001': territory('West', T0, '2026-12-02T03:00:01.000+0000'),
			'0MIxx00000000B1': territory('B_1', '2026-12-02T03:00:02.000+0000'),
		};
		expect(verdicts(run({}, { update: ['0MIxx0000000001'] }), run({ B_1: '0MIxx00000000B1' }), now)).toEqual({ a: false, b: true });
	});

	it('a run that wrote nothing stops; a change of the model state stops even the earlier writer', () => {
		const now = { ...BEFORE, '0MIxx00000000B1': territory('B_1', '2026-12-02T03:00:02.000+0000') };
		expect(verdicts(run({}), run({ B_1: '0MIxx00000000B1' }), now).a).toBe(false);
		const activated: GuardState = { ...now, '0MIxx00000000A1': territory('A_1', T0), [MODEL]: { ...BEFORE[MODEL], state: 'Active', stamp: '2026-12-02T03:00:03.000+0000' } };
		const a = run({ A_1: '0MIxx00000000A1' });
		expect(goesOn(activated, a, foreignChanges(BEFORE, activated, a))).toBe(false);
	});
});
