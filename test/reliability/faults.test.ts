/**
 * The faults a scheduled publish meets, injected by the sandbox org, through the engine (publishPlan)
 * and through the Publish node in n8n's workflow engine: 5 % of write requests refused with
 * UNABLE_TO_LOCK_ROW and 5 % answered 503 (seeded: every run fails the same calls), sessions that expire
 * every few calls under each auth flow, the org's API allowance running out half-way, and the org
 * restarted from its state file in the middle of a publish. After each, once run again: the model is the
 * plan, no territory object is duplicated anywhere in the org, every row has an outcome, and what the user
 * reads says what happened and that publishing the same plan again finishes it.
 */
import { publishPlan, type ConnectionSettings, type PublishResult } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import type { FaultSettings } from '../../sandbox';
import { startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';
import { expectEveryRowAccounted, expectModelIsPlan } from './checks';
import { FigureBook } from './figures';
import { nodeCredentials, runPublishNode, type NodeAuth, type NodeOutcome } from './node-run';
import { ACCOUNTS, editedPlan, fullPlan } from './plans';
import { RestartableOrg } from './restart';

jest.setTimeout(180_000);

const book = new FigureBook('faults');
afterAll(() => book.save());

/** Where the two rates apply: every endpoint that writes (Composite also carries the snapshot's reads). */
const WRITE_FAULTS: FaultSettings = {
	lockRowRate: 0.05,
	unavailableRate: 0.05,
	seed: 2027,
	endpoints: ['composite', 'collections', 'sobject', 'bulk2', 'metadata'],
};

const RUN_AGAIN = /publish(ing)? the same plan again/i;

async function withOrg(fn: (org: EngineOrg) => Promise<void>): Promise<void> {
	const org = await startEngineOrg({ seedOptions: { accounts: ACCOUNTS } });
	try {
		await fn(org);
	} finally {
		await org.stop();
	}
}

/** A result whose rows did not all go through says, on each such row, why and what to do. */
function expectFailuresExplained(result: PublishResult): void {
	for (const r of result.rows.filter((r) => r.status === 'failed')) {
		if (r.errorCode === 'UNABLE_TO_LOCK_ROW' || r.errorCode === 'SERVER_UNAVAILABLE') expect(r.message).toMatch(RUN_AGAIN);
	}
	if (result.summary.stopped) expect(result.summary.stopped.message).toMatch(RUN_AGAIN);
}

/** A node run that stopped tells the user what happened and what to do; one that did not stop lists every row. */
function expectNodeOutcomeExplained(outcome: NodeOutcome, plan: PlanRow[]): void {
	if (outcome.error) {
		expect(`${outcome.error.message}\n${outcome.error.description}`).toMatch(RUN_AGAIN);
		expect(outcome.error.description).toMatch(/Written: /);
	} else {
		const keys = outcome.rows.filter((r) => r.row !== 0).map((r) => r.key);
		expect(keys.sort()).toEqual(plan.map((r) => String(r.Key)).sort());
	}
}

describe('5 % UNABLE_TO_LOCK_ROW and 5 % 503 on writes', () => {
	it.concurrent('engine: a first publish and an edit, each run again under the same faults, end as the plan', async () => {
		await withOrg(async (org) => {
			const before = org.sandbox.faults.injected;
			const writesBefore = org.sandbox.requestLog.writeCalls;
			const model = { developerName: 'Faults_Engine' };
			org.sandbox.faults.set(WRITE_FAULTS);
			for (const [rows, method] of [
				[fullPlan(org.sandbox), 'overwriteMatching'],
				[editedPlan(org.sandbox), 'overwriteAll'],
			] as const) {
				const first = await org.publish({ plan: { rows: [...rows] }, model, method });
				expect(first.issues).toEqual([]);
				expectEveryRowAccounted(first, [...rows]);
				expectFailuresExplained(first);
				const again = await org.publish({ plan: { rows: [...rows] }, model, method });
				expect({ failed: again.summary.failed, skipped: again.summary.skipped, stopped: again.summary.stopped }).toEqual({ failed: 0, skipped: 0, stopped: null });
				expectEveryRowAccounted(again, [...rows]);
			}
			org.sandbox.faults.clear();
			const injected = org.sandbox.faults.injected;
			expect(injected.lockRow - before.lockRow).toBeGreaterThan(10);
			expect(injected.unavailable - before.unavailable).toBeGreaterThan(0);
			const rows = editedPlan(org.sandbox);
			const verdict = await expectModelIsPlan(org, model.developerName, rows);
			expect(writeCount(await org.publish({ plan: { rows }, model, method: 'overwriteAll' }))).toBe(0);
			book.add('engine: 5 % UNABLE_TO_LOCK_ROW + 5 % 503 (publish, edit, each run twice)', org.sandbox, before, verdict, {
				writeRequests: org.sandbox.requestLog.writeCalls - writesBefore,
			});
		});
	});

	it.concurrent('Publish node: the same faults inside n8n, run again as a node, end as the plan', async () => {
		await withOrg(async (org) => {
			const before = org.sandbox.faults.injected;
			const writesBefore = org.sandbox.requestLog.writeCalls;
			const credentials = nodeCredentials(org.sandbox);
			org.sandbox.faults.set({ ...WRITE_FAULTS, seed: 2029 });
			for (const [rows, method] of [
				[fullPlan(org.sandbox), 'overwriteMatching'],
				[editedPlan(org.sandbox), 'overwriteAll'],
			] as const) {
				const first = await runPublishNode([...rows], 'Faults_Node', credentials, method);
				expectNodeOutcomeExplained(first, [...rows]);
				const again = await runPublishNode([...rows], 'Faults_Node', credentials, method);
				expect(again.error).toBeNull();
				expectNodeOutcomeExplained(again, [...rows]);
			}
			org.sandbox.faults.clear();
			expect(org.sandbox.faults.injected.lockRow - before.lockRow).toBeGreaterThan(10);
			expect(org.sandbox.faults.injected.unavailable - before.unavailable).toBeGreaterThan(0);
			const verdict = await expectModelIsPlan(org, 'Faults_Node', editedPlan(org.sandbox));
			book.add('node: 5 % UNABLE_TO_LOCK_ROW + 5 % 503 (publish, edit, each run twice)', org.sandbox, before, verdict, {
				writeRequests: org.sandbox.requestLog.writeCalls - writesBefore,
			});
		});
	});
});

/** Sessions that last 3 API calls: a publish of the full plan renews its session several times. */
const EXPIRE_EVERY = 3;

describe(`sessions expiring every ${EXPIRE_EVERY} calls, under each auth flow`, () => {
	it.concurrent('engine: password, JWT, client credentials and refresh token each renew and finish the publish', async () => {
		await withOrg(async (org) => {
			const s = org.sandbox;
			const c = s.credentials;
			const flows: Record<string, ConnectionSettings> = {
				password: s.passwordLogin(),
				jwt: { authType: 'jwt', loginUrl: s.loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey },
				clientCredentials: { authType: 'clientCredentials', loginUrl: s.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret },
				refreshToken: { authType: 'refreshToken', loginUrl: s.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: s.issueRefreshToken() },
			};
			for (const [flow, connection] of Object.entries(flows)) {
				const developerName = `Session_${flow}`;
				const rows = fullPlan(s);
				const before = s.faults.injected;
				s.requestLog.reset();
				s.faults.set({ expireSessionsEveryCalls: EXPIRE_EVERY });
				let result: PublishResult;
				try {
					result = await publishPlan({ connection, plan: { rows }, model: { developerName } });
				} finally {
					s.faults.clear();
				}
				expect({ flow, failed: result.summary.failed, stopped: result.summary.stopped }).toEqual({ flow, failed: 0, stopped: null });
				expectEveryRowAccounted(result, rows);
				const expired = s.faults.injected.sessionsExpired - before.sessionsExpired;
				expect(expired).toBeGreaterThanOrEqual(3);
				// Every expiry was met by a new token (logins are logged as auth requests).
				expect(s.requestLog.count('auth')).toBeGreaterThanOrEqual(expired);
				const verdict = await expectModelIsPlan(org, developerName, rows);
				book.add(`engine: sessions expire every ${EXPIRE_EVERY} calls (${flow})`, s, before, verdict, { writeRequests: s.requestLog.writeCalls });
				org.dropModel(developerName);
			}
		});
	});

	it.concurrent('Publish node: password, JWT and client-credentials credentials each renew and finish the publish', async () => {
		await withOrg(async (org) => {
			const s = org.sandbox;
			for (const flow of ['password', 'jwt', 'clientCredentials'] as NodeAuth[]) {
				const developerName = `Node_Session_${flow}`;
				const rows = fullPlan(s);
				const before = s.faults.injected;
				s.requestLog.reset();
				s.faults.set({ expireSessionsEveryCalls: EXPIRE_EVERY });
				let outcome: NodeOutcome;
				try {
					outcome = await runPublishNode(rows, developerName, nodeCredentials(s, flow));
				} finally {
					s.faults.clear();
				}
				expect({ flow, error: outcome.error }).toEqual({ flow, error: null });
				expectNodeOutcomeExplained(outcome, rows);
				expect(outcome.rows.every((r) => r.status === 'created')).toBe(true);
				const expired = s.faults.injected.sessionsExpired - before.sessionsExpired;
				expect(expired).toBeGreaterThanOrEqual(3);
				expect(s.requestLog.count('auth')).toBeGreaterThanOrEqual(expired);
				const verdict = await expectModelIsPlan(org, developerName, rows);
				book.add(`node: sessions expire every ${EXPIRE_EVERY} calls (${flow})`, s, before, verdict, { writeRequests: s.requestLog.writeCalls });
				org.dropModel(developerName);
			}
		});
	});
});

/** Sets the allowance so that the publish's reads and about half its writes fit. */
async function limitHalfWay(org: EngineOrg, rows: PlanRow[], developerName: string): Promise<void> {
	const usedBefore = org.sandbox.apiUsage.used;
	await org.publish({ plan: { rows }, model: { developerName }, dryRun: true, checkOrg: false });
	const reads = org.sandbox.apiUsage.used - usedBefore;
	// Packed write calls, each after a guard check (the guard's first state is the snapshot's): 3 calls reach the
	// check before the first write call, that call, and the check before the next; the next write call is refused.
	org.sandbox.apiUsage.max = org.sandbox.apiUsage.used + reads + 3;
}

function newDay(org: EngineOrg): void {
	org.sandbox.apiUsage.reset();
	org.sandbox.apiUsage.max = 100_000;
}

describe('REQUEST_LIMIT_EXCEEDED half-way', () => {
	it.concurrent('engine: stops cleanly, says to publish the same plan again when the org has requests left; that run finishes it', async () => {
		await withOrg(async (org) => {
			const rows = fullPlan(org.sandbox);
			const model = { developerName: 'Limit_Engine' };
			const before = org.sandbox.faults.injected;
			await limitHalfWay(org, rows, model.developerName);
			const stopped = await org.publish({ plan: { rows }, model });
			expect(stopped.summary.stopped?.code).toBe('REQUEST_LIMIT_EXCEEDED');
			expect(stopped.summary.stopped?.message).toMatch(/API allowance for the last 24 hours is used up/);
			expect(stopped.summary.stopped?.message).toMatch(/Publish the same plan again once the org has API requests to spare/);
			expectEveryRowAccounted(stopped, rows);
			const skipped = stopped.rows.filter((r) => r.status === 'skipped');
			expect(skipped.length).toBeGreaterThan(0);
			for (const r of skipped) expect(r).toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: expect.stringMatching(/^Not attempted: /) });
			// Half-way: the model, its territories and their assignments are in, the rules and the rest not.
			const written = org.model(model.developerName);
			expect(written.territories.length).toBe(208);
			expect(written.rules).toEqual([]);

			newDay(org);
			const resumed = await org.publish({ plan: { rows }, model });
			expect({ failed: resumed.summary.failed, stopped: resumed.summary.stopped }).toEqual({ failed: 0, stopped: null });
			expectEveryRowAccounted(resumed, rows);
			const verdict = await expectModelIsPlan(org, model.developerName, rows);
			book.add('engine: REQUEST_LIMIT_EXCEEDED half-way through the writes', org.sandbox, before, verdict, { limitStops: 1 });
		});
	});

	it.concurrent('Publish node: stops with the words of what happened and what to do; run again as a node, it finishes', async () => {
		await withOrg(async (org) => {
			const rows = fullPlan(org.sandbox);
			const before = org.sandbox.faults.injected;
			const credentials = nodeCredentials(org.sandbox);
			await limitHalfWay(org, rows, 'Limit_Node');
			const stopped = await runPublishNode(rows, 'Limit_Node', credentials);
			expect(stopped.error?.message).toMatch(/^The publish stopped early \(REQUEST_LIMIT_EXCEEDED\)/);
			expect(stopped.error?.message).toMatch(/Publish the same plan again once the org has API requests to spare/);
			expect(stopped.error?.description).toMatch(/Written: Territory2Model create 1; Territory2 create 208/);
			expect(stopped.error?.description).toMatch(/skipped REQUEST_LIMIT_EXCEEDED: Not attempted/);

			newDay(org);
			const resumed = await runPublishNode(rows, 'Limit_Node', credentials);
			expect(resumed.error).toBeNull();
			expectNodeOutcomeExplained(resumed, rows);
			const verdict = await expectModelIsPlan(org, 'Limit_Node', rows);
			book.add('node: REQUEST_LIMIT_EXCEEDED half-way through the writes', org.sandbox, before, verdict, { limitStops: 1 });
		});
	});
});

describe('the org restarted from its state file mid-publish', () => {
	/**
	 * Restarts after the 1st write call and again after the next one: the full plan's first publish is 3
	 * packed write calls (composite-pack.ts), so both restarts land mid-publish with writes still to come.
	 */
	async function restartTwice(org: RestartableOrg, publish: () => Promise<void>): Promise<void> {
		const first = org.restartAfterWrite(1);
		const run = publish();
		await first;
		const second = org.restartAfterWrite(1);
		await run;
		await second;
		expect(org.downtimes).toHaveLength(2);
	}

	it.concurrent("engine: the publish's retries reach the new server and finish the model", async () => {
		const org = await RestartableOrg.start();
		try {
			const rows = fullPlan(org.sandbox);
			const model = { developerName: 'Restart_Engine' };
			let result: PublishResult | undefined;
			await restartTwice(org, async () => {
				result = await publishPlan({ connection: org.connection, plan: { rows }, model });
			});
			// The publish went on against the new server: it wrote there.
			expect(org.sandbox.requestLog.writeCalls).toBeGreaterThan(0);
			expect({ failed: result!.summary.failed, stopped: result!.summary.stopped }).toEqual({ failed: 0, stopped: null });
			expectEveryRowAccounted(result!, rows);
			const verdict = await expectModelIsPlan(org, model.developerName, rows);
			book.add('engine: org restarted from its state file twice mid-publish', org.sandbox, org.sandbox.faults.injected, verdict, { restarts: 2 });
		} finally {
			await org.stop();
		}
	});

	it.concurrent("Publish node: the node's retries reach the new server and finish the model", async () => {
		const org = await RestartableOrg.start();
		try {
			const rows = fullPlan(org.sandbox);
			const credentials = nodeCredentials(org.sandbox);
			let outcome: NodeOutcome | undefined;
			await restartTwice(org, async () => {
				outcome = await runPublishNode(rows, 'Restart_Node', credentials);
			});
			expect(org.sandbox.requestLog.writeCalls).toBeGreaterThan(0);
			expect(outcome!.error).toBeNull();
			expectNodeOutcomeExplained(outcome!, rows);
			const verdict = await expectModelIsPlan(org, 'Restart_Node', rows);
			book.add('node: org restarted from its state file twice mid-publish', org.sandbox, org.sandbox.faults.injected, verdict, { restarts: 2 });
		} finally {
			await org.stop();
		}
	});
});

