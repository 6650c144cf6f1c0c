/**
 * The four measured scenarios. Each returns plain numbers; bench/report.ts turns them into tables.
 * Every measurement runs against its own fresh sandbox org, and every check that the work was really
 * done (no failed rows, the same records written) runs before a number is kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importModel, publishPlan, type PublishResult } from '../lib';
import { applyChangeSet } from '../lib/org/apply';
import { connect } from '../lib/org/connect';
import { OBJECTS, type SObjectName } from '../lib/salesforce';
import type { Change, ChangeSet, FieldValue } from '../lib/sync/types';
import { check, measure, median, naiveReplay, scriptConnection, withOrg, type Measured, type Org } from './harness';
import { generateAccountPlan, generateLargePlan } from './large-plan';

export interface Cost {
	calls: number;
	/** Of the calls, those that wrote. */
	writeCalls: number;
	ms: number;
	records: number;
}

const SAMPLE_MODEL = { developerName: 'Bench_Sample', name: 'Bench Sample' };
const LARGE_MODEL = { developerName: 'Bench_Large', name: 'Bench Large' };

export function samplePlanCsv(): string {
	return readFileSync(path.join(__dirname, '..', 'demo', 'sample-plan.csv'), 'utf8');
}

function cost(m: Measured<unknown>): Cost {
	return { calls: m.calls, writeCalls: m.writeCalls, ms: m.ms, records: m.records };
}

/** Median time over repetitions; calls and records must not vary (they are deterministic). */
function combine(runs: Cost[], what: string): Cost {
	for (const r of runs) {
		check(r.calls === runs[0].calls, `${what}: API calls differ between repetitions (${r.calls} vs ${runs[0].calls})`);
		check(r.records === runs[0].records, `${what}: records written differ between repetitions`);
	}
	return { calls: runs[0].calls, writeCalls: runs[0].writeCalls, records: runs[0].records, ms: median(runs.map((r) => r.ms)) };
}

function writes(result: PublishResult): number {
	return Object.values(result.summary.counts).reduce((n, actions) => n + Object.values(actions).reduce((m, k) => m + k, 0), 0);
}

function checkPublished(result: PublishResult, what: string): void {
	check(result.issues.length === 0, `${what}: the plan has issues: ${JSON.stringify(result.issues.slice(0, 3))}`);
	check(result.summary.failed === 0 && result.summary.skipped === 0 && !result.summary.stopped, `${what}: ${result.summary.failed} failed, ${result.summary.skipped} skipped, stopped=${JSON.stringify(result.summary.stopped)}`);
}

// ---------------------------------------------------------------------------------------------------
// 1 and 2: the sample plan, engine vs one-call-per-record baseline, then a re-publish

export interface SampleResult {
	latencyMs: number;
	reps: number;
	engine: Cost;
	/** Change set size the engine applied (records). */
	changes: number;
	naive: Cost | null;
	republish: Cost;
	republishWrites: number;
}

export async function sampleScenario(latencyMs: number, reps: number, withBaseline: boolean): Promise<SampleResult> {
	const csv = samplePlanCsv();
	const engineRuns: Cost[] = [];
	const naiveRuns: Cost[] = [];
	const republishRuns: Cost[] = [];
	let changes = 0;
	let republishWrites = 0;
	for (let rep = 0; rep < reps; rep++) {
		if (withBaseline) naiveRuns.push(await naiveSample(latencyMs, csv));
		await withOrg(latencyMs, async (org) => {
			const first = await measure(org, () => publishPlan({ connection: org.connection, plan: { csv }, model: SAMPLE_MODEL }));
			checkPublished(first.value, 'publish of the sample plan');
			changes = first.value.changeSet.changes.length;
			engineRuns.push(cost(first));
			const again = await measure(org, () => publishPlan({ connection: org.connection, plan: { csv }, model: SAMPLE_MODEL }));
			checkPublished(again.value, 're-publish of the sample plan');
			republishWrites = writes(again.value);
			check(republishWrites === 0 && again.records === 0, `re-publish of the unchanged plan wrote ${again.records} records`);
			republishRuns.push(cost(again));
		});
	}
	const engine = combine(engineRuns, 'sample publish');
	const naive = withBaseline ? combine(naiveRuns, 'naive sample publish') : null;
	if (naive) check(naive.records === engine.records, `the baseline wrote ${naive.records} records, the engine ${engine.records}`);
	return { latencyMs, reps, engine, changes, naive, republish: combine(republishRuns, 'sample re-publish'), republishWrites };
}

/** The change set comes from a dry run (not measured); the measured part is login + one call per record. */
async function naiveSample(latencyMs: number, csv: string): Promise<Cost> {
	return withOrg(latencyMs, async (org) => {
		const dry = await publishPlan({ connection: org.connection, plan: { csv }, model: SAMPLE_MODEL, dryRun: true });
		check(dry.issues.length === 0, 'dry run of the sample plan has issues');
		const run = await measure(org, async () => naiveReplay(await scriptConnection(org), dry.changeSet));
		check(run.value.failed === 0, `the baseline failed ${run.value.failed} records`);
		return cost(run);
	});
}

// ---------------------------------------------------------------------------------------------------
// 3: the generated large plan

export interface LargeResult {
	latencyMs: number;
	territories: number;
	userAssignments: number;
	changes: number;
	publish: Cost;
	republish: Cost;
	importModel: Cost & { rows: number };
	/** The sample plan's publish at the same latency, measured in the same run: the scale reference. */
	sampleReference: Cost;
}

export async function largeScenario(latencyMs: number, sampleReference: Cost): Promise<LargeResult> {
	const rows = generateLargePlan();
	return withOrg(latencyMs, async (org) => {
		const first = await measure(org, () => publishPlan({ connection: org.connection, plan: { rows }, model: LARGE_MODEL }));
		checkPublished(first.value, 'publish of the large plan');
		const counts = first.value.summary.counts;
		const territories = counts.Territory2?.create ?? 0;
		const userAssignments = counts.UserTerritory2Association?.create ?? 0;
		check(territories === rows.length, `the large plan created ${territories} territories of ${rows.length}`);
		const again = await measure(org, () => publishPlan({ connection: org.connection, plan: { rows }, model: LARGE_MODEL }));
		checkPublished(again.value, 're-publish of the large plan');
		check(again.records === 0, `re-publish of the unchanged large plan wrote ${again.records} records`);
		const imported = await measure(org, () => importModel({ connection: org.connection, model: { developerName: LARGE_MODEL.developerName } }));
		check(imported.value.rows.length === rows.length, `import returned ${imported.value.rows.length} rows of ${rows.length}`);
		check(imported.value.summary.users > 0, 'import returned no users');
		return {
			latencyMs,
			territories,
			userAssignments,
			changes: first.value.changeSet.changes.length,
			publish: cost(first),
			republish: cost(again),
			importModel: { ...cost(imported), rows: imported.value.rows.length },
			sampleReference,
		};
	});
}

// ---------------------------------------------------------------------------------------------------
// 4: Composite vs Bulk API 2.0 for large assignment sets

export type AssignmentObject = typeof OBJECTS.userTerritory | typeof OBJECTS.objectTerritory;

export interface BulkRow {
	object: AssignmentObject;
	size: number;
	latencyMs: number;
	composite: Cost;
	bulk: Cost;
	bulkByKind: Partial<Record<string, number>>;
}

/** Territories enough for 20,000 distinct user/territory pairs (45 active demo users). */
const TERRITORIES_FOR_ASSIGNMENTS = 500;

interface Fixture {
	modelId: string;
	territoryIds: string[];
	userIds: string[];
	accountIds: string[];
}

/** A model with plain territories, written straight into the store: setup is not what is measured. */
function fixture(org: Org): Fixture {
	const store = org.sandbox.store;
	const typeId = String(store.select('Territory2Type', 'DeveloperName', 'Territory')[0]?.Id ?? '');
	check(typeId, 'the demo org has no Territory type');
	const modelId = store.adminCreate('Territory2Model', { Name: 'Bench Bulk', DeveloperName: 'Bench_Bulk' });
	const territoryIds: string[] = [];
	for (let i = 0; i < TERRITORIES_FOR_ASSIGNMENTS; i++) {
		territoryIds.push(store.adminCreate('Territory2', { Name: `Bulk ${i}`, DeveloperName: `Bulk_${i}`, Territory2ModelId: modelId, Territory2TypeId: typeId }));
	}
	const userIds = store
		.records('User')
		.filter((u) => u.IsActive === true && String(u.Username).endsWith('@acme-demo.example'))
		.map((u) => String(u.Id));
	const accountIds = store.records('Account').map((a) => String(a.Id));
	return { modelId, territoryIds, userIds, accountIds };
}

/** n distinct creates: each user (account) over territory after territory. */
export function assignmentChangeSet(object: AssignmentObject, size: number, f: Fixture): ChangeSet {
	const pool = object === OBJECTS.userTerritory ? f.userIds : f.accountIds;
	check(Math.ceil(size / pool.length) <= f.territoryIds.length, `${size} ${object} creates need more territories`);
	const changes: Change[] = [];
	for (let k = 0; k < size; k++) {
		const territoryId = f.territoryIds[Math.floor(k / pool.length)];
		const fields: Record<string, FieldValue> =
			object === OBJECTS.userTerritory
				? { UserId: pool[k % pool.length], Territory2Id: territoryId, RoleInTerritory2: 'Sales Rep' }
				: { ObjectId: pool[k % pool.length], Territory2Id: territoryId, AssociationCause: 'Territory2Manual' };
		changes.push({
			id: `${object}:${k}`,
			object: object as SObjectName,
			action: 'create',
			recordId: null,
			label: `${object} ${k}`,
			fields,
			diff: [],
			reason: 'benchmark',
			rows: [],
			dependsOn: [],
			phase: 1,
		});
	}
	return { modelDeveloperName: 'Bench_Bulk', modelId: f.modelId, changes, issues: [], warnings: [] };
}

async function applyOnce(object: AssignmentObject, size: number, latencyMs: number, bulkThreshold: number): Promise<Measured<unknown>> {
	return withOrg(latencyMs, async (org) => {
		const cs = assignmentChangeSet(object, size, fixture(org));
		const conn = await connect({ connection: org.connection });
		const run = await measure(org, () => applyChangeSet(conn, cs, { bulkThreshold }));
		const notDone = run.value.outcomes.filter((o) => o.status !== 'done');
		check(notDone.length === 0, `${object} × ${size}: ${notDone.length} not done, first: ${JSON.stringify(notDone[0])}`);
		check(run.records === size, `${object} × ${size}: the org wrote ${run.records} records`);
		return run;
	});
}

export async function bulkScenario(object: AssignmentObject, size: number, latencyMs: number, reps: number): Promise<BulkRow> {
	const compositeRuns: Cost[] = [];
	const bulkRuns: Cost[] = [];
	let bulkByKind: Partial<Record<string, number>> = {};
	for (let rep = 0; rep < reps; rep++) {
		// Alternate the order so a slow spell of the shared machine does not always hit the same path.
		const order = rep % 2 === 0 ? ['composite', 'bulk'] : ['bulk', 'composite'];
		for (const pathName of order) {
			const run = await applyOnce(object, size, latencyMs, pathName === 'bulk' ? 1 : Number.POSITIVE_INFINITY);
			if (pathName === 'bulk') {
				bulkRuns.push(cost(run));
				bulkByKind = run.byKind;
			} else compositeRuns.push(cost(run));
		}
	}
	return {
		object,
		size,
		latencyMs,
		composite: combine(compositeRuns, `${object} × ${size} composite`),
		bulk: combine(bulkRuns, `${object} × ${size} bulk`),
		bulkByKind,
	};
}

// ---------------------------------------------------------------------------------------------------
// 4b: the same through publishPlan, with the Accounts column (end to end, default threshold)

export interface AccountPlanResult {
	latencyMs: number;
	accountAssignments: number;
	publish: Cost;
	/** Calls of the publish per endpoint kind (shows whether Bulk 2.0 was used). */
	byKind: Partial<Record<string, number>>;
	republish: Cost;
	republishByKind: Partial<Record<string, number>>;
}

export async function accountPlanScenario(latencyMs: number): Promise<AccountPlanResult> {
	return withOrg(latencyMs, async (org) => {
		const keys = org.sandbox.store.records('Account').map((a) => String(a.External_Key__c));
		const rows = generateAccountPlan(keys);
		const options = { connection: org.connection, plan: { rows }, model: { developerName: 'Bench_Accounts' }, accountKeyField: 'External_Key__c' };
		const first = await measure(org, () => publishPlan(options));
		checkPublished(first.value, 'publish of the account plan');
		const accountAssignments = first.value.summary.counts[OBJECTS.objectTerritory]?.create ?? 0;
		check(accountAssignments === rows.length * 50, `the account plan created ${accountAssignments} account assignments`);
		const again = await measure(org, () => publishPlan(options));
		checkPublished(again.value, 're-publish of the account plan');
		check(again.records === 0, `re-publish of the unchanged account plan wrote ${again.records} records`);
		return { latencyMs, accountAssignments, publish: cost(first), byKind: first.byKind, republish: cost(again), republishByKind: again.byKind };
	});
}
