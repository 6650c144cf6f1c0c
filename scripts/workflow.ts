/**
 * `npm run workflow -- FILE.json [--input plan.csv]`: imports and executes any workflow file in the
 * pinned real n8n against a fresh sandbox org (demo seed) and prints the execution's run data as JSON
 * on stdout (progress on stderr). Exits 1 when the execution fails, 2 on bad arguments.
 *
 * The sandbox credential is there under a fixed id and name (SANDBOX_CREDENTIAL, README), paths under
 * /home/node/.n8n-files/ point at the run's files folder, which holds plan.csv (demo/sample-plan.csv,
 * or the --input file).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { describeFailure } from './n8n/instance';
import { startSession } from './n8n/session';
import { prepareWorkflow } from './n8n/workflows';

const USAGE = 'Usage: npm run workflow -- FILE.json [--input plan.csv] [--keep]';

class UsageError extends Error {}

function parse(argv: string[]): { file: string; input?: string; keep: boolean } {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			options: { input: { type: 'string' }, keep: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
			allowPositionals: true,
			strict: true,
		});
	} catch (error) {
		throw new UsageError(`${(error as Error).message}. ${USAGE}`);
	}
	const { values, positionals } = parsed;
	if (values.help) throw new UsageError(USAGE);
	if (positionals.length !== 1) throw new UsageError(`Give one workflow file. ${USAGE}`);
	const file = path.resolve(positionals[0]);
	if (!existsSync(file)) throw new UsageError(`No such workflow file: ${file}`);
	const input = values.input === undefined ? undefined : path.resolve(values.input);
	if (input && !existsSync(input)) throw new UsageError(`--input: no such file: ${input}`);
	return { file, input, keep: values.keep ?? false };
}

async function main(argv: string[]): Promise<number> {
	const { file, input, keep } = parse(argv);
	const started = Date.now();
	const log = (line: string) => process.stderr.write(`[workflow ${String(Math.round((Date.now() - started) / 1000)).padStart(3)}s] ${line}\n`);
	const session = await startSession({ log, planFile: input, keep });
	try {
		const workflow = prepareWorkflow(file, session.n8n.filesDir, path.join(session.workDir, 'workflows'));
		await session.n8n.importWorkflows(path.join(session.workDir, 'workflows'));
		log(`executing "${workflow.name}" (${workflow.id})`);
		const execution = await session.n8n.execute(workflow.id);
		if (execution.run) process.stdout.write(`${JSON.stringify(execution.run, null, 2)}\n`);
		if (!execution.succeeded) {
			log(`the execution failed: ${describeFailure(execution)}`);
			return 1;
		}
		log(`the execution succeeded (${Object.keys(execution.run?.data.resultData.runData ?? {}).length} nodes ran)`);
		return 0;
	} finally {
		await session.stop();
	}
}

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exitCode = error instanceof UsageError ? 2 : 1;
	},
);
