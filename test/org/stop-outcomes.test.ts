/**
 * A run that stops while a call's answer was lost must say which creates may have been written
 * (OUTCOME_UNKNOWN), never "not attempted": a half-written change set must not read as untouched.
 */
import { publishPlan } from '../../lib';
import { SAMPLE_ROWS } from '../helpers/engine-org';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

let t: TestSandbox;
beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo' });
});
afterAll(() => t?.stop());

it('creates whose call was cut are OUTCOME_UNKNOWN after a stop, and the words say so once', async () => {
	const controller = new AbortController();
	// The org dies after 30 records of the first write call (the connection destroyed: no answer), then
	// the caller stops the run while the engine would look those creates up.
	t.sandbox.faults.set({ stopAfterRecordsWritten: 30, stopMode: 'destroy' });
	const result = await publishPlan({
		connection: t.sandbox.passwordLogin(),
		plan: { rows: SAMPLE_ROWS },
		model: { developerName: 'Cut_Run' },
		signal: controller.signal,
		onProgress: () => {
			if (t.sandbox.requestLog.writeCalls >= 1) controller.abort();
		},
	});
	t.sandbox.faults.set({});
	const written = t.sandbox.store.records('Territory2').filter((r) => String(r.DeveloperName) !== '').length;
	expect(written).toBeGreaterThan(0);
	const changes = result.rows.flatMap((r) => r.changes);
	expect(changes.filter((c) => c.status === 'failed' && c.errorCode === 'OUTCOME_UNKNOWN').length).toBeGreaterThanOrEqual(written);
	expect(result.summary.stopped).not.toBeNull();
	expect(result.summary.stopped!.message.match(/publish(ing)? the same plan again/gi)).toHaveLength(1);
});
