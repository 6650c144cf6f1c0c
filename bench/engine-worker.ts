/**
 * One measured engine operation in a process of its own, so that its peak RSS
 * (process.resourceUsage().maxRSS) is the engine's alone: the sandbox org runs in another process
 * (bench/org-process.ts). Started by bench/run.ts with one JSON job as its argument; prints one JSON
 * line: the wall time of the operation, the peak RSS, and what the operation reported.
 *
 * Operations: `publish` (the generated plan of a size, or its 5 % change), `import`, and `diff`
 * (parse + validate + diff of the plan against the org's snapshot, read once first, timed `reps` times).
 */
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) delete process.env[name];

import { performance } from 'node:perf_hooks';
import { importModel, publishPlan, type ConnectionSettings, type PlanRow } from '../lib';
import { connect } from '../lib/org/connect';
import { readSnapshot } from '../lib/org/snapshot';
import { parsePlan } from '../lib/plan';
import { collectAccountRefs, collectUserRefs } from '../lib/publish';
import { diff } from '../lib/sync';
import type { SnapshotRefs } from '../lib/org/types';
import { changePlan, generatePlan, SIZES, type PlanSize, type SizeName } from './plan-generator';

export interface WorkerJob {
	op: 'publish' | 'import' | 'diff';
	size: SizeName;
	/** Publish the 5 % change of the plan instead of the plan. */
	changed?: boolean;
	connection: ConnectionSettings;
	model: string;
	reps?: number;
}

export interface WorkerResult {
	ms: number;
	/** Peak resident set size of this process, MB. */
	maxRssMb: number;
	/** publish: records the change set holds, rows failed/skipped; import: rows; diff: every rep's ms. */
	changes?: number;
	failed?: number;
	rows?: number;
	repsMs?: number[];
	changedTerritories?: number;
}

const ACCOUNT_KEY = 'External_Key__c';

async function run(job: WorkerJob): Promise<WorkerResult> {
	const size = SIZES[job.size];
	const base = generatePlan(size);
	const changed = job.changed ? changePlan(base, size) : null;
	const rows = changed ? changed.rows : base;
	const model = { developerName: job.model, name: job.model.replace(/_/g, ' ') };
	const started = performance.now();
	if (job.op === 'publish') {
		const result = await publishPlan({ connection: job.connection, plan: { rows }, model, accountKeyField: ACCOUNT_KEY, maxTerritoriesPerModel: size.territories });
		const ms = performance.now() - started;
		if (result.issues.length) throw new Error(`The ${size.name} plan has issues: ${JSON.stringify(result.issues.slice(0, 3))}`);
		return { ms, maxRssMb: peakMb(), changes: result.changeSet.changes.length, failed: result.summary.failed + result.summary.skipped, changedTerritories: changed?.changed };
	}
	if (job.op === 'import') {
		const result = await importModel({ connection: job.connection, model, accountKeyField: ACCOUNT_KEY });
		return { ms: performance.now() - started, maxRssMb: peakMb(), rows: result.rows.length };
	}
	// diff: the snapshot is read once (not timed), then parse + validate + diff, `reps` times.
	const org = await connect({ connection: job.connection });
	const snapshot = await readSnapshot(org, model, snapshotRefs(rows, size));
	const repsMs: number[] = [];
	let changes = 0;
	for (let rep = 0; rep < (job.reps ?? 5); rep++) {
		const t0 = performance.now();
		const plan = parsePlan(rows, { maxTerritories: size.territories });
		const cs = diff(plan, snapshot, {
			modelDeveloperName: job.model,
			modelName: model.name,
			scopeRootKey: null,
			method: 'overwriteMatching',
			deleteMissing: false,
			touchHandMadeRules: false,
			createMissingTypes: false,
			allowActiveModel: false,
			manageAccounts: true,
			maxTerritoriesPerModel: size.territories,
		});
		repsMs.push(performance.now() - t0);
		changes = cs.changes.length;
	}
	return { ms: performance.now() - started, maxRssMb: peakMb(), repsMs, changes };
}

/**
 * What the diff's snapshot reads, from a plan parsed for it alone: in a function of its own, so that this
 * plan is not kept through the timed reps beside each rep's own (a local of run() lives until run returns,
 * and a publish holds one parsed plan, not two).
 */
function snapshotRefs(rows: PlanRow[], size: PlanSize): SnapshotRefs {
	const parsed = parsePlan(rows, { maxTerritories: size.territories });
	return { users: collectUserRefs(parsed.territories), accounts: collectAccountRefs(parsed.territories), accountKeyField: ACCOUNT_KEY };
}

/** ru_maxrss is in kilobytes on Linux. */
function peakMb(): number {
	return Math.round(process.resourceUsage().maxRSS / 1024);
}

run(JSON.parse(process.argv[2] ?? '{}') as WorkerJob)
	.then((result) => {
		process.stdout.write(`${JSON.stringify(result)}\n`);
	})
	.catch((err: unknown) => {
		process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
		process.exitCode = 1;
	});
