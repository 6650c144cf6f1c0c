/**
 * Input that is not what a plan should be: files in Excel's Windows-1252 encoding, rows that are not
 * objects, cells that hold no value, users with an empty role. Each is read correctly or named by row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { decodeCsvBytes, parseCsv, parseCsvFile, parsePlan, type PlanRow } from '../../lib/plan';

/** "Territory,Type,Description\nÎle-de-France,Region,€5 ‘x’\nZürich,Region,\n" as Excel's "CSV (Comma delimited)" writes it. */
const CP1252 = Uint8Array.from([
	...Buffer.from('Territory,Type,Description\n'),
	0xce, ...Buffer.from('le-de-France,Region,'), 0x80, ...Buffer.from('5 '), 0x91, 0x78, 0x92, 0x0a,
	...Buffer.from('Z'), 0xfc, ...Buffer.from('rich,Region,\n'),
]);

const triples = (issues: { row: number; column: string | null; code: string }[]) => issues.map((i) => [i.row, i.column, i.code]);

describe('decodeCsvBytes', () => {
	it('reads a Windows-1252 file (Excel "CSV (Comma delimited)"), including the 0x80–0x9F characters', () => {
		const text = decodeCsvBytes(CP1252);
		expect(text).toBe('Territory,Type,Description\nÎle-de-France,Region,€5 ‘x’\nZürich,Region,\n');
		const plan = parsePlan(parseCsv(text).rows);
		expect(plan.issues).toEqual([]);
		expect(plan.territories.map((t) => [t.name, t.key])).toEqual([
			['Île-de-France', 'Ile_de_France'],
			['Zürich', 'Zurich'],
		]);
	});

	it('reads UTF-8 strictly, with or without a BOM', () => {
		const utf8 = Buffer.from('Territory\nÎle-de-France\n', 'utf8');
		expect(decodeCsvBytes(utf8)).toBe('Territory\nÎle-de-France\n');
		expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe('Territory\nÎle-de-France\n');
	});

	it('reads UTF-16 with its BOM (Excel "Unicode Text")', () => {
		const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Territory\tType\nZürich\tRegion\n', 'utf16le')]);
		expect(parseCsv(decodeCsvBytes(le)).rows).toEqual([{ Territory: 'Zürich', Type: 'Region' }]);
	});
});

describe('parseCsv of text that was decoded wrongly', () => {
	it('names the row and column of every cell with unreadable characters', () => {
		const { issues } = parseCsv(Buffer.from(CP1252).toString('utf8'));
		expect(triples(issues)).toEqual([
			[2, 'Territory', 'CSV_ENCODING'],
			[3, 'Territory', 'CSV_ENCODING'],
		]);
		expect(issues[0].message).toMatch(/^Row 2, Territory: .*CSV UTF-8/);
	});
});

describe('parseCsvFile and encodings', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'plan-enc-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const file = (name: string, bytes: Uint8Array) => {
		const path = join(dir, name);
		writeFileSync(path, bytes);
		return path;
	};

	it('streams a Windows-1252 file correctly', async () => {
		const { rows, issues } = await parseCsvFile(file('cp1252.csv', CP1252));
		expect(issues).toEqual([]);
		expect(rows.map((r) => r.Territory)).toEqual(['Île-de-France', 'Zürich']);
		expect(rows[0].Description).toBe('€5 ‘x’');
	});

	it('streams a large UTF-8 file whose characters straddle chunk boundaries', async () => {
		const body = Array.from({ length: 20000 }, (_, i) => `Ré${i}gion,Région\n`).join('');
		const { rows, issues } = await parseCsvFile(file('utf8.csv', Buffer.from(`\uFEFFTerritory,Type\n${body}`, 'utf8')));
		expect(issues).toEqual([]);
		expect(rows).toHaveLength(20000);
		expect(rows.every((r, i) => r.Territory === `Ré${i}gion` && r.Type === 'Région')).toBe(true);
	});

	it('names the row where a UTF-8 file stops being UTF-8 after the first 64 KB, instead of garbling it', async () => {
		const head = Buffer.from(`Territory,Type\n${'Aé,Region\n'.repeat(10000)}`, 'utf8');
		const bytes = Buffer.concat([head, Buffer.from([0x5a, 0xfc]), Buffer.from('rich,Region\nÜnï,Region\n', 'utf8')]);
		const { rows, issues } = await parseCsvFile(file('mixed.csv', bytes));
		expect(triples(issues)).toEqual([[10002, 'Territory', 'CSV_ENCODING']]);
		expect(rows[rows.length - 1]).toEqual({ Territory: 'Ünï', Type: 'Region' });
	});
});

describe('parsePlan: rows that are not rows', () => {
	it.each([
		['null', null, /the row is null/],
		['a string', 'West', /the row is a string/],
		['a number', 7, /the row is a number/],
		['an array', ['West', 'Region'], /the row is a list/],
	])('reports %s among the rows as INVALID_ROW naming its row, and still reads the others', (_what, bad, message) => {
		const rows = [{ Territory: 'A', Type: 'Region' }, bad as unknown as PlanRow, { Territory: 'B', Type: 'Region' }];
		const plan = parsePlan(rows);
		expect(triples(plan.issues)).toEqual([[3, null, 'INVALID_ROW']]);
		expect(plan.issues[0].message).toMatch(message);
		// The rows around it keep their numbers.
		expect(plan.territories.map((t) => [t.row, t.name])).toEqual([
			[2, 'A'],
			[4, 'B'],
		]);
	});

	it('does not also report a missing Territory column when every row is bad', () => {
		expect(triples(parsePlan([null as unknown as PlanRow]).issues)).toEqual([[2, null, 'INVALID_ROW']]);
	});
});

describe('parsePlan: cells that hold no value', () => {
	it('reports an invalid Date, even as the only cell of its row', () => {
		const plan = parsePlan([{ Territory: new Date('not a date') as unknown as string }]);
		expect(triples(plan.issues)).toEqual([[2, 'Territory', 'INVALID_CELL']]);
		expect(plan.issues[0].message).toMatch(/^Row 2, Territory: .*invalid date/);
	});

	it('reports NaN and Infinity', () => {
		const plan = parsePlan([{ Territory: 'A', 'Postal Codes': NaN as unknown as string, Description: Infinity as unknown as string }]);
		expect(triples(plan.issues)).toEqual([
			[2, 'Postal Codes', 'INVALID_CELL'],
			[2, 'Description', 'INVALID_CELL'],
		]);
	});

	it('reads valid dates and numbers', () => {
		const plan = parsePlan([{ Territory: 'A', 'Postal Codes': 94105 as unknown as string, Description: new Date('2026-01-02T00:00:00Z') as unknown as string }]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories[0]).toMatchObject({ postalCodes: ['94105'], description: '2026-01-02T00:00:00.000Z' });
	});
});

describe('parsePlan: a user with an empty role', () => {
	it('is an EMPTY_ROLE issue naming the row and the entry', () => {
		const plan = parsePlan([{ Territory: 'A', Users: 'ana@x (Owner); ben@x ()' }]);
		expect(plan.issues.map((i) => [i.row, i.column, i.code, i.value])).toEqual([[2, 'Users', 'EMPTY_ROLE', 'ben@x ()']]);
		expect(plan.issues[0].message).toMatch(/write "ben@x" for no role/);
	});

	it('a user without parentheses has no role and no issue', () => {
		const plan = parsePlan([{ Territory: 'A', Users: 'ana@x (Owner); ben@x' }]);
		expect(plan.issues).toEqual([]);
		expect(plan.territories[0].users).toEqual([
			{ ref: 'ana@x', role: 'Owner' },
			{ ref: 'ben@x', role: null },
		]);
	});
});
