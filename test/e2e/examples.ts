/**
 * Every example workflow of examples/ in a real n8n, offline: the nodes that need Google, Slack or
 * HubSpot get the pinned outputs of offline-pins.json, nothing else changes. n8n uses pinned data in
 * manual executions only, so each runs as the editor's "Execute workflow" button runs it (REST, mode
 * 'manual'), from its Manual Trigger (the scheduled ones have one beside their Schedule Trigger).
 *
 *   npm run test:examples
 *
 * The workflows run in order against one sandbox org (demo seed, an Active model FY26_Sales,
 * Unlimited edition so the copies fit); each checks what its nodes did. Last line: "N passed, N failed".
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../../scripts/n8n/install';
import { describeFailure, type ExecutionRun } from '../../scripts/n8n/instance';
import { startSession, type Session } from '../../scripts/n8n/session';
import { prepareWorkflow } from '../../scripts/n8n/workflows';

const MANUAL_TRIGGER = "When clicking 'Execute workflow'";
const PLAN_TERRITORIES = 208;
/**
 * The other services' credentials the examples name, as a user who imports them has them: never used
 * (those nodes are pinned), but n8n checks a node's credential before it looks at pinned data.
 */
const OFFLINE_CREDENTIALS = [
	{ id: 'tpOfflineGoogle01', name: 'Google Sheets account', type: 'googleSheetsOAuth2Api', data: { clientId: 'offline', clientSecret: 'offline' } },
	{ id: 'tpOfflineSlack001', name: 'Slack account', type: 'slackApi', data: { accessToken: 'offline' } },
	{ id: 'tpOfflineHubspot1', name: 'HubSpot account', type: 'hubspotApi', data: { apiKey: 'offline' } },
];
const OWNER = { email: 'owner@examples-test.example', firstName: 'Examples', lastName: 'Test', password: 'Examples-test-Passw0rd' };

type Json = Record<string, unknown>;

class CheckError extends Error {}
function expect(condition: unknown, message: string): asserts condition {
	if (!condition) throw new CheckError(message);
}

/** The items a node put out (output 0 unless told), once it ran exactly once and succeeded. */
function output(run: ExecutionRun, node: string, index = 0): Json[] {
	const runs = run.data.resultData.runData[node];
	expect(runs?.length === 1, `node "${node}" ran ${runs?.length ?? 0} times (ran: ${Object.keys(run.data.resultData.runData).join(', ')})`);
	expect(runs[0].executionStatus === 'success', `node "${node}" ended ${runs[0].executionStatus}`);
	return (runs[0].data?.main?.[index] ?? []).map((item) => item.json);
}

function summaryOf(run: ExecutionRun, node: string): Json & { counts: Record<string, Record<string, number>>; changes: string[] } {
	const items = output(run, node);
	expect(items.length === 1, `"${node}" put out ${items.length} items, expected one summary`);
	const summary = items[0] as Json & { counts: Record<string, Record<string, number>>; changes: string[]; issues: unknown[] };
	expect(Array.isArray(summary.issues) && summary.issues.length === 0, `"${node}" reports issues: ${JSON.stringify(summary.issues)}`);
	return summary;
}

interface Case {
	file: string;
	/**
	 * The example writes once its dry run looks right (it ships dry: examples/README.md, "Dry run first"):
	 * run here switched to Write to Salesforce, as a user would after the dry run.
	 */
	write?: true;
	/** What the run must have done; returns what it found. */
	check(run: ExecutionRun, session: Session): string;
}

const CASES: Case[] = [
	{
		file: 'publish-csv-plan.json',
		write: true,
		check(run) {
			const summary = summaryOf(run, 'Publish Territory Model');
			expect(summary.counts.Territory2?.create === PLAN_TERRITORIES, `Territory2 created: ${JSON.stringify(summary.counts.Territory2)}`);
			return `${PLAN_TERRITORIES} territories created in FY27_Sales`;
		},
	},
	{
		file: 'sheet-approval-publish.json',
		check(run) {
			const dry = summaryOf(run, 'Dry run');
			expect(dry.dryRun === true && dry.changes.length === 8, `dry run: ${dry.changes.length} changes (dryRun ${String(dry.dryRun)}), expected 8`);
			expect(output(run, 'Approved?').length === 1, 'the approval did not lead to the publish');
			const rows = output(run, 'Publish');
			const status = Object.fromEntries(rows.map((row) => [row.key, row.status]));
			expect(status.Texas_03 === 'updated' && status.Texas_Hill_Country === 'created', `publish outcomes: ${JSON.stringify(status)}`);
			output(run, 'Write outcomes to the sheet');
			return `dry run of ${dry.changes.length} changes → approved → published (Texas_03 updated, Texas_Hill_Country created) → outcomes to the sheet`;
		},
	},
	{
		file: 'drift-check.json',
		check(run) {
			const dry = summaryOf(run, 'Dry run');
			expect(dry.changes.length > 0, 'no drift found, but the sheet workflow renamed Texas_03');
			expect(output(run, 'Drifted?').length === 1, 'the IF did not take its true branch');
			output(run, 'Alert in Slack');
			expect(!run.data.resultData.runData['No drift'], '"No drift" ran as well');
			return `${dry.changes.length} drifted change(s), e.g. ${dry.changes[0]} → alert`;
		},
	},
	{
		file: 'copy-model.json',
		write: true,
		check(run) {
			const imported = output(run, 'Import Territory Model');
			const copy = summaryOf(run, 'Publish into the new model');
			expect((copy.model as Json | undefined)?.created === true, 'FY28_Sales_Draft was not created by this run');
			expect(copy.counts.Territory2?.create === imported.length, `copied ${copy.counts.Territory2?.create} of ${imported.length} territories`);
			return `${imported.length} rows imported from FY27_Sales, ${copy.counts.Territory2.create} territories created in FY28_Sales_Draft`;
		},
	},
	{
		file: 'crm-territories-publish.json',
		write: true,
		check(run) {
			const rows = output(run, 'Map to plan columns');
			expect(rows[2]?.Key === 'EMEA_DACH_Munich' && rows[2]?.Parent === 'EMEA_DACH', `mapped rows: ${JSON.stringify(rows[2])}`);
			const summary = summaryOf(run, 'Publish Territory Model');
			expect(summary.counts.Territory2?.create === 3, `Territory2: ${JSON.stringify(summary.counts.Territory2)}`);
			return `3 HubSpot records mapped to plan rows, 3 territories created in CRM_Territories`;
		},
	},
	{
		file: 'nightly-export-active.json',
		check(run, session) {
			const [summary] = output(run, 'Import Territory Model');
			output(run, 'Write CSV file');
			const file = readdirSync(session.n8n.filesDir).find((name) => /^FY26_Sales-\d{4}-\d{2}-\d{2}\.csv$/.test(name));
			expect(file, `no FY26_Sales-<date>.csv in the files folder (${readdirSync(session.n8n.filesDir).join(', ')})`);
			const lines = readFileSync(path.join(session.n8n.filesDir, file), 'utf8').trim().split(/\r?\n/);
			expect(lines.length === Number(summary.territories) + 1, `${file}: ${lines.length} lines for ${String(summary.territories)} territories`);
			return `${file}: ${summary.territories} territories of the Active model FY26_Sales`;
		},
	},
];

async function main(): Promise<number> {
	const log = (line: string) => console.log(`[examples] ${line}`);
	const pins = JSON.parse(readFileSync(path.join(__dirname, 'offline-pins.json'), 'utf8')) as Record<string, Record<string, unknown[]>>;
	const shipped = readdirSync(path.join(REPO_ROOT, 'examples')).filter((name) => name.endsWith('.json'));
	const session = await startSession({ log, sandbox: { seedOptions: { activeModel: true }, edition: 'Unlimited' } });
	let passed = 0;
	let failed = 0;
	try {
		const folder = path.join(session.workDir, 'workflows');
		const ids: Record<string, string> = {};
		for (const { file, write } of CASES) {
			const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as { id: string };
			// The offline variant: the example plus pinned outputs for its Google, Slack and HubSpot nodes.
			const pinData = pins[example.id];
			ids[file] = prepareWorkflow(path.join(REPO_ROOT, 'examples', file), session.n8n.filesDir, folder, {
				overrides: pinData ? { pinData } : {},
				publishMode: write ? 'write' : undefined,
			}).id;
		}
		await session.n8n.importCredentials(OFFLINE_CREDENTIALS);
		await session.n8n.importWorkflows(folder);
		await session.n8n.start();
		await session.n8n.setupOwner(OWNER);
		for (const testCase of CASES) {
			const started = Date.now();
			const execution = await session.n8n.executeManually(ids[testCase.file], MANUAL_TRIGGER);
			const seconds = Math.round((Date.now() - started) / 1000);
			try {
				expect(execution.run, `no execution: ${describeFailure(execution)}`);
				expect(execution.succeeded, `the execution failed: ${describeFailure(execution)}`);
				const { password, clientSecret } = session.sandbox.passwordLogin();
				const shown = JSON.stringify(execution.run);
				expect(!shown.includes(password) && !shown.includes(clientSecret), 'the run data holds the org password or client secret');
				const detail = testCase.check(execution.run, session);
				passed += 1;
				console.log(`ok     ${testCase.file}: ${detail} (${seconds} s)`);
			} catch (error) {
				failed += 1;
				console.log(`FAILED ${testCase.file}: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		// Every shipped example is run here (or says why not).
		const untested = shipped.filter((name) => !CASES.some((c) => c.file === name) && !['publish-items-dry-run.json', 'import-to-csv.json'].includes(name));
		if (untested.length) {
			failed += 1;
			console.log(`FAILED examples without a test: ${untested.join(', ')}`);
		}
	} finally {
		await session.stop();
	}
	console.log(`${passed} passed, ${failed} failed`);
	return failed ? 1 : 0;
}

if (!existsSync(path.join(REPO_ROOT, 'examples'))) throw new Error('examples/ is missing');
main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(`Examples test failed: ${error instanceof Error ? error.message : String(error)}`);
		console.log('0 passed, 1 failed');
		process.exitCode = 1;
	},
);
