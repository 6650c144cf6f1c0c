/**
 * Rule links written two ways, end to end through publishPlan: REST (an org whose describe lets
 * RuleTerritory2Association be created) and the Metadata API (an org where it cannot be: the sandbox
 * refuses its REST create and delete, so every link there went through Territory2 files retrieved and
 * deployed with their ruleAssociations changed).
 * Both must leave the same org, converge after a crash, and write nothing when nothing changed.
 */
import { checkOrg, importModel, type PublishOptions } from '../../lib';
import { METADATA_CHUNK } from '../../lib/org/metadata-links';
import { PHASE } from '../../lib/sync/phases';
import type { PlanRow } from '../../lib/plan/types';
import { PLANNER_USERNAME, TERRITORY_MANAGER_PERMISSION_SET } from '../../sandbox/seed';
import { SAMPLE_CSV, SAMPLE_ROWS, naturalKeyDuplicates, normalisedPlan, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';

type Path = 'rest' | 'metadata';

/** An org for a path: the metadata one refuses REST writes of rule links. */
const orgFor = (path: Path) => startEngineOrg(path === 'metadata' ? { ruleLinksViaRest: false } : {});
/**
 * Publishes with the default path choice ('auto'): the org's describe of RuleTerritory2Association decides,
 * so every test here also proves that the describe picks the right path for each org. `path` names the
 * org's kind; only a test that means to go against the describe forces one.
 */
const publishOn = (org: EngineOrg, _path: Path, options: Omit<PublishOptions, 'connection'>) => org.publish(options);

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

/** Metadata API calls by SOAP operation since the log was reset. */
function metadataCalls(org: EngineOrg): Record<string, number> {
	const calls: Record<string, number> = {};
	for (const e of org.sandbox.requestLog.entries) if (e.kind === 'metadata') calls[e.operation ?? '?'] = (calls[e.operation ?? '?'] ?? 0) + 1;
	return calls;
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
		// Every link of the metadata org went through the Metadata API: one retrieve and one deploy per 200 territories.
		expect(restLinkWrites(orgs.metadata!)).toBe(0);
		// The sample links fewer than 200 territories: 5 API calls for all of its links.
		expect(new Set(links.map((l) => l.split(' → ')[1])).size).toBeLessThanOrEqual(METADATA_CHUNK);
		expect(metadataCalls(orgs.metadata!)).toEqual({ retrieve: 1, checkRetrieveStatus: 1, deploy: 1, checkDeployStatus: 2 });
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
			// No link changes: the Metadata API is not called at all.
			expect(metadataCalls(org)).toEqual({});
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
		orgs.metadata!.sandbox.requestLog.reset();
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
		// The link delete goes in the delete wave (before its rule is deleted), the create in the create wave
		// (after its rule exists): each a retrieve (+1 check) and a deploy (+2 checks), 10 API calls in all.
		expect(metadataCalls(orgs.metadata!)).toEqual({ retrieve: 2, checkRetrieveStatus: 2, deploy: 2, checkDeployStatus: 4 });
		// The metadata writes changed links only: no Territory2 record was modified or lost a field.
		expect(orgs.metadata!.changesSince(before).filter((l) => / Territory2 /.test(l))).toEqual([]);
		expect(territoryFields(orgs.metadata!, 'Links')).toEqual(territoryFields(orgs.rest!, 'Links'));
		const again = await publishOn(orgs.metadata!, 'metadata', { plan: { rows }, model, touchHandMadeRules: true });
		expect(writeCount(again)).toBe(0);
	}, 120_000);

	it('checkOrg and a dry run say which path each org takes', async () => {
		const [rest, metadata] = await Promise.all([checkOrg({ connection: orgs.rest!.connection }), checkOrg({ connection: orgs.metadata!.connection })]);
		expect([rest.ruleLinks, metadata.ruleLinks]).toEqual(['rest', 'metadata']);
		expect(metadata.text).toMatch(/Rule links: Metadata API/);
		const dry = await orgs.metadata!.publish({ plan: { csv: SAMPLE_CSV }, model: { developerName: 'Dry' }, dryRun: true });
		expect(dry.summary.orgCheck?.ruleLinks).toBe('metadata');
	});

	it('a user with Manage Territories but neither Modify All Data nor Modify Metadata is told before anything is written', async () => {
		const org = orgs.metadata!;
		const store = org.sandbox.store;
		const planner = store.records('User').find((u) => u.Username === PLANNER_USERNAME)!;
		const set = store.records('PermissionSet').find((p) => p.Name === TERRITORY_MANAGER_PERMISSION_SET)!;
		const grant = store.adminCreate('PermissionSetAssignment', { AssigneeId: planner.Id, PermissionSetId: set.Id });
		try {
			const connection = org.sandbox.passwordLogin(PLANNER_USERNAME);
			const before = org.dump();
			const refused = await org.publish({ connection, plan: { rows: SAMPLE_ROWS.slice(0, 4) }, model: { developerName: 'NoDeploy' } } as never);
			expect(refused.issues.map((i) => [i.row, i.column, i.code])).toEqual([[0, null, 'NOT_PERMITTED']]);
			expect(refused.issues[0].message).toMatch(/Modify All Data or Modify Metadata/);
			expect(org.changesSince(before)).toEqual([]);
			const report = await checkOrg({ connection });
			expect(report.permissions).toMatchObject({ manageTerritories: true, modifyMetadata: false });
			expect(report.problems.join(' ')).toMatch(/Metadata API, whose deploy needs Modify All Data or Modify Metadata/);
		} finally {
			store.deleteOne('PermissionSetAssignment', grant);
		}
	});

	it("the sandbox really refuses REST link writes in that org: publishing there through REST fails the links' rows", async () => {
		const org = orgs.metadata!;
		const refused = await org.publish({ plan: { rows: SAMPLE_ROWS.slice(0, 4) }, model: { developerName: 'Refused' }, ruleLinkPath: 'rest' });
		const links = refused.rows.flatMap((r) => r.changes).filter((c) => c.object === 'RuleTerritory2Association');
		expect(links.length).toBeGreaterThan(0);
		expect(links.every((c) => c.status === 'failed' && c.errorCode === 'INVALID_TYPE_FOR_OPERATION')).toBe(true);
		expect(refused.rows.find((r) => r.key === String(SAMPLE_ROWS[3].Key))?.status).toBe('failed');
		expect(linkSet(org, 'Refused')).toEqual([]);
		org.dropModel('Refused');
	}, 60_000);
});

describe('a publish stopped during the Metadata API link phase, then run again', () => {
	// A deploy is one job (rollbackOnError): a crash inside it lands all of its links or none of them.
	// 'none': the crash line is already passed when the links come (0 records left); 'inside': it falls
	// inside the deploy (7 records left), which writes nothing and is cut before its answer; 'polling':
	// exactly the deploy's records are left, so it lands whole and the connection drops while it is polled.
	it.concurrent.each([
		['none', 'destroy'],
		['inside', 'error500'],
		['polling', 'destroy'],
	] as const)('crash %s the deploy (%s)', async (where, stopMode) => {
		const org = await orgFor('metadata');
		try {
			const model = { developerName: `Link_Crash_${where}` };
			const dry = await publishOn(org, 'metadata', { plan: { csv: SAMPLE_CSV }, model, dryRun: true });
			const beforeLinks = dry.changeSet.changes.filter((c) => c.phase < PHASE.ruleAssociationCreate).length;
			const linkCount = dry.changeSet.changes.filter((c) => c.object === 'RuleTerritory2Association').length;
			// Each territory has one rule: one deploy carries every link (fewer than 200 territories).
			expect(linkCount).toBeLessThanOrEqual(METADATA_CHUNK);
			const left = where === 'none' ? 0 : where === 'inside' ? 7 : linkCount;
			org.sandbox.faults.set({ stopAfterRecordsWritten: beforeLinks + left, stopMode });
			let stopped;
			try {
				stopped = await publishOn(org, 'metadata', { plan: { csv: SAMPLE_CSV }, model });
			} finally {
				org.sandbox.faults.clear();
			}
			// Either way the run stops: user assignments come after the links and the org is down.
			expect(stopped.summary.stopped).not.toBeNull();
			const state = org.model(model.developerName);
			expect(state.territories).toHaveLength(208);
			expect(state.ruleLinks).toHaveLength(where === 'polling' ? linkCount : 0);
			expect(state.userLinks).toEqual([]);
			if (where === 'polling') {
				// The retrieve after the lost answer found the links: they are done, not failed, in this run.
				expect(stopped.rows.flatMap((r) => r.changes).filter((c) => c.object === 'RuleTerritory2Association').every((c) => c.status === 'done')).toBe(true);
			}

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
