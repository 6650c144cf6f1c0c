/**
 * The org's describe decides, through publishPlan / importModel against sandbox orgs that play each
 * documented variant over real jsforce and HTTP: the form of rule item Field names, State and
 * Country/Territory Picklists, org-wide sharing defaults, fields rules cannot test. Bad input in each
 * mode gets an issue naming row and column and leaves the org unchanged.
 */
import { importModel } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import type { SandboxOptions } from '../../sandbox';
import { DEMO_USERNAMES as U, issueTriples, normalisedPlan, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';

const PLAN: PlanRow[] = [
	{ Territory: 'West', Key: 'West', Type: 'Region', 'Postal Codes': '94105, 941*', Users: `${U.anaLopez} (Owner)` },
	{ Territory: 'Tech', Key: 'Tech', Parent: 'West', Type: 'Territory', Criteria: 'Industry equals Technology, Banking' },
];

async function withOrg(options: SandboxOptions, run: (org: EngineOrg) => Promise<void>): Promise<void> {
	const org = await startEngineOrg(options);
	try {
		await run(org);
	} finally {
		await org.stop();
	}
}

const model = (developerName: string) => ({ developerName, name: developerName });

/** Keys, parents and rule columns of a plan (an import also writes the access levels Setup defaulted). */
function ruleColumns(rows: PlanRow[]) {
	return normalisedPlan(rows).map((t) => ({ key: t.key, parentKey: t.parentKey, postalCodes: t.postalCodes, countries: t.countries, states: t.states, criteria: t.criteria }));
}

describe('rule item Field in the form the org lists (a restricted picklist whose values are not published)', () => {
	it.each([
		['bare', /^(BillingPostalCode|Industry)$/],
		['qualified', /^Account\.(BillingPostalCode|Industry)$/],
	] as const)('an org listing %s names gets exactly that form, publishes back unchanged and imports', async (form, pattern) => {
		await withOrg({ ruleItemFieldForm: form }, async (org) => {
			const first = await org.publish({ plan: { rows: PLAN }, model: model('Form') });
			expect(first.issues).toEqual([]);
			expect(first.rows.every((r) => r.status !== 'failed')).toBe(true);
			const items = org.model('Form').ruleItems;
			expect(items.length).toBeGreaterThanOrEqual(3);
			for (const item of items) expect(String(item.Field)).toMatch(pattern);

			const again = await org.publish({ plan: { rows: PLAN }, model: model('Form') });
			expect(writeCount(again)).toBe(0);
			const imported = await importModel({ connection: org.connection, model: { developerName: 'Form' } });
			expect(ruleColumns(imported.rows)).toEqual(ruleColumns(PLAN));
		});
	});

	it('a field Account has but rules cannot test is refused before any write, naming row and column', async () => {
		await withOrg({}, async (org) => {
			const before = org.dump();
			// OwnerId is an Account field (the describe lists it) that the rule item Field picklist does not offer.
			const rows = [PLAN[0], { ...PLAN[1], Criteria: `OwnerId equals ${org.sandbox.store.currentUserId}` }];
			const result = await org.publish({ plan: { rows }, model: model('Fls') });
			expect(issueTriples(result)).toEqual([[3, 'Criteria', 'RULE_FIELD_NOT_AVAILABLE']]);
			expect(result.issues[0].message).toMatch(/field-level security of Account\.OwnerId/);
			expect(org.changesSince(before)).toEqual([]);
		});
	});

	it('the describe rides in the snapshot: a plan with Criteria costs no call of its own for Account fields', async () => {
		await withOrg({}, async (org) => {
			org.sandbox.requestLog.reset();
			const result = await org.publish({ plan: { rows: PLAN }, model: model('Calls'), dryRun: true, checkOrg: false });
			expect(result.issues).toEqual([]);
			expect(result.summary.orgCheck).toBeUndefined();
			// A new model: the first snapshot group (one Composite call with every describe) and the users'
			// query; no stand-alone describe.
			const calls = org.sandbox.requestLog.entries.filter((e) => e.apiCall).map((e) => `${e.method} ${e.path.replace(/\?.*/, '')}`);
			expect(calls).toEqual(['POST /services/data/v62.0/composite', 'GET /services/data/v62.0/query']);
		});
	});
});

describe('State and Country/Territory Picklists: states and countries are matched with contains', () => {
	const STATE_PLAN: PlanRow[] = [
		{ Territory: 'California', Key: 'California', Type: 'Territory', Countries: 'United States', States: 'California' },
		{ Territory: 'Nevada', Key: 'Nevada', Type: 'Territory', States: 'Nevada, Arizona' },
	];

	it('writes contains, assigns the accounts of those states, reads back as States and Countries, and re-publishes nothing', async () => {
		await withOrg({ stateCountryPicklists: true, seedOptions: { accounts: 200 } }, async (org) => {
			const result = await org.publish({ plan: { rows: STATE_PLAN }, model: model('Geo') });
			expect(result.issues).toEqual([]);
			const state = org.model('Geo');
			const geo = state.ruleItems.filter((i) => /Billing(State|Country)$/.test(String(i.Field)));
			expect(geo.length).toBe(3);
			for (const item of geo) expect(item.Operation).toBe('contains');

			const accounts = org.sandbox.store.records('Account');
			const expected = (codes: string[]) => accounts.filter((a) => codes.includes(String(a.BillingStateCode))).map((a) => a.Id).sort();
			const ruleOf = (key: string) => {
				const territory = state.territories.find((t) => t.DeveloperName === key)!;
				return String(state.ruleLinks.find((l) => l.Territory2Id === territory.Id)!.RuleId);
			};
			expect(expected(['CA']).length).toBeGreaterThan(0);
			expect(org.sandbox.accountsMatchingRule(ruleOf('California')).sort()).toEqual(expected(['CA']));
			expect(org.sandbox.accountsMatchingRule(ruleOf('Nevada')).sort()).toEqual(expected(['NV', 'AZ']));

			const imported = await importModel({ connection: org.connection, model: { developerName: 'Geo' } });
			expect(ruleColumns(imported.rows)).toEqual(ruleColumns(STATE_PLAN));
			expect(writeCount(await org.publish({ plan: { rows: imported.rows }, model: model('Geo') }))).toBe(0);
		});
	});

	it('without the picklists the same plan is written with equals (the sandbox matches equals there)', async () => {
		await withOrg({ seedOptions: { accounts: 200 } }, async (org) => {
			await org.publish({ plan: { rows: STATE_PLAN }, model: model('Geo') });
			const state = org.model('Geo');
			const geo = state.ruleItems.filter((i) => /Billing(State|Country)$/.test(String(i.Field)));
			for (const item of geo) expect(item.Operation).toBe('equals');
			// The demo accounts' BillingState holds codes without picklists: "California" matches none of them.
			const territory = state.territories.find((t) => t.DeveloperName === 'California')!;
			const rule = String(state.ruleLinks.find((l) => l.Territory2Id === territory.Id)!.RuleId);
			expect(org.sandbox.accountsMatchingRule(rule)).toEqual([]);
		});
	});
});

describe('access levels against the org-wide sharing defaults', () => {
	const row = (extra: PlanRow): PlanRow[] => [{ Territory: 'West', Key: 'West', Type: 'Region', ...extra }];

	it('Public Read/Write accounts: Read is refused (row and column named, nothing written); Edit publishes', async () => {
		await withOrg({ sharing: { account: 'Edit' } }, async (org) => {
			const before = org.dump();
			const refused = await org.publish({ plan: { rows: row({ 'Account Access': 'Read Only' }) }, model: model('Owd') });
			expect(issueTriples(refused)).toEqual([[2, 'Account Access', 'ACCESS_LEVEL_NOT_ALLOWED']]);
			expect(refused.issues[0].message).toMatch(/Public Read\/Write/);
			expect(org.changesSince(before)).toEqual([]);

			const ok = await org.publish({ plan: { rows: row({ 'Account Access': 'Edit' }) }, model: model('Owd') });
			expect(ok.issues).toEqual([]);
			expect(org.model('Owd').territories[0].AccountAccessLevel).toBe('Edit');
		});
	});

	it.each([
		['opportunity', 'Opportunity Access'],
		['case', 'Case Access'],
	] as const)('Public Read/Write %s: any level is refused; an empty cell publishes and reads back empty', async (object, column) => {
		await withOrg({ sharing: { [object]: object === 'case' ? 'ReadEditTransfer' : 'Edit' } }, async (org) => {
			const before = org.dump();
			const refused = await org.publish({ plan: { rows: row({ [column]: 'Read' }) }, model: model('Owd') });
			expect(issueTriples(refused)).toEqual([[2, column, 'ACCESS_LEVEL_NOT_ALLOWED']]);
			expect(org.changesSince(before)).toEqual([]);

			const ok = await org.publish({ plan: { rows: row({ [column]: '' }) }, model: model('Owd') });
			expect(ok.issues).toEqual([]);
			const field = object === 'case' ? 'CaseAccessLevel' : 'OpportunityAccessLevel';
			expect(org.model('Owd').territories[0][field]).toBeNull();
			const imported = await importModel({ connection: org.connection, model: { developerName: 'Owd' } });
			expect(imported.rows[0][column]).toBe('');
			expect(writeCount(await org.publish({ plan: { rows: imported.rows }, model: model('Owd') }))).toBe(0);
		});
	});
});

describe('an org that turns State and Country/Territory Picklists on after a publish', () => {
	it('rewrites the old equals items with contains instead of keeping them ANDed beside the new ones', async () => {
		const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
		const { join } = await import('node:path');
		const { tmpdir } = await import('node:os');
		const statePath = join(mkdtempSync(join(tmpdir(), 'picklists-later-')), 'org.json');
		const rows: PlanRow[] = [{ Territory: 'West', Key: 'West', Type: 'Region', 'Postal Codes': '94105', Countries: 'United States', States: 'California' }];
		const before = await startEngineOrg({ statePath });
		await before.publish({ plan: { rows }, model: model('Later') });
		await before.stop(); // saves the org, its equals items included
		const saved = JSON.parse(readFileSync(statePath, 'utf8'));
		saved.org.settings.stateCountryPicklists = true;
		writeFileSync(statePath, JSON.stringify(saved));

		await withOrg({ statePath }, async (org) => {
			// The plan has no Criteria column: what the rule does not hold in the plan's columns would be kept.
			const result = await org.publish({ plan: { rows }, model: model('Later') });
			expect(result.issues).toEqual([]);
			const items = org.model('Later').ruleItems.map((i) => `${String(i.Field)} ${String(i.Operation)} ${String(i.Value)}`).sort();
			expect(items).toEqual(['Account.BillingCountry contains United States', 'Account.BillingPostalCode equals 94105', 'Account.BillingState contains California']);
			expect(writeCount(await org.publish({ plan: { rows }, model: model('Later') }))).toBe(0);
		});
	});

	it('warns about equals in Criteria and about short codes that contains would over-match', async () => {
		await withOrg({ stateCountryPicklists: true }, async (org) => {
			const rows: PlanRow[] = [
				{ Territory: 'West', Key: 'West', Type: 'Region', States: 'CA' },
				{ Territory: 'East', Key: 'East', Type: 'Region', Criteria: 'BillingState equals New York' },
			];
			const result = await org.publish({ plan: { rows }, model: model('Warn'), dryRun: true });
			expect(result.issues).toEqual([]);
			expect(result.warnings.map((w) => [w.row, w.column, w.code])).toEqual([
				[2, 'States', 'PICKLIST_CONTAINS_SHORT'],
				[3, 'Criteria', 'PICKLIST_EQUALS'],
			]);
		});
	});
});
