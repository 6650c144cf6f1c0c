/**
 * The engine demo (`npm run demo:engine [-- --out DIR]`; `npm run demo` is the same job in a real n8n): start the embedded sandbox org, publish the sample plan
 * (208 territories on 3 levels, postal-code rules, users with roles) through the public API, show a
 * dry run of a small edit, re-publish to prove nothing is written, import the model back to CSV and
 * publish that file into a new model (a copy).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

// jsforce reads proxy variables when it is loaded; the sandbox org is on loopback.
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete process.env[name];

import { importModel, publishPlan, type ConnectionSettings, type PublishResult } from '../lib';
import { parseCsv, rowsToCsv } from '../lib/plan';
import { startSandbox } from '../sandbox';

const MODEL = { developerName: 'FY27_Sales', name: 'FY27 Sales' };
const COPY = { developerName: 'FY28_Sales_Draft', name: 'FY28 Sales (draft)' };

function counts(result: PublishResult): string {
	const lines = Object.entries(result.summary.counts).map(
		([object, actions]) => `    ${object.padEnd(36)} ${Object.entries(actions).map(([a, n]) => `${a} ${n}`).join(', ')}`,
	);
	return lines.length ? lines.join('\n') : '    (nothing)';
}

/** One line per phase, so the output reads well in a terminal and in a CI log alike. */
function progressPrinter(): (p: { phase: string; done: number; total: number }) => void {
	let last = '';
	return ({ phase, done, total }) => {
		if (phase === last) return;
		last = phase;
		console.log(`   … ${phase} (${done}/${total})`);
	};
}

async function main(): Promise<void> {
	// Options, not positionals: `--once` must never become a folder name.
	const { values } = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string', default: 'out' } }, strict: true });
	const outDir = path.resolve(values.out);
	mkdirSync(outDir, { recursive: true });
	const sandbox = await startSandbox({ port: 0, seed: 'demo' });
	try {
		const connection: ConnectionSettings = sandbox.passwordLogin();
		console.log(`Sandbox org at ${sandbox.loginUrl} (seeded with demo users and accounts)\n`);

		const csv = readFileSync(path.join(__dirname, 'sample-plan.csv'), 'utf8');
		const first = await publishPlan({
			connection,
			plan: { csv },
			model: MODEL,
			method: 'overwriteMatching',
			onProgress: progressPrinter(),
		});
		if (first.issues.length) throw new Error(`The sample plan has problems: ${JSON.stringify(first.issues.slice(0, 5))}`);
		console.log(`1. Published demo/sample-plan.csv to model ${MODEL.developerName} (created in Planning state):`);
		console.log(counts(first));
		console.log(`   rows: ${first.rows.filter((r) => r.status === 'created').length} created, ${first.summary.failed} failed`);
		console.log(`   API calls: ${first.summary.apiUsage.calls} (org allowance left: ${first.summary.apiUsage.remaining ?? '?'})\n`);

		// A small edit: rename one territory, add a postal code to another.
		const { rows } = parseCsv(csv);
		const edited = rows.map((row) => ({ ...row }));
		const bay = edited.find((r) => r.Key === 'Northern_California_02');
		if (bay) bay['Postal Codes'] = `${String(bay['Postal Codes'])}, 94203`;
		const renamed = edited.find((r) => r.Key === 'Texas_03');
		if (renamed) renamed.Territory = 'Texas 03 (Austin)';
		const dry = await publishPlan({ connection, plan: { rows: edited }, model: MODEL, dryRun: true });
		console.log('2. Dry run of a small edit (nothing written):');
		for (const line of dry.changeSet.changes.map((c) => `   ${c.action.padEnd(6)} ${c.object} ${c.label}: ${c.reason}`)) console.log(line);
		console.log(`   API calls: ${dry.summary.apiUsage.calls} (reads only)\n`);

		const again = await publishPlan({ connection, plan: { csv }, model: MODEL });
		const written = Object.values(again.summary.counts).reduce((n, a) => n + Object.values(a).reduce((m, k) => m + k, 0), 0);
		console.log(`3. Re-published the unchanged plan: ${written} writes, ${again.summary.apiUsage.calls} API calls\n`);

		const imported = await importModel({ connection, model: { developerName: MODEL.developerName } });
		const csvPath = path.join(outDir, 'FY27_Sales.csv');
		writeFileSync(csvPath, imported.csv);
		console.log(`4. Imported ${imported.summary.territories} territories, ${imported.summary.users} users and ${imported.summary.rules} rules back to ${csvPath}`);
		console.log(`   (${imported.rows.length} rows; the same table Publish reads: ${rowsToCsv(imported.rows).split('\n')[0]})\n`);

		// The imported file is a plan: publishing it into a new model copies the model.
		const copy = await publishPlan({ connection, plan: { csvFile: csvPath }, model: COPY });
		const copied = copy.rows.filter((r) => r.status === 'created').length;
		console.log(`5. Published that CSV into a new model ${COPY.developerName}: ${copied} territories created, ${copy.summary.failed} failed, ${copy.summary.apiUsage.calls} API calls`);
	} finally {
		await sandbox.stop();
	}
}

main().catch((error: unknown) => {
	console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
