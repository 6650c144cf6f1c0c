/**
 * `npm run bench` (S and M) and `npm run bench -- --full` (S, M, L, XL): the engine against the sandbox
 * org, each in processes of their own, and bench/RESULTS.md. See bench/config.ts for the flags.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from './config';
import { measureSize, type SizeResult } from './measure';
import { consoleTable, resultsMarkdown } from './results';

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	const config = parseArgs(argv);
	const started = performance.now();
	const step = (text: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);
	type Saved = { results: SizeResult[]; totalSeconds: number; command: string; date: string; config: typeof config };
	let saved: Saved | undefined;
	if (config.render) {
		saved = JSON.parse(readFileSync(config.render, 'utf8')) as Saved;
	} else {
		const results: SizeResult[] = [];
		const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
		const keep = () => {
			saved = { results, totalSeconds: (performance.now() - started) / 1000, command, date: new Date().toISOString(), config };
			// After every size, so that a run cut short keeps what it measured.
			if (config.json) writeFileSync(config.json, JSON.stringify(saved, null, 1));
		};
		for (const size of config.sizes) {
			results.push(await measureSize(size, config, step));
			keep();
		}
	}
	if (!saved) throw new Error('nothing measured');
	const { results, totalSeconds } = saved;
	console.log(consoleTable(results));
	if (config.out) {
		writeFileSync(config.out, resultsMarkdown(results, { command: saved.command, totalSeconds, config: saved.config, date: saved.date }));
		console.log(`Results written to ${path.relative(process.cwd(), config.out)} (${totalSeconds.toFixed(0)} s in all)`);
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
	process.exitCode = 1;
});
