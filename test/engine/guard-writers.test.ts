/**
 * The concurrency guard (lib/org/guard.ts) against writers that the territory and rule records alone do not
 * show, through the public API and the sandbox org over HTTP: another writer's user assignments, a publish
 * begun after this one's last write (left alone, not undone by a second pass), a check after the last write
 * that cannot be made (a warning, not a stop), a reviewed change set that went on past another writer (a
 * note), and the wait for quiet that now watches assignments too. Each case injects the other writer from the
 * sandbox's request log, between two of the engine's requests.
 */
import { applyChangeSet, planPublish, publishPlan, type PlanRow, type PublishResult } from '../../lib';
import { connect, ModelGuard, readGuardState, waitForQuiet } from '../../lib/org';
import type { SandboxOptions } from '../../sandbox';
import { DEMO_USERNAMES } from '../../sandbox/seed';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

const { anaLopez, benCarter, carlaNguyen } = DEMO_USERNAMES;
const BASE: PlanRow[] = [
	{ Territory: 'West', Key: 'West', Type: 'Region' },
	{ Territory: 'Pacific', Key: 'Pacific', Parent: 'West', Type: 'District', Users: `${anaLopez} (Sales Rep)` },
	{ Territory: 'Mountain', Key: 'Mountain', Parent: 'West', Type: 'District', Users: `${benCarter} (Sales Rep)` },
];

async function start(options: SandboxOptions = {}): Promise<TestSandbox> {
	// Unlimited edition: room for the four models these cases make.
	return startTestSandbox({ seed: 'demo', seedOptions: { accounts: 10 }, edition: 'Unlimited', ...options });
}

const codes = (r: PublishResult) => r.warnings.map((w) => w.code);

/** The model's Id and the District type's Id, read from the store. */
function idsOf(t: TestSandbox, developerName: string): { modelId: string; typeId: string } {
	const store = t.sandbox.store;
	return {
		modelId: String(store.records('Territory2Model').find((m) => m.DeveloperName === developerName)!.Id),
		typeId: String(store.records('Territory2Type').find((x) => x.DeveloperName === 'District')!.Id),
	};
}

/** BASE published to a new model, and a plan that adds one territory to it (one write call). */
async function modelWithBase(t: TestSandbox, name: string): Promise<{ rows: PlanRow[]; modelId: string; typeId: string }> {
	await publishPlan({ connection: t.sandbox.passwordLogin(), plan: { rows: BASE }, model: { developerName: name } });
	return { rows: [...BASE, { Territory: 'Rockies', Key: 'Rockies', Parent: 'Mountain', Type: 'District' }], ...idsOf(t, name) };
}

/** Another writer's territory Sierra, created in Setup with CreatedDate `at` (ms since 1970). */
function createSierra(t: TestSandbox, modelId: string, typeId: string, at?: number): void {
	const store = t.sandbox.store;
	const clock = store.clock;
	if (at !== undefined) store.clock = () => new Date(at);
	try {
		store.adminCreate('Territory2', { Name: 'Sierra', DeveloperName: 'Sierra', Territory2ModelId: modelId, Territory2TypeId: typeId });
	} finally {
		store.clock = clock;
	}
}

/** A millisecond after this run's Rockies of the model was created. */
function justAfterRockies(t: TestSandbox, modelId: string): number {
	const rockies = t.sandbox.store.records('Territory2').find((x) => x.DeveloperName === 'Rockies' && x.Territory2ModelId === modelId)!;
	return Date.parse(String(rockies.CreatedDate).replace('+0000', 'Z')) + 1;
}

/** The DeveloperNames of the model's territories, sorted. */
const territoryNames = (t: TestSandbox, modelId: string) =>
	t.sandbox.store
		.records('Territory2')
		.filter((x) => x.Territory2ModelId === modelId)
		.map((x) => String(x.DeveloperName))
		.sort();

/** Runs `act` once, on the first request the engine sends after `when` holds (checked on every logged request). */
function onceAfter(t: TestSandbox, when: (entry: { method: string; path: string; write: boolean }) => boolean, act: () => void): { done: () => boolean; stop: () => void } {
	let fired = false;
	const stop = t.sandbox.requestLog.onEntry((entry) => {
		if (fired || !when(entry)) return;
		fired = true;
		act();
	});
	return { done: () => fired, stop };
}

describe('the guard watches user and account assignments', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await start();
	}, 60_000);
	afterAll(() => t?.stop());

	it("another writer's user assignment during a publish that changes only assignments stops it (MODEL_CHANGED naming the object)", async () => {
		const connection = t.sandbox.passwordLogin();
		const model = { developerName: 'Assigned' };
		await publishPlan({ connection, plan: { rows: BASE }, model });
		const store = t.sandbox.store;
		const territory = store.records('Territory2').find((x) => x.DeveloperName === 'Mountain')!;
		const carla = store.records('User').find((u) => u.Username === carlaNguyen)!;
		// This run only adds a user to Pacific: it creates no territory, so it has no claim to go on.
		const rows = BASE.map((r) => (r.Key === 'Pacific' ? { ...r, Users: `${anaLopez} (Sales Rep); ${benCarter} (Sales Rep)` } : r));
		const other = onceAfter(
			t,
			(e) => e.write,
			() => store.adminCreate('UserTerritory2Association', { UserId: carla.Id, Territory2Id: territory.Id, RoleInTerritory2: 'Sales Rep' }),
		);
		const result = await publishPlan({ connection, plan: { rows }, model });
		other.stop();
		expect(other.done()).toBe(true);
		expect(result.summary.stopped?.code).toBe('MODEL_CHANGED');
		expect(result.summary.stopped?.message).toMatch(/UserTerritory2Association records (\d+) in the model where this run's writes explain (\d+)/);
		const [, found, explained] = /records (\d+) in the model where this run's writes explain (\d+)/.exec(result.summary.stopped!.message)!;
		expect(Number(found)).toBe(Number(explained) + 1);
	});

	it('the wait for quiet keeps waiting while assignments keep changing, and ends once they stop', async () => {
		const connection = t.sandbox.passwordLogin();
		const org = await connect({ connection });
		const store = t.sandbox.store;
		const territory = store.records('Territory2').find((x) => x.DeveloperName === 'West')!;
		const users = store.records('User').filter((u) => u.IsActive).slice(0, 12);
		let next = 0;
		// Someone adds a user to West at every request: never quiet (before, the wait saw only territories and rules).
		const stop = t.sandbox.requestLog.onEntry(() => {
			const user = users[next++];
			if (user) store.adminCreate('UserTerritory2Association', { UserId: user.Id, Territory2Id: territory.Id, RoleInTerritory2: 'Sales Rep' });
		});
		const busy = await waitForQuiet(org, { developerName: 'Assigned' }, 10, undefined, 5);
		stop();
		expect(busy).toBeNull();
		const quiet = await waitForQuiet(org, { developerName: 'Assigned' }, 10, undefined, 5);
		expect(quiet?.activity.UserTerritory2Association.count).toBe(store.records('UserTerritory2Association').filter((a) => store.records('Territory2').some((x) => x.Id === a.Territory2Id && x.Territory2ModelId === territory.Territory2ModelId)).length);
	});
});

describe("the guard's first state is the snapshot's", () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await start();
	}, 60_000);
	afterAll(() => t?.stop());

	it('an unchanged re-publish reads only what its dry run reads; a change made after the read still stops the publish', async () => {
		const connection = t.sandbox.passwordLogin();
		const model = { developerName: 'Once' };
		await publishPlan({ connection, plan: { rows: BASE }, model });
		const calls = () => t.sandbox.requestLog.apiCalls;
		const before = calls();
		const again = await publishPlan({ connection, plan: { rows: BASE }, model });
		expect(again.summary.stopped).toBeNull();
		expect(again.changeSet.changes).toEqual([]);
		// The snapshot's three groups of reads (lib/org/snapshot.ts), one Composite call each for a plan this
		// small, and nothing else: before, the guard's own read before the snapshot made it 4.
		expect(calls() - before).toBe(3);

		// Someone adds a territory once the snapshot was read: the first check, against the snapshot, sees it.
		const store = t.sandbox.store;
		const { modelId, typeId } = idsOf(t, 'Once');
		const onProgress = ({ phase }: { phase: string }) => {
			if (phase === 'Read the org') createSierra(t, modelId, typeId);
		};
		const rows = [...BASE, { Territory: 'Rockies', Key: 'Rockies', Parent: 'Mountain', Type: 'District' }];
		const result = await publishPlan({ connection, plan: { rows }, model, onProgress });
		expect(result.summary.stopped?.code).toBe('MODEL_CHANGED');
		expect(result.summary.stopped?.message).toMatch(/Nothing was written/);
		expect(store.records('Territory2').some((x) => x.DeveloperName === 'Rockies')).toBe(false);
	});
});

describe('the check after the last write', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await start();
	}, 60_000);
	afterAll(() => t?.stop());

	it('a publish begun after this one had written everything is left alone: a note, no second pass that would undo it', async () => {
		const { rows, modelId, typeId } = await modelWithBase(t, 'Later');
		// The other publish's territory is created ten seconds after this run's last write answered (more than the
		// guard's margin of two seconds plus this run's slowest call).
		const other = onceAfter(t, (e) => e.write, () => createSierra(t, modelId, typeId, Date.now() + 10_000));
		// Overwrite All: a second pass would delete Sierra, which is not in this plan.
		const result = await publishPlan({ connection: t.sandbox.passwordLogin(), plan: { rows }, model: { developerName: 'Later' }, method: 'overwriteAll' });
		other.stop();
		expect(other.done()).toBe(true);
		expect(result.summary.stopped).toBeNull();
		expect(result.summary.failed).toBe(0);
		expect(codes(result)).toEqual(expect.arrayContaining(['CHANGED_AFTER_PUBLISH']));
		expect(codes(result)).not.toContain('OTHER_WRITER');
		expect(result.warnings.find((w) => w.code === 'CHANGED_AFTER_PUBLISH')?.message).toMatch(/Territory2 Sierra created/);
		expect(territoryNames(t, modelId)).toEqual(['Mountain', 'Pacific', 'Rockies', 'Sierra', 'West']);
	});

	it('a writer whose first record is earlier than this run\'s stops it after its last write (its claim wins)', async () => {
		const { rows, modelId, typeId } = await modelWithBase(t, 'Earlier');
		const other = onceAfter(t, (e) => e.write, () => createSierra(t, modelId, typeId, Date.now() - 1_000));
		const result = await publishPlan({ connection: t.sandbox.passwordLogin(), plan: { rows }, model: { developerName: 'Earlier' }, method: 'overwriteAll' });
		other.stop();
		expect(other.done()).toBe(true);
		expect(result.summary.stopped?.code).toBe('MODEL_CHANGED');
		expect(result.summary.stopped?.message).toMatch(/after its last write \(Territory2 Sierra created/);
	});

	it('a check after the last write that cannot be made is a warning: everything was written, the publish is not reported stopped', async () => {
		const store = t.sandbox.store;
		const { rows } = await modelWithBase(t, 'Unchecked');
		const meta = store.describe('Territory2Model')!;
		// After the write, Territory2Model cannot be queried (INVALID_TYPE: not a passing fault) until the test restores it.
		const other = onceAfter(
			t,
			(e) => e.write,
			() => {
				meta.queryable = false;
			},
		);
		let result: PublishResult;
		try {
			result = await publishPlan({ connection: t.sandbox.passwordLogin(), plan: { rows }, model: { developerName: 'Unchecked' } });
		} finally {
			meta.queryable = true;
			other.stop();
		}
		expect(other.done()).toBe(true);
		expect(result.summary.stopped).toBeNull();
		expect(result.summary.failed).toBe(0);
		expect(result.rows.find((r) => r.key === 'Rockies')?.status).toBe('created');
		const note = result.warnings.find((w) => w.code === 'UNCHECKED_AFTER_PUBLISH');
		expect(note?.message).toMatch(/^Everything was written, but the check for other writers after the last write could not be made \(INVALID_TYPE/);
	});
});

describe('the check after the last write, datetimes to the millisecond', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await start({ datetimePrecision: 'millisecond' });
	}, 60_000);
	afterAll(() => t?.stop());

	it('a writer just after the last write (within the margin) is taken for a concurrent one: this run goes on and its second pass makes the model the plan', async () => {
		const { rows, modelId, typeId } = await modelWithBase(t, 'Concurrent');
		// Sierra is created a millisecond after this run's Rockies (milliseconds kept: no tie), well within the
		// margin of the last write.
		const other = onceAfter(t, (e) => e.write, () => createSierra(t, modelId, typeId, justAfterRockies(t, modelId)));
		const result = await publishPlan({ connection: t.sandbox.passwordLogin(), plan: { rows }, model: { developerName: 'Concurrent' }, method: 'overwriteAll' });
		other.stop();
		expect(other.done()).toBe(true);
		expect(result.summary.stopped).toBeNull();
		expect(codes(result)).toContain('OTHER_WRITER');
		expect(codes(result)).not.toContain('CHANGED_AFTER_PUBLISH');
		// The second pass took Sierra out: the model is the plan (Overwrite All).
		expect(territoryNames(t, modelId)).toEqual(['Mountain', 'Pacific', 'Rockies', 'West']);
	});

});

describe('a reviewed change set that goes on past another writer says so', () => {
	let t: TestSandbox;
	beforeAll(async () => {
		// Milliseconds kept: the other writer's territory is created just after this run's, in the same second.
		t = await start({ datetimePrecision: 'millisecond' });
	}, 60_000);
	afterAll(() => t?.stop());

	it("applies exactly the approved changes and notes that the other's writes remain (OTHER_WRITER), with no second pass", async () => {
		const connection = t.sandbox.passwordLogin();
		const model = { developerName: 'Reviewed' };
		await publishPlan({ connection, plan: { rows: BASE }, model });
		const { modelId, typeId } = idsOf(t, 'Reviewed');
		const rows = [...BASE, { Territory: 'Rockies', Key: 'Rockies', Parent: 'Mountain', Type: 'District' }];
		const planned = await planPublish({ connection, plan: { rows }, model, method: 'overwriteAll' });
		expect(planned.review).not.toBeNull();
		// A millisecond after this run's Rockies: later than its claim, within the second of its write.
		const other = onceAfter(t, (e) => e.write, () => createSierra(t, modelId, typeId, justAfterRockies(t, modelId)));
		const result = await applyChangeSet({ connection, review: JSON.parse(JSON.stringify(planned.review)) });
		other.stop();
		expect(other.done()).toBe(true);
		expect(result.summary.stopped).toBeNull();
		expect(result.summary.failed).toBe(0);
		expect(codes(result)).toContain('OTHER_WRITER');
		expect(result.warnings.find((w) => w.code === 'OTHER_WRITER')?.message).toMatch(/applied exactly as approved/);
		// No second pass: Sierra, not in the reviewed change set, is still there.
		expect(territoryNames(t, modelId)).toEqual(['Mountain', 'Pacific', 'Rockies', 'Sierra', 'West']);
	});
});

describe("a second pass keeps the first pass's claim", () => {
	let t: TestSandbox;
	beforeAll(async () => {
		t = await start({ datetimePrecision: 'millisecond' });
	}, 60_000);
	afterAll(() => t?.stop());

	it('another writer that shows up during the second pass meets the first pass\'s earlier records: the second pass goes on, without them it would stop', async () => {
		const connection = t.sandbox.passwordLogin();
		const model = { developerName: 'Claimed' };
		// What the first pass created, before anything of the other writer.
		await publishPlan({ connection, plan: { rows: BASE }, model });
		const store = t.sandbox.store;
		const { modelId, typeId } = idsOf(t, 'Claimed');
		const firstPass = store.records('Territory2').filter((x) => x.Territory2ModelId === modelId).map((x) => String(x.Id));
		const org = await connect({ connection });
		const before = await readGuardState(org, model);
		// The other writer creates a territory after the second pass read the model; the second pass has written nothing yet.
		await new Promise((resolve) => setTimeout(resolve, 5));
		createSierra(t, modelId, typeId);
		const own = { changes: [], outcomes: [], created: {}, sent: new Set<string>(), lastWriteAt: null, slowestCallMs: 0 };
		// The first pass's last write answered after Sierra was made: Sierra's writer began before it (the loser).
		const later = new Date(Date.now() + 60_000).toISOString().replace('Z', '+0000');
		const withClaim = new ModelGuard(org, model, before, { ids: firstPass, until: later });
		expect(await withClaim.check('territoryCreate', own)).toBeNull();
		expect(withClaim.sawOtherWriter).toBe(true);
		const withoutClaim = new ModelGuard(org, model, before);
		expect((await withoutClaim.check('territoryCreate', own))?.code).toBe('MODEL_CHANGED');
		// A writer that began after the first pass had written everything read the first pass's records as there
		// already: they are no claim against it, and the second pass stops (it would not see them, and both would go on).
		const earlier = new Date(Date.now() - 60_000).toISOString().replace('Z', '+0000');
		const againstLater = new ModelGuard(org, model, before, { ids: firstPass, until: earlier });
		expect((await againstLater.check('territoryCreate', own))?.code).toBe('MODEL_CHANGED');
	});
});
