/**
 * The figures of a reliability run, measured by the tests themselves (the sandbox's fault counters, the
 * kills that landed, the checks' verdicts) and written to out/reliability/<file>.json when the file's
 * tests end. `npm run test:reliability` runs the tests and then scripts/reliability-report.ts, which adds
 * them up into RELIABILITY.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sandbox } from '../../sandbox';
import type { Verdict } from './checks';

export interface ScenarioFigures {
	/** What was done, e.g. "engine: 5 % UNABLE_TO_LOCK_ROW". */
	scenario: string;
	/** Write requests the sandbox served in the faulted run(s). */
	writeRequests: number;
	/** UNABLE_TO_LOCK_ROW refusals, 503 answers, session invalidations the sandbox injected. */
	lockRow: number;
	unavailable: number;
	sessionsExpired: number;
	/** Runs stopped by REQUEST_LIMIT_EXCEEDED. */
	limitStops: number;
	/** Publisher processes SIGKILLed mid-apply. */
	kills: number;
	/** Sandbox restarts from its state file mid-publish. */
	restarts: number;
	/** Plan records missing after the re-run, duplicate natural keys in the org. */
	lost: number;
	duplicates: number;
}

export class FigureBook {
	private readonly list: ScenarioFigures[] = [];

	constructor(private readonly file: string) {}

	/** Records a scenario: the injected-fault counters are read as the difference from `before`. */
	add(
		scenario: string,
		sandbox: Sandbox,
		before: Sandbox['faults']['injected'],
		verdict: Verdict,
		extra: Partial<Pick<ScenarioFigures, 'limitStops' | 'kills' | 'restarts' | 'writeRequests'>> = {},
	): void {
		const now = sandbox.faults.injected;
		this.list.push({
			scenario,
			writeRequests: extra.writeRequests ?? 0,
			lockRow: now.lockRow - before.lockRow,
			unavailable: now.unavailable - before.unavailable,
			sessionsExpired: now.sessionsExpired - before.sessionsExpired,
			limitStops: extra.limitStops ?? 0,
			kills: extra.kills ?? 0,
			restarts: extra.restarts ?? 0,
			lost: verdict.lost,
			duplicates: verdict.duplicates,
		});
	}

	/** Writes the figures (sorted by scenario: concurrent tests finish in any order). */
	save(): void {
		const dir = path.join(__dirname, '../../out/reliability');
		mkdirSync(dir, { recursive: true });
		const scenarios = [...this.list].sort((a, b) => a.scenario.localeCompare(b.scenario));
		writeFileSync(path.join(dir, `${this.file}.json`), `${JSON.stringify({ file: this.file, recordedAt: new Date().toISOString(), scenarios }, null, 2)}\n`);
	}
}

/** One pair of publishes released together at one model (test/engine/concurrent.test.ts, the n8n pair). */
export interface ConcurrencyFigures {
	scenario: string;
	/** Runs released together, and how many of them completed (no stop, no failure). */
	runs: number;
	completed: number;
	/** What the other did: "refused before writing", "stopped before territoryDelete after 60 changes", … */
	loser: string;
	/** The winner saw the loser's writes and made the model its plan in a second pass (lib/converge.ts). */
	secondPass: boolean;
	/** The model after both was the winner's plan exactly. */
	exact: boolean;
	duplicates: number;
	/** The loser, run again alone, ended with the model exactly its plan. */
	reRunConverged: boolean;
}

/** Writes one pair's figures to out/reliability/concurrency-<name>.json (each test file its own: no race). */
export function saveConcurrency(name: string, figures: ConcurrencyFigures): void {
	const dir = path.join(__dirname, '../../out/reliability');
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, `concurrency-${name}.json`), `${JSON.stringify({ recordedAt: new Date().toISOString(), ...figures }, null, 2)}\n`);
}

/** The loser's stop in a few words, from its MODEL_CHANGED message (lib/publish.ts). */
export function loserOutcome(message: string): string {
	const when = /changed under this publish (before [a-zA-Z]+|after its last write)/.exec(message)?.[1] ?? 'stopped';
	const written = /(\d+) changes of this run were written before/.exec(message)?.[1];
	return written ? `stopped ${when} after ${written} changes` : `refused ${when}, nothing written`;
}
