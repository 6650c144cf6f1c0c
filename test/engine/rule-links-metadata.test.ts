/**
 * Rule links written two ways, end to end through publishPlan: REST (an org whose describe lets
 * RuleTerritory2Association be created) and the Metadata API (an org where it cannot be: the sandbox
 * refuses its REST create and delete, so every link there went through Territory2 ruleAssociations).
 * Both must leave the same org, converge after a crash, and write nothing when nothing changed.
 */
import { importModel, type PublishOptions } from '../../lib';
import { PHASE } from '../../lib/sync/phases';
import type { PlanRow } from '../../lib/plan/types';
import { SAMPLE_CSV, SAMPLE_ROWS, naturalKeyDuplicates, normalisedPlan, startEngineOrg, writeCount, type EngineOrg } from './fixtures';

type Path = 'rest' | 'metadata';

/** An org for a path: the metadata one refuses REST writes of rule links. */
const orgFor = (path: Path) => startEngineOrg(path === 'metadata' ? { ruleLinksViaRest: false } : {});
const publishOn = (org: EngineOrg, path: Path, options: Omit<PublishOptions, 'connection'>) => org.publish({ ...options, ruleLinkPath: path });

/** The model's rule links as "rule → territory (inherited)". */
function linkSet(org: EngineOrg, model: string): string[] {
	const s = org.sandbox.store;
	const name = (id: unknown) => String(s.get(String(id))?.record.DeveloperName);
	return org
		.model(model)
		.ruleLinks.map((a) => `${name(a.RuleId)} → ${name(a.Territory2Id)}${a.IsInherited ? ' (inherited)' : ''}`)
		.sort();
}

/** Each territory's own fields, by DeveloperName (Ids differ between orgs). */
function territoryFields(org: EngineOrg, model: string): Record<string, unknown>[] {
	const s = org.sandbox.store;
	const name = (id: unknown) => (id ? String(s.get(String(id))?.record.DeveloperName) : null);
	return org
		.model(model)
		.territories.map((t) => ({
			DeveloperName: t.DeveloperName,
			Name: t.Name,
			Description: t.Description,
			AccountAccessLevel: t.AccountAccessLevel,
			OpportunityAccessLevel: t.OpportunityAccessLevel,
			CaseAccessLevel: t.CaseAccessLevel,
			ContactAccessLevel: t.ContactAccessLevel,
			Parent: name(t.ParentTerritory2Id),
			Type: name(t.Territory2TypeId),
			ForecastUser: name(t.ForecastUserId),
		}))
		.sort((a, b) => String(a.DeveloperName).localeCompare(String(b.DeveloperName)));
}

/** REST writes that touched rule links (none may exist on the metadata path). */
function restLinkWrites(org: EngineOrg): number {
	return org.sandbox.requestLog.entries.filter((e) => e.write && e.kind !== 'metadata' && e.objects.includes('RuleTerritory2Association')).length;
}

/**
 * The sample edited so that rule links change: a region gains postal codes (a rule and its link are
 * created), a territory loses its postal codes (its rule goes, and its link with it).
 */
function editedRows(): PlanRow[] {
	const rows = SAMPLE_ROWS.map((r) => ({ ...r }));
	rows[0]['Postal Codes'] = '99501, 99502';
	const dropped = rows.findIndex((r, i) => i > 3 && r.Type === 'Territory' && String(r['Postal Codes']).trim() !== '');
	rows[dropped]['Postal Codes'] = '';
	return rows;
}

describe('rule links through REST and through the Metadata API', () => {
	const orgs: Partial<Record<Path, EngineOrg>> = {};
	const model = { developerName: 'Links' };
	beforeAll(async () => {
		[orgs.rest, orgs.metadata] = await Promise.all([orgFor('rest'), orgFor('metadata')]);
	}, 60_000);
	afterAll(async () => {
		await Promise.all(Object.values(orgs).map((o) => o?.stop()));
	});

	it('the sample plan publishes the same org on both paths', async () => {
		const [rest, metadata] = await Promise.all((['rest', 'metadata'] as const).map((p) => publishOn(orgs[p]!, p, { plan: { csv: SAMPLE_CSV }, model })));
		for (const r of [rest, metadata]) {
			expect(r.issues).toEqual([]);
			expect(r.summary.failed).toBe(0);
			expect(r.summary.stopped).toBeNull();
		}
		const links = linkSet(orgs.rest!, 'Links');
		expect(links.length).toBeGreaterThan(100);
		expect(linkSet(orgs.metadata!, 'Links')).toEqual(links);
		expect(territoryFields(orgs.metadata!, 'Links')).toEqual(territoryFields(orgs.rest!, 'Links'));
		expect(metadata.summary.counts.RuleTerritory2Association).toEqual(rest.summary.counts.RuleTerritory2Association);
		// Every link of the metadata org went through the Metadata API: 10 territories a call.
		expect(restLinkWrites(orgs.metadata!)).toBe(0);
		const soapWrites = orgs.metadata!.sandbox.requestLog.entries.filter((e) => e.kind === 'metadata' && e.write).length;
		expect(soapWrites).toBe(Math.ceil(links.length / 10));
		const [a, b] = await Promise.all((['rest', 'metadata'] as const).map((p) => importModel({ connection: orgs[p]!.connection, model })));
		expect(normalisedPlan(b.rows)).toEqual(normalisedPlan(a.rows));
		expect(normalisedPlan(b.rows)).toEqual(normalisedPlan(SAMPLE_ROWS));
	}, 120_000);

	it('re-publishing the unchanged plan writes nothing on both paths', async () => {
		for (const path of ['rest', 'metadata'] as const) {
			const org = orgs[path]!;
			org.sandbox.requestLog.reset();
			const again = await publishOn(org, path, { plan: { csv: SAMPLE_CSV }, model });
			expect(writeCount(again)).toBe(0);
			expect(org.sandbox.requestLog.writeCalls).toBe(0);
		}
	}, 60_000);

	it('rule link changes (a new rule, a rule gone, a hand-made link replaced) land alike, and territories keep their fields', async () => {
		const rows = editedRows();
		const handMadeOn = String(rows[3].Key);
		for (const path of ['rest', 'metadata'] as const) {
			const org = orgs[path]!;
			const s = org.sandbox.store;
			// A hand-made rule linked to a territory in Setup; "touch hand-made rules" replaces its link.
			const modelId = org.model('Links').id!;
			const rule = s.adminCreate('ObjectTerritory2AssignmentRule', { DeveloperName: 'Hand_Rule', MasterLabel: 'Hand', ObjectType: 'Account', Territory2ModelId: modelId, IsActive: true });
			const territory = org.model('Links').territories.find((t) => t.DeveloperName === handMadeOn)!;
			s.adminCreate('RuleTerritory2Association', { RuleId: rule, Territory2Id: territory.Id, IsInherited: false });
		}
		const before = orgs.metadata!.dump();
		const results = await Promise.all(
			(['rest', 'metadata'] as const).map((p) => publishOn(orgs[p]!, p, { plan: { rows }, model, touchHandMadeRules: true })),
		);
		for (const r of results) {
			expect(r.issues).toEqual([]);
			expect(r.summary.failed).toBe(0);
			expect(r.summary.counts.RuleTerritory2Association).toEqual({ create: 1, delete: 1 });
		}
		const links = linkSet(orgs.rest!, 'Links');
		expect(linkSet(orgs.metadata!, 'Links')).toEqual(links);
		expect(links.some((l) => l.startsWith('Hand_Rule'))).toBe(false);
		expect(links.some((l) => l.endsWith(`→ ${String(rows[0].Key)}`))).toBe(true);
		expect(restLinkWrites(orgs.metadata!)).toBe(0);
		// The metadata writes changed links only: no Territory2 record was modified or lost a field.
		expect(orgs.metadata!.changesSince(before).filter((l) => / Territory2 /.test(l))).toEqual([]);
		expect(territoryFields(orgs.metadata!, 'Links')).toEqual(territoryFields(orgs.rest!, 'Links'));
		const again = await publishOn(orgs.metadata!, 'metadata', { plan: { rows }, model, touchHandMadeRules: true });
		expect(writeCount(again)).toBe(0);
	}, 120_000);

	it("the sandbox really refuses REST link writes in that org: publishing there through REST fails the links' rows", async () => {
		const org = orgs.metadata!;
		const refused = await publishOn(org, 'rest', { plan: { rows: SAMPLE_ROWS.slice(0, 4) }, model: { developerName: 'Refused' } });
		const links = refused.rows.flatMap((r) => r.changes).filter((c) => c.object === 'RuleTerritory2Association');
		expect(links.length).toBeGreaterThan(0);
		expect(links.every((c) => c.status === 'failed' && c.errorCode === 'INVALID_TYPE_FOR_OPERATION')).toBe(true);
		expect(refused.rows.find((r) => r.key === String(SAMPLE_ROWS[3].Key))?.status).toBe('failed');
		expect(linkSet(org, 'Refused')).toEqual([]);
		org.dropModel('Refused');
	}, 60_000);
});

describe('a publish stopped during the Metadata API link phase, then run again', () => {
	// k: records the crash lets through once every change before the link phase is written.
	it.concurrent.each([0, 7, 60])('after %i links', async (k) => {
		const org = await orgFor('metadata');
		try {
			const model = { developerName: `Link_Crash_${k}` };
			const dry = await publishOn(org, 'metadata', { plan: { csv: SAMPLE_CSV }, model, dryRun: true });
			const beforeLinks = dry.changeSet.changes.filter((c) => c.phase < PHASE.ruleAssociationCreate).length;
			org.sandbox.faults.set({ stopAfterRecordsWritten: beforeLinks + k, stopMode: k % 2 ? 'error500' : 'destroy' });
			let stopped;
			try {
				stopped = await publishOn(org, 'metadata', { plan: { csv: SAMPLE_CSV }, model });
			} finally {
				org.sandbox.faults.clear();
			}
			expect(stopped.summary.stopped).not.toBeNull();
			const state = org.model(model.developerName);
			expect(state.territories).toHaveLength(208);
			// Each territory has one rule, so each component written is one record: exactly k links made it.
			expect(state.ruleLinks).toHaveLength(k);
			expect(state.userLinks).toEqual([]);

			const resumed = await publishOn(org, 'metadata', { plan: { csv: SAMPLE_CSV }, model });
			expect(resumed.issues).toEqual([]);
			expect(resumed.summary.failed).toBe(0);
			expect(resumed.summary.stopped).toBeNull();
			const after = org.model(model.developerName);
			expect(naturalKeyDuplicates(after)).toEqual([]);
			expect(after.ruleLinks.length).toBe(after.rules.length);
			const imported = await importModel({ connection: org.connection, model });
			expect(normalisedPlan(imported.rows)).toEqual(normalisedPlan(SAMPLE_ROWS));
			org.sandbox.requestLog.reset();
			const third = await publishOn(org, 'metadata', { plan: { csv: SAMPLE_CSV }, model });
			expect(writeCount(third)).toBe(0);
			expect(org.sandbox.requestLog.writeCalls).toBe(0);
		} finally {
			await org.stop();
		}
	}, 120_000);
});
