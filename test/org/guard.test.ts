/**
 * The guard's decision (lib/org/guard.ts, decide and breakTie), from the records each of two concurrent runs
 * reads: exactly one goes on, both deciding from their own reads, whatever they wrote first and however their
 * creates share a second; and the assignment activity it counts (foreignChanges).
 */
import type { ChangeOutcome } from '../../lib/api-types';
import { breakTie, decide, foreignChanges } from '../../lib/org/guard';
import type { GuardRecord, GuardState, OwnWrites } from '../../lib/org/types';
import type { Change } from '../../lib/sync/types';

const MODEL = '0MCxx0000000001';
const T0 = '2026-12-02T03:00:00.000+0000';

function territory(name: string, createdDate = T0, stamp = createdDate): GuardRecord {
	return { object: 'Territory2', developerName: name, createdDate, stamp };
}

type Records = GuardState['records'];

/** The records before either run wrote: the model and two territories. */
const BEFORE_RECORDS: Records = {
	[MODEL]: { object: 'Territory2Model', developerName: 'Contested', createdDate: T0, stamp: T0, state: 'Planning' },
	'0MIxx0000000001': territory('West'),
	'0MIxx0000000002': territory('East'),
};
const ASSIGNMENTS_BEFORE = { UserTerritory2Association: { count: 10, latest: T0 }, ObjectTerritory2Association: { count: 0, latest: '' } };
const BEFORE: GuardState = { records: BEFORE_RECORDS, activity: ASSIGNMENTS_BEFORE };
const state = (records: Records, activity: GuardState['activity'] = ASSIGNMENTS_BEFORE): GuardState => ({ records, activity });

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
	return { changes, outcomes, created, sent: new Set(changes.map((c) => c.id)), lastWriteAt: null, slowestCallMs: 0 };
}

type Verdict = boolean | 'tie' | null;

/** Each run's verdict (true: goes on), each from its own read of the org (`nowA`, `nowB`). */
function verdicts(a: OwnWrites, b: OwnWrites, nowA: Records, nowB: Records = nowA): { a: Verdict; b: Verdict } {
	const verdict = (own: OwnWrites, now: Records): Verdict => {
		const foreign = foreignChanges(BEFORE, state(now), own);
		if (!foreign.length) return null;
		const d = decide(state(now), Object.values(own.created), foreign);
		return d === 'tie' ? d : d === 'go';
	};
	return { a: verdict(a, nowA), b: verdict(b, nowB) };
}

describe('the guard: of two runs that both wrote, exactly one goes on', () => {
	it('the earlier created record goes on', () => {
		const now = { ...BEFORE_RECORDS, '0MIxx00000000A1': territory('A_1', '2026-12-02T03:00:01.100+0000'), '0MIxx00000000B1': territory('B_1', '2026-12-02T03:00:01.050+0000') };
		expect(verdicts(run({ A_1: '0MIxx00000000A1' }), run({ B_1: '0MIxx00000000B1' }), now)).toEqual({ a: false, b: true });
	});

	it('equal CreatedDates tie; once quiet, the smallest Id of that second decides, the same from either side (Salesforce keeps datetimes to the second)', () => {
		const same = '2026-12-02T03:00:01.000+0000';
		const now = {
			...BEFORE_RECORDS,
			'0MIxx0000000009': territory('A_1', same),
			'0MIxx000000000z': territory('A_2', same),
			'0MIxx000000000A': territory('B_1', same),
			'0MIxx000000000B': territory('B_2', same),
		};
		const a = run({ A_1: '0MIxx0000000009', A_2: '0MIxx000000000z' });
		const b = run({ B_1: '0MIxx000000000A', B_2: '0MIxx000000000B' });
		expect(verdicts(a, b, now)).toEqual({ a: 'tie', b: 'tie' });
		// Asked of the quiet model (both runs paused, every record visible): exactly one goes on.
		expect([breakTie(state(now), Object.values(a.created)), breakTie(state(now), Object.values(b.created))]).toEqual([true, false]);
		// The reviewer's case: B's smaller Id becomes visible only later. Decided by Ids on partial views, A (seeing
		// B_1 only) and B (seeing all) would both have gone on; the partial views only tie, and the quiet one decides.
		const aView = { ...BEFORE_RECORDS, '0MIxx000000000A': territory('A_1', same), '0MIxx000000000z': territory('B_1', same) };
		const bView = { ...aView, '0MIxx0000000009': territory('B_2', same) };
		const a2 = run({ A_1: '0MIxx000000000A' });
		const b2 = run({ B_1: '0MIxx000000000z', B_2: '0MIxx0000000009' });
		expect(verdicts(a2, b2, aView, bView)).toEqual({ a: 'tie', b: 'tie' });
		expect([breakTie(state(bView), Object.values(a2.created)), breakTie(state(bView), Object.values(b2.created))]).toEqual([false, true]);
	});

	it('a tie counts the records of that second read before the run began (the other may have made them first)', () => {
		const same = '2026-12-02T03:00:01.000+0000';
		// B created B_0 before A's first read (so A's BEFORE holds it) and B_1 later; A created A_1, all in one second.
		// B_0 holds the smallest Id; without it A's A_1 would be smaller than B's B_1 and A would go on in A's eyes.
		const aBefore: GuardState = state({ ...BEFORE_RECORDS, '0MIxx000000000A': territory('B_0', same) });
		const now = state({ ...aBefore.records, '0MIxx00000000A1': territory('A_1', same), '0MIxx00000000B1': territory('B_1', same) });
		expect(breakTie(now, ['0MIxx00000000A1'])).toBe(false);
		expect(breakTie(now, ['0MIxx000000000A', '0MIxx00000000B1'])).toBe(true);
	});

	it('a model made by someone else in the tie second does not make both stop (territories and rules decide)', () => {
		const same = '2026-12-02T03:00:01.000+0000';
		const now = state({
			...BEFORE_RECORDS,
			'0MCxx0000000002': { object: 'Territory2Model', developerName: 'Other', createdDate: same, stamp: same, state: 'Planning' },
			'0MIxx00000000A1': territory('A_1', same),
			'0MIxx00000000B1': territory('B_1', same),
		});
		expect([breakTie(now, ['0MIxx00000000A1']), breakTie(now, ['0MIxx00000000B1'])]).toEqual([true, false]);
	});

	it("a create of this run that failed (the other run made that key first) does not make the other's record this run's", () => {
		// L created T first (its claim); W's create of T failed with DUPLICATE_DEVELOPER_NAME, W created U later.
		const now = { ...BEFORE_RECORDS, '0MIxx00000000L1': territory('T', '2026-12-02T03:00:01.000+0000'), '0MIxx00000000W1': territory('U', '2026-12-02T03:00:02.000+0000') };
		const w = run({ U: '0MIxx00000000W1' });
		const failedCreate = { ...w, changes: [...w.changes, { ...w.changes[0], id: 'w-T', label: 'T', fields: { DeveloperName: 'T' } }], outcomes: [...w.outcomes, { ...w.outcomes[0], changeId: 'w-T', label: 'T', status: 'failed' as const, recordId: null }] };
		expect(verdicts(run({ T: '0MIxx00000000L1' }), failedCreate, now)).toEqual({ a: true, b: false });
	});

	it('a partial view of the other run (its later records not there yet) decides the same way', () => {
		const a1 = territory('A_1', '2026-12-02T03:00:01.000+0000');
		const a2 = territory('A_2', '2026-12-02T03:00:03.000+0000');
		const b1 = territory('B_1', '2026-12-02T03:00:02.000+0000');
		const full = { ...BEFORE_RECORDS, '0MIxx00000000A1': a1, '0MIxx00000000A2': a2, '0MIxx00000000B1': b1 };
		// B read the org before A's second record existed; A reads it all.
		const bView = { ...BEFORE_RECORDS, '0MIxx00000000A1': a1, '0MIxx00000000B1': b1 };
		const a = run({ A_1: '0MIxx00000000A1', A_2: '0MIxx00000000A2' });
		expect(verdicts(a, run({ B_1: '0MIxx00000000B1' }), full, bView)).toEqual({ a: true, b: false });
	});

	it('a run whose writes are deletes only (no stamp) loses to one with a create, and the creator does not stop for the delete', () => {
		// B deleted East; A created A_1. Before the fix a foreign delete stopped A too: both stopped, a mix.
		const now: Records = { ...BEFORE_RECORDS, '0MIxx00000000A1': territory('A_1', '2026-12-02T03:00:05.000+0000') };
		delete now['0MIxx0000000002'];
		expect(verdicts(run({ A_1: '0MIxx00000000A1' }), run({}, { delete: ['0MIxx0000000002'] }), now)).toEqual({ a: true, b: false });
	});

	it('updates do not claim (their SystemModstamp moves): an updater loses to a creator even when it wrote earlier', () => {
		const now: Records = {
			...BEFORE_RECORDS,
			'0MIxx0000000001': territory('West', T0, '2026-12-02T03:00:01.000+0000'),
			'0MIxx00000000B1': territory('B_1', '2026-12-02T03:00:02.000+0000'),
		};
		expect(verdicts(run({}, { update: ['0MIxx0000000001'] }), run({ B_1: '0MIxx00000000B1' }), now)).toEqual({ a: false, b: true });
	});

	it('a run that wrote nothing stops; a change of the model state stops even the earlier writer', () => {
		const now = { ...BEFORE_RECORDS, '0MIxx00000000B1': territory('B_1', '2026-12-02T03:00:02.000+0000') };
		expect(verdicts(run({}), run({ B_1: '0MIxx00000000B1' }), now).a).toBe(false);
		const activated: Records = { ...now, '0MIxx00000000A1': territory('A_1', T0), [MODEL]: { ...BEFORE_RECORDS[MODEL], state: 'Active', stamp: '2026-12-02T03:00:03.000+0000' } };
		const a = run({ A_1: '0MIxx00000000A1' });
		expect(decide(state(activated), Object.values(a.created), foreignChanges(BEFORE, state(activated), a))).toBe('stop');
	});
});

describe('the guard counts user and account assignments (two aggregates per object)', () => {
	const userAssignment = (n: number, status: ChangeOutcome['status'] = 'done', sent = true): OwnWrites => {
		const changes: Change[] = [];
		const outcomes: ChangeOutcome[] = [];
		for (let i = 0; i < n; i++) {
			const id = `UserTerritory2Association:${i}`;
			changes.push({ id, object: 'UserTerritory2Association', action: 'create', recordId: null, label: `u${i}`, fields: {}, diff: [], reason: '', rows: [], dependsOn: [], phase: 4000 });
			outcomes.push({ changeId: id, object: 'UserTerritory2Association', action: 'create', label: `u${i}`, status, recordId: status === 'done' ? `0R0xx00000000${i}` : null });
		}
		return { changes, outcomes, created: {}, sent: new Set(sent ? changes.map((c) => c.id) : []), lastWriteAt: null, slowestCallMs: 0 };
	};
	const withUsers = (count: number, latest: string) => state(BEFORE_RECORDS, { ...ASSIGNMENTS_BEFORE, UserTerritory2Association: { count, latest } });
	const activity = (own: OwnWrites, now: GuardState) => foreignChanges(BEFORE, now, own).filter((f) => f.what === 'activity');

	it("this run's own creates explain the new count; more than that is another writer's", () => {
		const later = '2026-12-02T03:00:09.000+0000';
		expect(activity(userAssignment(5), withUsers(15, later))).toEqual([]);
		const found = activity(userAssignment(5), withUsers(17, later));
		expect(found).toHaveLength(1);
		expect(found[0]).toMatchObject({ object: 'UserTerritory2Association', what: 'activity', detail: "17 in the model where this run's writes explain 15" });
		// And fewer: another writer deleted some.
		expect(activity(userAssignment(5), withUsers(12, later))).toHaveLength(1);
	});

	it('creates sent whose answer is not known yet may or may not have written', () => {
		const later = '2026-12-02T03:00:09.000+0000';
		expect(activity(userAssignment(3, 'planned'), withUsers(10, later))).toEqual([]);
		expect(activity(userAssignment(3, 'planned'), withUsers(13, later))).toEqual([]);
		expect(activity(userAssignment(3, 'planned'), withUsers(14, later))).toHaveLength(1);
		// Never sent: they explain nothing, so any change is another's.
		expect(activity(userAssignment(3, 'planned', false), withUsers(11, later))).toHaveLength(1);
	});

	it("the latest change moving while this run sent none of them is another's, even with the count unchanged", () => {
		const moved = activity(run({}), withUsers(10, '2026-12-02T03:00:09.000+0000'));
		expect(moved).toHaveLength(1);
		expect(moved[0].detail).toContain('while this run wrote none');
		expect(activity(run({}), withUsers(10, T0))).toEqual([]);
		// Since the last check this run sent none: a move after that check is another's.
		const own = userAssignment(5);
		const last = { state: withUsers(15, '2026-12-02T03:00:05.000+0000'), sent: { UserTerritory2Association: 5 } };
		expect(foreignChanges(BEFORE, withUsers(15, '2026-12-02T03:00:05.000+0000'), own, last).filter((f) => f.what === 'activity')).toEqual([]);
		expect(foreignChanges(BEFORE, withUsers(15, '2026-12-02T03:00:07.000+0000'), own, last).filter((f) => f.what === 'activity')).toHaveLength(1);
	});

	it("a territory this run deleted takes its assignments with it: fewer is not another's", () => {
		const own = run({}, { delete: ['0MIxx0000000002'] });
		const now = state({ [MODEL]: BEFORE_RECORDS[MODEL], '0MIxx0000000001': BEFORE_RECORDS['0MIxx0000000001'] }, { ...ASSIGNMENTS_BEFORE, UserTerritory2Association: { count: 7, latest: T0 } });
		expect(activity(own, now)).toEqual([]);
	});

	it("a territory delete of this run can lower the latest change (its assignments go with it): not another's", () => {
		const own = run({}, { delete: ['0MIxx0000000002'] });
		const now = state({ [MODEL]: BEFORE_RECORDS[MODEL], '0MIxx0000000001': BEFORE_RECORDS['0MIxx0000000001'] }, { ...ASSIGNMENTS_BEFORE, UserTerritory2Association: { count: 8, latest: '2026-12-02T02:59:00.000+0000' } });
		expect(activity(own, now)).toEqual([]);
		// Once the delete was before the last check, a later move is another's again.
		const last = { state: now, sent: { Territory2: 1, 'Territory2:delete': 1 } };
		const later = state(now.records, { ...ASSIGNMENTS_BEFORE, UserTerritory2Association: { count: 8, latest: '2026-12-02T03:00:09.000+0000' } });
		expect(foreignChanges(BEFORE, later, own, last).filter((f) => f.what === 'activity')).toHaveLength(1);
	});

	it('assignment activity claims nothing: a run that only wrote assignments stops for a creator', () => {
		const now = state({ ...BEFORE_RECORDS, '0MIxx00000000B1': territory('B_1', '2026-12-02T03:00:02.000+0000') }, { ...ASSIGNMENTS_BEFORE, UserTerritory2Association: { count: 15, latest: '2026-12-02T03:00:01.000+0000' } });
		const assigner = userAssignment(5);
		expect(decide(now, [], foreignChanges(BEFORE, now, assigner))).toBe('stop');
		// The creator sees the assignments as another's activity without a claim: it goes on.
		const creator = run({ B_1: '0MIxx00000000B1' });
		const seen = foreignChanges(BEFORE, now, creator);
		expect(seen.map((f) => f.what)).toEqual(['activity']);
		expect(decide(now, Object.values(creator.created), seen)).toBe('go');
	});
});
