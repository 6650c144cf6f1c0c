/**
 * applyChangeSet with ruleLinks: 'metadata' against a sandbox org whose RuleTerritory2Association has no
 * REST create or delete: real jsforce Metadata API calls (SOAP retrieve, deploy and their status checks)
 * over HTTP.
 */
import { applyChangeSet, type ApplyResult } from '../../lib/org/apply';
import { connect, type OrgConnection } from '../../lib/org/connect';
import type { Change, ChangeSet, FieldValue } from '../../lib/sync/types';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

let t: TestSandbox;
let org: OrgConnection;
let typeId: string;

beforeAll(async () => {
	t = await startTestSandbox({ ruleLinksViaRest: false, edition: 'Unlimited' });
	org = await connect({ connection: t.sandbox.passwordLogin() }, { retryDelayMs: 5 });
	typeId = t.sandbox.store.adminCreate('Territory2Type', { DeveloperName: 'Geo', MasterLabel: 'Geo', Priority: 1 });
});
afterAll(() => t.stop());
afterEach(() => {
	t.sandbox.faults.clear();
	for (const m of t.sandbox.store.records('Territory2Model').slice()) t.sandbox.store.deleteOne('Territory2Model', String(m.Id));
});

interface Org {
	modelId: string;
	territories: Record<string, string>;
	rules: Record<string, string>;
}

/** A model made in Setup with `n` territories T0..Tn-1 (described, with access levels) and a rule R_i each. */
function model(name: string, n: number): Org {
	const s = t.sandbox.store;
	const modelId = s.adminCreate('Territory2Model', { Name: name, DeveloperName: name });
	const territories: Record<string, string> = {};
	const rules: Record<string, string> = {};
	for (let i = 0; i < n; i++) {
		territories[`T${i}`] = s.adminCreate('Territory2', {
			Name: `Territory ${i}`,
			DeveloperName: `T${i}`,
			Territory2ModelId: modelId,
			Territory2TypeId: typeId,
			ParentTerritory2Id: i > 0 ? territories.T0 : null,
			Description: `Territory number ${i}`,
			AccountAccessLevel: 'Edit',
			OpportunityAccessLevel: 'Read',
			CaseAccessLevel: 'Edit',
		});
		rules[`R${i}`] = s.adminCreate('ObjectTerritory2AssignmentRule', {
			DeveloperName: `R${i}`,
			MasterLabel: `R${i}`,
			ObjectType: 'Account',
			Territory2ModelId: modelId,
			IsActive: true,
		});
	}
	return { modelId, territories, rules };
}

function linkCreate(o: Org, territory: string, rule: string, extra: Partial<Change> = {}): Change {
	const fields: Record<string, FieldValue> = { RuleId: o.rules[rule], Territory2Id: o.territories[territory], IsInherited: false };
	return {
		id: `RuleTerritory2Association:${rule}:${territory}`,
		object: 'RuleTerritory2Association',
		action: 'create',
		recordId: null,
		label: `${rule} → ${territory}`,
		fields,
		diff: [],
		reason: 'new in plan',
		rows: [],
		dependsOn: [],
		phase: 5300,
		ruleLink: { territoryDeveloperName: territory, ruleDeveloperName: rule },
		...extra,
	};
}

function linkDelete(o: Org, territory: string, rule: string): Change {
	const link = t.sandbox.store.select('RuleTerritory2Association', 'Territory2Id', o.territories[territory]).find((a) => a.RuleId === o.rules[rule]);
	return {
		...linkCreate(o, territory, rule),
		id: `RuleTerritory2Association:${rule}:${territory}:delete`,
		action: 'delete',
		recordId: link ? link.Id : '0OJ000000000000AAA',
		fields: {},
		phase: 40,
	};
}

const changeSet = (name: string, o: Org, changes: Change[]): ChangeSet => ({ modelDeveloperName: name, modelId: o.modelId, changes, issues: [], warnings: [] });

/** "rule→territory" of every link of the model. */
function links(o: Org): string[] {
	const s = t.sandbox.store;
	const ids = new Set(Object.values(o.territories));
	return s
		.records('RuleTerritory2Association')
		.filter((a) => ids.has(String(a.Territory2Id)))
		.map((a) => `${String(s.get(String(a.RuleId))?.record.DeveloperName)}→${String(s.get(String(a.Territory2Id))?.record.DeveloperName)}`)
		.sort();
}

function statuses(result: ApplyResult): string[] {
	return result.outcomes.map((o) => `${o.changeId.split(':').slice(1).join(':')}=${o.status}${o.errorCode ? `:${o.errorCode}` : ''}`);
}

/** Metadata API calls since a log position, by SOAP operation (each one counts against the API allowance). */
function metadataCalls(since: number): Record<string, number> {
	const calls: Record<string, number> = {};
	for (const e of t.sandbox.requestLog.entries.slice(since)) {
		if (e.kind !== 'metadata') continue;
		expect(e.apiCall).toBe(true);
		calls[e.operation ?? '?'] = (calls[e.operation ?? '?'] ?? 0) + 1;
	}
	return calls;
}


describe("applyChangeSet, rule links through the Metadata API (ruleLinks: 'metadata')", () => {
	it('links 250 territories in two chunks of at most 200 components (10 API calls), and a second run retrieves only (4 calls)', async () => {
		const o = model('Batch', 250);
		const cs = changeSet('Batch', o, Array.from({ length: 250 }, (_, i) => linkCreate(o, `T${i}`, `R${i}`)));
		const start = t.sandbox.requestLog.entries.length;
		const first = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
		expect(first.stopped).toBeNull();
		expect(first.outcomes.every((x) => x.status === 'done')).toBe(true);
		expect(links(o)).toHaveLength(250);
		// Per chunk: retrieve + 1 status check, deploy + 2 (the sandbox answers InProgress first).
		expect(metadataCalls(start)).toEqual({ retrieve: 2, checkRetrieveStatus: 2, deploy: 2, checkDeployStatus: 4 });
		// The two deploys wrote 200 and 50 links.
		expect(t.sandbox.requestLog.entries.slice(start).filter((e) => e.operation === 'deploy').map((e) => e.recordsWritten)).toEqual([200, 50]);
		// No REST write was sent.
		expect(t.sandbox.requestLog.entries.slice(start).filter((e) => e.kind !== 'metadata' && e.write)).toEqual([]);

		const again = t.sandbox.requestLog.entries.length;
		const second = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
		expect(second.outcomes.every((x) => x.status === 'done')).toBe(true);
		expect(metadataCalls(again)).toEqual({ retrieve: 2, checkRetrieveStatus: 2 });
		expect(links(o)).toHaveLength(250);
	}, 60_000);

	it('changes only ruleAssociations: every other field of the territory is written back as read', async () => {
		const o = model('Fields', 3);
		t.sandbox.store.adminCreate('RuleTerritory2Association', { RuleId: o.rules.R0, Territory2Id: o.territories.T2, IsInherited: true });
		const before = { ...t.sandbox.store.get(o.territories.T2)!.record };
		const result = await applyChangeSet(org, changeSet('Fields', o, [linkDelete(o, 'T2', 'R0'), linkCreate(o, 'T2', 'R2')]), { ruleLinks: 'metadata' });
		expect(statuses(result)).toEqual(['R0:T2:delete=done', 'R2:T2=done']);
		expect(links(o)).toEqual(['R2→T2']);
		// The sandbox clears what an update leaves out: the record would differ had anything been dropped.
		expect(t.sandbox.store.get(o.territories.T2)!.record).toEqual(before);
	});

	it("a componentFailure fails that territory's links with Salesforce's problem; the others are deployed again on their own and land", async () => {
		const o = model('Errors', 3);
		const unknownRule = { ...linkCreate(o, 'T1', 'R1'), id: 'RuleTerritory2Association:Nope:T1', ruleLink: { territoryDeveloperName: 'T1', ruleDeveloperName: 'Nope' } };
		const start = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, changeSet('Errors', o, [linkCreate(o, 'T0', 'R0'), unknownRule, linkCreate(o, 'T2', 'R2')]), { ruleLinks: 'metadata' });
		expect(statuses(result)).toEqual(['R0:T0=done', 'Nope:T1=failed:DEPLOY_FAILED', 'R2:T2=done']);
		expect(result.outcomes[1].message).toBe('Errors.T1: Error: In field: ruleName - no Territory2Rule named Nope found');
		expect(links(o)).toEqual(['R0→T0', 'R2→T2']);
		// The first deploy rolled back whole (rollbackOnError); the second carried T0 and T2 alone.
		expect(metadataCalls(start)).toEqual({ retrieve: 1, checkRetrieveStatus: 1, deploy: 2, checkDeployStatus: 4 });
		expect(t.sandbox.requestLog.entries.slice(start).filter((e) => e.operation === 'deploy').map((e) => e.recordsWritten)).toEqual([0, 2]);
	});

	it('skips a link whose territory create failed, as the REST path does', async () => {
		const o = model('Deps', 1);
		const territory: Change = {
			id: 'Territory2:New',
			object: 'Territory2',
			action: 'create',
			recordId: null,
			label: 'New',
			fields: { Name: 'New', DeveloperName: 'New', Territory2ModelId: o.modelId, Territory2TypeId: typeId, AccountAccessLevel: 'Nope' },
			diff: [],
			reason: 'new in plan',
			rows: [],
			dependsOn: [],
			phase: 1000,
		};
		const link = linkCreate(o, 'T0', 'R0', {
			id: 'RuleTerritory2Association:R0:New',
			fields: { RuleId: o.rules.R0, Territory2Id: { $ref: 'Territory2:New' }, IsInherited: false },
			ruleLink: { territoryDeveloperName: 'New', ruleDeveloperName: 'R0' },
		});
		const start = t.sandbox.requestLog.entries.length;
		const result = await applyChangeSet(org, changeSet('Deps', o, [territory, link]), { ruleLinks: 'metadata' });
		expect(statuses(result)).toEqual(['New=failed:INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'R0:New=skipped:DEPENDENCY_FAILED']);
		expect(metadataCalls(start)).toEqual({});
	});

	it('retries 503s by retrieving the components again, without duplicates', async () => {
		const o = model('Retry', 12);
		const cs = changeSet('Retry', o, Array.from({ length: 12 }, (_, i) => linkCreate(o, `T${i}`, `R${i}`)));
		t.sandbox.faults.set({ unavailableRate: 0.5, endpoints: ['metadata'], seed: 7 });
		const result = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
		t.sandbox.faults.clear();
		const failed = result.outcomes.filter((x) => x.status !== 'done');
		if (failed.length) {
			// Three unlucky tries in a row: the run stops; what it did not link is linked by the next run.
			expect(result.stopped?.code).toBe('SERVER_UNAVAILABLE');
			await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
		}
		expect(links(o)).toHaveLength(12);
		expect(t.sandbox.store.records('RuleTerritory2Association').filter((a) => Object.values(o.territories).includes(String(a.Territory2Id)))).toHaveLength(12);
	});

	// A deploy is one job: a crash inside it lands all of it or none of it (sandbox/README.md, stopAfterRecordsWritten).
	const cutChanges = (o: Org) => [linkCreate(o, 'T0', 'R0'), linkCreate(o, 'T1', 'R1'), linkCreate(o, 'T1', 'R0')];

	it.each(['destroy', 'error500'] as const)(
		'the connection drops before the deploy answers (%s): nothing of it lands, the run stops, a re-run converges',
		async (stopMode) => {
			const o = model(`Before_${stopMode}`, 2);
			const cs = changeSet(`Before_${stopMode}`, o, cutChanges(o));
			const start = t.sandbox.requestLog.entries.length;
			// The deploy carries 3 links; only 2 records may still be written, so the org crashes inside it.
			t.sandbox.faults.set({ stopAfterRecordsWritten: 2, stopMode });
			const cut = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
			t.sandbox.faults.clear();
			expect(links(o)).toEqual([]);
			expect(cut.stopped).not.toBeNull();
			expect(cut.outcomes.every((x) => x.status === 'failed')).toBe(true);
			// Three tries (maxTries): each retrieves again and deploys again, and no deploy got an answer.
			expect(metadataCalls(start)).toEqual({ retrieve: 3, checkRetrieveStatus: 3, deploy: 3 });

			const resumed = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
			expect(resumed.outcomes.every((x) => x.status === 'done')).toBe(true);
			expect(links(o)).toEqual(['R0→T0', 'R0→T1', 'R1→T1']);
		},
	);

	it.each(['destroy', 'error500'] as const)(
		'the connection drops while polling a deploy that landed (%s): the retrieve that follows finds the links, nothing is deployed twice',
		async (stopMode) => {
			const o = model(`Polling_${stopMode}`, 2);
			const cs = changeSet(`Polling_${stopMode}`, o, cutChanges(o));
			const start = t.sandbox.requestLog.entries.length;
			// Exactly the deploy's 3 records may be written: it lands whole, then the org is down for its status checks.
			t.sandbox.faults.set({ stopAfterRecordsWritten: 3, stopMode });
			const result = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
			t.sandbox.faults.clear();
			expect(statuses(result)).toEqual(['R0:T0=done', 'R1:T1=done', 'R0:T1=done']);
			expect(result.stopped).toBeNull();
			expect(links(o)).toEqual(['R0→T0', 'R0→T1', 'R1→T1']);
			expect(metadataCalls(start)).toEqual({ retrieve: 2, checkRetrieveStatus: 2, deploy: 1, checkDeployStatus: 1 });

			const again = t.sandbox.requestLog.entries.length;
			await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
			expect(metadataCalls(again)).toEqual({ retrieve: 1, checkRetrieveStatus: 1 });
			expect(links(o)).toEqual(['R0→T0', 'R0→T1', 'R1→T1']);
		},
	);

	it('stops cleanly on REQUEST_LIMIT_EXCEEDED: nothing half-written, the rest skipped', async () => {
		const o = model('Limit', 2);
		const cs = changeSet('Limit', o, [linkCreate(o, 'T0', 'R0'), linkCreate(o, 'T1', 'R1')]);
		// The retrieve and its status check are allowed, the deploy is not.
		t.sandbox.apiUsage.max = t.sandbox.apiUsage.used + 2;
		let result: ApplyResult;
		try {
			result = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
		} finally {
			t.sandbox.apiUsage.max = 100_000;
		}
		expect(result.stopped?.code).toBe('REQUEST_LIMIT_EXCEEDED');
		expect(statuses(result)).toEqual(['R0:T0=skipped:REQUEST_LIMIT_EXCEEDED', 'R1:T1=skipped:REQUEST_LIMIT_EXCEEDED']);
		expect(links(o)).toEqual([]);
	});

	it('without ruleLinks the same change set goes through REST, which this org refuses', async () => {
		const o = model('Rest', 1);
		const result = await applyChangeSet(org, changeSet('Rest', o, [linkCreate(o, 'T0', 'R0')]));
		expect(statuses(result)).toEqual(['R0:T0=failed:INVALID_TYPE_FOR_OPERATION']);
		expect(links(o)).toEqual([]);
	});
});
