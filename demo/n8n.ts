/**
 * The demo (the README's first command, `npm run demo`): the package in a real, pinned n8n against the
 * sandbox org. Builds and packs the package, installs n8n on first use, imports the sandbox credential
 * and the example workflows, executes "publish a plan from a CSV file" on the sample plan (switched to
 * Write to Salesforce: the example ships as a dry run) and then the import to a CSV file, prints what
 * they did, and leaves the editor running on 127.0.0.1 until Ctrl-C, with the examples as shipped.
 *
 *   npm run demo [-- --once] [-- --port 5678] [-- --keep]
 *
 * --once: execute and exit with the execution's status (0 when both workflows succeeded), no editor.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { REPO_ROOT } from '../scripts/n8n/install';
import { describeFailure, type ExecutionRun } from '../scripts/n8n/instance';
import { startSession, type Session } from '../scripts/n8n/session';
import { prepareWorkflow, SANDBOX_CREDENTIAL } from '../scripts/n8n/workflows';

const USAGE = 'Usage: npm run demo [-- --once] [-- --port N] [-- --keep]';
const PUBLISH_FILE = 'publish-csv-plan.json';
const PUBLISH_WORKFLOW = 'tpPublishCsvPlan1';
const IMPORT_WORKFLOW = 'tpImportToCsv0001';
/** The export of the import workflow lands here (git-ignored), so it is still there after the demo. */
const FILES_DIR = path.join(REPO_ROOT, 'out', 'n8n-files');

export interface DemoOptions {
	once: boolean;
	port: number;
	keep: boolean;
}

export function parseDemoArgs(argv: string[]): DemoOptions {
	const { values, positionals } = parseArgs({
		args: argv,
		options: {
			once: { type: 'boolean', default: false },
			port: { type: 'string', default: '5678' },
			keep: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false },
		},
		strict: true,
		allowPositionals: true,
	});
	if (values.help) {
		console.log(USAGE);
		process.exit(0);
	}
	if (positionals.length) throw new Error(`Unexpected argument "${positionals[0]}". ${USAGE}`);
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
	return { once: values.once, port, keep: values.keep };
}

type Items = Array<{ json: Record<string, unknown>; binary?: Record<string, unknown> }>;

function nodeItems(run: ExecutionRun | undefined, node: string): Items {
	return (run?.data.resultData.runData[node]?.[0]?.data?.main?.[0] ?? []) as Items;
}

function countsTable(counts: Record<string, Record<string, number>>): string[] {
	const lines = Object.entries(counts).map(
		([object, actions]) => `      ${object.padEnd(34)} ${Object.entries(actions).map(([action, n]) => `${action} ${n}`).join(', ')}`,
	);
	return lines.length ? lines : ['      (nothing)'];
}

async function runWorkflows(session: Session, log: (line: string) => void): Promise<{ ok: boolean; lines: string[] }> {
	const { n8n } = session;
	const folder = path.join(session.workDir, 'workflows');
	const examples = readdirSync(path.join(REPO_ROOT, 'examples')).filter((name) => name.endsWith('.json'));
	// The CSV example ships as a dry run; the demo shows a publish, so its copy writes (the sandbox org).
	const imported = examples.map((name) =>
		prepareWorkflow(path.join(REPO_ROOT, 'examples', name), n8n.filesDir, folder, name === PUBLISH_FILE ? { publishMode: 'write' } : {}),
	);
	await n8n.importWorkflows(folder);
	log(`imported the sandbox credential ("${SANDBOX_CREDENTIAL.name}") and ${imported.length} example workflows`);

	const lines: string[] = [];
	log('executing "publish a plan from a CSV file" on demo/sample-plan.csv');
	const publish = await n8n.execute(PUBLISH_WORKFLOW);
	if (!publish.succeeded) return { ok: false, lines: [`Publish workflow failed: ${describeFailure(publish)}`] };
	const summary = nodeItems(publish.run, 'Publish Territory Model')[0]?.json ?? {};
	const counts = (summary.counts ?? {}) as Record<string, Record<string, number>>;
	const api = (summary.apiUsage ?? {}) as { calls?: number; remaining?: number };
	lines.push(
		`  1. Published demo/sample-plan.csv into model FY27_Sales (workflow "${publish.run?.status}"; its Mode set to Write to Salesforce for the demo, the example ships as a dry run): created per object`,
		...countsTable(counts),
		`     ${api.calls ?? '?'} API calls (org allowance left: ${api.remaining ?? '?'})`,
	);

	log('executing "import a model to a CSV file"');
	const exported = await n8n.execute(IMPORT_WORKFLOW);
	if (!exported.succeeded) return { ok: false, lines: [...lines, `Import workflow failed: ${describeFailure(exported)}`] };
	const model = nodeItems(exported.run, 'Import Territory Model')[0]?.json ?? {};
	const written = nodeItems(exported.run, 'Write plan CSV')[0]?.json ?? {};
	const csvPath = String(written.fileName ?? path.join(n8n.filesDir, 'FY27_Sales.csv'));
	lines.push(
		`  2. Imported FY27_Sales back: ${model.territories} territories, ${model.users} users, ${model.rules} rules (${(model.apiUsage as { calls?: number } | undefined)?.calls ?? '?'} API calls)`,
		`     CSV export: ${csvPath}`,
	);
	return { ok: true, lines };
}

/** The editor shows the examples as shipped: the CSV example back to its dry run (same id, replaced). */
async function importShippedPublish(session: Session): Promise<void> {
	const folder = path.join(session.workDir, 'workflows-shipped');
	prepareWorkflow(path.join(REPO_ROOT, 'examples', PUBLISH_FILE), session.n8n.filesDir, folder);
	await session.n8n.importWorkflows(folder);
}

export async function main(argv: string[]): Promise<number> {
	const options = parseDemoArgs(argv);
	const started = Date.now();
	const log = (line: string) => console.log(`[demo ${String(Math.round((Date.now() - started) / 1000)).padStart(3)}s] ${line}`);
	rmSync(FILES_DIR, { recursive: true, force: true });
	mkdirSync(FILES_DIR, { recursive: true });
	const session = await startSession({ log, port: options.port, filesDir: FILES_DIR, keep: options.keep });
	let stopping = false;
	const stopAll = async () => {
		if (stopping) return;
		stopping = true;
		log('stopping n8n and the sandbox org');
		await session.stop();
		log('stopped');
	};
	try {
		const { ok, lines } = await runWorkflows(session, log);
		console.log(`\nn8n ${session.n8n.version} executed the example workflows against the sandbox org (${session.sandbox.loginUrl}):`);
		for (const line of lines) console.log(line);
		if (!ok || options.once) {
			console.log(ok ? '\nDemo done (--once): both executions succeeded.' : '\nDemo failed.');
			return ok ? 0 : 1;
		}

		await importShippedPublish(session);
		log(`starting the editor on ${session.n8n.url}`);
		await session.n8n.start();
		const owner = { email: 'owner@territory-demo.example', firstName: 'Demo', lastName: 'Owner', password: `Demo-${randomBytes(6).toString('hex')}-7` };
		await session.n8n.setupOwner(owner);
		console.log(`\nThe editor: ${session.n8n.url}  (sign in as ${owner.email} / ${owner.password})`);
		console.log('  Workflows: Overview → the "Territory planning: …" workflows, as shipped (the ones that publish run dry); the credential is already set.');
		console.log('  Press Ctrl-C to stop n8n and the sandbox org.\n');
		const signal = await new Promise<string>((resolve) => {
			process.once('SIGINT', () => resolve('SIGINT'));
			process.once('SIGTERM', () => resolve('SIGTERM'));
			void session.n8n.exited().then((code) => resolve(`n8n exited (${code})`));
		});
		log(`${signal}`);
		return signal.startsWith('n8n exited') ? 1 : 0;
	} finally {
		await stopAll();
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(error: unknown) => {
			console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
			process.exitCode = 1;
		},
	);
}
