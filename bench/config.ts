/**
 * `npm run bench` arguments. Apart from run.ts and results.ts so that neither imports the other.
 */
import path from 'node:path';
import type { SizeName } from './plan-generator';
import type { LatencyModel } from './processes';

export interface BenchConfig {
	sizes: SizeName[];
	latency: LatencyModel;
	/** Repetitions of the parse + validate + diff timing (the median is reported). */
	diffReps: number;
	/** Where RESULTS.md goes; null: print only. */
	out: string | null;
	/** Also keep the raw results (JSON) here, for --render. */
	json: string | null;
	/** Render RESULTS.md from a --json file instead of measuring. */
	render: string | null;
	/** Write V8 CPU profiles of the sandbox and of every engine worker here (node --cpu-prof); null: none. */
	cpuProf: string | null;
}

/**
 * The latency model's default numbers: about a round trip to a Salesforce instance per request, and
 * 1 ms of server time per record written (a full Composite call of 1,020 records then takes about 1 s).
 */
export const DEFAULT_LATENCY: LatencyModel = { perRequestMs: 40, perRecordMs: 1 };

export const USAGE = `Usage: npm run bench -- [--full] [--sizes S,M,L,XL] [--per-request MS] [--per-record MS] [--diff-reps N] [--out FILE | --no-write] [--cpu-prof DIR]
  (default)          sizes S and M (a few minutes), writes bench/RESULTS.md
  --full             all four sizes: S, M, L (10,000 territories), XL (50,000 territories, 200,000 account assignments)
  --sizes LIST       the sizes to run
  --per-request MS   the sandbox's fixed latency per request (default ${DEFAULT_LATENCY.perRequestMs})
  --per-record MS    the sandbox's latency per record written (default ${DEFAULT_LATENCY.perRecordMs})
  --diff-reps N      repetitions of the parse + validate + diff timing (default 5; median reported)
  --out FILE         where to write the results (default bench/RESULTS.md); --no-write: print only
  --json FILE        also keep the raw results as JSON; --render FILE writes RESULTS.md from such a file
  --cpu-prof DIR     V8 CPU profiles of the sandbox org and of each engine operation into DIR (open in Chrome DevTools)`;

export function parseArgs(argv: string[]): BenchConfig {
	const config: BenchConfig = { sizes: ['S', 'M'], latency: { ...DEFAULT_LATENCY }, diffReps: 5, out: path.join(__dirname, 'RESULTS.md'), json: null, render: null, cpuProf: null };
	const number = (raw: string | undefined, flag: string): number => {
		const n = Number(raw);
		if (raw === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} takes a number of 0 or more\n${USAGE}`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		switch (arg) {
			case '--full':
				config.sizes = ['S', 'M', 'L', 'XL'];
				break;
			case '--sizes': {
				const list = (argv[++i] ?? '').split(',').map((s) => s.trim().toUpperCase());
				if (!list.length || list.some((s) => !['S', 'M', 'L', 'XL'].includes(s))) throw new Error(`--sizes takes S, M, L, XL separated by commas\n${USAGE}`);
				config.sizes = list as SizeName[];
				break;
			}
			case '--per-request':
				config.latency.perRequestMs = number(argv[++i], arg);
				break;
			case '--per-record':
				config.latency.perRecordMs = number(argv[++i], arg);
				break;
			case '--diff-reps':
				config.diffReps = Math.max(1, Math.round(number(argv[++i], arg)));
				break;
			case '--out':
				config.out = path.resolve(argv[++i] ?? '');
				break;
			case '--json':
				config.json = path.resolve(argv[++i] ?? '');
				break;
			case '--render':
				config.render = path.resolve(argv[++i] ?? '');
				break;
			case '--cpu-prof':
				config.cpuProf = path.resolve(argv[++i] ?? '');
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
