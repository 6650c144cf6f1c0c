/**
 * The guard's contract under the packing that lets creates pass a change waiting for an outcome
 * (lib/org/apply.ts packCall): a check that stops the run (ApplyOptions.beforePhase) leaves every named
 * phase written whole or not at all, the same cut as a stop between phases.
 */
import type { Change, ChangeSet, FieldValue } from '../../lib/sync/types';
import type { SObjectName } from '../../lib/salesforce';
import { phaseName, PHASE } from '../../lib/sync/phases';
import { applyChangeSet } from '../../lib/org/apply';
import { connect, type OrgConnection } from '../../lib/org/connect';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

let t: TestSandbox;
let org: OrgConnection;

beforeAll(async () => {
	t = await startTestSandbox({ seed: 'demo', seedOptions: { accounts: 10 } });
	const { loginUrl, credentials: c } = t.sandbox;
	org = await connect({ connection: { authType: 'jwt', loginUrl, clientId: c.clientId, username: c.username, privateKey: c.privateKey } }, { retryDelayMs: 5 });
}, 60_000);
afterAll(() => t.stop());

const ref = (id: string) => ({ $ref: id });

function change(id: string, object: SObjectName, phase: number, fields: Record<string, FieldValue>, dependsOn: string[] = []): Change {
	const refs = Object.values(fields)
		.filter((v): v is { $ref: string } => !!v && typeof v === 'object')
		.map((v) => v.$ref);
	return { id, object, action: 'create', recordId: null, label: id, fields, diff: [], reason: 'new in plan', rows: [], dependsOn: [...refs, ...dependsOn], phase };
}

it('a phase started after a change was left for later is written whole, so a check that stops leaves whole phases', async () => {
	const store = t.sandbox.store;
	const typeId = String(store.records('Territory2Type')[0].Id);
	const accounts = store.records('Account').map((a) => String(a.Id));
	const m = 'Territory2Model:Guarded';
	// The rule waits for its territory's outcome (it cannot refer to it): left for a later call. The second
	// account assignment waits for the rule (a dependency without a reference), the first does not: its
	// phase can go in the first call only whole.
	const changes: Change[] = [
		change(m, 'Territory2Model', PHASE.modelCreate, { Name: 'Guarded', DeveloperName: 'Guarded' }),
		change('T:One', 'Territory2', PHASE.territoryCreate, { Name: 'One', DeveloperName: 'One', Territory2ModelId: ref(m), Territory2TypeId: typeId }),
		change('R:TP_One', 'ObjectTerritory2AssignmentRule', PHASE.ruleCreate, { DeveloperName: 'TP_One', MasterLabel: 'One', ObjectType: 'Account', Territory2ModelId: ref(m), IsActive: true }, ['T:One']),
		change('A:1', 'ObjectTerritory2Association', PHASE.accountAssociationCreate, { ObjectId: accounts[0], Territory2Id: ref('T:One'), AssociationCause: 'Territory2Manual' }),
		change('A:2', 'ObjectTerritory2Association', PHASE.accountAssociationCreate, { ObjectId: accounts[1], Territory2Id: ref('T:One'), AssociationCause: 'Territory2Manual' }, ['R:TP_One']),
	];
	const cs: ChangeSet = { modelDeveloperName: 'Guarded', modelId: null, changes, issues: [], warnings: [] };
	let checks = 0;
	const result = await applyChangeSet(org, cs, {
		// Another writer seen at the second check: the run stops there.
		beforePhase: async () => (++checks === 2 ? { code: 'MODEL_CHANGED', message: 'someone else writes' } : null),
	});
	expect(result.stopped?.code).toBe('MODEL_CHANGED');
	const byPhase = new Map<string, string[]>();
	changes.forEach((c, i) => {
		const name = phaseName(c.phase);
		byPhase.set(name, [...(byPhase.get(name) ?? []), result.outcomes[i].status]);
	});
	for (const [name, statuses] of byPhase) {
		const done = statuses.filter((s) => s === 'done').length;
		expect([name, done === 0 || done === statuses.length]).toEqual([name, true]);
	}
	expect(result.outcomes.find((o) => o.changeId === 'T:One')?.status).toBe('done');
	expect(store.records('ObjectTerritory2Association').filter((a) => accounts.slice(0, 2).includes(String(a.ObjectId))).length).toBe(0);
});
