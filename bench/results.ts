/**
 * The tables of a run and bench/RESULTS.md (machine, assumptions, command, ratios, targets). Call
 * counts are deterministic and compare across machines; times and RSS are this machine's.
 */
import { cpus, totalmem } from 'node:os';
import type { CallPurpose } from './call-kinds';
import type { BenchConfig } from './config';
import type { Operation, SizeResult } from './measure';
import { SIZES } from './plan-generator';
import type { LatencyModel } from './processes';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${int(n)} ms`);
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×` : a === 0 ? '–' : 'n/a');

function table(head: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const latencyText = (l: LatencyModel): string => `${l.perRequestMs} ms a request + ${l.perRecordMs} ms a record`;
const sameLatency = (a: LatencyModel, b: LatencyModel): boolean => a.perRequestMs === b.perRequestMs && a.perRecordMs === b.perRecordMs;

/** A size's name, with its latency model when it ran at another than the run's (merged JSON files). */
function sizeLabel(r: SizeResult, latency: LatencyModel | undefined): string {
	return r.latency && latency && !sameLatency(r.latency, latency) ? `${r.size} (at ${latencyText(r.latency)})` : r.size;
}

export function operationsTable(results: SizeResult[], latency?: LatencyModel): string {
	const rows: string[][] = [];
	for (const r of results) {
		for (const op of r.operations) {
			const s = op.stats;
			rows.push([
				sizeLabel(r, latency),
				op.name,
				int(s.apiCalls),
				int(s.writeCalls),
				int(s.recordsWritten),
				int(s.recordsRead),
				int(op.lowerBound),
				ratio(s.apiCalls, op.lowerBound),
				int(op.writeBound),
				ratio(s.writeCalls, op.writeBound),
				int(op.baseline),
				ratio(op.baseline, s.apiCalls),
				ms(op.worker.ms),
				`${int(op.worker.maxRssMb)} MB`,
			]);
		}
	}
	return table(
		['size', 'operation', 'API calls', 'write calls', 'records written', 'records read', 'lower bound (calls)', 'calls ÷ bound', 'write bound', 'write calls ÷ write bound', 'per-record baseline (calls)', 'baseline ÷ calls', 'wall time', 'engine peak RSS'],
		rows,
	);
}

/** The split of the API calls by purpose (bench/call-kinds.ts); operations measured before it have none. */
const PURPOSE_COLUMNS: [string, CallPurpose[]][] = [
	['snapshot reads', ['snapshot read']],
	['guard reads', ['guard read']],
	['write calls', ['write call']],
	['Bulk API 2.0 job', ['bulk job: create', 'bulk job: upload', 'bulk job: close', 'bulk job: status poll', 'bulk job: results']],
	['other', ['other']],
];

export function purposesTable(results: SizeResult[], latency?: LatencyModel): string | null {
	const rows: string[][] = [];
	for (const r of results) {
		for (const op of r.operations) {
			const p = op.purposes;
			if (!p) continue;
			const sum = (purposes: CallPurpose[], key: 'calls' | 'pages' | 'recordsRead' | 'serveMs' | 'waitMs') => purposes.reduce((n, k) => n + (p[k]?.[key] ?? 0), 0);
			const all = PURPOSE_COLUMNS.flatMap(([, purposes]) => purposes);
			rows.push([
				sizeLabel(r, latency),
				op.name,
				...PURPOSE_COLUMNS.map(([, purposes]) => {
					const calls = sum(purposes, 'calls');
					const pages = sum(purposes, 'pages');
					const polls = purposes.includes('bulk job: status poll') ? p['bulk job: status poll']?.calls ?? 0 : 0;
					const extra = pages ? ` (${int(pages)} pages, ${int(sum(purposes, 'recordsRead'))} records)` : polls ? ` (${int(polls)} polls)` : '';
					return calls ? `${int(calls)}${extra}` : '–';
				}),
				ms(sum(all, 'serveMs')),
				// Split files written before the waits were logged have none.
				all.some((k) => p[k]?.waitMs !== undefined) ? ms(sum(all, 'waitMs')) : 'not logged',
			]);
		}
	}
	if (!rows.length) return null;
	return table(['size', 'operation', ...PURPOSE_COLUMNS.map(([name]) => name), 'sandbox serving', 'latency waits'], rows);
}

export function diffTable(results: SizeResult[]): string {
	return table(
		['size', 'territories', 'parse + validate + diff, median', 'each run'],
		results.map((r) => [r.size, int(r.territories), ms(r.diffMedianMs), r.diffMs.map((x) => ms(x)).join(', ')]),
	);
}

interface Target {
	what: string;
	met: boolean | null;
	detail: string;
}

const op = (r: SizeResult | undefined, name: Operation['name']) => r?.operations.find((o) => o.name === name);

export function targets(results: SizeResult[]): Target[] {
	const out: Target[] = [];
	for (const r of results) {
		const first = op(r, 'first publish')!;
		const limit = 1.25 * first.writeBound;
		out.push({
			what: `${r.size}: first publish within 1.25 × the lower bound in write calls`,
			met: first.stats.writeCalls <= limit,
			detail: `${int(first.stats.writeCalls)} write calls for ${int(first.stats.recordsWritten)} records: ${ratio(first.stats.writeCalls, first.writeBound)} the bound of ${int(first.writeBound)} (at most ${limit.toFixed(2)})`,
		});
		const again = op(r, 'unchanged re-publish')!;
		const pages = Math.ceil(again.stats.recordsRead / 2000);
		out.push({
			what: `${r.size}: unchanged re-publish makes no writes, only reads`,
			met: again.stats.writeCalls === 0 && again.stats.recordsWritten === 0,
			detail: `${int(again.stats.writeCalls)} write calls; ${int(again.stats.apiCalls)} read calls for ${int(again.stats.recordsRead)} records read (${int(pages)} pages of 2,000: ${ratio(again.stats.apiCalls, Math.max(1, pages))})`,
		});
		const changed = op(r, '5 % changed')!;
		const share = changed.stats.recordsWritten / Math.max(1, first.stats.recordsWritten);
		// A changed rep is a chain of outcomes: release the forecast manager, remove the old assignment, add
		// the new one, set the manager: 3 write calls at least, however few records.
		const allowed = Math.max(3, Math.ceil(1.25 * changed.writeBound));
		out.push({
			what: `${r.size}: a 5 % change costs in proportion`,
			met: changed.stats.writeCalls <= allowed,
			detail: `${int(r.changedTerritories)} territories changed: ${int(changed.stats.recordsWritten)} records (${(share * 100).toFixed(1)} % of the first publish's) in ${int(changed.stats.writeCalls)} write calls (write bound ${int(changed.writeBound)}, dependency chain 3: at most ${allowed}); ${int(changed.stats.apiCalls)} calls in all`,
		});
	}
	const m = results.find((r) => r.size === 'M');
	const mFirst = op(m, 'first publish');
	out.push({
		what: 'M: at least 100 × fewer calls than the per-record baseline (first publish)',
		met: mFirst ? mFirst.baseline / mFirst.stats.apiCalls >= 100 : null,
		detail: mFirst ? `${int(mFirst.baseline)} ÷ ${int(mFirst.stats.apiCalls)} = ${ratio(mFirst.baseline, mFirst.stats.apiCalls)}` : 'M not run',
	});
	const xl = results.find((r) => r.size === 'XL');
	const peak = xl ? Math.max(...xl.operations.map((o) => o.worker.maxRssMb)) : null;
	out.push({ what: "XL: completes with the engine's peak RSS under 1 GB", met: peak === null ? null : peak < 1024, detail: peak === null ? 'XL not run (npm run bench -- --full)' : `peak ${int(peak)} MB` });
	out.push({
		what: 'XL: parse + validate + diff under 5 s (median of 5)',
		met: xl ? xl.diffMedianMs < 5000 : null,
		detail: xl ? `median ${ms(xl.diffMedianMs)}` : 'XL not run (npm run bench -- --full)',
	});
	return out;
}

function targetsTable(results: SizeResult[]): string {
	return table(
		['target', 'met', 'measured'],
		targets(results).map((t) => [t.what, t.met === null ? 'not run' : t.met ? 'yes' : '**no**', t.detail]),
	);
}

export function consoleTable(results: SizeResult[]): string {
	return [operationsTable(results), '', purposesTable(results) ?? '', '', diffTable(results), '', targetsTable(results)].join('\n');
}

interface RunInfo {
	command: string;
	totalSeconds: number;
	config: BenchConfig;
	date: string;
}

export function resultsMarkdown(results: SizeResult[], info: RunInfo): string {
	const list = cpus();
	const machine = `${list[0]?.model.trim() ?? 'unknown CPU'}, ${list.length} cores (shared with other work), ${Math.round(totalmem() / 2 ** 30)} GB, ${process.platform} ${process.arch}, Node ${process.version}`;
	const { perRequestMs, perRecordMs } = info.config.latency;
	const otherLatency = results.filter((r) => r.latency && !sameLatency(r.latency, info.config.latency));
	const otherLatencyText = otherLatency.length
		? ` **${otherLatency.map((r) => `${r.size} ran at ${latencyText(r.latency!)}`).join('; ')}** (marked in the tables): its wall times are not comparable with the others'; its calls and records are.`
		: '';
	const purposes = purposesTable(results, info.config.latency);
	const sizes = Object.values(SIZES)
		.map((s) => `${s.name}: ${int(s.territories)} territories (${s.regions} regions, ${s.districts} districts), ${int(s.accountAssignments)} account assignments; sandbox seeded with ${int(s.users)} extra users and ${int(s.accounts)} accounts`)
		.join('\n- ');
	return `# Benchmarks: plans of four sizes against the sandbox org

Recorded by \`${info.command}\` on ${info.date.slice(0, 16).replace('T', ' ')} UTC, in ${info.totalSeconds.toFixed(0)} s.
Machine: ${machine}.

## How it is measured

- **Plans** (\`bench/plan-generator.ts\`): regions → districts → territories; every territory's postal codes
  are a contiguous run of up to 40 real US ZIP codes from the \`zipcodes\` npm package (8.0.0, sorted); one
  user per territory with a role (Owner for region and district managers, Sales Rep for reps), each its
  territory's forecast manager; manual account assignments by External_Key__c (Accounts column).
  - ${sizes}
- **Processes**: the sandbox org runs as \`sandbox/cli.ts --json --control\` in a process of its own, seeded
  with the users and accounts the size needs (never through the engine); each measured engine operation
  runs in a fresh Node process (\`bench/engine-worker.ts\`, bundled to JavaScript once per run with esbuild,
  as the engine runs compiled in n8n: no TypeScript compiler in the process), so its **peak RSS** is
  \`process.resourceUsage().maxRSS\` of the engine alone (with the generated plan's rows it is handed and
  the ZIP code data set it is generated from). API calls, write calls, records written and records read
  are counted by the sandbox's request log (read over \`--control\`), not by the engine.
- **The concurrency guard's reads are included** (\`lib/org/guard.ts\`): a publish that writes takes the
  guard's first state from its snapshot's own reads (\`readSnapshotAndGuard\`), then reads the model, its
  territories and rules and two aggregates of its user and account assignments (one Composite call and
  the pages of the territories and rules) before each write call that starts a phase not checked yet, and
  once after its last write call; those reads are requests like any other, counted in *API calls* and
  *records read* (write calls and records written are unchanged by them). An unchanged re-publish reads
  only its snapshot.
- **Noise**: the machine is shared with other work (other builds and test runs on the same 2 cores, often
  a load average far above 2). API calls, write calls and records are exact and repeat run after run;
  wall times, parse + validate + diff times and, less so, peak RSS depend on that load.
- **Latency model** (assumption): every response waits **${perRequestMs} ms per request plus ${perRecordMs} ms per record
  written** (\`latency: { perRequestMs, perRecordMs }\`, sandbox/README.md). The wait is a timer: the store's
  work stays synchronous and concurrent requests wait concurrently. Bulk API 2.0 records are written by the
  job after its upload, outside any request, so they add no per-record latency (until 2026-12-02 07:00 the
  sandbox charged them to the request that closed the job: 50 s of L's first publish).${otherLatencyText}
- **Per-record baseline**: one REST call per record written and one per record read by Id
  (records written + records read).
- **Lower bound**: ⌈records written ÷ 1,020⌉ + ⌈records read ÷ 2,000⌉. A Composite call carries 25
  subrequests, at most 5 of them sObject Collections (200 records each) or queries (REST API Developer
  Guide, Composite; sObject Collections): 5 × 200 + 20 single-record subrequests = 1,020 records; a query
  page holds at most 2,000 records (REST API guide, Query). *Write bound* is the first term alone.
- Each operation is checked before its numbers are kept: nothing failed or skipped, the first publish
  wrote every change, the unchanged re-publish wrote nothing, import returned every territory.

## How to run

\`\`\`
npm run bench                 # S and M (a few minutes), writes bench/RESULTS.md
npm run bench -- --full       # S, M, L and XL
npm run bench -- --sizes L --per-request 80 --per-record 2 --no-write
npm run bench -- --sizes L --no-write --cpu-prof out/prof   # V8 CPU profiles of the sandbox and each engine operation
npm run bench -- --help
\`\`\`

## Calls, time and memory

${operationsTable(results, info.config.latency)}

*calls ÷ bound* = API calls ÷ lower bound; *baseline ÷ calls* = how many times fewer calls than one REST
call per record. Wall time includes the engine's own login, reads and CPU, and the latency model.

## Where the API calls go
${purposes ? `
${purposes}

Split from the sandbox's request log (\`bench/call-kinds.ts\`): *guard reads* are the Composite calls of
the model, its territories, its rules and the assignment aggregates (\`lib/org/guard.ts\`), each with the
GETs of their later pages;
*snapshot reads* every other read (\`lib/org/snapshot.ts\`, and an adoption's look-ups). *Sandbox serving*
is the sandbox's own time on the requests, *latency waits* the latency model's timers after them; the
rest of the wall time is the engine's (CPU, and the Bulk job's 2-second poll interval).
` : ''}
${L_CALLS_TEXT}

${XL_TEXT}

## Parse + validate + diff

The plan parsed, validated and diffed against the org's snapshot (read once before, not timed; no model
yet, as in a first publish), in the worker process, ${info.config.diffReps} times. The diff resolves users
and accounts through maps and finds changes by id through a map (lib/sync/match.ts, lib/sync/findings.ts):
\`test/bench/diff-scaling.test.ts\` checks in one run that 10 times the plan costs at most 20 times the CPU
time (it cost 25.7 times with the former scans of every user, account and change per reference).

${diffTable(results)}

${DIFF_TEXT}

## Targets

${targetsTable(results)}

## Why the write calls are where they are

- **S, first publish** (941 records, write bound 1): 2 write calls, of 601 and 340 records. Call 1: the
  model, 4 regions, 16 districts and 80 territories (each level refers to the one before it, Composite
  references), then 100 user assignments and 400 account assignments, each referring to its territory
  created earlier in the same call (\`@{b3[7].id}\`). The rules are left for call 2, as nothing in a rule can
  refer to its territory and a rule whose territory failed would be left linked to nothing; so are the
  forecast managers, which wait for their user assignment's outcome. Call 2: 80 rules, their 80 items and
  80 links, 100 forecast managers (4 collections).
  **One call is not possible at S under Salesforce's limits, whatever the packing**: the records form
  10 groups that a record of one group refers to or must follow (model; regions; districts; territories;
  rules; items; links; user assignments; forecast managers, an update; account assignments), so one call
  would need 8 collections (territories, rules, items, links, users, managers, 2 × 200 accounts) and 21
  singles (model, 4 regions, 16 districts) where a call holds 5 and 20 (REST API guide, Composite). An
  sObject Collections request may mix object types but its records cannot refer to each other, so
  merging independent groups (territories with rules; items, links, users and accounts: 660 records,
  4 collections) still leaves 6 collections and 21 singles. The floor at S is **2 calls: 2.00× the write
  bound**, reached; the 1.25× target is out of reach for a plan this small.
  When a territory fails inside call 1, the assignment collections that refer to it are not run, or run
  with null in its place (Salesforce documents neither: the sandbox plays both, failedReference): its
  assignments, rule and manager are skipped with its failure, the other assignments go again in a later
  call, so a failure costs calls, never a record (test/org/apply-packed-s.test.ts).

- Phases and hierarchy levels share Composite calls: a record refers to one created earlier in the same
  call through a Composite reference (\`@{b0[3].id}\`, REST guide, Composite subrequest: the \`[]\` operator
  indexes a collection's answer), so a new model's territories, rules, rule items, rule links and user
  assignments go together, 5 collections of 200 and 20 single records a call (lib/org/composite-pack.ts).
- A change that needs the *outcome* of an earlier one in the same call and refers to nothing it creates
  waits for a later call: a rule for its territory, a filter for its items, a forecast manager for its user
  assignment. The creates after it go on filling the call (lib/org/apply.ts packCall); updates and deletes
  never pass it, and under the guard a call carries only phases already checked or only new ones, and
  passes a run only whole (a phase split there would cost a call of its own for its rest). Such waits can
  still leave a call partly filled, and levels or objects smaller than 200 records each take a collection
  slot of their own: hence the first publish's calls above the write bound.
- **L, 5 % changed** (2,450 records, write bound 3): 5 write calls, one more than the target's 4. Each of the
  490 changed territories gets a forecast manager released, its old rep's assignment deleted, a new
  description, its new rep's assignment and the new manager: five phases of 490 records, 3 collections
  each (200 + 200 + 90). The release must be answered before the deletes go (an assigned forecast manager's
  assignment cannot go), and the manager waits for the new assignment: 3 calls at the least. Two phases of 3
  collections do not fit one call's 5 collections, and under the guard the rest of a checked phase does not
  share its call with a new phase (a stop falls between phases, README "Concurrent publishes"), so the
  deletes and the descriptions take 2 calls where, unguarded, they would share one with the new
  assignments (inferred from the five phases, the 5 guard checks of 45 guard-read calls, and the packing
  rules; the bench does not log each call's contents). Missed by one call, the price of stopping only
  between phases.
- Account assignments at or above BULK_THRESHOLD (10,000) go through Bulk API 2.0: a fixed 7 calls or so
  (job, upload, close, polls, results) instead of one Composite call per 1,020 records. Hence L's and XL's
  first publishes under the write bound (0.54×, 0.51×): the bound counts every record written at 1,020 a
  call, while their 50,000 and 250,000 user and account assignments go through two Bulk jobs, 14 calls in all
  (split in the table of purposes).
- Reads: the snapshot reads by query, 5 queries per Composite call, and looks users and accounts up by
  value in chunks of 200 (lib/org/soql.ts), so reads of many named users or accounts cost more pages than
  ⌈records ÷ 2,000⌉.

## Earlier measurements (previous harness, 2026-11-29)

The Composite vs Bulk API 2.0 comparison behind BULK_THRESHOLD (lib/org/bulk.ts) was measured by the
previous harness (in-process sandbox, \`applyChangeSet\` forced down one path): Composite cost one call per
1,000 records, a Bulk 2.0 load a fixed 7 calls when its job is done at the first status poll; Bulk needed
fewer calls from 7,500 creates on and was faster at 50 ms latency from 7,500 on; the sandbox runs a job at
once, so on a real org every further poll (one per 2 s) is one more call. The threshold was set at 10,000
for a margin of 3 polls. The sample plan's publish then took 11 calls (9 writes), one Composite call per
phase and hierarchy level; it takes 2 write calls now (8 calls with the snapshot's reads and the guard's).
`;
}

/** Why XL's parse + validate + diff is where it is (measured 2026-12-02, \`bench/diff-only.ts\`). */
const DIFF_TEXT = `**XL against the 5-second target.** The parse and the diff are unchanged since 2026-12-02 07:22 UTC (lib/plan;
lib/sync but for the phase names, which the diff does not ask for). That code measured a median of 3.07 s in
the bench and 2.6 s with \`npx ts-node --transpile-only bench/diff-only.ts XL 5\` that morning, and 4.2–4.9 s
with the latter in the hour of this recording (4.18 s at the commit before the memory changes above, 4.90 s
after them): the shared machine was slower, not the code. Of a rep's time about a third is garbage collection (\`--cpu-prof\`: 5.6 s of 18 s of CPU
over three reps), as each rep builds a change set of 497,001 changes (about 210 MB) while the last one is
collected. Met in those separate runs (medians of 4.2–4.9 s), missed by 6 % in this recording: on a machine
as slow as it was that afternoon the margin is small, and it was 40 % that morning.`;

/**
 * Where L's and XL's first publishes spend their calls, time and memory (measured 2026-12-02 beside the
 * recorded run, bench/call-kinds.ts and --trace-gc): kept as text because a recorded run holds no profile.
 */
const L_CALLS_TEXT = `**L's first publish, 159 calls.** 34 snapshot reads (the plan's 2,000 users and 20,000 accounts looked
up by value, 200 a query), 60 guard reads (8 Composite calls and 52 later pages: 128,823 of the 150,827
records read), 51 Composite write calls and 14 calls of two Bulk API 2.0 jobs (10,000 user and 40,000
account assignments: create, upload, close, a status poll, three result reads each). The guard reads every
territory and rule of the model before each of the 7 phases and after the last write (its first state is
the snapshot's, \`readSnapshotAndGuard\`). **Proposal** (not done: it rebuilds the guard's state from
differences, and a delete shows only as a count that moved, which then needs the full read to name): after
its first read, read only what changed since it (\`SystemModstamp >=\` the newest stamp seen, an overlap of a
second, as Salesforce returns datetimes to the second) plus a \`COUNT()\` of each object to see deletes:
about one Composite call per check however large the model, some 9 calls instead of 60 at L and 320 at XL.`;

const XL_TEXT = `**XL, where the first publish's time and memory go.** At the default latency the latency model's waits
are 273.5 s of its 352 s (663 × 40 ms, and 247,001 records written through Composite × 1 ms; the 250,000
Bulk records wait nothing), the sandbox's own serving 26.6 s, the engine the rest (CPU, GC, two 2-second
Bulk polls). At latency 0 (\`--per-request 0 --per-record 0\`) it took 127 s and peaked at 2,063 MB at the start
of this session, 55–73 s and 1,053–1,106 MB after the changes below (several runs). **Memory**: the engine's
live heap after a full collection is 430–510 MB during the apply (\`--trace-gc\`: the change set's 497,001
changes about 210 MB, the writer's outcomes and queue about 90 MB, the plan and its rows about 65 MB); V8
lets the heap grow to about twice its live size before the next full collection (the worker's heap limit
is 4 GB, \`--max-old-space-size=4096\`, bench/processes.ts, what Node 20 allows itself by default on a 24 GB
machine), so the peak RSS follows the garbage made between collections. At the default latency the engine
idles between calls and V8's memory reducer collects then: 850 MB. Busy at latency 0 it does not, and the
target is missed there by 3–8 %. What made the garbage, and went (lib/org/apply.ts unless named): two
copies of the pending queue (up to 497,000 items) before each of some 250 calls (now trimmed in place), a
copy of each run per call in \`packCall\`, a Set of references per change (90 MB live; now a number) and one
per resolve, a Set of every sent change id, the phase name recomputed (with \`Object.entries\`) several times
per change (2 GB allocated per publish; lib/sync/phases.ts), the guard's Set of every created Id and its
raw rows of 100,000 territories and rules at each check (now converted page by page, unchanged records
kept, lib/org/guard.ts), and seven maps and sets over every change when the summary and the row outcomes
were built (lib/outcome.ts, lib/publish.ts). Guard reads are 320 of the 663 calls (9 reads of 50,000
territories and 49,000 rules) and 294 of the 5 % change's 631: see the proposal above.`;

