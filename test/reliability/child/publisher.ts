/**
 * A publisher in a process of its own, for the kill sweep (test/reliability/kills.test.ts): the parent
 * runs the sandbox org and SIGKILLs this process at an exact point of the run.
 *
 * Protocol: argv[2] is the path of a JSON job. Once everything is loaded it prints `ready`, waits for a
 * `go` line on stdin, publishes, and prints one line `result <json>` (a run that is not killed). Loading
 * before `go` lets the parent start the next child while it checks the last one.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { publishPlan, type PublishOptions } from '../../../lib';
import type { PlanRow } from '../../../lib/plan/types';

export type PublisherJob =
	/** publishPlan with these options. */
	| { via: 'engine'; options: PublishOptions }
	/** The Publish node in n8n's workflow engine (test/reliability/node-run.ts), the rows as its input items. */
	| { via: 'node'; rows: PlanRow[]; developerName: string; method?: string; credentials: Record<string, Record<string, string>> };

async function run(job: PublisherJob): Promise<unknown> {
	if (job.via === 'engine') {
		const result = await publishPlan(job.options);
		return { summary: result.summary, rows: result.rows.map((r) => ({ key: r.key, status: r.status })) };
	}
	// Loaded only in node mode: n8n-core takes a while to load, and the engine children do not need it.
	const { runPublishNode } = await import('../node-run');
	return runPublishNode(job.rows, job.developerName, job.credentials, job.method);
}

async function main(): Promise<void> {
	const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as PublisherJob;
	if (job.via === 'node') await import('../node-run');
	process.stdout.write('ready\n');
	const lines = createInterface({ input: process.stdin });
	for await (const line of lines) {
		if (line.trim() !== 'go') continue;
		lines.close();
		const result = await run(job);
		process.stdout.write(`result ${JSON.stringify(result)}\n`);
		return;
	}
}

main().catch((err: unknown) => {
	process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
	process.exit(1);
});
