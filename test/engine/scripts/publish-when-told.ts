/**
 * One publish in its own OS process, for the concurrent-publish test: reads its options (connection,
 * plan rows, model, method) as JSON from the file named by argv[2], prints "ready", waits for "go" on
 * stdin (so that two processes start writing together), publishes, and prints the result's summary
 * (stopped, failed, issue and warning codes, counts, the first failures) as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { publishPlan, type PublishOptions, type PublishResult } from '../../../lib';

/** The first failed changes (object, action, label, code): what a test shows when a run did not complete. */
function failures(result: PublishResult): string[] {
	const failed = result.rows.flatMap((r) => r.changes).filter((c) => c.status === 'failed');
	return failed.slice(0, 5).map((c) => `${c.object} ${c.action} ${c.label}: ${c.errorCode ?? ''} ${c.message ?? ''}`.slice(0, 300));
}

async function main(): Promise<void> {
	const options = JSON.parse(readFileSync(process.argv[2], 'utf8')) as PublishOptions;
	process.stdout.write('ready\n');
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
	const result = await publishPlan(options);
	process.stdout.write(
		`${JSON.stringify({ stopped: result.summary.stopped, failed: result.summary.failed, issues: result.issues.map((i) => i.code), counts: result.summary.counts, warnings: result.warnings.map((w) => w.code), failures: failures(result) })}\n`,
	);
	process.stdin.destroy();
}

main().catch((err: Error & { code?: string }) => {
	process.stdout.write(`${JSON.stringify({ error: err.code ?? 'ERROR', message: err.message })}\n`);
	process.exitCode = 1;
});
