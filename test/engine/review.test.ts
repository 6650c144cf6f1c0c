/**
 * Plan, review, apply exactly (planPublish → applyChangeSet) and the safe-schedule options
 * (ifModelMissing, maxDeletes, signal), through the public API against the sandbox org over HTTP.
 * What was written is judged from the sandbox's store (record by record), not from the engine's words.
 */
import { Connection } from 'jsforce';
import { applyChangeSet, planPublish, type ReviewedChangeSet } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { TEST_API_VERSION } from '../helpers/sandbox';
import { SAMPLE_ROWS, naturalKeyDuplicates, normalisedPlan, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';
import { importModel } from '../../lib';

let org: EngineOrg;
beforeAll(async () => {
	// Milliseconds kept: the first test counts a record as updated when any of its fields moved, and an update
	// that writes the value the org already holds (a forecast manager Salesforce cleared with its user's
	// assignment) moves only SystemModstamp, which within one second stays put at 'second'.
	org = await startEngineOrg({ datetimePrecision: 'millisecond' });
});
afterAll(() => org.stop());

/** The sample plan edited: a description, a new territory, a role changed, a user removed. */
function edited(): PlanRow[] {
	const rows = SAMPLE_ROWS.map((r) => ({ ...r }));
	rows[0].Description = 'West region (FY28)';
	rows.push({ ...rows[2], Territory: 'Northern California 99', Key: 'Northern_California_99', 'Postal Codes': '94999', Users: 'carla.nguyen@acme-demo.example (Sales Rep)', 'Forecast Manager': '' });
	rows[3].Users = 'david.kim@acme-demo.example (Owner)';
	rows[2].Users = 'carla.nguyen@acme-demo.example (Sales Rep)';
	return rows;
}

async function jsforce(): Promise<Connection> {
	const { loginUrl, credentials } = org.sandbox;
	const conn = new Connection({ loginUrl, version: TEST_API_VERSION, oauth2: { loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret } });
	await conn.login(credentials.username, credentials.password);
	return conn;
}

/** A review as it arrives after travelling through a workflow: JSON text and back. */
const travelled = (review: ReviewedChangeSet | null): ReviewedChangeSet => JSON.parse(JSON.stringify(review));

describe('planPublish → applyChangeSet', () => {
	const model = { developerName: 'Reviewed' };
	beforeAll(async () => {
		const first = await org.publish({ plan: { rows: SAMPLE_ROWS }, model });
		expect(first.summary.failed).toBe(0);
	});

	it('a dry run writes nothing and says so; its review applied later writes exactly the listed changes', async () => {
		const before = org.dump();
		const planned = await planPublish({ connection: org.connection, plan: { rows: edited() }, model });
		expect(org.changesSince(before)).toEqual([]);
		expect(planned.summary.dryRun).toBe(true);
		expect(planned.summary.next).toMatch(/^Nothing was written \(dry run\)/);
		expect(planned.review).not.toBeNull();
		const changes = planned.changeSet.changes;
		expect(changes.length).toBeGreaterThan(3);

		const result = await applyChangeSet({ connection: org.connection, review: travelled(planned.review) });
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		expect(result.summary.dryRun).toBe(false);
		expect(result.summary.next).toMatch(/Run Rules/);
		expect(result.summary.next).toMatch(/Activate/);

		// Record by record: created ones per object as many as the listed creates, updated and deleted
		// ones exactly the listed records, nothing else.
		const lines = org.changesSince(before);
		const added = lines.filter((l) => l.startsWith('+ ')).map((l) => l.split(' ')[1]);
		const createsByObject = changes.filter((c) => c.action === 'create').map((c) => c.object);
		expect(added.sort()).toEqual([...createsByObject].sort());
		const updatedIds = lines.filter((l) => l.startsWith('~ ')).map((l) => l.split(' ')[2]);
		const listedUpdates = changes.filter((c) => c.action === 'update' && c.recordId).map((c) => c.recordId!);
		expect(new Set(updatedIds)).toEqual(new Set(listedUpdates));
		const deletedIds = lines.filter((l) => l.startsWith('- ')).map((l) => l.split(' ')[2]);
		expect(deletedIds.sort()).toEqual(changes.filter((c) => c.action === 'delete').map((c) => c.recordId!).sort());
		// And the org now matches the plan: a second dry run finds nothing to do.
		const again = await planPublish({ connection: org.connection, plan: { rows: edited() }, model });
		expect(again.changeSet.changes).toEqual([]);
		expect(again.summary.next).toMatch(/already matches the plan/);
	});

	it('a change in the org between the dry run and the apply that touches the change set is refused, naming it; nothing is written', async () => {
		const rows = edited().map((r) => ({ ...r }));
		rows[1].Description = 'Northern California, reviewed';
		const planned = await planPublish({ connection: org.connection, plan: { rows }, model });
		expect(planned.changeSet.changes.map((c) => c.label)).toContain('Northern_California');
		// Someone edits that territory in Salesforce meanwhile.
		const conn = await jsforce();
		const territory = org.model('Reviewed').territories.find((t) => t.DeveloperName === 'Northern_California')!;
		await conn.sobject('Territory2').update({ Id: territory.Id, Description: 'Edited by hand' });

		const before = org.dump();
		const result = await applyChangeSet({ connection: org.connection, review: travelled(planned.review) });
		expect(org.changesSince(before)).toEqual([]);
		expect(result.issues).toHaveLength(1);
		expect(result.issues[0]).toMatchObject({ code: 'ORG_CHANGED', column: 'Description', value: 'Territory2:Northern_California' });
		expect(result.issues[0].message).toContain('"Northern California district" → "Edited by hand"');
		expect(result.summary.next).toMatch(/^Nothing was written/);
	});

	it('a territory created by hand with the key a change creates is refused (no duplicate, nothing written)', async () => {
		const rows = [...edited(), { ...edited()[2], Territory: 'Brand New', Key: 'Brand_New', Users: '', 'Forecast Manager': '', 'Postal Codes': '94777' }];
		const planned = await planPublish({ connection: org.connection, plan: { rows }, model });
		expect(planned.issues).toEqual([]);
		const conn = await jsforce();
		const state = org.model('Reviewed');
		const type = org.sandbox.store.records('Territory2Type')[0];
		await conn.sobject('Territory2').create({ Name: 'Brand New', DeveloperName: 'Brand_New', Territory2ModelId: state.id, Territory2TypeId: type.Id, AccountAccessLevel: 'Edit', OpportunityAccessLevel: 'Read', CaseAccessLevel: 'Read' });
		const before = org.dump();
		const result = await applyChangeSet({ connection: org.connection, review: travelled(planned.review) });
		expect(org.changesSince(before)).toEqual([]);
		expect(result.issues.map((i) => i.message).join('\n')).toContain('Territory2:Brand_New was created since the dry run');
		expect(naturalKeyDuplicates(org.model('Reviewed'))).toEqual([]);
	});

	it('a change elsewhere in the org does not stop the apply', async () => {
		const rows = edited().map((r) => ({ ...r }));
		rows[0].Description = 'West, once more';
		const planned = await planPublish({ connection: org.connection, plan: { rows }, model });
		const conn = await jsforce();
		const other = org.model('Reviewed').territories.find((t) => t.DeveloperName === 'Northern_California_02')!;
		await conn.sobject('Territory2').update({ Id: other.Id, Description: 'Not in this change set' });
		const result = await applyChangeSet({ connection: org.connection, review: travelled(planned.review) });
		expect(result.issues).toEqual([]);
		// West, and Northern_California back from the hand edit of the test before.
		expect(result.summary.counts).toEqual({ Territory2: { update: 2 } });
		const territories = org.model('Reviewed').territories;
		expect(territories.find((t) => t.DeveloperName === 'West')!.Description).toBe('West, once more');
		// Exactly the reviewed change set: the plan would clear this description, but the review did not list it.
		expect(territories.find((t) => t.DeveloperName === 'Northern_California_02')!.Description).toBe('Not in this change set');
	});

	it('a review edited, garbled or missing is refused before anything is read or written', async () => {
		const planned = await planPublish({ connection: org.connection, plan: { rows: edited() }, model });
		const tampered = travelled(planned.review);
		tampered.changeSet.changes = tampered.changeSet.changes.slice(1);
		const calls = org.sandbox.requestLog.apiCalls;
		await expect(applyChangeSet({ connection: org.connection, review: tampered })).rejects.toMatchObject({ code: 'REVIEW_INVALID', message: expect.stringMatching(/changed after the dry run/) });
		await expect(applyChangeSet({ connection: org.connection, review: JSON.stringify(planned.review) as never })).rejects.toMatchObject({ code: 'REVIEW_INVALID', message: expect.stringMatching(/got a text/) });
		await expect(applyChangeSet({ connection: org.connection, review: { format: 'other' } as never })).rejects.toMatchObject({ code: 'REVIEW_INVALID' });
		await expect(applyChangeSet({ connection: org.connection } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'review' });
		expect(org.sandbox.requestLog.apiCalls).toBe(calls);
	});
});

describe('safe schedules', () => {
	it('ifModelMissing "stop": a mistyped model name creates nothing and suggests the model that exists', async () => {
		await org.publish({ plan: { rows: SAMPLE_ROWS.slice(0, 3) }, model: { developerName: 'FY27_Sales' } });
		const before = org.dump();
		const result = await org.publish({ plan: { rows: SAMPLE_ROWS.slice(0, 3) }, model: { developerName: 'FY27_Sale' }, ifModelMissing: 'stop' });
		expect(org.changesSince(before)).toEqual([]);
		expect(result.issues).toHaveLength(1);
		expect(result.issues[0].code).toBe('MODEL_NOT_FOUND');
		expect(result.issues[0].message).toMatch(/FY27_Sales/);
		expect(result.issues[0].message).toMatch(/Create It/);
		org.dropModel('FY27_Sales');
	});

	it('maxDeletes: more deletes than allowed stop a publish and a dry run alike, listing what would go', async () => {
		const model = { developerName: 'Deletes' };
		await org.publish({ plan: { rows: SAMPLE_ROWS }, model });
		const kept = SAMPLE_ROWS.slice(0, SAMPLE_ROWS.length - 5);
		const before = org.dump();
		for (const dryRun of [true, false]) {
			const result = await org.publish({ plan: { rows: kept }, model, method: 'overwriteAll', maxDeletes: 4, dryRun });
			expect(result.issues.map((i) => i.code)).toEqual(['TOO_MANY_DELETES']);
			expect(result.issues[0].message).toMatch(/would delete \d+ records/);
			for (const row of SAMPLE_ROWS.slice(-5)) expect(result.issues[0].message).toContain(String(row.Key));
		}
		expect(org.changesSince(before)).toEqual([]);
		// Within the limit it goes through.
		const ok = await org.publish({ plan: { rows: kept }, model, method: 'overwriteAll', maxDeletes: 100 });
		expect(ok.issues).toEqual([]);
		expect(org.model('Deletes').territories).toHaveLength(kept.length);
		org.dropModel('Deletes');
	});

	it('a stop asked through the signal ends the apply between calls, says what was written, and a re-run converges without duplicates', async () => {
		const model = { developerName: 'Stopped' };
		const controller = new AbortController();
		const result = await org.publish({
			plan: { rows: SAMPLE_ROWS },
			model,
			signal: controller.signal,
			// Asked once the first write call has answered (its progress names what it created).
			onProgress: ({ phase }) => {
				if (phase.startsWith('Creating ')) controller.abort();
			},
		});
		expect(result.summary.stopped).toMatchObject({ code: 'CANCELLED' });
		expect(result.summary.stopped!.message).toMatch(/changes were written/);
		// Part written, part not: the calls pack territories and their user assignments together (composite-pack.ts),
		// so the cut is between calls, not between territories.
		const partly = org.model('Stopped');
		expect(partly.territories.length).toBeGreaterThan(0);
		expect(result.rows.filter((r) => r.status === 'skipped').length).toBeGreaterThan(0);
		expect(result.rows.some((r) => r.changes.some((c) => c.status === 'skipped' && c.errorCode === 'CANCELLED'))).toBe(true);
		expect(result.summary.phases!.map((p) => p.phase)).toEqual(expect.arrayContaining(['read', 'territoryCreate']));

		const again = await org.publish({ plan: { rows: SAMPLE_ROWS }, model });
		expect(again.summary.failed).toBe(0);
		expect(again.summary.stopped).toBeNull();
		expect(naturalKeyDuplicates(org.model('Stopped'))).toEqual([]);
		const imported = await importModel({ connection: org.connection, model });
		expect(normalisedPlan(imported.rows)).toEqual(normalisedPlan(SAMPLE_ROWS));
		expect(writeCount(await org.publish({ plan: { rows: SAMPLE_ROWS }, model }))).toBe(0);
		org.dropModel('Stopped');
	});

	it('a signal already aborted stops before anything is read', async () => {
		const controller = new AbortController();
		controller.abort();
		const calls = org.sandbox.requestLog.apiCalls;
		await expect(org.publish({ plan: { rows: SAMPLE_ROWS }, model: { developerName: 'Never' }, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
		expect(org.sandbox.requestLog.apiCalls).toBe(calls);
	});

	it('each phase of a publish carries its time, calls and records', async () => {
		const result = await org.publish({ plan: { rows: SAMPLE_ROWS.slice(0, 5) }, model: { developerName: 'Timed' } });
		const phases = result.summary.phases!;
		expect(phases.map((p) => p.phase)).toEqual(expect.arrayContaining(['read', 'modelCreate', 'territoryCreate', 'userAssociationCreate']));
		const created = phases.find((p) => p.phase === 'territoryCreate')!;
		expect(created.records).toBe(5);
		// The model's create opens the call that carries the territories too: its check and that call.
		expect(phases.find((p) => p.phase === 'modelCreate')!.calls).toBeGreaterThanOrEqual(2);
		expect(phases.reduce((n, p) => n + p.calls, 0)).toBe(result.summary.apiUsage.calls);
		org.dropModel('Timed');
	});
});
