/**
 * `ts-node bench/diff-only.ts SIZE [REPS] [--latency MS] [--cpu-prof DIR]`: parse + validate + diff of a generated plan against a fresh
 * org of its size (a first publish's diff: the snapshot has no model yet), in a worker process, and the
 * worker's peak RSS. The quick check of the 5-second target when the whole XL run is too long to wait for.
 * `--latency MS` sets the sandbox's per-request latency (default the bench's; the diff itself is not
 * affected, only the snapshot read before it); `--cpu-prof DIR` writes the worker's V8 CPU profile there.
 */
import { DEFAULT_LATENCY } from './config';
import { median } from './measure';
import { SIZES, type SizeName } from './plan-generator';
import { OrgProcess, runWorker } from './processes';

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const flag = (name: string): string | undefined => {
		const at = args.indexOf(name);
		return at < 0 ? undefined : args.splice(at, 2)[1];
	};
	const latencyMs = flag('--latency');
	const profDir = flag('--cpu-prof');
	const name = (args[0] ?? 'XL').toUpperCase() as SizeName;
	const reps = Number(args[1] ?? 5);
	const latency = latencyMs === undefined ? DEFAULT_LATENCY : { ...DEFAULT_LATENCY, perRequestMs: Number(latencyMs) };
	const org = await OrgProcess.start(SIZES[name], latency);
	try {
		const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
		const r = await runWorker({ op: 'diff', size: name, connection: org.connection, model: `Bench_${name}`, reps }, nodeArgs);
		console.log(JSON.stringify({ size: name, medianMs: Math.round(median(r.repsMs ?? [])), repsMs: (r.repsMs ?? []).map(Math.round), changes: r.changes, maxRssMb: r.maxRssMb }));
	} finally {
		await org.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
	process.exitCode = 1;
});
