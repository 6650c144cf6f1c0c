/**
 * What the connected user may do decides before anything is written: the org's describe (object
 * rights as that user holds them) and checkOrg's report, against the sandbox's planner, who lacks
 * Manage Territories and so sees only the Active model (Metadata API, Territory2Model).
 */
import { checkOrg } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { PLANNER_USERNAME } from '../../sandbox/seed';
import { DEMO_USERNAMES as U, issueTriples, startEngineOrg, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg({ seedOptions: { activeModel: true } });
	// A Planning model the planner cannot see.
	const made = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'FY27_Plan', name: 'FY27 Plan' } });
	if (made.issues.length || made.rows.some((r) => r.status === 'failed')) throw new Error('set-up publish failed');
});
afterAll(async () => org?.stop());

const PLAN: PlanRow[] = [
	{ Territory: 'West', Key: 'West', Type: 'Region', 'Postal Codes': '94105', Users: `${U.anaLopez} (Owner)` },
	{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '941*' },
];

const planner = () => org.sandbox.passwordLogin(PLANNER_USERNAME);

it('a model hidden from a user without Manage Territories is not created a second time: the issue names the permission', async () => {
	const before = org.dump();
	const result = await org.publish({ connection: planner(), plan: { rows: PLAN }, model: { developerName: 'FY27_Plan', name: 'FY27 Plan' } } as never);
	expect(issueTriples(result)).toEqual([[0, null, 'MODEL_NOT_VISIBLE']]);
	expect(result.issues[0].message).toMatch(/Manage Territories/);
	expect(org.changesSince(before)).toEqual([]);
});

it('writing into the Active model it can see is refused row by row, naming the permission, with nothing written', async () => {
	const before = org.dump();
	const active = org.sandbox.store.records('Territory2Model').find((m) => m.State === 'Active')!;
	const result = await org.publish({
		connection: planner(),
		plan: { rows: PLAN },
		model: { developerName: String(active.DeveloperName) },
		allowActiveModel: true,
	} as never);
	expect(result.issues.length).toBeGreaterThan(0);
	expect(new Set(result.issues.map((i) => i.code))).toEqual(new Set(['NOT_PERMITTED']));
	// The Active model already holds West (row 2): its rule is what the row would add.
	expect(issueTriples(result)).toEqual([
		[2, 'Postal Codes', 'NOT_PERMITTED'],
		[3, 'Territory', 'NOT_PERMITTED'],
	]);
	expect(result.issues[1].message).toMatch(/Row 3: the connected user may not update territories, create assignment rules.*it needs Manage Territories and View All Records on Accounts/);
	expect(org.changesSince(before)).toEqual([]);
});

it('checkOrg tells the admin everything is in place, and the planner what is missing, writing nothing', async () => {
	const before = org.dump();
	const admin = await checkOrg({ connection: org.connection });
	expect(admin).toMatchObject({
		ok: true,
		user: { username: org.sandbox.credentials.username },
		salesTerritoriesEnabled: true,
		permissions: { manageTerritories: true, viewAllAccounts: true, viewSetup: true, customizeApplication: true, apiEnabled: true },
		ruleLinks: 'rest',
		stateCountryPicklists: false,
		sharing: { account: 'None', opportunity: 'None', case: 'None' },
	});
	expect(admin.models.limit).toBe(4); // Unlimited Edition
	expect(admin.models.count).toBe(2);
	expect(admin.models.left).toBe(2);
	expect(admin.apiRequests?.max).toBe(100_000);
	expect(admin.text).toMatch(/Manage Territories yes/);
	expect(admin.text).toMatch(/Territory models: 2 of 4 \(2 left\)/);

	const limited = await checkOrg({ connection: planner() });
	expect(limited.ok).toBe(false);
	expect(limited.user.username).toBe(PLANNER_USERNAME);
	// The planner may not read permission sets; the describe still says it cannot create models.
	expect(limited.permissions.manageTerritories).toBe(false);
	expect(limited.models.list.map((m) => m.state)).toEqual(['Active']);
	expect(limited.problems.join('\n')).toMatch(/lacks Manage Territories.*sees only Active models/);
	expect(limited.text).not.toContain(org.sandbox.credentials.password);
	expect(org.changesSince(before)).toEqual([]);
});

it('a dry run carries the same report in its summary', async () => {
	const result = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'FY27_Plan' }, dryRun: true });
	expect(result.summary.orgCheck?.permissions.manageTerritories).toBe(true);
	expect(result.summary.orgCheck?.text).toMatch(/^Salesforce org check/);
});
