/**
 * The four operations of one size, measured in one run against one sandbox org process: first publish,
 * unchanged re-publish, re-publish with 5 % of the territories changed, import; then parse + validate +
 * diff of the plan (median of N). Beside each: the per-record baseline (one REST call per record
 * written and per record read by Id) and the lower bound (records written ÷ 1,020 per Composite call,
 * records read ÷ 2,000 per query page).
 */
import { RECORDS_PER_CALL } from '../lib/org/composite-pack';
import { LIMITS } from '../lib/salesforce';
import { callsByPurpose, type CallPurpose, type PurposeCount } from './call-kinds';
import type { BenchConfig } from './config';
import { SIZES, type SizeName } from './plan-generator';
import { OrgProcess, runWorker, type LatencyModel, type OrgStats } from './processes';
import type { WorkerJob, WorkerResult } from './engine-worker';

export type OperationName = 'first publish' | 'unchanged re-publish' | '5 % changed' | 'import';

export interface Operation {
	name: OperationName;
	stats: OrgStats;
	worker: WorkerResult;
	/** One REST call per record written and per record read by Id. */
	baseline: number;
	/** ⌈written ÷ 1,020⌉ + ⌈read ÷ 2,000⌉. */
	lowerBound: number;
	writeBound: number;
	/** The API calls split by what they were for (the sandbox's request log; absent in older JSON files). */
	purposes?: Partial<Record<CallPurpose, PurposeCount>>;
}

export interface SizeResult {
	size: SizeName;
	territories: number;
	operations: Operation[];
	diffMs: number[];
	diffMedianMs: number;
	changedTerritories: number;
	/** The sandbox's latency model for this size (absent in older JSON files: the run's config.latency). */
	latency?: LatencyModel;
}

export function bounds(stats: Pick<OrgStats, 'recordsWritten' | 'recordsRead'>): { baseline: number; lowerBound: number; writeBound: number } {
	const writeBound = Math.ceil(stats.recordsWritten / RECORDS_PER_CALL);
	return {
		baseline: stats.recordsWritten + stats.recordsRead,
		writeBound,
		lowerBound: writeBound + Math.ceil(stats.recordsRead / LIMITS.queryPageSize),
	};
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(`Benchmark sanity check failed: ${message}`);
}

export async function measureSize(name: SizeName, config: BenchConfig, step: (text: string) => void): Promise<SizeResult> {
	const size = SIZES[name];
	step(`${name}: starting the sandbox org (${size.users} extra users, ${size.accounts} accounts)`);
	const profile = (who: string) => (config.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', config.cpuProf, '--cpu-prof-name', `${name}-${who}-${Date.now()}.cpuprofile`] : []);
	const org = await OrgProcess.start(size, config.latency, profile('sandbox'));
	try {
		const model = `Bench_${name}`;
		const job = (op: WorkerJob['op'], changed = false): WorkerJob => ({ op, size: name, changed, connection: org.connection, model, reps: config.diffReps });
		const operations: Operation[] = [];
		const run = async (label: OperationName, j: WorkerJob): Promise<Operation> => {
			step(`${name}: ${label}`);
			await org.reset();
			const worker = await runWorker(j, profile(label.replace(/\W+/g, '-')));
			const stats = await org.stats();
			const op = { name: label, stats, worker, ...bounds(stats), purposes: callsByPurpose(await org.log()) };
			operations.push(op);
			return op;
		};
		const first = await run('first publish', job('publish'));
		check(first.worker.failed === 0, `${name} first publish: ${first.worker.failed} changes failed or skipped`);
		check(first.stats.recordsWritten === first.worker.changes, `${name} first publish wrote ${first.stats.recordsWritten} of ${first.worker.changes} records`);
		const again = await run('unchanged re-publish', job('publish'));
		check(again.stats.recordsWritten === 0 && again.stats.writeCalls === 0, `${name} unchanged re-publish wrote ${again.stats.recordsWritten} records in ${again.stats.writeCalls} calls`);
		const changed = await run('5 % changed', job('publish', true));
		check(changed.worker.failed === 0, `${name} 5 % change: ${changed.worker.failed} failed or skipped`);
		const imported = await run('import', job('import'));
		check(imported.worker.rows === size.territories, `${name} import returned ${imported.worker.rows} rows of ${size.territories}`);
		step(`${name}: parse + validate + diff × ${config.diffReps}`);
		const timing = await runWorker(job('diff'), profile('diff'));
		const diffMs = timing.repsMs ?? [];
		return { size: name, territories: size.territories, operations, diffMs, diffMedianMs: median(diffMs), changedTerritories: changed.worker.changedTerritories ?? 0, latency: { ...config.latency } };
	} finally {
		await org.stop();
	}
}
