/**
 * Queue mode (npm run test:queue; a suite of scripts/test-real-n8n.sh): the pinned real n8n with
 * EXECUTIONS_MODE=queue, a Redis (Debian's redis-server, on loopback), one main process (`n8n start`) and
 * one worker (`n8n worker`), against the sandbox org. The example "publish a CSV plan" is executed from
 * the main (a manual execution, offloaded to the worker with OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true)
 * and must run on the worker (its log names the execution) and publish the sample plan (the sandbox
 * org's records); a second execution on the same worker then finds nothing to change, as the nodes keep
 * no state between executions. Main and worker share the sqlite database here (n8n warns that it does
 * not support that for real deployments: PostgreSQL there; README, "Queue mode").
 * The last line is "N passed, N failed".
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { describeFailure, freePort, type ExecutionRun } from '../../scripts/n8n/instance';
import { REPO_ROOT } from '../../scripts/n8n/install';
import { startDetached, stopGroup } from '../../scripts/n8n/process';
import { ledgerName, recordN8nOutputs } from '../../scripts/n8n/secret-ledger';
import { startSession, type Session } from '../../scripts/n8n/session';
import { prepareWorkflow } from '../../scripts/n8n/workflows';

const MANUAL_TRIGGER = "When clicking 'Execute workflow'";
const PUBLISH_NODE = 'Publish Territory Model';
const OWNER = { email: 'owner@territory-queue.example', firstName: 'Queue', lastName: 'Owner', password: `Queue-${randomBytes(6).toString('hex')}-7` };

function expect(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

/** Redis on a free loopback port, no persistence; resolves once it accepts connections. */
async function startRedis(log: string[]): Promise<{ port: number; process: ChildProcess }> {
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
	if (!found) throw new Error('redis-server is not installed (Debian: apt-get install -y redis-server; .ci/run does it)');
	const port = await freePort();
	let ready = false;
	const redis = startDetached(found, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
		env: process.env,
		onLine: (line) => {
			log.push(line);
			if (/Ready to accept connections/.test(line)) ready = true;
		},
	});
	const deadline = Date.now() + 30_000;
	while (!ready) {
		if (redis.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start: ${log.slice(-5).join('\n')}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return { port, process: redis };
}

/** The Publish node's summary item of a run. */
function summaryOf(run: ExecutionRun | undefined): Record<string, unknown> {
	const item = run?.data.resultData.runData[PUBLISH_NODE]?.[0]?.data?.main?.[0]?.[0]?.json;
	expect(item, 'the Publish node produced no item');
	return item;
}

async function main(): Promise<number> {
	const log = (line: string) => console.log(`[queue] ${line}`);
	const redisLog: string[] = [];
	const workerLog: string[] = [];
	let redis: { port: number; process: ChildProcess } | undefined;
	let worker: ChildProcess | undefined;
	let session: Session | undefined;
	let passed = 0;
	let failed = 0;
	const check = async (name: string, body: () => Promise<string> | string) => {
		try {
			const detail = await body();
			passed += 1;
			console.log(`ok     ${name}: ${detail}`);
		} catch (error) {
			failed += 1;
			console.log(`FAILED ${name}: ${error instanceof Error ? error.message : String(error)}`);
		}
	};
	try {
		redis = await startRedis(redisLog);
		log(`redis-server on 127.0.0.1:${redis.port}`);
		// What every n8n process of a queue-mode deployment shares (README, "Queue mode").
		const queueEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			QUEUE_BULL_PREFIX: `tp-queue-${process.pid}`,
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			QUEUE_HEALTH_CHECK_ACTIVE: 'false',
		};
		session = await startSession({ log, n8nEnv: queueEnv });
		const { n8n, sandbox } = session;
		// The example ships as a dry run: this test checks what the worker wrote.
		const workflow = prepareWorkflow(path.join(REPO_ROOT, 'examples', 'publish-csv-plan.json'), n8n.filesDir, path.join(session.workDir, 'workflows'), {
			publishMode: 'write',
		});
		await n8n.importWorkflows(path.join(session.workDir, 'workflows'));
		await n8n.start();
		log(`main at ${n8n.url}`);
		worker = await n8n.startWorker((line) => {
			workerLog.push(line);
			if (workerLog.length > 2000) workerLog.shift();
		});
		log('worker ready');
		await n8n.setupOwner(OWNER);

		const territories = () => sandbox.store.records('Territory2').filter((t) => t.Territory2ModelId === sandbox.store.records('Territory2Model').find((m) => m.DeveloperName === 'FY27_Sales')?.Id).length;
		const first = await n8n.executeManually(workflow.id, MANUAL_TRIGGER);
		await check('a publish executed from the main runs on the worker', () => {
			expect(first.run, `no execution: ${describeFailure(first)}`);
			expect(first.succeeded, `the execution failed: ${describeFailure(first)}`);
			const ran = workerLog.filter((line) => /Worker (started|finished) execution/.test(line));
			expect(ran.length >= 2, `the worker's log names no execution:\n${workerLog.slice(-10).join('\n')}`);
			expect(!/Worker started execution/.test(n8n.log), "the main's log says it ran the execution as a worker");
			return ran.map((line) => line.trim()).join('; ');
		});
		await check('the sample plan is in the sandbox org', () => {
			const counts = summaryOf(first.run).counts as Record<string, Record<string, number>> | undefined;
			const count = territories();
			expect(count >= 200, `the model holds ${count} territories`);
			expect(counts?.Territory2?.create === count, `Territory2 created: ${JSON.stringify(counts?.Territory2)}, the org holds ${count}`);
			return `${count} territories created in FY27_Sales`;
		});
		const before = workerLog.length;
		const second = await n8n.executeManually(workflow.id, MANUAL_TRIGGER);
		await check('a second execution on the worker finds nothing to change (no state kept between executions)', () => {
			expect(second.succeeded, `the execution failed: ${describeFailure(second)}`);
			expect(workerLog.slice(before).some((line) => /Worker finished execution/.test(line)), 'the worker did not run the second execution');
			const summary = summaryOf(second.run);
			const counts = (summary.counts ?? {}) as Record<string, Record<string, number>>;
			const writes = Object.values(counts).reduce((n, perAction) => n + Object.values(perAction ?? {}).reduce((m, k) => m + Number(k), 0), 0);
			expect(writes === 0, `the re-publish wrote ${writes} records: ${JSON.stringify(counts)}`);
			return `no write; ${territories()} territories`;
		});
	} catch (error) {
		failed += 1;
		console.log(`FAILED queue mode set-up: ${error instanceof Error ? error.message : String(error)}`);
		if (workerLog.length) console.log(`worker log:\n${workerLog.slice(-20).join('\n')}`);
	} finally {
		if (worker) await stopGroup(worker);
		if (session) {
			// The worker's log goes to the secret scan with the session's outputs.
			await recordN8nOutputs(ledgerName('queue-worker'), session.n8n, session.install, { 'worker.log': workerLog.join('\n'), 'redis.log': redisLog.join('\n') }).catch(() => undefined);
			await session.stop();
		}
		if (redis) await stopGroup(redis.process);
	}
	console.log(`${passed} passed, ${failed} failed`);
	return failed ? 1 : 0;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(`Queue-mode test failed: ${error instanceof Error ? error.message : String(error)}`);
		console.log('0 passed, 1 failed');
		process.exitCode = 1;
	},
);
