import { ROW_NUMBER, parsePlan, type PlanIssue, type PlanRow } from '../../lib/plan';
import { codes } from './helpers';

const codesOf = (issues: PlanIssue[]) => issues.map((i) => [i.code, i.row, i.column]);

describe('parsePlan: the example of plan-format.md', () => {
	it('reads territories, hierarchy, rules and users', () => {
		const plan = parsePlan([
			{ Territory: 'West', Key: 'West', Parent: '', Type: 'Region', 'Postal Codes': '', Users: 'ana@acme.example (Owner)' },
			{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*, 941*, 94501', Users: 'ben@acme.example (Sales Rep); cy@acme.example' },
			{ Territory: 'Nevada', Key: 'Nevada', Parent: 'West', Type: 'Territory', 'Postal Codes': '889*; 890*; 891*', Users: 'dee@acme.example (Sales Rep)' },
		]);
		expect(plan.issues).toEqual([]);
		expect(plan.columns).toEqual(['Territory', 'Key', 'Parent', 'Type', 'Postal Codes', 'Users']);
		expect(plan.territories.map((t) => [t.row, t.key, t.parentKey, t.type])).toEqual([
			[2, 'West', null, 'Region'],
			[3, 'Bay_Area', 'West', 'Territory'],
			[4, 'Nevada', 'West', 'Territory'],
		]);
		expect(plan.territories[1].postalCodes).toEqual(['940*', '941*', '94501']);
		expect(parsePlan([{ Territory: 'A', 'Postal Codes': '94**, 95*' }]).territories[0].postalCodes).toEqual(['94*', '95*']);
		expect(plan.territories[1].users).toEqual([
			{ ref: 'ben@acme.example', role: 'Sales Rep' },
			{ ref: 'cy@acme.example', role: null },
		]);
		expect(plan.territories[1].keyGenerated).toBe(false);
	});
});

describe('parsePlan: columns and cells', () => {
	it('accepts aliases and cells of any type', () => {
		const plan = parsePlan([
			{ name: 'West', developer_name: 'West', 'Zip Codes': 94105, 'account-access-level': 'Read Only', OPPORTUNITY_ACCESS: 'private', 'Case Access': 'Read/Write' },
			{ name: 'East', developer_name: null, 'Zip Codes': undefined, 'account-access-level': true },
		]);
		expect(plan.columns).toEqual(['Territory', 'Key', 'Account Access', 'Opportunity Access', 'Case Access', 'Postal Codes']);
		const [west, east] = plan.territories;
		expect(west.postalCodes).toEqual(['94105']);
		expect([west.accountAccess, west.opportunityAccess, west.caseAccess]).toEqual(['Read', 'None', 'Edit']);
		expect(east.key).toBe('East');
		expect(east.keyGenerated).toBe(true);
		expect(codesOf(plan.issues)).toEqual([['INVALID_ACCESS', 3, 'Account Access']]);
	});

	it('reports unknown columns unless mapped or ignored', () => {
		const rows = [{ Territory: 'West', Owner: 'ana@x.example', Notes: 'n' }];
		expect(codesOf(parsePlan(rows).issues)).toEqual([
			['UNKNOWN_COLUMN', 1, 'Owner'],
			['UNKNOWN_COLUMN', 1, 'Notes'],
		]);
		const mapped = parsePlan(rows, { columnMap: { Owner: 'Users', Notes: null } });
		expect(mapped.issues).toEqual([]);
		expect(mapped.territories[0].users).toEqual([{ ref: 'ana@x.example', role: null }]);
		expect(parsePlan(rows, { ignoreUnknownColumns: true }).issues).toEqual([]);
	});

	it('reports a missing Territory column once', () => {
		expect(codesOf(parsePlan([{ Key: 'A' }, { Key: 'B' }]).issues)).toEqual([['MISSING_COLUMN', 1, 'Territory']]);
	});

	it('skips blank rows but keeps spreadsheet row numbers', () => {
		const plan = parsePlan([{ Territory: 'A' }, { Territory: '  ', Key: null }, { Territory: 'B', Parent: 'Nope' }]);
		expect(plan.territories.map((t) => t.row)).toEqual([2, 4]);
		expect(codesOf(plan.issues)).toEqual([['UNKNOWN_PARENT', 4, 'Parent']]);
	});

	it('uses the row number a CSV source attached', () => {
		const row: PlanRow = { Territory: '', Key: 'K' };
		Object.defineProperty(row, ROW_NUMBER, { value: 17, enumerable: false });
		expect(codesOf(parsePlan([row]).issues)).toEqual([['MISSING_NAME', 17, 'Territory']]);
	});
});

describe('parsePlan: every validation issue names row, column and value', () => {
	it.each<[string, PlanRow[], [string, number, string | null]]>([
		['MISSING_NAME', [{ Territory: 'A' }, { Territory: '', Key: 'B' }], ['MISSING_NAME', 3, 'Territory']],
		['NAME_TOO_LONG', [{ Territory: 'n'.repeat(81), Key: 'A' }], ['NAME_TOO_LONG', 2, 'Territory']],
		['DESCRIPTION_TOO_LONG', [{ Territory: 'A', Description: 'd'.repeat(1001) }], ['DESCRIPTION_TOO_LONG', 2, 'Description']],
		['INVALID_KEY', [{ Territory: 'A', Key: 'Bay__Area' }], ['INVALID_KEY', 2, 'Key']],
		['DUPLICATE_KEY', [{ Territory: 'A', Key: 'K' }, { Territory: 'B', Key: 'K' }], ['DUPLICATE_KEY', 3, 'Key']],
		['KEY_CASE_COLLISION', [{ Territory: 'A', Key: 'West' }, { Territory: 'B', Key: 'WEST' }], ['KEY_CASE_COLLISION', 3, 'Key']],
		['CONFLICTING_VALUE', [{ Territory: 'A', Key: 'A', Type: 'Region' }, { Territory: 'A', Key: 'A', Type: 'District' }], ['CONFLICTING_VALUE', 3, 'Type']],
		['UNKNOWN_PARENT', [{ Territory: 'A', Parent: 'Nowhere' }], ['UNKNOWN_PARENT', 2, 'Parent']],
		['AMBIGUOUS_PARENT', [{ Territory: 'X', Key: 'X1' }, { Territory: 'X', Key: 'X2' }, { Territory: 'C', Parent: 'X' }], ['AMBIGUOUS_PARENT', 4, 'Parent']],
		['INVALID_ACCESS', [{ Territory: 'A', 'Opportunity Access': 'All' }], ['INVALID_ACCESS', 2, 'Opportunity Access']],
		['INVALID_POSTAL_CODE', [{ Territory: 'A', 'Postal Codes': '94*05' }], ['INVALID_POSTAL_CODE', 2, 'Postal Codes']],
		['INVALID_CRITERION', [{ Territory: 'A', Criteria: 'Industry' }], ['INVALID_CRITERION', 2, 'Criteria']],
		['INVALID_FIELD', [{ Territory: 'A', Criteria: 'Annual Revenue > 5' }], ['INVALID_FIELD', 2, 'Criteria']],
		['UNKNOWN_OPERATOR', [{ Territory: 'A', Criteria: 'Industry like Tech' }], ['UNKNOWN_OPERATOR', 2, 'Criteria']],
		['INVALID_USER', [{ Territory: 'A', Users: '(Owner)' }], ['INVALID_USER', 2, 'Users']],
		['CONFLICTING_ROLE', [{ Territory: 'A', Users: 'ana@x (Owner); ana@x (Sales Rep)' }], ['CONFLICTING_ROLE', 2, 'Users']],
		['FORECAST_MANAGER_NOT_USER', [{ Territory: 'A', Users: 'ana@x', 'Forecast Manager': 'ben@x' }], ['FORECAST_MANAGER_NOT_USER', 2, 'Forecast Manager']],
	])('%s', (_code, rows, [code, row, column]) => {
		const plan = parsePlan(rows);
		const found = plan.issues.filter((i) => i.code === code);
		expect(found).toHaveLength(1);
		expect(found[0]).toEqual(expect.objectContaining({ row, column }));
		expect(found[0].message).toContain(`Row ${row}`);
		expect(plan.issues.filter((i) => i.code !== code)).toEqual([]);
	});

	it('DESCRIPTION_TOO_LONG only past Territory2.Description\'s 1,000 characters', () => {
		const plan = parsePlan([
			{ Territory: 'A', Description: 'd'.repeat(1000) },
			{ Territory: 'B', Description: 'd'.repeat(1001) },
		]);
		expect(plan.territories[0].description).toHaveLength(1000);
		expect(codesOf(plan.issues)).toEqual([['DESCRIPTION_TOO_LONG', 3, 'Description']]);
		expect(plan.issues[0].message).toBe('Row 3, Description: the description is 1001 characters; Salesforce allows 1000 for a territory.');
	});

	it('PARENT_CYCLE: every territory on the loop, self-parent included', () => {
		const plan = parsePlan([
			{ Territory: 'A', Key: 'A', Parent: 'C' },
			{ Territory: 'B', Key: 'B', Parent: 'A' },
			{ Territory: 'C', Key: 'C', Parent: 'B' },
			{ Territory: 'D', Key: 'D', Parent: 'D' },
			{ Territory: 'E', Key: 'E', Parent: 'A' },
		]);
		expect(codesOf(plan.issues)).toEqual([
			['PARENT_CYCLE', 2, 'Parent'],
			['PARENT_CYCLE', 3, 'Parent'],
			['PARENT_CYCLE', 4, 'Parent'],
			['PARENT_CYCLE', 5, 'Parent'],
		]);
	});

	it('TOO_MANY_RULES names the row', () => {
		const plan = parsePlan([{ Territory: 'A' }, { Territory: 'Huge', 'Postal Codes': codes(166 * 150 + 1).join(';') }]);
		expect(codesOf(plan.issues)).toEqual([['TOO_MANY_RULES', 3, null]]);
	});

	it('TOO_MANY_TERRITORIES against the default limit and an option', () => {
		const rows = Array.from({ length: 1001 }, (_, i) => ({ Territory: `T${i}` }));
		expect(codesOf(parsePlan(rows).issues)).toEqual([['TOO_MANY_TERRITORIES', 0, null]]);
		expect(parsePlan(rows, { maxTerritories: 2000 }).issues).toEqual([]);
		expect(codesOf(parsePlan(rows.slice(0, 5), { maxTerritories: 4 }).issues)).toEqual([['TOO_MANY_TERRITORIES', 0, null]]);
	});

	it('RULE_NAME_COLLISION between TP_<A>_2 and TP_<A_2>', () => {
		const plan = parsePlan([
			{ Territory: 'A', Key: 'A', 'Postal Codes': codes(166 * 11).join(',') },
			{ Territory: 'A two', Key: 'A_2', 'Postal Codes': '1' },
		]);
		expect(codesOf(plan.issues)).toEqual([['RULE_NAME_COLLISION', 3, 'Key']]);
	});

	it('DUPLICATE_TERRITORY for the same name under one parent written two ways', () => {
		const plan = parsePlan([
			{ Territory: 'West', Key: 'W' },
			{ Territory: 'Bay', Parent: 'W' },
			{ Territory: 'Bay', Parent: 'West' },
		]);
		expect(codesOf(plan.issues)).toEqual([['DUPLICATE_TERRITORY', 4, 'Territory']]);
	});

	it('reports all problems at once', () => {
		const plan = parsePlan([
			{ Territory: '', Key: '1bad', Parent: 'Nope', 'Account Access': 'Total', Criteria: 'Industry ~ x' },
			{ Territory: 'B', Users: 'a@x', 'Forecast Manager': 'b@x' },
		]);
		expect(plan.issues.map((i) => i.code).sort()).toEqual(
			['FORECAST_MANAGER_NOT_USER', 'INVALID_ACCESS', 'INVALID_KEY', 'MISSING_NAME', 'UNKNOWN_OPERATOR', 'UNKNOWN_PARENT'].sort(),
		);
		for (const i of plan.issues) expect(i.message.length).toBeGreaterThan(10);
	});
});

describe('parsePlan: parents', () => {
	it('resolves by Key first, then by name, case-insensitively', () => {
		const plan = parsePlan([
			{ Territory: 'West', Key: 'Region_W' },
			{ Territory: 'Region_W', Key: 'Odd' },
			{ Territory: 'Bay', Parent: 'region_w' },
			{ Territory: 'Reno', Parent: 'WEST' },
			{ Territory: 'Oakland', Parent: 'Bay' },
		]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories.map((t) => t.parentKey)).toEqual([null, null, 'Region_W', 'Region_W', 'Bay']);
	});

	it('prefers an exact name over a case-insensitive one', () => {
		const plan = parsePlan([
			{ Territory: 'west', Key: 'A' },
			{ Territory: 'West', Key: 'B' },
			{ Territory: 'C', Parent: 'West' },
		]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories[2].parentKey).toBe('B');
	});
});

describe('parsePlan: long form', () => {
	it('merges rows with the same Key: lists united in order, singles filled in', () => {
		const plan = parsePlan([
			{ Territory: 'Bay Area', Key: 'Bay', Type: 'Territory', Users: 'ana@x (Owner)', 'Postal Codes': '940*', Description: '' },
			{ Territory: 'Bay Area', Key: 'Bay', Type: '', Users: 'ben@x (Sales Rep)', 'Postal Codes': '941*, 940*', Description: 'SF' },
			{ Territory: 'Bay Area', Key: 'Bay', Type: 'Territory', Users: 'ana@x', Criteria: 'Industry = Tech' },
		]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories).toHaveLength(1);
		const t = plan.territories[0];
		expect(t.rows).toEqual([2, 3, 4]);
		expect(t.row).toBe(2);
		expect(t.type).toBe('Territory');
		expect(t.description).toBe('SF');
		expect(t.postalCodes).toEqual(['940*', '941*']);
		expect(t.users).toEqual([
			{ ref: 'ana@x', role: 'Owner' },
			{ ref: 'ben@x', role: 'Sales Rep' },
		]);
		expect(t.criteria).toEqual([{ field: 'Industry', operation: 'equals', values: ['Tech'] }]);
	});

	it('lets rows with a Key leave the name empty', () => {
		const plan = parsePlan([
			{ Territory: '', Key: 'Bay', Users: 'ana@x' },
			{ Territory: 'Bay Area', Key: 'Bay', Users: 'ben@x' },
			{ Territory: '', Key: 'Bay', Users: 'cy@x' },
		]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories.map((t) => [t.name, t.row, t.rows, t.users.length])).toEqual([['Bay Area', 2, [2, 3, 4], 3]]);
		expect(codesOf(parsePlan([{ Territory: '', Key: 'Bay' }, { Territory: '', Key: 'Bay' }]).issues)).toEqual([['MISSING_NAME', 2, 'Territory']]);
	});

	it('adds keyless rows to the keyed territory of the same name and parent', () => {
		const plan = parsePlan([
			{ Territory: 'West', Key: 'W' },
			{ Territory: 'Bay', Key: 'Bay_1', Parent: 'W', Users: 'ana@x' },
			{ Territory: 'Bay', Parent: 'W', Users: 'ben@x' },
			{ Territory: 'Bay', Parent: '', Users: 'cy@x' },
		]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories.map((t) => [t.key, t.rows, t.users.map((u) => u.ref)])).toEqual([
			['W', [2], []],
			['Bay_1', [3, 4], ['ana@x', 'ben@x']],
			['Bay', [5], ['cy@x']],
		]);
	});

	it('merges keyless rows with the same name and parent', () => {
		const plan = parsePlan([
			{ Territory: 'West' },
			{ Territory: 'Nevada', Parent: 'West', Users: 'dee@x' },
			{ Territory: 'Nevada', Parent: 'West', Users: 'eve@x' },
			{ Territory: 'Nevada', Parent: '', Users: 'fay@x' },
		]);
		expect(plan.territories.map((t) => [t.name, t.rows, t.users.length])).toEqual([
			['West', [2], 0],
			['Nevada', [3, 4], 2],
			['Nevada', [5], 1],
		]);
		expect(plan.territories[1].key).not.toBe(plan.territories[2].key);
		expect(plan.issues).toEqual([]);
	});

	it('reports a role conflict across rows of one territory on the later row', () => {
		const plan = parsePlan([
			{ Territory: 'A', Key: 'A', Users: 'ana@x (Owner)' },
			{ Territory: 'A', Key: 'A', Users: 'ANA@x (Sales Rep)' },
		]);
		expect(codesOf(plan.issues)).toEqual([['CONFLICTING_ROLE', 3, 'Users']]);
	});

	it('accepts a forecast manager written in another case, as the user is written', () => {
		const plan = parsePlan([{ Territory: 'A', Users: 'Ana@X.example (Owner)', 'Forecast Manager': 'ana@x.example' }]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories[0].forecastManager).toBe('Ana@X.example');
	});

	it('does not check the forecast manager when the plan has no Users column', () => {
		expect(parsePlan([{ Territory: 'A', 'Forecast Manager': 'ana@x' }]).issues).toEqual([]);
	});
});
