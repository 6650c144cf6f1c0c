import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
	PLAN_COLUMNS,
	ROW_NUMBER,
	developerNameFromName,
	parseCsv,
	parseCsvFile,
	parsePlan,
	planToRows,
	rowsToCsv,
	territoryToRow,
	type PlanRow,
	type PlanTerritory,
} from '../../lib/plan';
import { pick, random, territory } from './helpers';

const rowNumber = (r: PlanRow) => (r as unknown as Record<symbol, number>)[ROW_NUMBER];

describe('parseCsv', () => {
	it('strips a BOM and reads the header', () => {
		const { rows, issues } = parseCsv('\uFEFFTerritory,Key\nWest,West\n');
		expect(issues).toEqual([]);
		expect(rows).toEqual([{ Territory: 'West', Key: 'West' }]);
		expect(Object.keys(rows[0])).toEqual(['Territory', 'Key']);
	});

	it('detects semicolon and tab delimiters', () => {
		const semi = parseCsv('Territory;Postal Codes;Users\nBay Area;"940*, 941*";ana@x (Owner)\n');
		expect(semi.rows).toEqual([{ Territory: 'Bay Area', 'Postal Codes': '940*, 941*', Users: 'ana@x (Owner)' }]);
		const tab = parseCsv('Territory\tCountries\nWest\tUS, CA\n');
		expect(tab.rows).toEqual([{ Territory: 'West', Countries: 'US, CA' }]);
	});

	it('reads a single column', () => {
		const { rows, issues } = parseCsv('Territory\nWest\nEast');
		expect(issues).toEqual([]);
		expect(rows.map((r) => r.Territory)).toEqual(['West', 'East']);
	});

	it('keeps quoted new lines inside a cell and counts rows as a spreadsheet does', () => {
		const text = 'Territory,Description\r\n"Bay\r\nArea","line 1\nline 2, with ""quotes"""\r\n\r\nNevada,\r\n';
		const { rows, issues } = parseCsv(text);
		expect(issues).toEqual([]);
		expect(rows).toEqual([
			{ Territory: 'Bay\r\nArea', Description: 'line 1\nline 2, with "quotes"' },
			{ Territory: 'Nevada', Description: '' },
		]);
		// Header row 1, Bay Area row 2, blank row 3, Nevada row 4.
		expect(rows.map(rowNumber)).toEqual([2, 4]);
		const plan = parsePlan([...rows, ...parseCsv('Territory,Parent\nX,Nope').rows]);
		expect(plan.issues.map((i) => [i.code, i.row])).toEqual([['UNKNOWN_PARENT', 2]]);
	});

	it('skips blank lines (also before the header) keeping row numbers', () => {
		const { rows } = parseCsv('\n\nTerritory,Parent\n\nWest,\n  ,  \nBay,Nope\n');
		expect(rows.map(rowNumber)).toEqual([5, 7]);
		expect(parsePlan(rows).issues.map((i) => [i.code, i.row])).toEqual([['UNKNOWN_PARENT', 7]]);
	});

	it('reports a duplicate header, fields beyond the header and a broken quote', () => {
		const dup = parseCsv('Territory,Users,Users\nWest,a@x,b@x\n');
		expect(dup.issues.map((i) => [i.code, i.row, i.column])).toEqual([['DUPLICATE_COLUMN', 1, 'Users']]);
		expect(dup.rows).toEqual([{ Territory: 'West', Users: 'a@x' }]);
		const extra = parseCsv('Territory,Key\nWest,W,oops\nEast,E,\n');
		expect(extra.issues.map((i) => [i.code, i.row, i.value])).toEqual([['CSV_EXTRA_FIELD', 2, 'oops']]);
		const broken = parseCsv('Territory,Key\n"West,W\n');
		expect(broken.issues.map((i) => i.code)).toContain('CSV_MISSINGQUOTES');
	});

	it('gives no rows for an empty text or a header alone', () => {
		expect(parseCsv('')).toEqual({ rows: [], issues: [] });
		expect(parseCsv('Territory,Key\n')).toEqual({ rows: [], issues: [] });
	});
});

describe('rowsToCsv', () => {
	it('quotes only where needed, LF line ends', () => {
		const csv = rowsToCsv([{ Territory: 'Bay Area', Description: 'a, "b"\nc', Key: 7, Parent: null }], ['Territory', 'Key', 'Parent', 'Description']);
		expect(csv).toBe('Territory,Key,Parent,Description\nBay Area,7,,"a, ""b""\nc"');
	});

	it('uses the rows own headers by default', () => {
		expect(rowsToCsv([{ A: 1 }, { B: 2 }])).toBe('A,B\n1,\n,2');
	});
});

describe('territoryToRow', () => {
	it('writes the canonical columns in order, lists as the parser reads them', () => {
		const row = territoryToRow(
			territory({
				parentKey: 'West',
				postalCodes: ['940*', '941*'],
				users: [
					{ ref: 'ana@x', role: 'Owner' },
					{ ref: 'ben@y', role: null },
				],
				criteria: [
					{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] },
					{ field: 'AnnualRevenue', operation: 'greaterThan', values: ['1000'] },
				],
				accountAccess: 'Edit',
			}),
		);
		expect(Object.keys(row)).toEqual([...PLAN_COLUMNS]);
		expect(row).toEqual(
			expect.objectContaining({
				Territory: 'Bay Area',
				Key: 'Bay_Area',
				Parent: 'West',
				'Postal Codes': '940*, 941*',
				Users: 'ana@x (Owner); ben@y',
				Criteria: 'Industry equals Tech,Retail; AnnualRevenue greaterThan 1000',
				'Account Access': 'Edit',
				Description: '',
			}),
		);
	});

	it('writes only the columns asked for, still in canonical order', () => {
		expect(Object.keys(territoryToRow(territory(), ['Users', 'Territory', 'Key']))).toEqual(['Territory', 'Key', 'Users']);
	});
});

/** Territories as Import could produce them: a hierarchy with awkward names and every column filled in sometimes. */
function generatePlan(seed: number, count: number): PlanTerritory[] {
	const rnd = random(seed);
	const nameParts = ['Bay Area', 'Zürich', 'São Paulo', 'Île-de-France', 'Köln, Nord', 'say "hi"', 'two\nlines', 'crlf\r\nname', 'Москва', '東京', "O'Brien; West", 'a (b)', 'tab\there', '100%', '=SUM(A1)'];
	const roles = [null, 'Owner', 'Sales Rep', 'Sales, West'];
	const territories: PlanTerritory[] = [];
	for (let i = 0; i < count; i++) {
		const name = `${pick(rnd, nameParts)} ${i}${rnd() < 0.2 ? ` ${pick(rnd, nameParts)}` : ''}`.trim().slice(0, 80).trim();
		const key = `T${i}_${developerNameFromName(name).slice(0, 40)}`.replace(/_+$/, '');
		const users = Array.from({ length: Math.floor(rnd() * 4) }, (_, u) => ({ ref: `user${u}.${i}@acme.example`, role: pick(rnd, roles) }));
		territories.push(
			territory({
				row: i + 2,
				rows: [i + 2],
				name,
				key,
				parentKey: i > 0 && rnd() < 0.8 ? territories[Math.floor(rnd() * i)].key : null,
				type: pick(rnd, [null, 'Region', 'Territory']),
				description: pick(rnd, [null, 'Plain', 'Multi\nline, "quoted" ; text', 'é'.repeat(255)]),
				accountAccess: pick(rnd, [null, 'Read', 'Edit', 'All']),
				opportunityAccess: pick(rnd, [null, 'None', 'Read', 'Edit']),
				caseAccess: pick(rnd, [null, 'None', 'Edit']),
				postalCodes: Array.from({ length: Math.floor(rnd() * 5) }, (_, k) => (rnd() < 0.5 ? `${900 + k}*` : `A${k}-${i}`)),
				countries: pick(rnd, [[], ['US'], ['Deutschland', 'Österreich']]),
				states: pick(rnd, [[], ['CA', 'NV']]),
				criteria: pick(rnd, [
					[],
					[{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail & Co'] }],
					[
						{ field: 'AnnualRevenue', operation: 'greaterOrEqual', values: ['1000'] },
						{ field: 'My_Field__c', operation: 'notEqual', values: [] },
					],
				]),
				users,
				forecastManager: users.length && rnd() < 0.5 ? users[0].ref : null,
				accounts: pick(rnd, [[], ['001000000000001AAA', '001000000000002AAA']]),
			}),
		);
	}
	return territories;
}

describe('round trip: territories → rows → CSV → rows → plan', () => {
	it.each([1, 2, 3])('gives back equal territories (seed %i, 300 territories)', (seed) => {
		const original = generatePlan(seed, 300);
		const csv = rowsToCsv(planToRows(original), PLAN_COLUMNS);
		const { rows, issues } = parseCsv(csv);
		expect(issues).toEqual([]);
		const plan = parsePlan(rows);
		expect(plan.issues).toEqual([]);
		expect(plan.columns).toEqual([...PLAN_COLUMNS]);
		expect(plan.territories).toEqual(original.map((t) => ({ ...t, keyGenerated: false })));
	});

	it('also without the CSV step (items)', () => {
		const original = generatePlan(9, 300);
		expect(parsePlan(planToRows(original)).territories).toEqual(original);
	});

	it.each([';', '\t'] as const)('also with %j as the delimiter', (delimiter) => {
		const original = generatePlan(4, 100);
		const { rows, issues } = parseCsv(rowsToCsv(planToRows(original), PLAN_COLUMNS, { delimiter }));
		expect(issues).toEqual([]);
		expect(parsePlan(rows).territories).toEqual(original.map((t) => ({ ...t, keyGenerated: false })));
	});
});

describe('parseCsvFile', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'plan-csv-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('streams a 20,000-row file in reasonable time', async () => {
		const lines = ['\uFEFFTerritory;Key;Parent;Postal Codes;Users'];
		for (let i = 0; i < 20000; i++) {
			const parent = i < 20 ? '' : `K${i % 20}`;
			lines.push(`"Territory ${i}; ""n"""` + `;K${i};${parent};"${90000 + i}, ${i % 900}*";"u${i}@acme.example (Sales Rep)\nv${i}@acme.example"`);
			if (i === 100) lines.push('');
		}
		const path = join(dir, 'big.csv');
		writeFileSync(path, `${lines.join('\r\n')}\r\n`);
		const started = Date.now();
		const { rows, issues } = await parseCsvFile(path);
		const plan = parsePlan(rows, { maxTerritories: 20000 });
		const elapsed = Date.now() - started;
		expect(issues).toEqual([]);
		expect(rows).toHaveLength(20000);
		expect(rows[0]).toEqual({ Territory: 'Territory 0; "n"', Key: 'K0', Parent: '', 'Postal Codes': '90000, 0*', Users: 'u0@acme.example (Sales Rep)\nv0@acme.example' });
		expect(rowNumber(rows[100])).toBe(102);
		expect(rowNumber(rows[101])).toBe(104);
		expect(rowNumber(rows[19999])).toBe(20002);
		expect(plan.issues).toEqual([]);
		expect(plan.territories).toHaveLength(20000);
		expect(plan.territories[19999].parentKey).toBe('K19');
		expect(plan.territories[19999].users).toHaveLength(2);
		expect(elapsed).toBeLessThan(15000);
	});

	it('gives the same rows as parseCsv', async () => {
		const text = 'Territory,Description\n"Bay\nArea","x, y"\n\nNevada,\n';
		const path = join(dir, 'small.csv');
		writeFileSync(path, text);
		const fromFile = await parseCsvFile(path);
		const fromText = parseCsv(text);
		expect(fromFile).toEqual(fromText);
		expect(fromFile.rows.map(rowNumber)).toEqual(fromText.rows.map(rowNumber));
	});

	it('rejects a missing file', async () => {
		await expect(parseCsvFile(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
	});
});
