/**
 * `ts-node bench/diff-only.ts SIZE [REPS]`: parse + validate + diff of a generated plan against a fresh
 * org of its size (a first publish's diff: the snapshot has no model yet), in a worker process, and the
 * worker's peak RSS. The quick check of the 5-second target when the whole XL run is too long to wait for.
 */
import { DEFAULT_LATENCY } from './config';
import { median } from './measure';
import { SIZES, type SizeName } from './plan-generator';
import { OrgProcess, runWorker } from './processes';

async function main(): Promise<void> {
	const name = (process.argv[2] ?? 'XL').toUpperCase() as SizeName;
	const reps = Number(process.argv[3] ?? 5);
	const org = await OrgProcess.start(SIZES[name], DEFAULT_LATENCY);
	try {
		const r = await runWorker({ op: 'diff', size: name, connection: org.connection, model: `Bench_${name}`, reps });
		console.log(JSON.stringify({ size: name, medianMs: Math.round(median(r.repsMs ?? [])), repsMs: (r.repsMs ?? []).map(Math.round), changes: r.changes, maxRssMb: r.maxRssMb }));
	} finally {
		await org.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
	process.exitCode = 1;
});
