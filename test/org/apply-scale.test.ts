/**
 * The writer's queue holds an XL plan's waves: 200,000 account assignments of one phase are one wave, which
 * `queue.push(...items)` could not take (RangeError: Maximum call stack size exceeded, seen in the XL bench).
 * A stop asked before the run lets the queue be built in full and nothing be written.
 */
import { applyChangeSet, CANCELLED } from '../../lib/org/apply';
import { connect } from '../../lib/org/connect';
import { OBJECTS } from '../../lib/salesforce';
import type { Change } from '../../lib/sync/types';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

let t: TestSandbox;
beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo' });
}, 60_000);
afterAll(() => t?.stop());

it('queues a wave of 200,000 changes without overflowing the stack', async () => {
	const changes: Change[] = Array.from({ length: 200_000 }, (_, k) => ({
		id: `${OBJECTS.objectTerritory}:T:${k}`,
		object: OBJECTS.objectTerritory,
		action: 'create',
		recordId: null,
		label: `T → ${k}`,
		fields: { ObjectId: `001000000${String(k).padStart(6, '0')}AAA`, Territory2Id: '0MI000000000001AAA', AssociationCause: 'Territory2Manual' },
		diff: [],
		reason: 'new in plan',
		rows: [2],
		dependsOn: [],
		phase: 9,
	}));
	const org = await connect({ connection: t.sandbox.passwordLogin() });
	const controller = new AbortController();
	controller.abort();
	t.sandbox.requestLog.reset();
	const result = await applyChangeSet(org, { modelDeveloperName: 'Scale', modelId: '0MA000000000001AAA', changes, issues: [], warnings: [] }, { signal: controller.signal });
	expect(result.stopped?.code).toBe(CANCELLED);
	expect(result.outcomes).toHaveLength(200_000);
	expect(result.outcomes.filter((o) => o.status === 'done')).toHaveLength(0);
	expect(t.sandbox.requestLog.writeCalls).toBe(0);
}, 120_000);
