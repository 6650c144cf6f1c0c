/**
 * applyChangeSet with ruleLinks: 'metadata' against a sandbox org whose RuleTerritory2Association has no
 * REST create or delete: real jsforce Metadata API calls (SOAP) over HTTP.
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

function metadataCalls(since: number): { reads: number; updates: number } {
	const entries = t.sandbox.requestLog.entries.slice(since).filter((e) => e.kind === 'metadata');
	return { reads: entries.filter((e) => !e.write).length, updates: entries.filter((e) => e.write).length };
}

describe("applyChangeSet, rule links through the Metadata API (ruleLinks: 'metadata')", () => {
	it('links 25 territories in batches of 10 components, and a second run adds nothing', async () => {
		const o = model('Batch', 25);
		const cs = changeSet('Batch', o, Array.from({ length: 25 }, (_, i) => linkCreate(o, `T${i}`, `R${i}`)));
		const start = t.sandbox.requestLog.entries.length;
		const first = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
		expect(first.stopped).toBeNull();
		expect(first.outcomes.every((x) => x.status === 'done')).toBe(true);
		expect(links(o)).toHaveLength(25);
		expect(metadataCalls(start)).toEqual({ reads: 3, updates: 3 });
		// No REST write was sent.
		expect(t.sandbox.requestLog.entries.slice(start).filter((e) => e.kind !== 'metadata' && e.write)).toEqual([]);

		const again = t.sandbox.requestLog.entries.length;
		const second = await applyChangeSet(org, cs, { ruleLinks: 'metadata' });
		expect(second.outcomes.every((x) => x.status === 'done')).toBe(true);
		expect(metadataCalls(again)).toEqual({ reads: 3, updates: 0 });
		expect(links(o)).toHaveLength(25);
	});

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

	it("reports Salesforce's code and message per change, and writes the other territories", async () => {
		const o = model('Errors', 3);
		const unknownRule = { ...linkCreate(o, 'T1', 'R1'), id: 'RuleTerritory2Association:Nope:T1', ruleLink: { territoryDeveloperName: 'T1', ruleDeveloperName: 'Nope' } };
		const result = await applyChangeSet(org, changeSet('Errors', o, [linkCreate(o, 'T0', 'R0'), unknownRule, linkCreate(o, 'T2', 'R2')]), { ruleLinks: 'metadata' });
		expect(statuses(result)).toEqual(['R0:T0=done', 'Nope:T1=failed:INVALID_CROSS_REFERENCE_KEY', 'R2:T2=done']);
		expect(result.outcomes[1].message).toBe('Errors.T1: In field: ruleName - no Territory2Rule named Nope found [ruleName]');
		expect(links(o)).toEqual(['R0→T0', 'R2→T2']);
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
		expect(metadataCalls(start)).toEqual({ reads: 0, updates: 0 });
	});

	it('retries 503s and a lost answer by reading the components again, without duplicates', async () => {
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

		// The org writes the update, then the connection is cut: the retry reads what is there and is done.
		const o2 = model('Cut', 2);
		const start = t.sandbox.requestLog.entries.length;
		t.sandbox.faults.set({ stopAfterRecordsWritten: 2, stopMode: 'destroy' });
		const cut = await applyChangeSet(org, changeSet('Cut', o2, [linkCreate(o2, 'T0', 'R0'), linkCreate(o2, 'T1', 'R1'), linkCreate(o2, 'T1', 'R0')]), {
			ruleLinks: 'metadata',
		});
		t.sandbox.faults.clear();
		// T0 (1 record) and T1 (2 records) are one call: 3 > 2, so the call is cut before T1; T0 stays written.
		expect(links(o2)).toEqual(['R0→T0']);
		expect(cut.stopped).not.toBeNull();
		expect(metadataCalls(start).updates).toBe(3);
		const resumed = await applyChangeSet(org, changeSet('Cut', o2, [linkCreate(o2, 'T0', 'R0'), linkCreate(o2, 'T1', 'R1'), linkCreate(o2, 'T1', 'R0')]), {
			ruleLinks: 'metadata',
		});
		expect(resumed.outcomes.every((x) => x.status === 'done')).toBe(true);
		expect(links(o2)).toEqual(['R0→T0', 'R0→T1', 'R1→T1']);
	});

	it('stops cleanly on REQUEST_LIMIT_EXCEEDED: nothing half-written, the rest skipped', async () => {
		const o = model('Limit', 2);
		const cs = changeSet('Limit', o, [linkCreate(o, 'T0', 'R0'), linkCreate(o, 'T1', 'R1')]);
		// The read is allowed, the update is not.
		t.sandbox.apiUsage.max = t.sandbox.apiUsage.used + 1;
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
