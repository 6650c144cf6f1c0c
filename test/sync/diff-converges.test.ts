/**
 * diff() converges: what it plans applies against the sandbox org (which refuses what Salesforce
 * refuses; test/helpers/sandbox-snapshot.ts), and a second diff is empty. Cases: tool rules, problems reported once, deleteMissing,
 * forecast managers, shared tool rules, moves under a descendant.
 */
import { diff } from '../../lib/sync';
import type { Change, ChangeSet } from '../../lib/sync';
import { PLAN_COLUMNS } from '../../lib/plan/types';
import type { PlanColumn, PlanIssue } from '../../lib/plan/types';
import { baseOrg, makePlan, options, pt } from './fixtures';
import { applyInSandbox } from '../helpers/sandbox-snapshot';

const ids = (cs: ChangeSet): string[] => cs.changes.map((c) => c.id);
const summary = (cs: ChangeSet): string[] => cs.changes.map((c) => `${c.action} ${c.object} ${c.label}`);
const byId = (cs: ChangeSet, id: string): Change => {
	const c = cs.changes.find((x) => x.id === id);
	if (!c) throw new Error(`no change ${id} in ${ids(cs).join(', ')}`);
	return c;
};
const without = (...cols: PlanColumn[]): PlanColumn[] => PLAN_COLUMNS.filter((c) => !cols.includes(c));
const postal = (value: string) => [{ field: 'BillingPostalCode', operation: 'startsWith', value }];
const triples = (issues: PlanIssue[]) => issues.map((i) => [i.row, i.column, i.code, i.value]);

describe('tool rules left behind', () => {
	it("creates a territory's tool rule only once the territory exists", () => {
		const org = baseOrg();
		const plan = makePlan([pt('West', { type: 'Region' }), pt('Bay_Area', { parentKey: 'West', postalCodes: ['940*'] })]);
		const cs = diff(plan, org.s, options());
		expect(byId(cs, 'ObjectTerritory2AssignmentRule:TP_Bay_Area').dependsOn).toContain('Territory2:Bay_Area');
	});

	it('deletes a tool rule no territory links to when publishing the whole model', async () => {
		const org = baseOrg().territory('West', { type: 'Region' }).rule('TP_Bay_Area', [], postal('940'));
		const plan = makePlan([pt('West', { type: 'Region' })]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		expect(summary(cs)).toEqual(['delete ObjectTerritory2AssignmentRule TP_Bay_Area']);
		const after = await applyInSandbox(org.s, cs);
		expect(after.rules).toEqual([]);
		expect(diff(plan, after, options()).changes).toEqual([]);
		// Also when the plan has no rule column at all.
		const noRules = makePlan([pt('West', { type: 'Region' })], without('Postal Codes', 'Countries', 'States', 'Criteria'));
		expect(summary(diff(noRules, org.s, options()))).toEqual(['delete ObjectTerritory2AssignmentRule TP_Bay_Area']);
	});

	it('under a scope root, deletes only the unlinked tool rules named after a plan territory', async () => {
		const org = baseOrg()
			.territory('West', { type: 'Region' })
			.territory('Utah', { parent: 'West' })
			.rule('TP_Utah', [], postal('84'))
			.rule('TP_Utah_2', [], postal('85'))
			.rule('TP_Ohio', [], postal('43'));
		const plan = makePlan([pt('Utah', { parentKey: 'West' })]);
		const cs = diff(plan, org.s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([]);
		expect(summary(cs)).toEqual(['delete ObjectTerritory2AssignmentRule TP_Utah', 'delete ObjectTerritory2AssignmentRule TP_Utah_2']);
		const after = await applyInSandbox(org.s, cs);
		expect(after.rules.map((r) => r.developerName)).toEqual(['TP_Ohio']);
		expect(diff(plan, after, options({ scopeRootKey: 'West' })).changes).toEqual([]);
	});

	it('links an unlinked tool rule the plan wants instead of deleting it', async () => {
		const org = baseOrg().territory('Bay_Area').rule('TP_Bay_Area', [], postal('940'));
		org.s.rules[0].masterLabel = 'Bay_Area';
		const plan = makePlan([pt('Bay_Area', { postalCodes: ['940*'] })]);
		const cs = diff(plan, org.s, options());
		expect(summary(cs)).toEqual(['create RuleTerritory2Association TP_Bay_Area → Bay_Area']);
		expect(diff(plan, await applyInSandbox(org.s, cs), options()).changes).toEqual([]);
	});

	it('deletes a shared tool rule that every territory drops, instead of unlinking it from each', async () => {
		const org = baseOrg().territory('Utah').territory('Nevada').rule('TP_Basin', ['Utah', 'Nevada'], postal('84'));
		const plan = makePlan([pt('Utah'), pt('Nevada')]);
		const cs = diff(plan, org.s, options());
		expect(summary(cs)).toEqual(['delete ObjectTerritory2AssignmentRule TP_Basin']);
		expect(cs.changes[0].rows).toEqual([2, 3]);
		const after = await applyInSandbox(org.s, cs);
		expect(after.rules).toEqual([]);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});
});

describe('each problem reported once', () => {
	it('does not repeat a forecast manager the plan check reports as not among Users', () => {
		const org = baseOrg();
		const plan = makePlan([pt('West', { type: 'Region', users: [{ ref: 'ben@acme.example', role: null }], forecastManager: 'ana@acme.example' })]);
		plan.issues.push({ row: 2, column: 'Forecast Manager', value: 'ana@acme.example', code: 'FORECAST_MANAGER_NOT_USER', message: 'not among Users' });
		expect(diff(plan, org.s, options()).issues).toEqual([]);
		// Without the plan's issue (a diff run on its own), the diff says it.
		plan.issues = [];
		expect(triples(diff(plan, org.s, options()).issues)).toEqual([[2, 'Forecast Manager', 'FORECAST_MANAGER_NOT_ASSIGNED', 'ana@acme.example']]);
	});

	it('does not repeat a plan of too many territories as the territory limit', () => {
		const org = baseOrg();
		const plan = makePlan(Array.from({ length: 1001 }, (_, i) => pt(`T${i}`)));
		plan.issues.push({ row: 0, column: null, value: '1001', code: 'TOO_MANY_TERRITORIES', message: 'too many' });
		expect(diff(plan, org.s, options()).issues).toEqual([]);
		plan.issues = [];
		expect(triples(diff(plan, org.s, options()).issues)).toEqual([[0, null, 'TERRITORY_LIMIT', '1001']]);
	});

	it('reports an unknown user named in Users and Forecast Manager once', () => {
		const org = baseOrg();
		const plan = makePlan([pt('West', { type: 'Region', users: [{ ref: 'nobody@acme.example', role: null }], forecastManager: 'nobody@acme.example' })]);
		expect(triples(diff(plan, org.s, options()).issues)).toEqual([[2, 'Users', 'UNKNOWN_USER', 'nobody@acme.example']]);
		// Without a Users column the Forecast Manager column is where it is named.
		const fmOnly = makePlan(plan.territories, without('Users'));
		expect(triples(diff(fmOnly, org.s, options()).issues)).toEqual([[2, 'Forecast Manager', 'UNKNOWN_USER', 'nobody@acme.example']]);
	});

	it('reports a repeated unknown account or user once per row', () => {
		const org = baseOrg();
		const plan = makePlan([
			pt('West', { type: 'Region', accounts: ['ACME-404', 'ACME-404'], users: [{ ref: 'nobody@acme.example', role: null }, { ref: 'nobody@acme.example', role: null }] }),
			pt('East', { type: 'Region', accounts: ['ACME-404'] }),
		]);
		expect(triples(diff(plan, org.s, options()).issues)).toEqual([
			[2, 'Users', 'UNKNOWN_USER', 'nobody@acme.example'],
			[2, 'Accounts', 'UNKNOWN_ACCOUNT', 'ACME-404'],
			[3, 'Accounts', 'UNKNOWN_ACCOUNT', 'ACME-404'],
		]);
	});
});

describe('deleteMissing and the ancestors of kept territories', () => {
	it("keeps the grandparent of a territory whose Parent is an org territory outside the plan", async () => {
		const org = baseOrg().territory('A', { type: 'Region' }).territory('B', { parent: 'A' }).territory('C', { parent: 'B' }).territory('D');
		const plan = makePlan([pt('C', { parentKey: 'B' })]);
		const cs = diff(plan, org.s, options({ deleteMissing: true }));
		expect(cs.issues).toEqual([]);
		expect(summary(cs)).toEqual(['delete Territory2 D']);
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories.map((t) => t.developerName).sort()).toEqual(['A', 'B', 'C']);
		expect(diff(plan, after, options({ deleteMissing: true })).changes).toEqual([]);
	});

	it('keeps the org ancestors of the new parent of a moved territory, and deletes the old ones', async () => {
		const org = baseOrg()
			.territory('A', { type: 'Region' })
			.territory('B', { parent: 'A' })
			.territory('Old', { type: 'Region' })
			.territory('C', { parent: 'Old' });
		const plan = makePlan([pt('C', { parentKey: 'B' })]);
		const cs = diff(plan, org.s, options({ deleteMissing: true }));
		expect(cs.issues).toEqual([]);
		expect(summary(cs)).toEqual(['update Territory2 C', 'delete Territory2 Old']);
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories.map((t) => t.developerName).sort()).toEqual(['A', 'B', 'C']);
	});
});

describe('a forecast manager dropped from Users, without a Forecast Manager column', () => {
	const columns = without('Forecast Manager');

	it('releases the manager and does not set them again', async () => {
		const org = baseOrg().territory('West', { type: 'Region' }).assign('West', 'ana@acme.example', 'Owner').assign('West', 'ben@acme.example');
		org.t('West').forecastUserId = org.u('ana@acme.example').id;
		const plan = makePlan([pt('West', { type: 'Region', users: [{ ref: 'ben@acme.example', role: null }] })], columns);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		expect(ids(cs)).toEqual(['Territory2:West:releaseForecast', `UserTerritory2Association:West:${org.u('ana@acme.example').id}:delete`]);
		expect(byId(cs, 'Territory2:West:releaseForecast').fields).toEqual({ ForecastUserId: null });
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories[0].forecastUserId).toBeNull();
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('keeps the manager whose role changes (the assignment is re-created)', async () => {
		const org = baseOrg().territory('West', { type: 'Region' }).assign('West', 'ana@acme.example', 'Owner');
		org.t('West').forecastUserId = org.u('ana@acme.example').id;
		const plan = makePlan([pt('West', { type: 'Region', users: [{ ref: 'ana@acme.example', role: 'Sales Rep' }] })], columns);
		const after = await applyInSandbox(org.s, diff(plan, org.s, options()));
		expect(after.territories[0].forecastUserId).toBe(org.u('ana@acme.example').id);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});
});

describe('a tool rule shared with other territories', () => {
	function sharedOrg() {
		// TP_Utah is also linked (by hand) to Nevada, which the plan does not name.
		const org = baseOrg().territory('Utah').territory('Nevada').rule('TP_Utah', ['Utah', 'Nevada'], postal('84'));
		org.s.rules[0].masterLabel = 'Utah';
		return org;
	}

	it("is not edited for one territory: that territory gets a rule of its own and lets go of the shared one", async () => {
		const org = sharedOrg();
		const plan = makePlan([pt('Utah', { postalCodes: ['85*'] })]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		expect(summary(cs)).toEqual([
			'delete RuleTerritory2Association TP_Utah → Utah',
			'create ObjectTerritory2AssignmentRule TP_Utah_own',
			'create ObjectTerritory2AssignmentRuleItem TP_Utah_own #1',
			'create RuleTerritory2Association TP_Utah_own → Utah',
		]);
		const after = await applyInSandbox(org.s, cs);
		const shared = after.rules.find((r) => r.developerName === 'TP_Utah')!;
		expect(shared.items.map((i) => i.value)).toEqual(['84']);
		const nevada = org.t('Nevada').id;
		expect(after.ruleAssociations.filter((a) => a.ruleId === shared.id).map((a) => a.territoryId)).toEqual([nevada]);
		const own = after.rules.find((r) => r.developerName === 'TP_Utah_own')!;
		expect(own.items.map((i) => i.value)).toEqual(['85']);
		// Converges, and a later change edits the territory's own rule in place.
		expect(diff(plan, after, options()).changes).toEqual([]);
		const next = makePlan([pt('Utah', { postalCodes: ['86*'] })]);
		const cs2 = diff(next, after, options());
		expect(summary(cs2)).toEqual(['update ObjectTerritory2AssignmentRuleItem TP_Utah_own #1']);
		expect(diff(next, await applyInSandbox(after, cs2), options()).changes).toEqual([]);
	});

	it('is edited in place when the other territories let go of it in the same publish', async () => {
		const org = sharedOrg();
		const plan = makePlan([pt('Utah', { postalCodes: ['85*'] }), pt('Nevada', { postalCodes: ['89*'] })]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		expect(cs.changes.some((c) => c.label.includes('_own'))).toBe(false);
		const after = await applyInSandbox(org.s, cs);
		expect(after.rules.map((r) => r.developerName).sort()).toEqual(['TP_Nevada', 'TP_Utah']);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('is shared as it is when it already says what the plan says', () => {
		const org = sharedOrg();
		const plan = makePlan([pt('Utah', { postalCodes: ['84*'] })]);
		expect(diff(plan, org.s, options()).changes).toEqual([]);
	});
});

describe('a territory moved under its own descendant', () => {
	it('is refused with PARENT_CYCLE on the Parent cell', () => {
		const org = baseOrg().territory('X', { type: 'Region' }).territory('Y', { parent: 'X' });
		const plan = makePlan([pt('X', { type: 'Region', parentKey: 'Y' })]);
		const cs = diff(plan, org.s, options());
		expect(triples(cs.issues)).toEqual([[2, 'Parent', 'PARENT_CYCLE', 'Y']]);
		// Deeper: X > Y > Z, X under Z.
		const deep = baseOrg().territory('X', { type: 'Region' }).territory('Y', { parent: 'X' }).territory('Z', { parent: 'Y' });
		expect(triples(diff(makePlan([pt('X', { type: 'Region', parentKey: 'Z' })]), deep.s, options()).issues)).toEqual([[2, 'Parent', 'PARENT_CYCLE', 'Z']]);
	});

	it('is no cycle when the plan also moves Y to the top (an empty Parent): both moves apply', async () => {
		const org = baseOrg().territory('X', { type: 'Region' }).territory('Y', { parent: 'X' });
		const plan = makePlan([pt('X', { type: 'Region', parentKey: 'Y' }), pt('Y', { parentKey: null })]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		const after = await applyInSandbox(org.s, cs);
		const y = after.territories.find((t) => t.developerName === 'Y')!;
		expect(y.parentId).toBeNull();
		expect(after.territories.find((t) => t.developerName === 'X')!.parentId).toBe(y.id);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});
});

describe('a shared tool rule whose private name is taken by other territories too (edge)', () => {
	it('is refused with SHARED_TOOL_RULE rather than changing their assignments', () => {
		const org = baseOrg()
			.territory('Utah')
			.territory('Nevada')
			.territory('Idaho')
			.rule('TP_Utah', ['Utah', 'Nevada'], postal('84'))
			.rule('TP_Utah_own', ['Idaho'], postal('83'));
		org.s.rules[0].masterLabel = 'Utah';
		const cs = diff(makePlan([pt('Utah', { postalCodes: ['85*'] })]), org.s, options());
		expect(triples(cs.issues)).toEqual([[2, null, 'SHARED_TOOL_RULE', 'TP_Utah']]);
	});
});
