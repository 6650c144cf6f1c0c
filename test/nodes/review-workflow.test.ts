/**
 * The Publish node's modes and safety options inside n8n's workflow engine (n8n-core in-process) against
 * the sandbox org: dry run → approval → Apply a Reviewed Change Set writes exactly what the dry run
 * listed, or nothing when the org changed between them; the model-missing default; Maximum Deletes;
 * Salesforce failures as NodeApiError; stopping an execution mid-publish; two executions at once.
 */
import type { IConnections, IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { Connection } from 'jsforce';
import { linearWorkflow, nodeCredentials, passThroughHooks, runWorkflow } from '../helpers/n8n';
import { publishNode, type NodeSpec } from '../helpers/nodes';
import { TEST_API_VERSION } from '../helpers/sandbox';
import { startSandbox, type Sandbox } from '../../sandbox';
import { SAMPLE_ROWS } from '../helpers/engine-org';
import { loserOutcome, saveConcurrency } from '../reliability/figures';

let sandbox: Sandbox;
let credentials: Record<string, Record<string, string>>;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, seed: 'demo', edition: 'Unlimited', seedOptions: { accounts: 20 } });
	credentials = nodeCredentials(sandbox);
});
afterAll(async () => sandbox?.stop());

const dump = () => JSON.stringify(sandbox.store.image().records);
type Records = Record<string, { Id: string }[]>;
/** "+ Type", "~ Type Id", "- Type Id" lines: what changed in the org since `before`. */
function changesSince(before: string): string[] {
	const was: Records = JSON.parse(before);
	const now = JSON.parse(dump()) as Records;
	const out: string[] = [];
	for (const type of new Set([...Object.keys(was), ...Object.keys(now)])) {
		const old = new Map((was[type] ?? []).map((r) => [r.Id, JSON.stringify(r)]));
		const cur = new Map((now[type] ?? []).map((r) => [r.Id, JSON.stringify(r)]));
		for (const [id, r] of cur) if (!old.has(id)) out.push(`+ ${type}`);
		else if (old.get(id) !== r) out.push(`~ ${type} ${id}`);
		for (const id of old.keys()) if (!cur.has(id)) out.push(`- ${type} ${id}`);
	}
	return out.sort();
}

function publish(name: string, parameters: INodeParameters): NodeSpec {
	return publishNode({ name, model: 'Reviewed_Node', parameters });
}

/** Start → Plan → Dry run → Approve (a pass-through standing in for "send and wait") → Apply. */
function reviewWorkflow(items: IDataObject[], hook = '') {
	const base = linearWorkflow({ items }, publish('Dry run', { mode: 'dryRun', ifModelMissing: 'create' }));
	const nodes: INode[] = [
		...base.nodes,
		{ id: '4', name: 'Approve', type: 'test.passThrough', typeVersion: 1, position: [600, 0], parameters: { hook } },
		{ id: '5', typeVersion: 1, position: [800, 0], ...publish('Apply', { mode: 'applyReview', reviewField: 'review' }) } as INode,
	];
	const connections: IConnections = {
		...base.connections,
		'Dry run': { main: [[{ node: 'Approve', type: 'main', index: 0 }]] },
		Approve: { main: [[{ node: 'Apply', type: 'main', index: 0 }]] },
	};
	return { nodes, connections };
}

async function jsforce(): Promise<Connection> {
	const { loginUrl, credentials: c } = sandbox;
	const conn = new Connection({ loginUrl, version: TEST_API_VERSION, oauth2: { loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } });
	await conn.login(c.username, c.password);
	return conn;
}

const SMALL = SAMPLE_ROWS.slice(0, 12) as IDataObject[];

describe('dry run → approval → Apply a Reviewed Change Set', () => {
	it('writes exactly what the dry run listed', async () => {
		const before = dump();
		let atApproval = '';
		passThroughHooks.set('snapshot', async () => {
			atApproval = dump();
		});
		const run = await runWorkflow(reviewWorkflow(SMALL, 'snapshot'), credentials);
		expect(run.run.data.resultData.error).toBeUndefined();
		// The dry run wrote nothing, said so, and handed on its review.
		expect(atApproval).toBe(before);
		const [dry] = run.output('Dry run');
		expect(dry.json.dryRun).toBe(true);
		expect(String(dry.json.next)).toMatch(/^Nothing was written \(dry run\)/);
		expect((dry.json.review as IDataObject).format).toBe('n8n-nodes-territory-planning/reviewed-change-set');
		const listed = (dry.json.review as { changeSet: { changes: { object: string; action: string; recordRef?: string }[] } }).changeSet.changes;

		const [applied] = run.output('Apply');
		expect(applied.json.dryRun).toBe(false);
		expect(applied.json.failed).toBe(0);
		expect(String(applied.json.next)).toMatch(/Run Rules/);
		// Record by record: one new record per listed create, and nothing else. Into a new model the only
		// updates listed are of records the same run creates (a new territory's forecast manager).
		expect(changesSince(before)).toEqual(listed.filter((c) => c.action === 'create').map((c) => `+ ${c.object}`).sort());
		expect(listed.filter((c) => c.action !== 'create').every((c) => c.action === 'update' && c.recordRef)).toBe(true);
	});

	it('a change in the org between the dry run and the apply is refused, and nothing is written', async () => {
		const rows = SMALL.map((r) => ({ ...r }));
		rows[0].Description = 'West, as reviewed';
		let before = '';
		passThroughHooks.set('edit', async () => {
			const conn = await jsforce();
			const west = sandbox.store.records('Territory2').find((t) => t.DeveloperName === 'West')!;
			await conn.sobject('Territory2').update({ Id: west.Id, Description: 'Changed in Salesforce during the approval' });
			before = dump();
		});
		const run = await runWorkflow(reviewWorkflow(rows, 'edit'), credentials);
		const error = run.error('Apply');
		expect(error?.message).toMatch(/nothing was written/);
		expect(error?.description).toContain('Territory2:West');
		expect(error?.description).toContain('Description: "West region" → "Changed in Salesforce during the approval"');
		expect(error?.description).toContain('(ORG_CHANGED)');
		expect(changesSince(before)).toEqual([]);
	});

	it('a missing review field says what to connect', async () => {
		const wf = linearWorkflow({ items: [{ hello: 'world' }] }, publish('Apply', { mode: 'applyReview' }));
		const run = await runWorkflow(wf, credentials);
		expect(run.error('Apply')?.message).toMatch(/no field 'review'/);
	});
});

describe('safe schedules in the node', () => {
	it('by default a model that does not exist is not created', async () => {
		const before = dump();
		const run = await runWorkflow(linearWorkflow({ items: SMALL }, publish('Publish', { mode: 'write', model: { __rl: true, mode: 'developerName', value: 'Reviewed_Nod' } })), credentials);
		const error = run.error('Publish');
		expect(error?.description).toMatch(/No territory model "Reviewed_Nod".*Reviewed_Node/);
		expect(error?.description).toContain('(MODEL_NOT_FOUND)');
		expect(changesSince(before)).toEqual([]);
	});

	it('Maximum Deletes stops a publish that would delete more, listing them; nothing is written', async () => {
		const before = dump();
		const run = await runWorkflow(
			linearWorkflow({ items: SMALL.slice(0, 6) }, publish('Publish', { mode: 'write', method: 'overwriteAll', options: { maxDeletes: 2 } })),
			credentials,
		);
		const error = run.error('Publish');
		expect(error?.description).toContain('(TOO_MANY_DELETES)');
		for (const row of SMALL.slice(6)) expect(error?.description).toContain(String(row.Key));
		expect(changesSince(before)).toEqual([]);
	});

	it('the writing modes are flagged in the subtitle and the hints', () => {
		const { PublishTerritoryModel } = jest.requireActual('../../nodes/PublishTerritoryModel/PublishTerritoryModel.node');
		const description = new PublishTerritoryModel().description;
		expect(description.subtitle).toContain('WRITES to Salesforce');
		const mode = description.properties.find((p: { name: string }) => p.name === 'mode');
		expect(mode.default).toBe('dryRun');
		expect(mode.options.map((o: { name: string }) => o.name)).toEqual(['Dry Run (Write Nothing)', 'Write to Salesforce', 'Apply a Reviewed Change Set']);
		expect(description.properties.find((p: { name: string }) => p.name === 'ifModelMissing').default).toBe('stop');
		expect(description.hints.map((h: { displayCondition: string }) => h.displayCondition).join(' ')).toMatch(/overwriteAll/);
	});
});

describe('Salesforce failures in the node', () => {
	it('a refused login is a NodeApiError with the HTTP status and Salesforce error code, without the password', async () => {
		const bad = { salesforceTerritoryApi: { ...credentials.salesforceTerritoryApi, password: 'wrong-password-123' } };
		const run = await runWorkflow(linearWorkflow({ items: SMALL }, publish('Publish', { mode: 'dryRun' })), bad);
		const error = run.error('Publish') as Error & { httpCode?: string; description?: string; name: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('400');
		expect(error.description).toContain('Salesforce error code: invalid_grant');
		expect(JSON.stringify(run.run.data)).not.toContain('wrong-password-123');
	});

	it('the daily API limit reached mid-publish is a NodeApiError too (403, REQUEST_LIMIT_EXCEEDED)', async () => {
		const max = sandbox.apiUsage.max;
		// Enough for the reads and a write or two.
		sandbox.apiUsage.max = sandbox.apiUsage.used + 5;
		try {
			const node = publish('Publish', { mode: 'write', ifModelMissing: 'create', model: { __rl: true, mode: 'developerName', value: 'Api_Limit_Node' } });
			const run = await runWorkflow(linearWorkflow({ items: SMALL }, node), credentials);
			const error = run.error('Publish') as Error & { httpCode?: string; description?: string; name: string };
			expect(error.name).toBe('NodeApiError');
			expect(error.httpCode).toBe('403');
			expect(error.description).toContain('Salesforce error code: REQUEST_LIMIT_EXCEEDED');
		} finally {
			sandbox.apiUsage.max = max;
		}
	});
});

describe('stopping and concurrent executions', () => {
	it('stopping the execution mid-publish stops between calls; running it again converges', async () => {
		const model = { __rl: true, mode: 'developerName', value: 'Stop_Node' };
		const node = publish('Publish', { mode: 'write', model, ifModelMissing: 'create' });
		const writesAt = () => sandbox.requestLog.writeCalls;
		const start = writesAt();
		let cancelled = -1;
		await runWorkflow(linearWorkflow({ items: SAMPLE_ROWS as IDataObject[] }, node), credentials, {
			onStarted: (cancel) => {
				const timer = setInterval(() => {
					// After the first of the sample's 2 write calls.
					if (writesAt() - start >= 1) {
						clearInterval(timer);
						cancelled = writesAt();
						cancel();
					}
				}, 5);
			},
		});
		// The node notices the signal before its next call: at most the call in flight completes.
		await new Promise((r) => setTimeout(r, 1500));
		expect(cancelled).toBeGreaterThan(0);
		expect(writesAt() - cancelled).toBeLessThanOrEqual(1);
		// Calls pack territories and their assignments together (composite-pack.ts): the cut is between calls, so
		// what shows the stop is that the re-run still has writing to do, and then converges.
		const beforeAgain = writesAt();
		const again = await runWorkflow(linearWorkflow({ items: SAMPLE_ROWS as IDataObject[] }, node), credentials);
		expect(again.run.data.resultData.error).toBeUndefined();
		expect(writesAt() - beforeAgain).toBeGreaterThan(0);
		const territories = sandbox.store.records('Territory2').filter((t) => t.Territory2ModelId === modelId('Stop_Node'));
		expect(territories).toHaveLength(SAMPLE_ROWS.length);
		expect(new Set(territories.map((t) => t.DeveloperName)).size).toBe(SAMPLE_ROWS.length);
	});

	it('two executions publishing different plans to one model at once: one completes and the model is its plan, the other stops saying the model changed; its re-run converges', async () => {
		const conn = await jsforce();
		await conn.sobject('Territory2Model').create({ Name: 'Shared', DeveloperName: 'Shared_Node' });
		const model = { __rl: true, mode: 'developerName', value: 'Shared_Node' };
		const planA = SAMPLE_ROWS.slice(0, 60) as IDataObject[];
		const planB = SAMPLE_ROWS.slice(0, 60).map((r) => ({ ...r, Key: `B_${String(r.Key)}`, Territory: `B ${String(r.Territory)}`, Parent: r.Parent ? `B_${String(r.Parent)}` : '' }));
		sandbox.faults.set({ latencyMs: 15 } as never);
		let runs;
		try {
			runs = await Promise.all(
				[planA, planB].map((items, i) => runWorkflow(linearWorkflow({ items }, { ...publish(`Publish ${i}`, { mode: 'write', model, method: 'overwriteAll' }) }), credentials)),
			);
		} finally {
			sandbox.faults.clear();
		}
		const errors = runs.map((r, i) => r.error(`Publish ${i}`));
		const winners = errors.filter((e) => !e);
		expect(winners).toHaveLength(1);
		const loser = errors.find((e) => e)!;
		// The loser's node fails with the guard's words: it refused before writing or stopped at a check
		// (before a named phase, or after its last write), never in the middle of a call.
		const loserText = `${loser.message} ${loser.description ?? ''}`;
		expect(loserText).toMatch(/changed under this publish (before [a-zA-Z]+|after its last write) \(/);
		const winnerIndex = errors[0] ? 1 : 0;
		const winnerPlan = winnerIndex === 1 ? planB : planA;
		const loserPlan = winnerIndex === 1 ? planA : planB;
		const summary = runs[winnerIndex].output(`Publish ${winnerIndex}`)[0].json as { status: string; failed: number; warnings: { code: string }[] };
		expect({ status: summary.status, failed: summary.failed }).toEqual({ status: 'published', failed: 0 });
		const keys = () => sandbox.store.records('Territory2').filter((t) => t.Territory2ModelId === modelId('Shared_Node')).map((t) => String(t.DeveloperName));
		// Never a mix: the model is the winner's plan, exactly (Overwrite All): the loser wrote nothing, or the
		// winner saw what it wrote and its second pass took it out (lib/converge.ts, the OTHER_WRITER note);
		// only writes of the loser that all landed after the winner's last check can stand beside the plan.
		const loserWrote = /\d+ changes of this run were written before/.test(loserText);
		const winnerKeys = winnerPlan.map((r) => String(r.Key)).sort();
		const secondPass = summary.warnings.some((w) => w.code === 'OTHER_WRITER');
		const exact = JSON.stringify(keys().sort()) === JSON.stringify(winnerKeys);
		if (!loserWrote || secondPass) expect(keys().sort()).toEqual(winnerKeys);
		else expect(keys()).toEqual(expect.arrayContaining(winnerKeys));
		const duplicates = keys().length - new Set(keys()).size;
		expect(duplicates).toBe(0);

		// The loser's re-run converges: the model is exactly its plan (Overwrite All), no duplicates.
		const loserIndex = errors[0] ? 0 : 1;
		const again = await runWorkflow(linearWorkflow({ items: loserPlan }, publish(`Publish ${loserIndex}`, { mode: 'write', model, method: 'overwriteAll' })), credentials);
		expect(again.error(`Publish ${loserIndex}`)).toBeUndefined();
		expect(keys().sort()).toEqual(loserPlan.map((r) => String(r.Key)).sort());
		// For RELIABILITY.md (npm run test:reliability runs this file too); written once the re-run held.
		saveConcurrency('n8n', { scenario: '2 n8n executions, 15 ms latency', runs: runs.length, completed: winners.length, loser: loserOutcome(loserText), secondPass, exact, duplicates, reRunConverged: true });
	});
});

function modelId(developerName: string): string | undefined {
	return sandbox.store.records('Territory2Model').find((m) => m.DeveloperName === developerName)?.Id;
}
