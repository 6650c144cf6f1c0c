/**
 * The publisher's process SIGKILLed at 25 points of its apply (at least the 20 the issue asks for), then the same plan published again: the
 * model is the plan, nothing is duplicated anywhere in the org, every row has an outcome, and a third run
 * writes nothing. The sandbox org runs here; the publisher runs in a child process (processes.ts) and is
 * killed right after the sandbox served its k-th write request, before the answer leaves: the write
 * landed and the publisher never learnt it did, the hardest case for a re-run (a kill between two writes
 * leaves the org as a kill after the earlier one does: the child keeps no state).
 *
 * Writes are packed: one Composite call carries several phases and hierarchy levels (lib/org/composite-
 * pack.ts), so a first publish of the compact plan is 3 write calls and its edit 9, of the full plan 3 and
 * 10. The 25 points are every one of those write calls (each carries the changes of several phases: the
 * model, territories of each level, rules, rule items and filters, rule links, users, forecast managers,
 * accounts, and the edit's deletes and updates). One more kills a publish whose rule links go through the
 * Metadata API once its deploy landed; three more go through the Publish node in n8n's workflow engine,
 * killed and then run again as a node.
 */
import type { PlanRow } from '../../lib/plan/types';
import type { SandboxOptions } from '../../sandbox';
import { startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';
import { expectEveryRowAccounted, expectModelIsPlan } from './checks';
import { FigureBook } from './figures';
import { nodeCredentials, runPublishNode } from './node-run';
import { ACCOUNTS, editedPlan, fullPlan } from './plans';
import { killAfterWrite, publisherScript, removePublisherScript, startPublisher, type Publisher } from './processes';
import type { PublisherJob } from './child/publisher';

jest.setTimeout(240_000);

interface KillPoint {
	/** 'create': fullPlan into a new model; 'edit': editedPlan over fullPlan (overwriteAll). */
	run: 'create' | 'edit';
	k: number;
	via: 'engine' | 'node';
	/** The compact plans (plans.ts: every phase of the full ones, a third of the records), or the full ones. */
	compact: boolean;
}

const points = (run: KillPoint['run'], writes: number, compact: boolean): KillPoint[] =>
	Array.from({ length: writes }, (_, i) => ({ run, k: i + 1, via: 'engine', compact }));
/** Every write call of a first publish and of an edit, of the compact and of the full plans (see above). */
const CREATE_POINTS: KillPoint[] = [...points('create', 3, true), ...points('create', 3, false)];
const EDIT_POINTS: KillPoint[] = [...points('edit', 9, true), ...points('edit', 10, false)];
/** In an org whose rule links go through the Metadata API: killed once its deploy landed (write 4), the job's answer lost. */
const METADATA_POINTS: KillPoint[] = [{ run: 'create', k: 4, via: 'engine', compact: true }];
const NODE_POINTS: KillPoint[] = [
	{ run: 'create', k: 1, via: 'node', compact: true },
	{ run: 'create', k: 3, via: 'node', compact: true },
	{ run: 'edit', k: 5, via: 'node', compact: true },
];

const book = new FigureBook('kills');
beforeAll(() => publisherScript());
afterAll(() => {
	book.save();
	removePublisherScript();
});

const modelOf = (p: KillPoint) => `Kill_${p.via}_${p.run}${p.compact ? '' : '_full'}_${p.k}`;
const methodOf = (p: KillPoint) => (p.run === 'create' ? 'overwriteMatching' : 'overwriteAll');

/** One org per sweep: the sweeps run side by side (much of a point's time is waiting for the other process). */
async function withOrg<T>(fn: (org: EngineOrg) => Promise<T>, options: SandboxOptions = {}): Promise<T> {
	const org = await startEngineOrg({ ...options, seedOptions: { accounts: ACCOUNTS } });
	try {
		return await fn(org);
	} finally {
		await org.stop();
	}
}

function planOf(org: EngineOrg, p: KillPoint): PlanRow[] {
	return p.run === 'create' ? fullPlan(org.sandbox, p.compact) : editedPlan(org.sandbox, p.compact);
}

function jobOf(org: EngineOrg, p: KillPoint): PublisherJob {
	if (p.via === 'node') {
		return { via: 'node', rows: planOf(org, p), developerName: modelOf(p), method: methodOf(p), credentials: nodeCredentials(org.sandbox) };
	}
	return { via: 'engine', options: { connection: org.connection, plan: { rows: planOf(org, p) }, model: { developerName: modelOf(p) }, method: methodOf(p) } };
}

/** Runs the points in turn, each child started (and loaded) while the one before is checked. */
async function sweep(org: EngineOrg, points: KillPoint[]): Promise<string[]> {
	const killedAt: string[] = [];
	let next: Publisher | null = startPublisher(jobOf(org, points[0]));
	for (let i = 0; i < points.length; i++) {
		const p = points[i];
		const child: Publisher = next!;
		if (p.run === 'edit') {
			const base = await org.publish({ plan: { rows: fullPlan(org.sandbox, p.compact) }, model: { developerName: modelOf(p) } });
			expect(base.summary.failed).toBe(0);
		}
		await child.ready;
		const before = org.sandbox.faults.injected;
		const writesBefore = org.sandbox.requestLog.writeCalls;
		const kill = killAfterWrite(org.sandbox, child, p.k);
		child.go();
		const exit = await child.exited;
		kill.dispose();
		next = i + 1 < points.length ? startPublisher(jobOf(org, points[i + 1])) : null;
		// It was killed, by us, at the point asked for (a child that finished would have a result).
		expect({ point: modelOf(p), signal: exit.signal, result: exit.result }).toEqual({ point: modelOf(p), signal: 'SIGKILL', result: undefined });
		expect(kill.killedAt()).not.toBeNull();
		expect(org.sandbox.requestLog.writeCalls - writesBefore).toBe(p.k);
		killedAt.push(`${p.run} ${p.k}: ${kill.killedAt()}`);

		const verdict = await runAgain(org, p);
		book.add(`kill ${p.via}: ${p.run} after write ${String(p.k).padStart(2, '0')} (${kill.killedAt()})`, org.sandbox, before, verdict, { kills: 1, writeRequests: p.k });
		org.dropModel(modelOf(p));
	}
	return killedAt;
}

/** The same plan again (in this process): it converges, says what it did per row, and a third run writes nothing. */
async function runAgain(org: EngineOrg, p: KillPoint) {
	const rows = planOf(org, p);
	const model = { developerName: modelOf(p) };
	if (p.via === 'node') {
		const credentials = nodeCredentials(org.sandbox);
		const again = await runPublishNode(rows, model.developerName, credentials, methodOf(p));
		expect(again.error).toBeNull();
		// One item per plan row, and one per territory the edit deletes (row 0).
		const planRows = again.rows.filter((r) => r.row !== 0);
		expect(planRows.map((r) => r.key).sort()).toEqual(rows.map((r) => String(r.Key)).sort());
		for (const r of again.rows) expect(['created', 'updated', 'unchanged', 'deleted']).toContain(r.status);
	} else {
		const again = await org.publish({ plan: { rows }, model, method: methodOf(p) });
		expect(again.issues).toEqual([]);
		expect({ failed: again.summary.failed, skipped: again.summary.skipped, stopped: again.summary.stopped }).toEqual({ failed: 0, skipped: 0, stopped: null });
		expectEveryRowAccounted(again, rows);
	}
	const verdict = await expectModelIsPlan(org, model.developerName, rows);
	const third = await org.publish({ plan: { rows }, model, method: methodOf(p) });
	expect(writeCount(third)).toBe(0);
	return verdict;
}

describe('the publisher process killed mid-apply, then run again', () => {
	const killedAt: string[] = [];

	it.concurrent('converges from a kill after each write call of a first publish (compact and full plans)', async () => {
		killedAt.push(...(await withOrg((org) => sweep(org, CREATE_POINTS))));
	});

	it.concurrent('converges from a kill after each write call of an edit (overwriteAll; compact and full plans)', async () => {
		killedAt.push(...(await withOrg((org) => sweep(org, EDIT_POINTS))));
	});

	it.concurrent('converges from a kill once a Metadata API deploy of the rule links landed', async () => {
		const points = await withOrg((org) => sweep(org, METADATA_POINTS), { ruleLinksViaRest: false });
		expect(points).toEqual(['create 4: metadata:Territory2+RuleTerritory2Association']);
	});

	it.concurrent('converges when the Publish node is killed inside n8n, then run again as a node', async () => {
		expect(await withOrg((org) => sweep(org, NODE_POINTS))).toHaveLength(3);
	});

	it('killed the engine at 25 points (every write call of the four runs), in every phase', () => {
		expect(killedAt).toHaveLength(25);
		const objects = killedAt.join(' ');
		for (const object of [
			'Territory2Model',
			'Territory2',
			'ObjectTerritory2AssignmentRule',
			'ObjectTerritory2AssignmentRuleItem',
			'RuleTerritory2Association',
			'UserTerritory2Association',
			'ObjectTerritory2Association',
		]) {
			// Any object of a packed call (composite:A+B+C): the write carried that phase's changes.
			expect(objects).toMatch(new RegExp(`[:+]${object}(\\+|$| )`));
		}
	});
});
