/**
 * `npm run bench` — measures publish and import against the sandbox org on loopback and writes
 * bench/results.md. See the "How to run" section of bench/results.md for the flags.
 *
 * The machine is shared and noisy: times are only reported as ratios against a baseline measured in
 * the same run; API-call counts are deterministic and reported as absolute numbers.
 */
// jsforce reads proxy variables when it is loaded; the sandbox org is on loopback.
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete process.env[name];

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BULK_THRESHOLD } from '../lib/org/bulk';
import { OBJECTS } from '../lib/salesforce';
import { machine } from './harness';
import { consoleReport, type BenchResults } from './report';
import { resultsMarkdown } from './results-file';
import { accountPlanScenario, bulkScenario, largeScenario, sampleScenario, type AssignmentObject } from './scenarios';

export interface BenchConfig {
	quick: boolean;
	latencies: number[];
	/** Repetitions at 0 ms latency (medians are reported); runs with latency repeat once (they are slow and less noisy). */
	reps: number;
	bulkSizes: number[];
	bulkObjects: AssignmentObject[];
	/** Run the one-call-per-record baseline at latencies above 0 (about 65 s at 50 ms). */
	baselineWithLatency: boolean;
	out: string | null;
}

const USAGE = `Usage: npm run bench -- [--quick] [--reps N] [--latencies 0,50] [--sizes 1000,5000,7500,10000,20000]
                       [--no-latency-baseline] [--out FILE | --no-write]
  --quick                 about 30 s: 0 ms baseline only, one repetition, sizes 1000 and 10000 of user
                          assignments; prints the tables and writes nothing unless --out is given
  --reps N                repetitions of the 0 ms measurements (default 3; medians reported)
  --latencies L,...       sandbox latencies in ms (default 0,50)
  --sizes N,...           assignment-set sizes for the Composite vs Bulk comparison
  --no-latency-baseline   skip the one-call-per-record baseline above 0 ms (it takes about a minute)
  --out FILE              where to write the results (default bench/results.md; --no-write: nowhere)`;

function parseArgs(argv: string[]): BenchConfig {
	const quick = argv.includes('--quick');
	const config: BenchConfig = {
		quick,
		latencies: [0, 50],
		reps: quick ? 1 : 3,
		bulkSizes: quick ? [1000, 10000] : [1000, 5000, 7500, 10000, 20000],
		bulkObjects: quick ? [OBJECTS.userTerritory] : [OBJECTS.userTerritory, OBJECTS.objectTerritory],
		baselineWithLatency: !quick,
		out: quick ? null : path.join(__dirname, 'results.md'),
	};
	const numbers = (value: string | undefined, flag: string): number[] => {
		const list = (value ?? '').split(',').map((s) => Number(s.trim()));
		if (!list.length || list.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`${flag} takes whole numbers separated by commas`);
		return list;
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		switch (arg) {
			case '--quick':
				break;
			case '--reps':
				config.reps = Math.max(1, numbers(argv[++i], arg)[0]);
				break;
			case '--latencies':
				config.latencies = numbers(argv[++i], arg);
				break;
			case '--sizes':
				config.bulkSizes = numbers(argv[++i], arg).filter((n) => n > 0);
				break;
			case '--no-latency-baseline':
				config.baselineWithLatency = false;
				break;
			case '--out':
				config.out = path.resolve(argv[++i] ?? '');
				break;
			case '--no-write':
				config.out = null;
				break;
			case '--help':
			case '-h':
				console.log(USAGE);
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown argument ${arg}\n${USAGE}`);
		}
	}
	return config;
}

function repsAt(config: BenchConfig, latencyMs: number): number {
	return latencyMs === 0 ? config.reps : 1;
}

async function main(): Promise<void> {
	const config = parseArgs(process.argv.slice(2));
	const started = performance.now();
	const step = (text: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}`);
	const results: BenchResults = { sample: [], large: [], bulk: [], accountPlan: [], bulkThreshold: BULK_THRESHOLD };

	for (const latencyMs of config.latencies) {
		const baseline = latencyMs === 0 || config.baselineWithLatency;
		step(`sample plan at ${latencyMs} ms${baseline ? ' (with the one-call-per-record baseline)' : ''}`);
		results.sample.push(await sampleScenario(latencyMs, repsAt(config, latencyMs), baseline));
	}
	for (const latencyMs of config.latencies) {
		step(`large plan at ${latencyMs} ms`);
		const reference = results.sample.find((s) => s.latencyMs === latencyMs)!.engine;
		results.large.push(await largeScenario(latencyMs, reference));
	}
	for (const object of config.bulkObjects) {
		for (const size of config.bulkSizes) {
			for (const latencyMs of config.latencies) {
				step(`${object} × ${size} at ${latencyMs} ms: Composite vs Bulk 2.0`);
				// Two repetitions at 0 ms keep the whole run under about 3 minutes; call counts do not vary anyway.
				results.bulk.push(await bulkScenario(object, size, latencyMs, Math.min(2, repsAt(config, latencyMs))));
			}
		}
	}
	for (const latencyMs of config.latencies) {
		step(`account plan (10,000 account assignments through publishPlan) at ${latencyMs} ms`);
		results.accountPlan.push(await accountPlanScenario(latencyMs));
	}
	const totalSeconds = (performance.now() - started) / 1000;
	step('done');

	console.log(`\n${consoleReport(results)}`);
	const argv = process.argv.slice(2);
	const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
	if (config.out) {
		writeFileSync(config.out, resultsMarkdown(results, { machine: machine(), date: new Date().toISOString(), command, totalSeconds, config }));
		console.log(`Results written to ${path.relative(process.cwd(), config.out)} (${totalSeconds.toFixed(0)} s in all)`);
	} else {
		console.log(`(${totalSeconds.toFixed(0)} s in all; nothing written: use --out FILE to keep the results)`);
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
	process.exitCode = 1;
});
