/**
 * Publish methods (add, overwriteMatching, overwriteAll, deleteMissing), scopes (scopeRootKey for
 * publish and import) and hand-made rules, judged on the sandbox org's records.
 */
import { importModel } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { DEMO_USERNAMES as U, issueTriples, naturalKeyDuplicates, normalisedPlan, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

const PLAN: PlanRow[] = [
	{ Territory: 'West', Key: 'West', Parent: '', Type: 'Region', Users: `${U.anaLopez} (Owner)` },
	{ Territory: 'Pacific', Key: 'Pacific', Parent: 'West', Type: 'District' },
	{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'Pacific', Type: 'Territory', 'Postal Codes': '940*', Users: `${U.benCarter} (Sales Rep)` },
	{ Territory: 'Oregon', Key: 'Oregon', Parent: 'Pacific', Type: 'Territory', 'Postal Codes': '97*', Users: U.carlaNguyen },
	{ Territory: 'East', Key: 'East', Parent: '', Type: 'Region' },
	{ Territory: 'New York', Key: 'New_York', Parent: 'East', Type: 'Territory', States: 'NY', Users: U.davidKim },
];

let modelCount = 0;
/** A fresh model holding PLAN; returns its DeveloperName. */
async function modelWithPlan(): Promise<string> {
	const developerName = `Method_${++modelCount}`;
	const result = await org.publish({ plan: { rows: PLAN }, model: { developerName } });
	expect(result.issues).toEqual([]);
	expect(result.summary.failed).toBe(0);
	return developerName;
}

/** A rule made by hand in Setup (no TP_ prefix), with one item, applied to a territory. */
function handMadeRule(developerName: string, territoryKey: string): { ruleId: string; itemId: string; linkId: string } {
	const state = org.model(developerName);
	const territory = state.territories.find((t) => t.DeveloperName === territoryKey)!;
	const store = org.sandbox.store;
	const ruleId = store.createOne('ObjectTerritory2AssignmentRule', {
		DeveloperName: `Hand_${territoryKey}`,
		MasterLabel: `Hand-made ${territoryKey}`,
		ObjectType: 'Account',
		Territory2ModelId: state.id,
		IsActive: true,
	});
	const itemId = store.createOne('ObjectTerritory2AssignmentRuleItem', { RuleId: ruleId, SortOrder: 1, Field: 'Account.Industry', Operation: 'equals', Value: 'Energy' });
	const linkId = store.createOne('RuleTerritory2Association', { RuleId: ruleId, Territory2Id: territory.Id, IsInherited: false });
	return { ruleId, itemId, linkId };
}

const record = (id: string) => org.sandbox.store.get(id)?.record;

afterEach(() => {
	for (let i = 1; i <= modelCount; i++) org.dropModel(`Method_${i}`);
});

describe('add', () => {
	it('creates new territories under existing ones and leaves the rest alone', async () => {
		const model = await modelWithPlan();
		const before = org.model(model);
		const dump = org.dump();
		const result = await org.publish({
			plan: { rows: [{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory', Users: U.frankMiller }] },
			model: { developerName: model },
			method: 'add',
		});
		expect(result.issues).toEqual([]);
		expect(result.rows).toMatchObject([{ key: 'Utah', status: 'created' }]);
		const after = org.model(model);
		expect(after.parents).toEqual({ ...before.parents, Utah: 'West' });
		expect(after.usersByTerritory).toEqual({ ...before.usersByTerritory, Utah: [U.frankMiller] });
		// The dump comparison the other tests rely on sees exactly these two new records.
		expect(org.changesSince(dump).map((line) => line.split(' ').slice(0, 2).join(' ')).sort()).toEqual(['+ Territory2', '+ UserTerritory2Association']);
		// The territories the plan did not name are untouched, records and all.
		for (const t of before.territories) expect(record(t.Id)).toEqual(t);
	});

	it('refuses a key that exists, writing nothing', async () => {
		const model = await modelWithPlan();
		const dump = org.dump();
		const result = await org.publish({
			plan: {
				rows: [
					{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory' },
					{ Territory: 'Oregon (new)', Key: 'Oregon', Parent: 'West', Type: 'Territory' },
				],
			},
			model: { developerName: model },
			method: 'add',
		});
		expect(issueTriples(result)).toEqual([[3, 'Key', 'DUPLICATE_KEY']]);
		expect(org.changesSince(dump)).toEqual([]);
	});
});

describe('overwriteMatching', () => {
	it('updates the territories the plan names, leaves the others and hand-made rules alone', async () => {
		const model = await modelWithPlan();
		const hand = handMadeRule(model, 'Bay_Area');
		const handOregon = handMadeRule(model, 'Oregon');
		const handRecords = [hand.ruleId, hand.itemId, hand.linkId, handOregon.ruleId, handOregon.itemId, handOregon.linkId].map((id) => ({ ...record(id)! }));
		const before = org.model(model);

		const result = await org.publish({
			plan: {
				rows: [
					{ Territory: 'Bay Area North', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*, 941*', Users: `${U.benCarter} (Owner); ${U.frankMiller}` },
				],
			},
			model: { developerName: model },
			method: 'overwriteMatching',
		});
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		expect(result.rows).toMatchObject([{ key: 'Bay_Area', status: 'updated' }]);

		const after = org.model(model);
		const bay = after.territories.find((t) => t.DeveloperName === 'Bay_Area')!;
		expect(bay.Name).toBe('Bay Area North');
		expect(after.parents.Bay_Area).toBe('West');
		expect(after.usersByTerritory.Bay_Area).toEqual([`${U.benCarter} (Owner)`, U.frankMiller].sort());
		const toolRule = after.rules.find((r) => r.DeveloperName === 'TP_Bay_Area')!;
		const values = after.ruleItems.filter((i) => i.RuleId === toolRule.Id).flatMap((i) => String(i.Value).split(','));
		expect(values.sort()).toEqual(['940', '941']);
		// Everything else is as it was.
		for (const t of before.territories.filter((t) => t.DeveloperName !== 'Bay_Area')) expect(record(t.Id)).toEqual(t);
		for (const key of ['West', 'Oregon', 'New_York']) expect(after.usersByTerritory[key]).toEqual(before.usersByTerritory[key]);
		for (const r of handRecords) expect(record(r.Id)).toEqual(r);
		expect(after.territories).toHaveLength(before.territories.length);
	});

	it('leaves alone what a column absent from the plan would say; an empty cell of a present column clears it', async () => {
		const model = await modelWithPlan();
		const before = org.model(model);
		const namesOnly = PLAN.map((r) => ({ Territory: r.Territory, Key: r.Key, Parent: r.Parent, Type: r.Type }));
		const untouched = await org.publish({ plan: { rows: namesOnly }, model: { developerName: model } });
		expect(untouched.summary.counts).toEqual({});
		expect(org.model(model).usersByTerritory).toEqual(before.usersByTerritory);
		expect(org.model(model).ruleItems).toEqual(before.ruleItems);

		const cleared = await org.publish({
			plan: { rows: namesOnly.map((r) => ({ ...r, Users: '', 'Postal Codes': '', States: '' })) },
			model: { developerName: model },
		});
		expect(cleared.summary.failed).toBe(0);
		const after = org.model(model);
		expect(after.userLinks).toEqual([]);
		expect(after.ruleLinks).toEqual([]);
		expect(after.rules).toEqual([]);
		expect(after.territories).toHaveLength(before.territories.length);
	});

	it('imports a lone hand-made rule as Criteria and says which hand-made rules it left out', async () => {
		const model = await modelWithPlan();
		const hand = handMadeRule(model, 'Bay_Area');
		const lone = handMadeRule(model, 'West');
		const imported = await importModel({ connection: org.connection, model: { developerName: model } });
		// West has no tool rule: its one hand-made rule is Criteria. Bay Area's sits beside a tool rule.
		expect(imported.rows.find((r) => r.Key === 'West')?.Criteria).toBe('Industry equals Energy');
		expect(imported.rows.find((r) => r.Key === 'Bay_Area')?.Criteria).toBe('');
		expect(imported.notes.map((n) => [n.key, n.code])).toEqual([['Bay_Area', 'HAND_MADE_RULES_NOT_EXPORTED']]);
		expect(imported.notes[0].message).toContain('Hand_Bay_Area');
		// Published back, the rows change nothing: hand-made rules stay as they are.
		const back = await org.publish({ plan: { rows: imported.rows }, model: { developerName: model }, dryRun: true });
		expect(back.changeSet.changes).toEqual([]);
		for (const id of [hand.ruleId, hand.linkId, lone.ruleId, lone.linkId]) expect(record(id)).toBeDefined();
	});

	it('changes hand-made rules only when asked (touchHandMadeRules)', async () => {
		const model = await modelWithPlan();
		const hand = handMadeRule(model, 'Bay_Area');
		const rows = PLAN.map((r) => ({ ...r }));
		await org.publish({ plan: { rows }, model: { developerName: model } });
		expect(record(hand.linkId)).toBeDefined();

		const touched = await org.publish({ plan: { rows }, model: { developerName: model }, touchHandMadeRules: true });
		expect(touched.summary.failed).toBe(0);
		// The plan's Postal Codes are all Bay Area's rules should be: the hand-made one no longer applies to it.
		expect(org.model(model).ruleLinks.filter((l) => l.RuleId === hand.ruleId)).toEqual([]);
		const imported = await importModel({ connection: org.connection, model: { developerName: model } });
		expect(imported.rows.find((r) => r.Key === 'Bay_Area')?.Criteria).toBe('');
	});
});

describe('rule edits, one after another', () => {
	it('adds and removes rule items across filter changes, and the org always matches the plan', async () => {
		const model = await modelWithPlan();
		const steps: PlanRow[] = [
			{ 'Postal Codes': '940*, 94501', States: '', Criteria: '' },
			{ 'Postal Codes': '940*, 94501', States: 'CA', Criteria: '' },
			{ 'Postal Codes': '940*', States: 'CA', Criteria: 'Industry equals Energy, Retail' },
			{ 'Postal Codes': '', States: 'CA, NV', Criteria: 'Industry notEqual Energy; BillingCity startsWith San' },
			{ 'Postal Codes': Array.from({ length: 300 }, (_, i) => String(90000 + i)).join(', '), States: 'CA', Criteria: '' },
			{ 'Postal Codes': '', States: '', Criteria: '' },
		];
		for (const [n, cells] of steps.entries()) {
			const rows = PLAN.map((r) => (r.Key === 'Bay_Area' ? { ...r, ...cells } : { ...r, States: r.States ?? '', Criteria: '' }));
			const result = await org.publish({ plan: { rows }, model: { developerName: model } });
			expect([n, result.issues, result.summary.failed]).toEqual([n, [], 0]);
			const imported = await importModel({ connection: org.connection, model: { developerName: model } });
			const bay = imported.rows.find((r) => r.Key === 'Bay_Area')!;
			const expected = normalisedPlan([{ ...rows[2], Parent: '' }])[0];
			const got = normalisedPlan([{ ...bay, Parent: '' }])[0];
			expect([n, got.postalCodes, got.states, got.criteria]).toEqual([n, expected.postalCodes, expected.states, expected.criteria]);
			const again = await org.publish({ plan: { rows }, model: { developerName: model }, dryRun: true });
			expect([n, again.changeSet.changes.map((c) => c.label)]).toEqual([n, []]);
		}
		const state = org.model(model);
		expect(state.rules.filter((r) => String(r.DeveloperName).startsWith('TP_Bay_Area'))).toEqual([]);
		expect(naturalKeyDuplicates(state)).toEqual([]);
	});
});

describe('restructuring a hierarchy', () => {
	it('swaps a parent and child, moves a child out of a deleted parent, re-keys, changes types and forecast managers', async () => {
		const model = { developerName: `Method_${++modelCount}` };
		const first = await org.publish({
			plan: {
				rows: [
					{ Territory: 'X', Key: 'X', Type: 'Region' },
					{ Territory: 'Y', Key: 'Y', Parent: 'X', Type: 'District', Users: U.benCarter, 'Forecast Manager': U.benCarter },
					{ Territory: 'D', Key: 'D', Parent: 'X', Type: 'District' },
					{ Territory: 'T', Key: 'T', Parent: 'D', Type: 'Territory' },
				],
			},
			model,
		});
		expect(first.summary.failed).toBe(0);

		// Y above X (an order of updates that would make a loop in between is refused by the org), D gone with T moved out.
		const swapped: PlanRow[] = [
			{ Territory: 'Y', Key: 'Y', Type: 'District', Users: U.carlaNguyen, 'Forecast Manager': U.carlaNguyen },
			{ Territory: 'X', Key: 'X', Parent: 'Y', Type: 'Region' },
			{ Territory: 'T', Key: 'T', Parent: 'Y', Type: 'Territory' },
		];
		const second = await org.publish({ plan: { rows: swapped }, model, method: 'overwriteAll' });
		expect([second.issues, second.summary.failed, second.summary.skipped]).toEqual([[], 0, 0]);
		let state = org.model(model.developerName);
		expect(state.parents).toEqual({ X: 'Y', Y: null, T: 'Y' });
		expect(state.usersByTerritory).toEqual({ Y: [U.carlaNguyen] });
		const carla = org.sandbox.store.records('User').find((u) => u.Username === U.carlaNguyen)!;
		expect(state.territories.find((t) => t.DeveloperName === 'Y')?.ForecastUserId).toBe(carla.Id);
		expect(writeCount(await org.publish({ plan: { rows: swapped }, model, method: 'overwriteAll' }))).toBe(0);

		// A new key is a new territory (the old one goes); a child can hang under a territory created in the same run.
		const rekeyed: PlanRow[] = [
			{ Territory: 'Y', Key: 'Y', Type: 'Region', Users: '', 'Forecast Manager': '' },
			{ Territory: 'X', Key: 'X', Parent: 'Y', Type: 'Region' },
			{ Territory: 'T', Key: 'T2', Parent: 'Y', Type: 'Territory' },
			{ Territory: 'U', Key: 'U', Parent: 'T2', Type: 'Territory' },
		];
		const third = await org.publish({ plan: { rows: rekeyed }, model, method: 'overwriteAll' });
		expect([third.issues, third.summary.failed]).toEqual([[], 0]);
		state = org.model(model.developerName);
		expect(state.parents).toEqual({ X: 'Y', Y: null, T2: 'Y', U: 'T2' });
		expect(state.userLinks).toEqual([]);
		const y = state.territories.find((t) => t.DeveloperName === 'Y')!;
		expect(y.ForecastUserId).toBeNull();
		expect(org.sandbox.store.get(String(y.Territory2TypeId))?.record.DeveloperName).toBe('Region');
	});
});

describe('overwriteAll and deleteMissing', () => {
	const SMALLER = PLAN.filter((r) => ['West', 'Pacific', 'Bay_Area'].includes(String(r.Key)));

	it.each([
		['overwriteAll', { method: 'overwriteAll' as const }],
		['overwriteMatching with deleteMissing', { method: 'overwriteMatching' as const, deleteMissing: true }],
	])('%s deletes what the plan does not name', async (_what, options) => {
		const model = await modelWithPlan();
		const result = await org.publish({ plan: { rows: SMALLER }, model: { developerName: model }, ...options });
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		expect(result.rows.filter((r) => r.status === 'deleted').map((r) => r.key).sort()).toEqual(['East', 'New_York', 'Oregon']);
		const after = org.model(model);
		expect(after.parents).toEqual({ West: null, Pacific: 'West', Bay_Area: 'Pacific' });
		// Their users and tool rules went with them.
		expect(Object.keys(after.usersByTerritory).sort()).toEqual(['Bay_Area', 'West']);
		expect(after.rules.map((r) => r.DeveloperName)).toEqual(['TP_Bay_Area']);
		expect(after.ruleLinks).toHaveLength(1);
	});

	it('without deleteMissing, overwriteMatching deletes nothing', async () => {
		const model = await modelWithPlan();
		const result = await org.publish({ plan: { rows: SMALLER }, model: { developerName: model } });
		expect(result.summary.counts).toEqual({});
		expect(org.model(model).territories).toHaveLength(6);
	});
});

describe('scopeRootKey', () => {
	it('publishes under a territory: parents default to it, deletes stay inside it', async () => {
		const model = await modelWithPlan();
		const before = org.model(model);
		const result = await org.publish({
			plan: {
				rows: [
					{ Territory: 'Bay Area', Key: 'Bay_Area', Type: 'Territory', 'Postal Codes': '940*', Users: `${U.benCarter} (Sales Rep)` },
					{ Territory: 'Nevada', Key: 'Nevada', Type: 'Territory', 'Postal Codes': '89*' },
					{ Territory: 'Reno', Key: 'Reno', Parent: 'Nevada', Type: 'Territory' },
				],
			},
			model: { developerName: model },
			scopeRootKey: 'Pacific',
			method: 'overwriteAll',
		});
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		const after = org.model(model);
		expect(after.parents).toEqual({ West: null, Pacific: 'West', Bay_Area: 'Pacific', Nevada: 'Pacific', Reno: 'Nevada', East: null, New_York: 'East' });
		// Outside the scope nothing moved: East, New York, West and the root itself.
		for (const t of before.territories.filter((t) => ['West', 'Pacific', 'East', 'New_York'].includes(String(t.DeveloperName)))) {
			expect(record(t.Id)).toEqual(t);
		}
		expect(after.usersByTerritory.New_York).toEqual([U.davidKim]);
	});

	it('refuses a key that lives outside the scope', async () => {
		const model = await modelWithPlan();
		const dump = org.dump();
		const result = await org.publish({
			plan: { rows: [{ Territory: 'New York', Key: 'New_York', Type: 'Territory' }] },
			model: { developerName: model },
			scopeRootKey: 'Pacific',
		});
		expect(issueTriples(result)).toEqual([[2, 'Key', 'KEY_OUTSIDE_SCOPE']]);
		expect(org.changesSince(dump)).toEqual([]);
	});

	it('refuses a scope root that does not exist', async () => {
		const model = await modelWithPlan();
		const dump = org.dump();
		const result = await org.publish({ plan: { rows: [{ ...PLAN[2], Parent: '' }] }, model: { developerName: model }, scopeRootKey: 'Atlantis' });
		expect(issueTriples(result)).toEqual([[0, null, 'SCOPE_ROOT_NOT_FOUND']]);
		expect(org.changesSince(dump)).toEqual([]);
	});

	it('imports only a subtree, which publishes back under its parent unchanged', async () => {
		const model = await modelWithPlan();
		const imported = await importModel({ connection: org.connection, model: { developerName: model }, scopeRootKey: 'Pacific' });
		expect(imported.rows.map((r) => r.Key)).toEqual(['Pacific', 'Bay_Area', 'Oregon']);
		expect(imported.summary).toMatchObject({ territories: 3, users: 2, rules: 2 });
		expect(normalisedPlan(imported.rows)).toEqual(
			normalisedPlan(PLAN.filter((r) => ['Pacific', 'Bay_Area', 'Oregon'].includes(String(r.Key))).map((r) => ({ ...r, Parent: r.Key === 'Pacific' ? '' : r.Parent }))).map(
				(t) => ({ ...t, accountAccess: 'Read', opportunityAccess: 'None', caseAccess: 'None' }),
			),
		);
		const dump = org.dump();
		const back = await org.publish({ plan: { rows: imported.rows }, model: { developerName: model }, scopeRootKey: 'West', method: 'overwriteAll' });
		expect(back.issues).toEqual([]);
		expect(back.summary.counts).toEqual({});
		expect(org.changesSince(dump)).toEqual([]);
	});
});

describe('hierarchy and rule safety (review fixes)', () => {
	const nextModel = () => ({ developerName: `Method_${++modelCount}` });

	it("deleteMissing keeps every ancestor of a kept territory whose Parent is outside the plan", async () => {
		const model = nextModel();
		const rows: PlanRow[] = [
			{ Territory: 'A', Key: 'A', Type: 'Region' },
			{ Territory: 'B', Key: 'B', Parent: 'A', Type: 'District' },
			{ Territory: 'C', Key: 'C', Parent: 'B', Type: 'Territory' },
			{ Territory: 'D', Key: 'D', Type: 'Region' },
		];
		expect((await org.publish({ plan: { rows }, model })).summary.failed).toBe(0);
		const onlyC: PlanRow[] = [{ Territory: 'C', Key: 'C', Parent: 'B', Type: 'Territory' }];
		const result = await org.publish({ plan: { rows: onlyC }, model, deleteMissing: true });
		expect([result.issues, result.summary.failed]).toEqual([[], 0]);
		expect(org.model(model.developerName).parents).toEqual({ A: null, B: 'A', C: 'B' });
		expect(writeCount(await org.publish({ plan: { rows: onlyC }, model, deleteMissing: true }))).toBe(0);
	});

	it('refuses to move a territory under its own descendant (PARENT_CYCLE), writing nothing', async () => {
		const model = nextModel();
		const rows: PlanRow[] = [
			{ Territory: 'X', Key: 'X', Type: 'Region' },
			{ Territory: 'Y', Key: 'Y', Parent: 'X', Type: 'District' },
		];
		expect((await org.publish({ plan: { rows }, model })).summary.failed).toBe(0);
		const dump = org.dump();
		const result = await org.publish({ plan: { rows: [{ Territory: 'X', Key: 'X', Parent: 'Y', Type: 'Region' }] }, model });
		expect(issueTriples(result)).toEqual([[2, 'Parent', 'PARENT_CYCLE']]);
		expect(org.changesSince(dump)).toEqual([]);
	});

	it('clears the forecast manager dropped from Users when the plan has no Forecast Manager column', async () => {
		const model = nextModel();
		const rows: PlanRow[] = [{ Territory: 'West', Key: 'West', Type: 'Region', Users: `${U.anaLopez}; ${U.benCarter}`, 'Forecast Manager': U.anaLopez }];
		expect((await org.publish({ plan: { rows }, model })).summary.failed).toBe(0);
		const withoutAna: PlanRow[] = [{ Territory: 'West', Key: 'West', Type: 'Region', Users: U.benCarter }];
		const result = await org.publish({ plan: { rows: withoutAna }, model });
		expect([result.issues, result.summary.failed]).toEqual([[], 0]);
		const state = org.model(model.developerName);
		expect(state.usersByTerritory).toEqual({ West: [U.benCarter] });
		expect(state.territories[0].ForecastUserId).toBeNull();
		expect(writeCount(await org.publish({ plan: { rows: withoutAna }, model }))).toBe(0);
	});

	it("does not edit a tool rule another territory uses: the territory gets a rule of its own", async () => {
		const model = nextModel();
		const rows: PlanRow[] = [
			{ Territory: 'Utah', Key: 'Utah', Type: 'Territory', 'Postal Codes': '84*' },
			{ Territory: 'Nevada', Key: 'Nevada', Type: 'Territory' },
		];
		expect((await org.publish({ plan: { rows }, model })).summary.failed).toBe(0);
		let state = org.model(model.developerName);
		const shared = state.rules.find((r) => r.DeveloperName === 'TP_Utah')!;
		const nevada = state.territories.find((t) => t.DeveloperName === 'Nevada')!;
		// Someone links Utah's rule to Nevada in Setup.
		org.sandbox.store.createOne('RuleTerritory2Association', { RuleId: shared.Id, Territory2Id: nevada.Id, IsInherited: false });
		const utahOnly: PlanRow[] = [{ Territory: 'Utah', Key: 'Utah', Type: 'Territory', 'Postal Codes': '85*' }];
		const result = await org.publish({ plan: { rows: utahOnly }, model });
		expect([result.issues, result.summary.failed]).toEqual([[], 0]);
		state = org.model(model.developerName);
		const name = (id: unknown) => state.rules.find((r) => r.Id === id)?.DeveloperName;
		const territory = (id: unknown) => state.territories.find((t) => t.Id === id)?.DeveloperName;
		expect(state.ruleLinks.map((l) => `${name(l.RuleId)} → ${territory(l.Territory2Id)}`).sort()).toEqual(['TP_Utah → Nevada', 'TP_Utah_own → Utah']);
		// Nevada's assignments are what they were.
		expect(state.ruleItems.filter((i) => i.RuleId === shared.Id).map((i) => String(i.Value))).toEqual(['84']);
		expect(writeCount(await org.publish({ plan: { rows: utahOnly }, model }))).toBe(0);
	});
});
