/**
 * Every validation error of publishPlan against the sandbox org: each names its row, column and code,
 * all problems of a plan come at once, and the org is left exactly as it was (full store dump).
 */
import { importModel } from '../../lib';
import type { PublishOptions, PublishResult } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { DEMO_USERNAMES as U, DEMO_USERS, issueTriples, startEngineOrg, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
let ids: Record<string, string>;
beforeAll(async () => {
	org = await startEngineOrg();
	const users = org.sandbox.store.records('User');
	ids = Object.fromEntries(users.map((u) => [String(u.Username), u.Id]));
	// Give two users an Email distinct from their Username, so look-ups by Email are told apart.
	org.sandbox.store.adminUpdate('User', ids[U.frankMiller], { Email: 'frank.private@mail.example' });
	org.sandbox.store.adminUpdate('User', ids[U.elenaRossi], { Email: 'elena.private@mail.example' });
});
afterAll(async () => org?.stop());

type Triple = [number, string | null, string];

/** Publishes a bad plan for real (no dry run) and checks that nothing at all changed in the org. */
async function publishRefused(rows: PlanRow[], options: Partial<Omit<PublishOptions, 'connection' | 'plan'>> = {}): Promise<PublishResult> {
	const before = org.dump();
	org.sandbox.requestLog.reset();
	const result = await org.publish({ plan: { rows }, model: { developerName: 'Val_Model' }, ...options });
	expect(org.sandbox.requestLog.writeCalls).toBe(0);
	expect(org.changesSince(before)).toEqual([]);
	expect(result.issues.length).toBeGreaterThan(0);
	expect(result.summary.counts).toEqual({});
	// Every plan row gets an outcome: the bad ones failed, the others were not published.
	for (const r of result.rows) expect(['failed', 'skipped']).toContain(r.status);
	for (const issue of result.issues) {
		expect(issue.message.length).toBeGreaterThan(10);
		// A territory whose first row has a problem is reported failed with it.
		const territory = result.rows.find((r) => r.row === issue.row);
		if (territory) expect(territory.status).toBe('failed');
	}
	return result;
}

const sortTriples = (t: Triple[]) => [...t].sort((a, b) => a[0] - b[0] || String(a[1]).localeCompare(String(b[1])) || a[2].localeCompare(b[2]));

const base = (extra: PlanRow[] = []): PlanRow[] => [{ Territory: 'West', Key: 'West', Type: 'Region' }, ...extra];
const long = (n: number, c = 'x') => c.repeat(n);

/** One case per validation error: its rows (row 2 is the first data row) and the exact issues expected. */
const CASES: [string, PlanRow[], Triple[]][] = [
	['a missing name', base([{ Territory: '', Key: 'Blank', Type: 'Region' }]), [[3, 'Territory', 'MISSING_NAME']]],
	['a duplicate key', base([{ Territory: 'West Coast', Key: 'West', Type: 'Region' }]), [[3, 'Key', 'DUPLICATE_KEY']]],
	['an unknown parent', base([{ Territory: 'Utah', Key: 'Utah', Parent: 'Nowhere', Type: 'Territory' }]), [[3, 'Parent', 'UNKNOWN_PARENT']]],
	[
		'a parent cycle',
		base([
			{ Territory: 'A', Key: 'A', Parent: 'B', Type: 'District' },
			{ Territory: 'B', Key: 'B', Parent: 'A', Type: 'District' },
		]),
		[
			[3, 'Parent', 'PARENT_CYCLE'],
			[4, 'Parent', 'PARENT_CYCLE'],
		],
	],
	[
		'invalid DeveloperNames',
		base([
			{ Territory: 'One', Key: '1_Bad', Type: 'Region' },
			{ Territory: 'Two', Key: 'Bad__Key', Type: 'Region' },
			{ Territory: 'Three', Key: 'Has Space', Type: 'Region' },
			{ Territory: 'Four', Key: `K${long(80)}`, Type: 'Region' },
		]),
		[
			[3, 'Key', 'INVALID_KEY'],
			[4, 'Key', 'INVALID_KEY'],
			[5, 'Key', 'INVALID_KEY'],
			[6, 'Key', 'INVALID_KEY'],
		],
	],
	[
		'colliding DeveloperNames',
		base([
			{ Territory: 'WEST again', Key: 'WEST', Type: 'Region' },
			// Rule 2 of key A is TP_A_2, which is also rule 1 of key A_2.
			{ Territory: 'A', Key: 'A', Type: 'Region', States: Array.from({ length: 11 }, (_, i) => `${i}${long(600)}`).join(', ') },
			{ Territory: 'A 2', Key: 'A_2', Type: 'Region', States: 'CA' },
		]),
		[
			[3, 'Key', 'KEY_CASE_COLLISION'],
			[5, 'Key', 'RULE_NAME_COLLISION'],
		],
	],
	[
		'values too long',
		base([
			{ Territory: long(81, 'N'), Key: 'Long_Name', Type: 'Region' },
			{ Territory: 'Long description', Key: 'Long_Desc', Type: 'Region', Description: long(1001) },
			{ Territory: 'Long state', Key: 'Long_State', Type: 'Region', States: long(1001, 's') },
		]),
		[
			[3, 'Territory', 'NAME_TOO_LONG'],
			[4, 'Description', 'DESCRIPTION_TOO_LONG'],
			[5, 'States', 'VALUE_TOO_LONG'],
		],
	],
	[
		'unknown access levels',
		base([{ Territory: 'Utah', Key: 'Utah', Type: 'Territory', 'Account Access': 'Full', 'Opportunity Access': 'All', 'Case Access': 'Owner' }]),
		[
			[3, 'Account Access', 'INVALID_ACCESS'],
			// "All" and "Owner" exist for accounts only.
			[3, 'Case Access', 'INVALID_ACCESS'],
			[3, 'Opportunity Access', 'INVALID_ACCESS'],
		],
	],
	[
		'unknown fields and operators in Criteria',
		base([
			{ Territory: 'A', Key: 'A', Type: 'Territory', Criteria: 'Annual Revenue equals 5' },
			{ Territory: 'B', Key: 'B', Type: 'Territory', Criteria: 'Industry resembles Technology' },
			{ Territory: 'C', Key: 'C', Type: 'Territory', Criteria: 'Industry' },
			// A well-formed name that is no field of Account in this org.
			{ Territory: 'D', Key: 'D', Type: 'Territory', Criteria: 'Shoe_Size__c equals 42' },
		]),
		[
			[3, 'Criteria', 'INVALID_FIELD'],
			[4, 'Criteria', 'UNKNOWN_OPERATOR'],
			[5, 'Criteria', 'INVALID_CRITERION'],
			[6, 'Criteria', 'UNKNOWN_FIELD'],
		],
	],
	[
		'a Forecast Manager not among Users',
		base([{ Territory: 'Utah', Key: 'Utah', Type: 'Territory', Users: U.benCarter, 'Forecast Manager': U.carlaNguyen }]),
		[[3, 'Forecast Manager', 'FORECAST_MANAGER_NOT_USER']],
	],
	[
		'too many rule items and too many rules',
		base([
			{
				Territory: 'Items',
				Key: 'Items',
				Type: 'Territory',
				Criteria: [
					'Name contains a',
					'AccountNumber contains b',
					'Industry notEqual Retail',
					'BillingStreet contains c',
					'BillingCity notEqual Boston',
					'BillingState notEqual NY',
					'BillingPostalCode notEqual 12345',
					'BillingCountry notEqual Canada',
					'External_Key__c contains d',
					'Name notEqual Acme',
					'AccountNumber notEqual AC-1',
				].join('; '),
			},
			{
				// 20 values that fill an item each, in two lists ANDed: at least 16 rules.
				Territory: 'Rules',
				Key: 'Rules',
				Type: 'Territory',
				States: Array.from({ length: 20 }, (_, i) => `S${i}${long(600)}`).join(', '),
				Countries: Array.from({ length: 20 }, (_, i) => `C${i}${long(600)}`).join(', '),
			},
		]),
		[
			[3, 'Criteria', 'TOO_MANY_RULE_ITEMS'],
			[4, null, 'TOO_MANY_RULES'],
		],
	],
	[
		'more territories than a model holds',
		Array.from({ length: 1001 }, (_, i) => ({ Territory: `T${i}`, Key: `T${i}`, Type: 'Territory' })),
		[[0, null, 'TOO_MANY_TERRITORIES']],
	],
	[
		'unknown users, by Id, Username, Email and FederationIdentifier',
		base([
			{ Territory: 'A', Key: 'A', Type: 'Territory', Users: '005000000000099AAA' },
			{ Territory: 'B', Key: 'B', Type: 'Territory', Users: 'nobody@acme-demo.example' },
			{ Territory: 'C', Key: 'C', Type: 'Territory', Users: 'nobody@mail.example (Owner)' },
			{ Territory: 'D', Key: 'D', Type: 'Territory', Users: 'E99999' },
		]),
		[
			[3, 'Users', 'UNKNOWN_USER'],
			[4, 'Users', 'UNKNOWN_USER'],
			[5, 'Users', 'UNKNOWN_USER'],
			[6, 'Users', 'UNKNOWN_USER'],
		],
	],
	[
		'an unknown territory type',
		base([{ Territory: 'Utah', Key: 'Utah', Type: 'Galaxy' }]),
		[[3, 'Type', 'UNKNOWN_TYPE']],
	],
	[
		'user roles the org does not have, or two roles for one user',
		base([
			{ Territory: 'A', Key: 'A', Type: 'Territory', Users: `${U.benCarter} (Boss)` },
			{ Territory: 'B', Key: 'B', Type: 'Territory', Users: `${U.benCarter} (Owner); ${U.benCarter} (Sales Rep)` },
		]),
		[
			[3, 'Users', 'UNKNOWN_ROLE'],
			[4, 'Users', 'CONFLICTING_ROLE'],
		],
	],
	['a malformed postal code', base([{ Territory: 'A', Key: 'A', Type: 'Territory', 'Postal Codes': '94*1' }]), [[3, 'Postal Codes', 'INVALID_POSTAL_CODE']]],
	[
		'long-form rows that disagree',
		base([
			{ Territory: 'A', Key: 'A', Type: 'Territory', Description: 'one', Users: U.benCarter },
			{ Territory: 'A', Key: 'A', Type: 'Territory', Description: 'two', Users: U.carlaNguyen },
		]),
		[[4, 'Description', 'CONFLICTING_VALUE']],
	],
	['a new territory without a type', base([{ Territory: 'A', Key: 'A', Parent: 'West' }]), [[3, 'Type', 'TYPE_REQUIRED']]],
	[
		'a parent named ambiguously',
		base([
			{ Territory: 'Same', Key: 'Same_1', Type: 'District' },
			{ Territory: 'Same', Key: 'Same_2', Type: 'District' },
			{ Territory: 'Child', Key: 'Child', Parent: 'Same', Type: 'Territory' },
		]),
		[[5, 'Parent', 'AMBIGUOUS_PARENT']],
	],
	[
		'an account that does not exist',
		base([{ Territory: 'A', Key: 'A', Type: 'Territory', Accounts: '001000000000099AAA' }]),
		[[3, 'Accounts', 'UNKNOWN_ACCOUNT']],
	],
	['an unknown column', base().map((r) => ({ ...r, 'Region Manager': U.anaLopez })), [[1, 'Region Manager', 'UNKNOWN_COLUMN']]],
];

describe('each validation error leaves the org unchanged and names row, column and code', () => {
	it.each(CASES)('%s', async (_what, rows, expected) => {
		const result = await publishRefused(rows);
		expect(sortTriples(issueTriples(result))).toEqual(sortTriples(expected));
	});

	it('inactive users, by Id, Username, Email and FederationIdentifier', async () => {
		const elena = DEMO_USERS.find((u) => u.username === U.elenaRossi)!;
		const rows = base([
			{ Territory: 'A', Key: 'A', Type: 'Territory', Users: ids[U.elenaRossi] },
			{ Territory: 'B', Key: 'B', Type: 'Territory', Users: `${U.elenaRossi} (Owner)` },
			{ Territory: 'C', Key: 'C', Type: 'Territory', Users: 'elena.private@mail.example' },
			{ Territory: 'D', Key: 'D', Type: 'Territory', Users: elena.federationIdentifier },
			{ Territory: 'E', Key: 'E', Type: 'Territory', Users: U.elenaRossi, 'Forecast Manager': U.elenaRossi },
		]);
		const result = await publishRefused(rows);
		const triples = sortTriples(issueTriples(result));
		for (const row of [3, 4, 5, 6, 7]) expect(triples).toContainEqual([row, 'Users', 'INACTIVE_USER']);
		// The forecast manager being inactive may be reported besides; nothing else may.
		expect(triples.filter(([, , code]) => !['INACTIVE_USER', 'FORECAST_MANAGER_INACTIVE'].includes(code))).toEqual([]);
	});

	it.each([
		['no rows', { rows: [] }],
		['a CSV file with a header only', { csv: 'Territory,Key,Type\r\n' }],
		['an empty CSV file', { csv: '' }],
	])('refuses an empty plan (%s) rather than emptying the model with overwriteAll', async (_what, plan) => {
		await org.publish({ plan: { rows: base() }, model: { developerName: 'Val_Empty' } });
		try {
			const dump = org.dump();
			for (const method of ['overwriteAll', 'overwriteMatching', 'add'] as const) {
				const result = await org.publish({ plan, model: { developerName: 'Val_Empty' }, method, deleteMissing: true });
				expect(issueTriples(result)).toEqual([[0, null, 'EMPTY_PLAN']]);
			}
			expect(org.changesSince(dump)).toEqual([]);
			expect(org.model('Val_Empty').territories).toHaveLength(1);
		} finally {
			org.dropModel('Val_Empty');
		}
	});

	it('refuses a plan that would take a model past 1,000 territories with the ones it holds', async () => {
		const store = org.sandbox.store;
		const typeId = store.records('Territory2Type')[0].Id;
		const modelId = store.adminCreate('Territory2Model', { Name: 'Full', DeveloperName: 'Val_Full' });
		for (let i = 0; i < 990; i++) {
			store.adminCreate('Territory2', { Name: `Old ${i}`, DeveloperName: `Old_${i}`, Territory2ModelId: modelId, Territory2TypeId: typeId });
		}
		try {
			const rows = Array.from({ length: 11 }, (_, i) => ({ Territory: `New ${i}`, Key: `New_${i}`, Type: 'Territory' }));
			const result = await publishRefused(rows, { model: { developerName: 'Val_Full' } });
			expect(issueTriples(result)).toEqual([[0, null, 'TERRITORY_LIMIT']]);
			// Ten fit, and deleting old ones makes room: overwriteAll with 11 new ones is fine.
			const fits = await org.publish({ plan: { rows: rows.slice(0, 10) }, model: { developerName: 'Val_Full' }, dryRun: true });
			expect(fits.issues).toEqual([]);
			const replaced = await org.publish({ plan: { rows }, model: { developerName: 'Val_Full' }, method: 'overwriteAll', dryRun: true });
			expect(replaced.issues).toEqual([]);
		} finally {
			org.dropModel('Val_Full');
		}
	});

	it('reports every problem of a bad plan at once', async () => {
		const rows: PlanRow[] = [
			{ Territory: 'West', Key: 'West', Type: 'Region', Users: 'nobody@acme-demo.example' }, // 2
			{ Territory: '', Key: 'Blank', Type: 'Region' }, // 3
			{ Territory: 'West Coast', Key: 'West', Type: 'Region' }, // 4
			{ Territory: 'Utah', Key: 'Utah', Parent: 'Nowhere', Type: 'Territory' }, // 5
			{ Territory: 'Bad', Key: '1_Bad', Type: 'Region', 'Account Access': 'Full' }, // 6
			{ Territory: 'Galaxy', Key: 'Galaxy', Type: 'Galaxy', Criteria: 'Industry resembles Tech' }, // 7
			{ Territory: 'FM', Key: 'FM', Type: 'Region', Users: U.benCarter, 'Forecast Manager': U.davidKim }, // 8
			{ Territory: 'Old', Key: 'Old', Type: 'Region', Users: U.elenaRossi, Description: long(1001) }, // 9
		];
		const result = await publishRefused(rows);
		const triples = issueTriples(result);
		for (const t of [
			[2, 'Users', 'UNKNOWN_USER'],
			[3, 'Territory', 'MISSING_NAME'],
			[4, 'Key', 'DUPLICATE_KEY'],
			[5, 'Parent', 'UNKNOWN_PARENT'],
			[6, 'Key', 'INVALID_KEY'],
			[6, 'Account Access', 'INVALID_ACCESS'],
			[7, 'Type', 'UNKNOWN_TYPE'],
			[7, 'Criteria', 'UNKNOWN_OPERATOR'],
			[8, 'Forecast Manager', 'FORECAST_MANAGER_NOT_USER'],
			[9, 'Users', 'INACTIVE_USER'],
			[9, 'Description', 'DESCRIPTION_TOO_LONG'],
		] as Triple[]) {
			expect(triples).toContainEqual(t);
		}
		// Issues come sorted by row, and the row outcomes say which rows are at fault.
		expect(result.issues.map((i) => i.row)).toEqual([...result.issues.map((i) => i.row)].sort((a, b) => a - b));
		expect(result.rows.find((r) => r.key === 'FM')).toMatchObject({ status: 'failed', errorCode: 'FORECAST_MANAGER_NOT_USER' });
	});
});

/** The org-aware check (diff) does not repeat what the plan check already reports. */
describe('each problem is reported once', () => {
	it('a Forecast Manager not among Users (not repeated as FORECAST_MANAGER_NOT_ASSIGNED)', async () => {
		const result = await publishRefused(base([{ Territory: 'Utah', Key: 'Utah', Type: 'Territory', Users: U.benCarter, 'Forecast Manager': U.carlaNguyen }]));
		expect(issueTriples(result)).toEqual([[3, 'Forecast Manager', 'FORECAST_MANAGER_NOT_USER']]);
	});

	it('a plan of 1,001 territories (not repeated as TERRITORY_LIMIT)', async () => {
		const rows = Array.from({ length: 1001 }, (_, i) => ({ Territory: `T${i}`, Key: `T${i}`, Type: 'Territory' }));
		const result = await publishRefused(rows);
		expect(issueTriples(result)).toEqual([[0, null, 'TOO_MANY_TERRITORIES']]);
	});

	it('an unknown user named in Users and Forecast Manager, and an unknown account named twice', async () => {
		const result = await publishRefused(
			base([{ Territory: 'Utah', Key: 'Utah', Type: 'Territory', Users: 'nobody@acme-demo.example', 'Forecast Manager': 'nobody@acme-demo.example', Accounts: '001000000000099AAA; 001000000000099AAA' }]),
		);
		expect(sortTriples(issueTriples(result))).toEqual([
			[3, 'Accounts', 'UNKNOWN_ACCOUNT'],
			[3, 'Users', 'UNKNOWN_USER'],
		]);
	});

	it('a territory of the model under a parent outside the plan, the scope root missing', async () => {
		await org.publish({ plan: { rows: base([{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory' }]) }, model: { developerName: 'Val_Scope' } });
		try {
			const result = await publishRefused([{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Territory', 'Postal Codes': '84*', Users: U.benCarter }], {
				model: { developerName: 'Val_Scope' },
				scopeRootKey: 'Atlantis',
			});
			expect(sortTriples(issueTriples(result))).toEqual([
				[0, null, 'SCOPE_ROOT_NOT_FOUND'],
				[2, 'Parent', 'UNKNOWN_PARENT'],
			]);
		} finally {
			org.dropModel('Val_Scope');
		}
	});
});

describe('users by Id, Username, Email and FederationIdentifier', () => {
	afterAll(() => org.dropModel('Val_Users'));

	it('resolves every kind of reference to the right user', async () => {
		const david = DEMO_USERS.find((u) => u.username === U.davidKim)!;
		const rows = base([
			{
				Territory: 'Utah',
				Key: 'Utah',
				Parent: 'West',
				Type: 'Territory',
				Users: `${ids[U.anaLopez]} (Owner); ${U.benCarter}; frank.private@mail.example (Sales Rep); ${david.federationIdentifier}`,
				'Forecast Manager': 'frank.private@mail.example',
			},
		]);
		const result = await org.publish({ plan: { rows }, model: { developerName: 'Val_Users' } });
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		const state = org.model('Val_Users');
		expect(state.usersByTerritory.Utah).toEqual([`${U.anaLopez} (Owner)`, U.benCarter, `${U.davidKim}`, `${U.frankMiller} (Sales Rep)`].sort());
		expect(state.territories.find((t) => t.DeveloperName === 'Utah')?.ForecastUserId).toBe(ids[U.frankMiller]);
	});
});

describe('territory types', () => {
	afterAll(() => org.dropModel('Val_Types'));

	it('createMissingTypes creates the missing types with free, unique priorities', async () => {
		const typesBefore = org.sandbox.store.records('Territory2Type').map((t) => ({ ...t }));
		const rows = base([
			{ Territory: 'Utah', Key: 'Utah', Parent: 'West', Type: 'Galaxy Cluster' },
			{ Territory: 'Idaho', Key: 'Idaho', Parent: 'West', Type: 'Nebula' },
			{ Territory: 'Boise', Key: 'Boise', Parent: 'Idaho', Type: 'Galaxy Cluster' },
		]);
		const result = await org.publish({ plan: { rows }, model: { developerName: 'Val_Types' }, createMissingTypes: true });
		expect(result.issues).toEqual([]);
		expect(result.summary.failed).toBe(0);
		const types = org.sandbox.store.records('Territory2Type');
		expect(types).toHaveLength(typesBefore.length + 2);
		const created = types.filter((t) => !typesBefore.some((b) => b.Id === t.Id));
		expect(created.map((t) => t.MasterLabel).sort()).toEqual(['Galaxy Cluster', 'Nebula']);
		const priorities = types.map((t) => Number(t.Priority));
		expect(new Set(priorities).size).toBe(priorities.length);
		const state = org.model('Val_Types');
		const typeOf = (key: string) => types.find((t) => t.Id === state.territories.find((x) => x.DeveloperName === key)?.Territory2TypeId)?.MasterLabel;
		expect([typeOf('Utah'), typeOf('Idaho'), typeOf('Boise'), typeOf('West')]).toEqual(['Galaxy Cluster', 'Nebula', 'Galaxy Cluster', 'Region']);

		// Named again, the types now exist: nothing is created twice.
		const again = await org.publish({ plan: { rows }, model: { developerName: 'Val_Types' }, createMissingTypes: true });
		expect(again.summary.counts).toEqual({});
		expect(org.sandbox.store.records('Territory2Type')).toHaveLength(typesBefore.length + 2);
	});
});

describe('columns', () => {
	afterAll(() => ['Val_Ignore', 'Val_Map'].forEach((m) => org.dropModel(m)));
	const rows = [
		{ Name: 'West', Key: 'West', Level: 'Region', 'Region Manager': U.anaLopez, Notes: 'keep out' },
		{ Name: 'Utah', Key: 'Utah', Parent: 'West', Level: 'Territory', 'Region Manager': U.benCarter, Notes: '' },
	];

	it('refuses unknown columns, naming each', async () => {
		const result = await publishRefused(rows);
		expect(sortTriples(issueTriples(result))).toEqual(
			sortTriples([
				// "Name" is an accepted spelling of Territory; without a Type column new territories lack a type.
				[1, 'Level', 'UNKNOWN_COLUMN'],
				[1, 'Region Manager', 'UNKNOWN_COLUMN'],
				[1, 'Notes', 'UNKNOWN_COLUMN'],
				[2, 'Type', 'TYPE_REQUIRED'],
				[3, 'Type', 'TYPE_REQUIRED'],
			]),
		);
	});

	it('maps columns with columnMap and ignores the rest with ignoreUnknownColumns', async () => {
		const result = await org.publish({
			plan: { rows },
			model: { developerName: 'Val_Ignore' },
			columnMap: { Level: 'Type' },
			ignoreUnknownColumns: true,
		});
		expect(result.issues).toEqual([]);
		const state = org.model('Val_Ignore');
		expect(state.parents).toEqual({ West: null, Utah: 'West' });
		expect(state.userLinks).toEqual([]);
	});

	it('maps a column to Users and ignores another with a null mapping', async () => {
		const result = await org.publish({
			plan: { rows },
			model: { developerName: 'Val_Map' },
			columnMap: { Name: 'Territory', Level: 'Type', 'Region Manager': 'Users', Notes: null },
		});
		expect(result.issues).toEqual([]);
		expect(org.model('Val_Map').usersByTerritory).toEqual({ West: [U.anaLopez], Utah: [U.benCarter] });
	});
});

describe('model states', () => {
	it('importModel names a missing model or scope root clearly', async () => {
		await expect(importModel({ connection: org.connection, model: { developerName: 'No_Such_Model' } })).rejects.toThrow(/No_Such_Model/);
		await org.publish({ plan: { rows: base() }, model: { developerName: 'Val_Import' } });
		try {
			await expect(importModel({ connection: org.connection, model: { developerName: 'Val_Import' }, scopeRootKey: 'Atlantis' })).rejects.toThrow(/Atlantis/);
		} finally {
			org.dropModel('Val_Import');
		}
	});

	it('refuses a model Id that does not exist', async () => {
		const result = await publishRefused(base(), { model: { id: '0MA000000000099AAA' } });
		expect(issueTriples(result)).toEqual([[0, null, 'MODEL_NOT_FOUND']]);
	});

	it('refuses an Archived model', async () => {
		org.sandbox.store.adminCreate('Territory2Model', { Name: 'FY24', DeveloperName: 'FY24_Archived', State: 'Archived' });
		const result = await publishRefused(base(), { model: { developerName: 'FY24_Archived' } });
		expect(issueTriples(result)).toEqual([[0, null, 'MODEL_READ_ONLY']]);
		org.dropModel('FY24_Archived');
	});

	describe('the Active model', () => {
		let active: EngineOrg;
		beforeAll(async () => {
			active = await startEngineOrg({ seedOptions: { activeModel: true } });
		});
		afterAll(async () => active?.stop());
		const plan = [
			{ Territory: 'West', Key: 'West', Type: 'Region' },
			{ Territory: 'Great Basin', Key: 'Great_Basin', Parent: 'West', Type: 'District', Users: U.benCarter },
		];

		it('is refused unless allowActiveModel, and published into when allowed', async () => {
			const before = active.dump();
			const refused = await active.publish({ plan: { rows: plan }, model: { developerName: 'FY26_Sales' } });
			expect(issueTriples(refused)).toEqual([[0, null, 'MODEL_ACTIVE']]);
			expect(active.changesSince(before)).toEqual([]);

			const allowed = await active.publish({ plan: { rows: plan }, model: { developerName: 'FY26_Sales' }, allowActiveModel: true });
			expect(allowed.issues).toEqual([]);
			expect(allowed.summary.failed).toBe(0);
			const state = active.model('FY26_Sales');
			expect(state.state).toBe('Active');
			expect(state.parents.Great_Basin).toBe('West');
			expect(state.usersByTerritory.Great_Basin).toEqual([U.benCarter]);
			// overwriteMatching leaves the seeded territories the plan does not name.
			expect(state.territories).toHaveLength(15);
		});
	});
});
