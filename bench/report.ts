/**
 * Tables and the recorded result file (bench/results.md). Only ratios of numbers measured in the same
 * run and deterministic call counts are meant to be compared across machines; absolute times are shown
 * for context.
 */
import type { AccountPlanResult, BulkRow, Cost, LargeResult, SampleResult } from './scenarios';

export interface BenchResults {
	sample: SampleResult[];
	large: LargeResult[];
	bulk: BulkRow[];
	accountPlan: AccountPlanResult[];
	bulkThreshold: number;
}

const ms = (n: number): string => `${Math.round(n).toLocaleString('en-US')} ms`;
const int = (n: number): string => n.toLocaleString('en-US');
const ratio = (n: number): string => (Number.isFinite(n) ? `${n >= 10 ? n.toFixed(0) : n.toFixed(2)}×` : 'n/a');
const short = (object: string): string => (object === 'UserTerritory2Association' ? 'UserTerritory2Association (users)' : 'ObjectTerritory2Association (accounts)');

const withWrites = (c: Cost): string => `${int(c.calls)} (${int(c.writeCalls)})`;

function table(head: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function sampleTable(results: SampleResult[]): string {
	return table(
		['latency', 'engine calls (of them writes)', 'baseline calls', 'calls ratio (baseline ÷ engine)', 'engine time', 'baseline time', 'time ratio (baseline ÷ engine)', 'records written', 'reps'],
		results.map((r) => [
			`${r.latencyMs} ms`,
			withWrites(r.engine),
			r.naive ? int(r.naive.calls) : 'not run',
			r.naive ? ratio(r.naive.calls / r.engine.calls) : '',
			ms(r.engine.ms),
			r.naive ? ms(r.naive.ms) : '',
			r.naive ? ratio(r.naive.ms / r.engine.ms) : '',
			int(r.engine.records),
			String(r.reps),
		]),
	);
}

export function republishTable(results: SampleResult[]): string {
	return table(
		['latency', 're-publish calls (reads only)', 'first publish calls', 're-publish time', 'time ratio (re-publish ÷ first publish)', 'records written'],
		results.map((r) => [
			`${r.latencyMs} ms`,
			int(r.republish.calls),
			int(r.engine.calls),
			ms(r.republish.ms),
			ratio(r.republish.ms / r.engine.ms),
			int(r.republish.records),
		]),
	);
}

export function largeTable(results: LargeResult[]): string {
	const rows: string[][] = [];
	for (const r of results) {
		const line = (what: string, c: Cost, extra = '') => [
			`${r.latencyMs} ms`,
			what,
			withWrites(c),
			int(c.records),
			ms(c.ms),
			ratio(c.ms / r.sampleReference.ms),
			extra,
		];
		rows.push(line('publish (new model)', r.publish, `${int(r.changes)} changes`));
		rows.push(line('re-publish (unchanged)', r.republish));
		rows.push(line('importModel', r.importModel, `${int(r.importModel.rows)} rows`));
	}
	return table(['latency', 'operation', 'API calls (of them writes)', 'records written', 'time', 'time ratio (÷ sample-plan publish, same latency)', ''], rows);
}

export function bulkTable(rows: BulkRow[]): string {
	return table(
		['object', 'creates', 'latency', 'Composite calls', 'Bulk 2.0 calls', 'Composite time', 'Bulk 2.0 time', 'time ratio (Bulk ÷ Composite)'],
		rows.map((r) => [
			short(r.object),
			int(r.size),
			`${r.latencyMs} ms`,
			int(r.composite.calls),
			int(r.bulk.calls),
			ms(r.composite.ms),
			ms(r.bulk.ms),
			ratio(r.bulk.ms / r.composite.ms),
		]),
	);
}

export function accountPlanTable(results: AccountPlanResult[]): string {
	const kinds = (k: Partial<Record<string, number>>) =>
		Object.entries(k)
			.filter(([kind]) => kind !== 'auth')
			.map(([kind, n]) => `${kind} ${n}`)
			.join(', ');
	return table(
		['latency', 'account assignments', 'publish calls (of them writes)', 'publish calls by endpoint', 'publish time', 're-publish calls by endpoint', 'time ratio (re-publish ÷ publish)'],
		results.map((r) => [
			`${r.latencyMs} ms`,
			int(r.accountAssignments),
			withWrites(r.publish),
			kinds(r.byKind),
			ms(r.publish.ms),
			`${int(r.republish.calls)}: ${kinds(r.republishByKind)}`,
			ratio(r.republish.ms / r.publish.ms),
		]),
	);
}

/** The smallest measured size at which Bulk costs fewer calls (and, separately, less time at the highest latency). */
export function crossovers(rows: BulkRow[]): { calls: number | null; time: number | null; timeLatency: number | null } {
	const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
	const everyObject = (size: number, pick: (r: BulkRow) => boolean, subset: BulkRow[]) =>
		subset.filter((r) => r.size === size).length > 0 && subset.filter((r) => r.size === size).every(pick);
	const calls = sizes.find((s) => everyObject(s, (r) => r.bulk.calls < r.composite.calls, rows)) ?? null;
	const highest = rows.length ? Math.max(...rows.map((r) => r.latencyMs)) : null;
	const atHighest = rows.filter((r) => r.latencyMs === highest);
	const time = sizes.find((s) => everyObject(s, (r) => r.bulk.ms < r.composite.ms, atHighest)) ?? null;
	return { calls, time, timeLatency: highest };
}

export function consoleReport(results: BenchResults): string {
	const parts: string[] = [];
	if (results.sample.length) {
		parts.push('1. Publish of demo/sample-plan.csv (new model) vs one REST call per record', sampleTable(results.sample), '');
		parts.push('2. Re-publish of the unchanged sample plan', republishTable(results.sample), '');
	}
	if (results.large.length) parts.push('3. Generated large plan', largeTable(results.large), '');
	if (results.bulk.length) {
		const c = crossovers(results.bulk);
		parts.push('4. Composite vs Bulk API 2.0 (applyChangeSet)', bulkTable(results.bulk));
		parts.push(`   Bulk needs fewer calls from ${c.calls === null ? '(never in this run)' : int(c.calls)} creates; is faster at ${c.timeLatency} ms from ${c.time === null ? '(never in this run)' : int(c.time)}. BULK_THRESHOLD = ${int(results.bulkThreshold)}.`, '');
	}
	if (results.accountPlan.length) parts.push('4b. 10,000 account assignments through publishPlan (default threshold)', accountPlanTable(results.accountPlan), '');
	return parts.join('\n');
}
