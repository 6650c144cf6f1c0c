#!/usr/bin/env node
/**
 * Adds up the figures of a reliability run (npm run test:reliability) into RELIABILITY.md's table.
 *
 *   node scripts/reliability-report.mjs           prints the table
 *   node scripts/reliability-report.mjs --write   also replaces the table in RELIABILITY.md
 *
 * Reads what the run left in out/reliability/: jest's own results (jest.json: which tests passed) and the
 * figures the tests measured (kills.json, faults.json: test/reliability/figures.ts). Fails when a file is
 * missing or a test of the run failed, so the table only ever shows figures of a green run.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'out', 'reliability');
const DOC = path.join(ROOT, 'RELIABILITY.md');
const START = '<!-- figures:start (scripts/reliability-report.mjs --write) -->';
const END = '<!-- figures:end -->';

function read(name) {
	const file = path.join(OUT, name);
	if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run npm run test:reliability first`);
	return JSON.parse(readFileSync(file, 'utf8'));
}

const jest = read('jest.json');
if (!jest.success) throw new Error(`The run had ${jest.numFailedTests} failed test(s): no figures from a red run`);
const tests = (suffix) => {
	const suite = jest.testResults.find((r) => r.name.endsWith(suffix));
	if (!suite) throw new Error(`${suffix} was not part of the run`);
	return { passed: suite.assertionResults.filter((a) => a.status === 'passed').length, seconds: (suite.endTime - suite.startTime) / 1000 };
};

const scenarios = [...read('kills.json').scenarios, ...read('faults.json').scenarios];
const sum = (field, filter = () => true) => scenarios.filter(filter).reduce((n, s) => n + s[field], 0);
const viaNode = (s) => s.scenario.startsWith('node') || s.scenario.startsWith('kill node');
const split = (field) => `${sum(field)} (engine ${sum(field, (s) => !viaNode(s))}, Publish node ${sum(field, viaNode)})`;

const corpusFiles = readdirSync(path.join(ROOT, 'test', 'corpus', 'cases')).filter((f) => f.endsWith('.expected.json')).length;
const corpus = tests('test/corpus/corpus.test.ts');
const kills = tests('test/reliability/kills.test.ts');
const faults = tests('test/reliability/faults.test.ts');
const faultWrites = sum('writeRequests', (s) => s.lockRow > 0 || s.unavailable > 0);
const killPoints = scenarios.filter((s) => s.kills > 0);

const secrets = tests('test/security/secrets.test.ts');

/** The pairs of publishes released together at one model (concurrency-*.json, test/reliability/figures.ts). */
function concurrencyFigure() {
	const pairs = ['processes', 'processes-ms', 'n8n'].map((name) => read(`concurrency-${name}.json`));
	const runs = pairs.reduce((n, p) => n + p.runs, 0);
	const each = pairs.map((p) => `${p.scenario}: ${p.completed} of ${p.runs} completed, the other ${p.loser}${p.secondPass ? ", the winner's second pass took its writes out" : ''}`);
	const exact = pairs.filter((p) => p.exact).length;
	return `${runs} runs in ${pairs.length} pairs released together (${each.join('; ')}); the model the winner's plan exactly after ${exact} of ${pairs.length}, ${pairs.reduce((n, p) => n + p.duplicates, 0)} duplicates, every loser's re-run converged (${pairs.filter((p) => p.reRunConverged).length} of ${pairs.length})`;
}

const rows = [
	['faults injected: UNABLE_TO_LOCK_ROW', `${split('lockRow')} refusals (per record in collections), over ${faultWrites} write requests at 5 %`, 'npx jest test/reliability/faults.test.ts -t "5 %"'],
	['faults injected: 503 SERVER_UNAVAILABLE', `${split('unavailable')} answers, same runs, 5 % of the write endpoints' requests`, 'npx jest test/reliability/faults.test.ts -t "5 %"'],
	['sessions expired mid-publish', `${split('sessionsExpired')}, every 3 API calls, under password, JWT, client credentials (both) and refresh token (engine)`, 'npx jest test/reliability/faults.test.ts -t sessions'],
	['REQUEST_LIMIT_EXCEEDED half-way', `${split('limitStops')} runs stopped, each finished by publishing the same plan again`, 'npx jest test/reliability/faults.test.ts -t REQUEST_LIMIT'],
	['kills survived (SIGKILL of the publisher process)', `${split('kills')}: the engine at ${killPoints.filter((s) => !viaNode(s)).length} points (after each packed write call of a first publish and of an edit, compact and full plans, and once a Metadata API deploy landed); the Publish node inside n8n at ${killPoints.filter(viaNode).length} points`, 'npx jest test/reliability/kills.test.ts'],
	['org restarts from its state file mid-publish', `${split('restarts')}, the publish's retries reaching the new server`, 'npx jest test/reliability/faults.test.ts -t restarted'],
	['concurrent runs', concurrencyFigure(), 'npx jest test/engine/concurrent.test.ts test/nodes/review-workflow.test.ts -t "at once"'],
	['bad inputs tried', `${corpusFiles} corpus cases (${corpus.passed} corpus tests passed)`, 'npx jest test/corpus/corpus.test.ts'],
	['records lost', `${sum('lost')} (plan records missing after the re-run, over ${scenarios.length} scenarios)`, 'npm run test:reliability'],
	['duplicates found', `${sum('duplicates')} (natural keys of every territory object, org-wide, after each scenario)`, 'npm run test:reliability'],
	['secrets found', `0 in every output of the jest kit over all five auth flows and failing logins (${secrets.passed} tests of secrets.test.ts passed, each asserting none); the real-n8n runs' logs, databases and files are searched by the secret-scan suite of npm run test:n8n, not part of this run`, 'npx jest test/security/secrets.test.ts; npm run test:n8n'],
];

const table = [
	START,
	`Recorded from the jest run of ${new Date(jest.startTime).toISOString().slice(0, 16).replace('T', ' ')} UTC (${jest.numTotalTestSuites} test files, ${jest.numPassedTests} tests passed, ${jest.numFailedTests} failed; kills.test.ts ${kills.passed} tests in ${kills.seconds.toFixed(0)} s, faults.test.ts ${faults.passed} in ${faults.seconds.toFixed(0)} s, corpus.test.ts ${corpus.passed} in ${corpus.seconds.toFixed(0)} s, wall clock).`,
	'',
	'| what | figure | reproduce |',
	'|---|---|---|',
	...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
	END,
].join('\n');

process.stdout.write(`${table}\n`);
if (process.argv.includes('--write')) {
	const doc = readFileSync(DOC, 'utf8');
	const from = doc.indexOf(START);
	const to = doc.indexOf(END);
	if (from < 0 || to < from) throw new Error(`RELIABILITY.md has no figures markers (${START} … ${END})`);
	writeFileSync(DOC, `${doc.slice(0, from)}${table}${doc.slice(to + END.length)}`);
	process.stdout.write('RELIABILITY.md updated.\n');
}
