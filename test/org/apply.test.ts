import type { Change, ChangeSet, FieldValue } from '../../lib/sync/types';
import type { SObjectName } from '../../lib/salesforce';
import { applyChangeSet, remainingChangeSet } from '../../lib/org/apply';
import { connect, type OrgConnection } from '../../lib/org/connect';
import { DEMO_USERNAMES } from '../../sandbox/seed';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

let t: TestSandbox;
let org: OrgConnection;
let typeIds: Record<string, string>;
let userIds: string[];
let accountIds: string[];

beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo', seedOptions: { accounts: 300 } });
	const { loginUrl, credentials: c } = t.sandbox;
	org = await connect(
		{ connection: { authType: 'jwt', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey } },
		{ retryDelayMs: 5 },
	);
	const store = t.sandbox.store;
	typeIds = Object.fromEntries(store.records('Territory2Type').map((r) => [String(r.DeveloperName), String(r.Id)]));
	userIds = store.records('User').filter((u) => u.IsActive !== false && String(u.Username).endsWith('acme-demo.example')).map((u) => String(u.Id));
	accountIds = store.records('Account').map((a) => String(a.Id));
}, 60000);
afterAll(() => t.stop());
afterEach(() => {
	t.sandbox.faults.clear();
	// The edition allows few models: each test starts without any.
	for (const m of t.sandbox.store.records('Territory2Model').slice()) t.sandbox.store.deleteOne('Territory2Model', String(m.Id));
});
let priority = 100;

function change(id: string, object: SObjectName, phase: number, fields: Record<string, FieldValue>, extra: Partial<Change> = {}): Change {
	const refs = Object.values(fields)
		.filter((v): v is { $ref: string } => !!v && typeof v === 'object')
		.map((v) => v.$ref);
	return { id, object, action: 'create', recordId: null, label: id, fields, diff: [], reason: 'new in plan', rows: [], dependsOn: refs, phase, ...extra };
}

const ref = (id: string) => ({ $ref: id });

/** A model with 3 levels, a rule with items, and user and account assignments, all by reference. */
function fullModel(name: string): ChangeSet {
	const m = `Territory2Model:${name}`;
	const changes: Change[] = [
		change(`Territory2Type:${name}_Zone`, 'Territory2Type', 0, { DeveloperName: `${name}_Zone`, MasterLabel: 'Zone', Priority: priority++ }),
		change(m, 'Territory2Model', 1, { Name: name, DeveloperName: name }),
		change('T:West', 'Territory2', 2, { Name: 'West', DeveloperName: 'West', Territory2ModelId: ref(m), Territory2TypeId: ref(`Territory2Type:${name}_Zone`) }),
	];
	for (const d of ['Pacific', 'Mountain']) {
		changes.push(change(`T:${d}`, 'Territory2', 3, { Name: d, DeveloperName: d, Territory2ModelId: ref(m), Territory2TypeId: typeIds.District, ParentTerritory2Id: ref('T:West') }));
	}
	const leaves = [['Bay_Area', 'Pacific'], ['SoCal', 'Pacific'], ['Rockies', 'Mountain']];
	for (const [leaf, parent] of leaves) {
		changes.push(
			change(`T:${leaf}`, 'Territory2', 4, {
				Name: leaf.replace('_', ' '),
				DeveloperName: leaf,
				Territory2ModelId: ref(m),
				Territory2TypeId: typeIds.Territory,
				ParentTerritory2Id: ref(`T:${parent}`),
				AccountAccessLevel: 'Edit',
			}),
		);
	}
	changes.push(change('R:TP_Bay_Area', 'ObjectTerritory2AssignmentRule', 5, { DeveloperName: 'TP_Bay_Area', MasterLabel: 'Bay Area', ObjectType: 'Account', Territory2ModelId: ref(m), IsActive: true }));
	changes.push(change('I:1', 'ObjectTerritory2AssignmentRuleItem', 6, { RuleId: ref('R:TP_Bay_Area'), SortOrder: 1, Field: 'Account.BillingPostalCode', Operation: 'startsWith', Value: '941' }));
	changes.push(change('I:2', 'ObjectTerritory2AssignmentRuleItem', 6, { RuleId: ref('R:TP_Bay_Area'), SortOrder: 2, Field: 'Account.BillingCountry', Operation: 'equals', Value: 'United States' }));
	changes.push(change('RA:1', 'RuleTerritory2Association', 7, { RuleId: ref('R:TP_Bay_Area'), Territory2Id: ref('T:Bay_Area'), IsInherited: false }));
	leaves.forEach(([leaf], i) => {
		changes.push(change(`U:${leaf}`, 'UserTerritory2Association', 8, { UserId: userIds[i], Territory2Id: ref(`T:${leaf}`), RoleInTerritory2: 'Sales Rep' }));
		changes.push(change(`A:${leaf}`, 'ObjectTerritory2Association', 9, { ObjectId: accountIds[i], Territory2Id: ref(`T:${leaf}`), AssociationCause: 'Territory2Manual' }));
	});
	return { modelDeveloperName: name, modelId: null, changes, issues: [], warnings: [] };
}

function records(type: string, where: (r: Record<string, unknown>) => boolean = () => true) {
	return t.sandbox.store.records(type).filter(where);
}

/** A model made in Setup, and `n` top-level territory creates in one phase. */
function flatTerritories(name: string, n: number): { cs: ChangeSet; modelId: string } {
	const modelId = t.sandbox.store.adminCreate('Territory2Model', { Name: name, DeveloperName: name });
	const changes = Array.from({ length: n }, (_, i) =>
		change(`T:${name}_${i}`, 'Territory2', 1, { Name: `${name} ${i}`, DeveloperName: `${name}_${i}`, Territory2ModelId: modelId, Territory2TypeId: typeIds.Territory }),
	);
	return { cs: { modelDeveloperName: name, modelId, changes, issues: [], warnings: [] }, modelId };
}

function compositeCalls(since: number): number {
	return t.sandbox.requestLog.entries.slice(since).filter((e) => e.kind === 'composite').length;
}

describe('applyChangeSet', () => {
	it('creates a model on 3 levels with rules, items and assignments, resolving references across phases', async () => {
		const cs = fullModel('Plan_A');
		const progress: number[] = [];
		const logStart = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, cs, { onProgress: (p) => progress.push(p.done) });
		expect(result.stopped).toBeNull();
		expect(result.outcomes.map((o) => [o.changeId, o.status, o.errorCode])).toEqual(cs.changes.map((c) => [c.id, 'done', undefined]));
		expect(result.outcomes.map((o) => o.changeId)).toEqual(cs.changes.map((c) => c.id));
		// All 10 phases in one Composite call: later records refer to earlier ones' Ids through references.
		expect(compositeCalls(logStart)).toBe(1);
		expect(t.sandbox.requestLog.entries.length - logStart).toBe(1);
		expect(progress[progress.length - 1]).toBe(cs.changes.length);

		const modelId = result.created['Territory2Model:Plan_A'];
		const terr = records('Territory2', (r) => r.Territory2ModelId === modelId);
		const byName = new Map(terr.map((r) => [r.DeveloperName, r]));
		expect(terr).toHaveLength(6);
		expect(byName.get('West')!.Territory2TypeId).toBe(result.created['Territory2Type:Plan_A_Zone']);
		expect(byName.get('Pacific')!.ParentTerritory2Id).toBe(byName.get('West')!.Id);
		expect(byName.get('Bay_Area')!.ParentTerritory2Id).toBe(byName.get('Pacific')!.Id);
		expect(byName.get('Rockies')!.ParentTerritory2Id).toBe(byName.get('Mountain')!.Id);
		const rule = records('ObjectTerritory2AssignmentRule', (r) => r.Territory2ModelId === modelId);
		expect(rule).toHaveLength(1);
		expect(records('ObjectTerritory2AssignmentRuleItem', (r) => r.RuleId === rule[0].Id)).toHaveLength(2);
		expect(records('RuleTerritory2Association', (r) => r.RuleId === rule[0].Id)[0].Territory2Id).toBe(byName.get('Bay_Area')!.Id);
		const ua = records('UserTerritory2Association', (r) => terr.some((x) => x.Id === r.Territory2Id));
		expect(ua.map((r) => r.UserId).sort()).toEqual(userIds.slice(0, 3).sort());
		expect(records('ObjectTerritory2Association', (r) => terr.some((x) => x.Id === r.Territory2Id))).toHaveLength(3);
		expect(result.outcomes.find((o) => o.changeId === 'T:SoCal')!.recordId).toBe(byName.get('SoCal')!.Id);
	});

	it('refuses a change set with two changes of one id with a coded error, before writing anything', async () => {
		const cs = fullModel('Twice');
		const twice = { ...cs, changes: [...cs.changes, { ...cs.changes[1] }] };
		await expect(applyChangeSet(org, twice)).rejects.toMatchObject({ code: 'INVALID_CHANGE', message: expect.stringContaining('Territory2Model:Twice') });
		expect(t.sandbox.store.records('Territory2Model')).toHaveLength(0);
		expect(t.sandbox.store.records('Territory2Type').some((r) => String(r.DeveloperName).startsWith('Twice'))).toBe(false);
	});

	it('maps per-record failures to their change and skips what depends on them', async () => {
		const cs = fullModel('Plan_B');
		const pacific = cs.changes.find((c) => c.id === 'T:Pacific')!;
		pacific.fields.Name = 'P'.repeat(81);
		const inactive = String(records('User', (u) => u.Username === DEMO_USERNAMES.elenaRossi)[0].Id);
		cs.changes.find((c) => c.id === 'U:Rockies')!.fields.UserId = inactive;
		const result = await applyChangeSet(org, cs);
		const o = new Map(result.outcomes.map((x) => [x.changeId, x]));
		expect(o.get('T:Pacific')).toMatchObject({ status: 'failed', errorCode: 'STRING_TOO_LONG' });
		expect(o.get('T:Pacific')!.message).toBeTruthy();
		for (const id of ['T:Bay_Area', 'T:SoCal', 'U:Bay_Area', 'A:SoCal', 'RA:1']) {
			expect(o.get(id)).toMatchObject({ status: 'skipped', errorCode: 'DEPENDENCY_FAILED' });
		}
		expect(o.get('T:Bay_Area')!.message).toMatch(/T:Pacific.*failed/);
		expect(o.get('U:Bay_Area')!.message).toMatch(/T:Bay_Area.*was skipped/);
		expect(o.get('U:Rockies')!.status).toBe('failed');
		expect(o.get('U:Rockies')!.errorCode).toBeTruthy();
		for (const id of ['T:Mountain', 'T:Rockies', 'A:Rockies', 'I:1', 'I:2']) expect(o.get(id)!.status).toBe('done');
		expect(result.stopped).toBeNull();
	});

	it('writes 600 territories of one phase in a single Composite call', async () => {
		const { cs, modelId } = flatTerritories('Big_600', 600);
		const logStart = t.sandbox.requestLog.entries.length;
		const callsBefore = org.calls;
		const result = await applyChangeSet(org, cs);
		expect(result.outcomes.every((o) => o.status === 'done')).toBe(true);
		expect(compositeCalls(logStart)).toBeLessThanOrEqual(3);
		expect(compositeCalls(logStart)).toBe(1);
		expect(org.calls - callsBefore).toBe(1);
		expect(org.usage().calls).toBe(org.calls);
		expect(records('Territory2', (r) => r.Territory2ModelId === modelId)).toHaveLength(600);
	});

	it('retries UNABLE_TO_LOCK_ROW records (3 tries) without creating duplicates', async () => {
		const { cs, modelId } = flatTerritories('Locky', 300);
		t.sandbox.faults.set({ lockRowRate: 0.2, seed: 7, objects: ['Territory2'] });
		const logStart = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, cs);
		expect(compositeCalls(logStart)).toBe(3); // the locked ones went again, twice
		const done = result.outcomes.filter((o) => o.status === 'done');
		const failed = result.outcomes.filter((o) => o.status !== 'done');
		// A record locked on all 3 tries (0.2^3 of them) fails with the lock error; the rest are written once.
		expect(failed.length).toBeLessThan(10);
		expect(failed.every((o) => o.status === 'failed' && o.errorCode === 'UNABLE_TO_LOCK_ROW' && /after 3 tries/.test(o.message!))).toBe(true);
		// …and says what to do about it (seed 7 locks some record on every try).
		expect(failed.length).toBeGreaterThan(0);
		for (const o of failed) expect(o.message).toMatch(/\(after 3 tries\)\. Publish the same plan again to try it again; what went through is not written twice\.$/);
		const made = records('Territory2', (r) => r.Territory2ModelId === modelId);
		expect(made).toHaveLength(done.length);
		expect(new Set(made.map((r) => r.DeveloperName)).size).toBe(done.length);
		expect(made.map((r) => r.Id).sort()).toEqual(done.map((o) => o.recordId).sort());
		expect(result.stopped).toBeNull();
	});

	it('retries whole calls answered 503 and renews an expired session on the way', async () => {
		const cs = fullModel('Plan_C');
		t.sandbox.faults.set({ unavailableRate: 0.4, seed: 3, endpoints: ['composite'], expireSessionsAfterCalls: 4 });
		const result = await applyChangeSet(org, cs);
		expect(result.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
		const modelId = result.created['Territory2Model:Plan_C'];
		expect(records('Territory2', (r) => r.Territory2ModelId === modelId)).toHaveLength(6);
		expect(records('Territory2Model', (r) => r.DeveloperName === 'Plan_C')).toHaveLength(1);
	});

	for (const stopMode of ['destroy', 'error500'] as const) {
		it(`survives a hard stop (${stopMode}) and a re-run of the remaining changes converges without duplicates`, async () => {
			const name = `Crash_${stopMode}`;
			const { cs, modelId } = flatTerritories(name, 450);
			cs.changes.push(
				...userIds.slice(0, 20).map((u, i) =>
					change(`U:${i}`, 'UserTerritory2Association', 2, { UserId: u, Territory2Id: ref(`T:${name}_${i}`), RoleInTerritory2: 'Owner' }),
				),
			);
			t.sandbox.faults.set({ stopAfterRecordsWritten: 250, stopMode });
			const first = await applyChangeSet(org, cs);
			expect(first.stopped).not.toBeNull();
			const statuses = first.outcomes.map((o) => o.status);
			expect(statuses.filter((s) => s === 'done')).toHaveLength(250);
			// The user assignments went in the same Composite calls as their territories (by reference), whose
			// answers were lost: their outcome is unknown too, and the re-run looks them up first.
			expect(first.outcomes.filter((o) => o.object === 'UserTerritory2Association').every((o) => o.status === 'failed' && o.errorCode === 'OUTCOME_UNKNOWN')).toBe(true);
			expect(first.outcomes.filter((o) => o.object === 'Territory2' && o.status === 'failed').every((o) => o.errorCode === 'OUTCOME_UNKNOWN')).toBe(true);

			t.sandbox.faults.clear();
			const rest = remainingChangeSet(cs, first);
			expect(rest.changes).toHaveLength(450 - 250 + 20);
			const second = await applyChangeSet(org, rest, { verifyCreates: true });
			expect(second.stopped).toBeNull();
			expect(second.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
			const made = records('Territory2', (r) => r.Territory2ModelId === modelId);
			expect(made).toHaveLength(450);
			expect(new Set(made.map((r) => r.DeveloperName)).size).toBe(450);
			const ua = records('UserTerritory2Association', (r) => made.some((m) => m.Id === r.Territory2Id));
			expect(ua).toHaveLength(20);
		}, 60000);
	}

	it('treats a timed-out call as unknown: it stops, and the re-run adopts what the org did write', async () => {
		const { loginUrl, credentials: c } = t.sandbox;
		const slow = await connect(
			{ connection: { authType: 'clientCredentials', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } },
			{ retryDelayMs: 5, timeoutMs: 150 },
		);
		const { cs, modelId } = flatTerritories('Slow', 50);
		// The org writes, then answers too late for the client.
		t.sandbox.faults.set({ latencyMs: 400 });
		const first = await applyChangeSet(slow, cs);
		expect(first.stopped?.message).toMatch(/kept failing after 3 tries/);
		expect(first.outcomes.every((o) => o.status === 'failed' && o.errorCode === 'OUTCOME_UNKNOWN')).toBe(true);
		expect(records('Territory2', (r) => r.Territory2ModelId === modelId)).toHaveLength(50);

		t.sandbox.faults.clear();
		const logStart = t.sandbox.requestLog.entries.length;
		const second = await applyChangeSet(slow, remainingChangeSet(cs, first), { verifyCreates: true });
		expect(second.outcomes.every((o) => o.status === 'done' && /Adopted/.test(o.message ?? ''))).toBe(true);
		expect(compositeCalls(logStart)).toBe(0);
		const made = records('Territory2', (r) => r.Territory2ModelId === modelId);
		expect(made).toHaveLength(50);
		expect(Object.values(second.created).sort()).toEqual(made.map((r) => r.Id).sort());
	}, 30000);

	it('stops cleanly on REQUEST_LIMIT_EXCEEDED, reporting the rest as skipped', async () => {
		// 1,000 territories and 100 account assignments need two calls (a call writes at most 5 × 200 + 20
		// records); only one is allowed.
		const { cs } = flatTerritories('Limited', 1000);
		for (let i = 0; i < 100; i++) {
			cs.changes.push(change(`A:${i}`, 'ObjectTerritory2Association', 2, { ObjectId: accountIds[i], Territory2Id: ref(cs.changes[i].id), AssociationCause: 'Territory2Manual' }));
		}
		t.sandbox.apiUsage.used = t.sandbox.apiUsage.max - 1;
		try {
			const result = await applyChangeSet(org, cs);
			expect(result.stopped).toMatchObject({ code: 'REQUEST_LIMIT_EXCEEDED' });
			const done = result.outcomes.filter((o) => o.status === 'done').map((o) => o.changeId);
			expect(done).toEqual(cs.changes.slice(0, 1020).map((c) => c.id));
			const rest = result.outcomes.filter((o) => o.status !== 'done');
			expect(rest).toHaveLength(80);
			expect(rest.every((o) => o.status === 'skipped' && o.errorCode === 'REQUEST_LIMIT_EXCEEDED')).toBe(true);
			expect(org.usage().remaining).toBe(0);
		} finally {
			t.sandbox.apiUsage.reset();
		}
	});

	it('orders same-phase dependencies into waves, and refuses unresolvable references and cycles', async () => {
		const { cs, modelId } = flatTerritories('Waves', 1);
		const parent = cs.changes[0];
		cs.changes.push(
			change('T:child', 'Territory2', 1, { Name: 'child', DeveloperName: 'child', Territory2ModelId: modelId, Territory2TypeId: typeIds.Territory, ParentTerritory2Id: ref(parent.id) }),
			change('T:orphan', 'Territory2', 1, { Name: 'orphan', DeveloperName: 'orphan', Territory2ModelId: modelId, Territory2TypeId: typeIds.Territory, ParentTerritory2Id: ref('T:nowhere') }),
			change('T:a', 'Territory2', 1, { Name: 'a', DeveloperName: 'a', Territory2ModelId: modelId, Territory2TypeId: typeIds.Territory, ParentTerritory2Id: ref('T:b') }),
			change('T:b', 'Territory2', 1, { Name: 'b', DeveloperName: 'b', Territory2ModelId: modelId, Territory2TypeId: typeIds.Territory, ParentTerritory2Id: ref('T:a') }),
		);
		const logStart = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, cs);
		const o = new Map(result.outcomes.map((x) => [x.changeId, x]));
		expect(o.get(parent.id)!.status).toBe('done');
		expect(o.get('T:child')!.status).toBe('done');
		expect(t.sandbox.store.get(o.get('T:child')!.recordId!)!.record.ParentTerritory2Id).toBe(o.get(parent.id)!.recordId);
		expect(o.get('T:orphan')).toMatchObject({ status: 'failed', errorCode: 'UNRESOLVED_REFERENCE' });
		expect(o.get('T:a')).toMatchObject({ status: 'failed', errorCode: 'DEPENDENCY_CYCLE' });
		expect(o.get('T:b')).toMatchObject({ status: 'failed', errorCode: 'DEPENDENCY_CYCLE' });
		// The child's wave follows its parent's in the same call, referring to the Id it gets.
		expect(compositeCalls(logStart)).toBe(1);
	});

	it('updates and deletes existing records, and treats an empty update as done', async () => {
		const { cs } = flatTerritories('Edits', 3);
		const made = await applyChangeSet(org, cs);
		const ids = cs.changes.map((c) => made.created[c.id]);
		const edits: ChangeSet = {
			modelDeveloperName: 'Edits',
			modelId: cs.modelId,
			issues: [],
		warnings: [],
			changes: [
				change('del', 'Territory2', 1, {}, { action: 'delete', recordId: ids[0] }),
				change('upd', 'Territory2', 1, { Description: 'changed' }, { action: 'update', recordId: ids[1] }),
				change('noop', 'Territory2', 1, {}, { action: 'update', recordId: ids[2] }),
			],
		};
		const logStart = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, edits);
		expect(result.outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done']);
		expect(compositeCalls(logStart)).toBe(1);
		expect(t.sandbox.store.get(ids[0])).toBeUndefined();
		expect(t.sandbox.store.get(ids[1])!.record.Description).toBe('changed');
	});

	it('keeps request order in a Composite call: a same-phase delete and create of one user/territory pair both succeed', async () => {
		// The sandbox collates Composite subrequests (POST first) unless collateSubrequests is false, as
		// Salesforce may from API 49.0: the create would then meet the pair it replaces (DUPLICATE_VALUE).
		const store = t.sandbox.store;
		const model = store.createOne('Territory2Model', { Name: 'Roles', DeveloperName: 'Roles' });
		const territory = store.createOne('Territory2', { Name: 'West', DeveloperName: 'West', Territory2ModelId: model, Territory2TypeId: typeIds.Territory });
		const old = store.createOne('UserTerritory2Association', { UserId: userIds[0], Territory2Id: territory, RoleInTerritory2: 'Sales Rep' });
		const cs: ChangeSet = {
			modelDeveloperName: 'Roles',
			modelId: model,
			issues: [],
			warnings: [],
			changes: [
				change('UTA:new', 'UserTerritory2Association', 1, { UserId: userIds[0], Territory2Id: territory, RoleInTerritory2: 'Owner' }),
				change('UTA:old', 'UserTerritory2Association', 1, {}, { action: 'delete', recordId: old }),
			],
		};
		const logStart = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, cs);
		expect(result.outcomes.map((o) => [o.changeId, o.status, o.errorCode])).toEqual([
			['UTA:new', 'done', undefined],
			['UTA:old', 'done', undefined],
		]);
		expect(compositeCalls(logStart)).toBe(1);
		expect(records('UserTerritory2Association', (r) => r.Territory2Id === territory).map((r) => [r.UserId, r.RoleInTerritory2])).toEqual([[userIds[0], 'Owner']]);
	});

	it('sends each object in collection calls of its own, even when one phase creates several objects', async () => {
		// The sandbox refuses a collection create or update mixing a setup object with another type, as
		// Salesforce does (REST API guide, sObject Collections Create); every territory object is one.
		const store = t.sandbox.store;
		const model = store.createOne('Territory2Model', { Name: 'Mixed', DeveloperName: 'Mixed' });
		const territory = store.createOne('Territory2', { Name: 'West', DeveloperName: 'West', Territory2ModelId: model, Territory2TypeId: typeIds.Territory });
		const cs: ChangeSet = {
			modelDeveloperName: 'Mixed',
			modelId: model,
			issues: [],
			warnings: [],
			changes: [
				change('U:1', 'UserTerritory2Association', 1, { UserId: userIds[0], Territory2Id: territory, RoleInTerritory2: 'Owner' }),
				change('A:1', 'ObjectTerritory2Association', 1, { ObjectId: accountIds[0], Territory2Id: territory, AssociationCause: 'Territory2Manual' }),
				change('U:2', 'UserTerritory2Association', 1, { UserId: userIds[1], Territory2Id: territory }),
				change('T:2', 'Territory2', 1, { Name: 'East', DeveloperName: 'East', Territory2ModelId: model, Territory2TypeId: typeIds.Territory }),
			],
		};
		const logStart = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, cs);
		expect(result.outcomes.map((o) => [o.changeId, o.status, o.errorCode])).toEqual([
			['U:1', 'done', undefined],
			['A:1', 'done', undefined],
			['U:2', 'done', undefined],
			['T:2', 'done', undefined],
		]);
		expect(compositeCalls(logStart)).toBe(1);
	});

	it('opens no Bulk job for an assignment object that has nothing to create', async () => {
		const { cs, modelId } = flatTerritories('BulkOne', 3);
		const made = await applyChangeSet(org, cs);
		const assignments = cs.changes.map((c, i) =>
			change(`U:${i}`, 'ObjectTerritory2Association', 1, { ObjectId: accountIds[i], Territory2Id: made.created[c.id], AssociationCause: 'Territory2Manual' }),
		);
		const logStart = t.sandbox.requestLog.entries.length;
		// Threshold 0 forces Bulk for every assignment object; only the one with creates may open a job.
		const result = await applyChangeSet(org, { modelDeveloperName: 'BulkOne', modelId, changes: assignments, issues: [], warnings: [] }, { bulkThreshold: 0 });
		expect(result.outcomes.every((o) => o.status === 'done')).toBe(true);
		const jobsOpened = t.sandbox.requestLog.entries
			.slice(logStart)
			.filter((e) => e.kind === 'bulk2' && e.method === 'POST' && /\/jobs\/ingest$/.test(e.path));
		expect(jobsOpened).toHaveLength(1);
	}, 60000);

	it('loads large assignment sets through Bulk API 2.0 and maps results back by record', async () => {
		const { cs, modelId } = flatTerritories('Bulky', 40);
		const made = await applyChangeSet(org, cs);
		const territoryIds = cs.changes.map((c) => made.created[c.id]);
		const assignments: Change[] = [];
		territoryIds.forEach((territoryId, i) => {
			for (let k = 0; k < 5; k++) {
				assignments.push(change(`A:${i}:${k}`, 'ObjectTerritory2Association', 1, { ObjectId: accountIds[i * 5 + k], Territory2Id: territoryId, AssociationCause: 'Territory2Manual' }));
			}
		});
		// One bad row: an account Id that does not exist.
		assignments[7].fields.ObjectId = `${accountIds[0].slice(0, 9)}ZZZZZZZZZ`;
		const logStart = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, { modelDeveloperName: 'Bulky', modelId, changes: assignments, issues: [], warnings: [] }, { bulkThreshold: 100 });
		const bulkCalls = t.sandbox.requestLog.entries.slice(logStart).filter((e) => e.kind === 'bulk2').length;
		expect(bulkCalls).toBeGreaterThan(0);
		expect(compositeCalls(logStart)).toBe(0);
		expect(result.outcomes[7].status).toBe('failed');
		expect(result.outcomes[7].errorCode).toBeTruthy();
		expect(result.outcomes.filter((o) => o.status === 'done')).toHaveLength(199);
		for (const o of result.outcomes.filter((x) => x.status === 'done')) {
			const rec = t.sandbox.store.get(o.recordId!)!.record;
			const c = assignments.find((a) => a.id === o.changeId)!;
			expect(rec.ObjectId).toBe(c.fields.ObjectId);
			expect(rec.Territory2Id).toBe(c.fields.Territory2Id);
		}
	}, 60000);
});
