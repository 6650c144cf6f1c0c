/**
 * CSV in and out (papaparse). Rows keep their spreadsheet numbers (ROW_NUMBER) even though blank lines
 * are skipped, so that issues point at the line a person sees in a spreadsheet (quoted new lines
 * stay inside their row, as in a spreadsheet).
 */
import type { IssueCode } from '../issue-codes';
import { createReadStream } from 'fs';
import { Transform } from 'stream';
import { open } from 'fs/promises';
import Papa from 'papaparse';
import type { PlanIssue, PlanRow } from './types';
import { ROW_NUMBER, collectHeaders } from './columns';

export interface CsvResult {
	rows: PlanRow[];
	issues: PlanIssue[];
}

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * The delimiter is the one the header line uses most (outside quotes); ',' when it uses none.
 * Papaparse's own guess compares field counts over the first rows and is easily misled by a
 * trailing blank line or a list cell full of commas; a plan's header is the reliable witness.
 */
function detectDelimiter(text: string): ',' | ';' | '\t' {
	const body = text.replace(/^\uFEFF/, '');
	let start = 0;
	while (start < body.length) {
		let end = body.indexOf('\n', start);
		if (end < 0) end = body.length;
		const line = body.slice(start, end);
		if (line.trim() !== '') {
			const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
			let quoted = false;
			for (const ch of line) {
				if (ch === '"') quoted = !quoted;
				else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
			}
			let best: ',' | ';' | '\t' = ',';
			for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
			return best;
		}
		start = end + 1;
	}
	return ',';
}

function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	if (value instanceof Date) return value.toISOString();
	if (Array.isArray(value)) return value.map(csvCell).join('\n');
	return JSON.stringify(value);
}

/**
 * Spreadsheet formulas. Excel, LibreOffice Calc and Google Sheets run a cell that starts with `=`, `+`,
 * `-` or `@` (also tab and carriage return) as a formula, so an exported plan holding `=cmd|' /C calc'!A0`
 * in a name or description would run it when opened (OWASP, "CSV Injection": prefix such cells with a
 * single quote, which spreadsheets read as "this is text"; OWASP ASVS 5.0 V1.2.10 adds the NUL character).
 * The escape must also read back exactly, since what Import writes Publish reads unchanged: the writer
 * adds one `'` before any cell that is a run of zero or more `'` followed by one of those characters, and
 * the reader takes exactly one `'` off such a cell. So `=x` is written `'=x`, `'=x` is written `''=x`,
 * and a cell like `'quoted` (no formula character after its quotes) is left as it is both ways.
 * (docs/plan-format.md, "Spreadsheet formulas")
 */
const FORMULA_CELL = /^'*[=+\-@\t\r\0]/;
const ESCAPED_FORMULA_CELL = /^'+[=+\-@\t\r\0]/;

/** A cell as written to CSV: formula-looking text gets one leading `'` (see FORMULA_CELL). */
export function neutraliseFormula(cell: string): string {
	return FORMULA_CELL.test(cell) ? `'${cell}` : cell;
}

/** A cell as read from CSV: the inverse of neutraliseFormula. */
export function restoreFormula(cell: string): string {
	return ESCAPED_FORMULA_CELL.test(cell) ? cell.slice(1) : cell;
}

/**
 * Rows as CSV text: a header line, then one line per row; LF line ends; fields quoted only when they hold
 * the delimiter, a quote, a line break or edge spaces; formula-looking cells neutralised (neutraliseFormula).
 * `columns` defaults to the rows' headers in order.
 */
export function rowsToCsv(rows: readonly PlanRow[], columns?: readonly string[], options: { delimiter?: ',' | ';' | '\t' } = {}): string {
	const headers = columns ? [...columns] : collectHeaders(rows);
	const data = rows.map((r) => headers.map((h) => neutraliseFormula(csvCell(r[h]))));
	return Papa.unparse({ fields: headers.map(neutraliseFormula), data }, { newline: '\n', quotes: false, escapeFormulae: false, delimiter: options.delimiter ?? ',' });
}

/** papaparse's error codes as issue codes (lib/issue-codes.ts). */
const PAPAPARSE_CODES: Record<Papa.ParseError['code'], IssueCode> = {
	MissingQuotes: 'CSV_MISSINGQUOTES',
	InvalidQuotes: 'CSV_INVALIDQUOTES',
	TooFewFields: 'CSV_TOOFEWFIELDS',
	TooManyFields: 'CSV_TOOMANYFIELDS',
	UndetectableDelimiter: 'CSV_UNDETECTABLEDELIMITER',
};

/** Turns records (arrays of cells) into rows, one at a time, for both the text and the stream readers. */
class RecordCollector {
	readonly rows: PlanRow[] = [];
	readonly issues: PlanIssue[] = [];
	/** null entries: columns left out (a repeated header, already reported). */
	private headers: (string | null)[] | null = null;
	private unnamedReported = false;
	/** Spreadsheet row number of the next record. */
	private next = 1;

	add(cells: string[]): void {
		const row = this.next++;
		const record = cells.map(restoreFormula);
		if (record.every((c) => c.trim() === '')) return;
		this.checkEncoding(record, row);
		if (this.headers === null) {
			this.setHeaders(record, row);
			return;
		}
		const out: PlanRow = {};
		Object.defineProperty(out, ROW_NUMBER, { value: row, enumerable: false });
		record.forEach((cell, i) => {
			const header = this.headers![i];
			if (header === null) return;
			if (header === undefined) {
				if (cell.trim() !== '') {
					this.issues.push({
						row,
						column: null,
						value: cell,
						code: 'CSV_EXTRA_FIELD',
						message: `Row ${row}: the row has more fields than the header (${this.headers!.length}); "${cell.slice(0, 40)}" has no column. Check quoting and the delimiter.`,
					});
				}
				return;
			}
			if (header === '') {
				if (cell.trim() !== '' && !this.unnamedReported) {
					this.unnamedReported = true;
					this.issues.push({ row, column: null, value: cell, code: 'CSV_UNNAMED_COLUMN', message: `Row ${row}: a value sits in a column without a header.` });
				}
				return;
			}
			if (!(header in out)) out[header] = cell;
		});
		this.rows.push(out);
	}

	private setHeaders(record: string[], row: number): void {
		const headers = record.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
		const seen = new Set<string>();
		this.headers = headers.map((h) => {
			if (h !== '' && seen.has(h)) {
				this.issues.push({
					row,
					column: h,
					value: h,
					code: 'DUPLICATE_COLUMN',
					message: `Row ${row}: column "${h}" appears twice; only the first is read.`,
				});
				return null;
			}
			seen.add(h);
			return h;
		});
	}

	/**
	 * U+FFFD is what a decoder leaves for bytes it could not read (a Windows-1252 file read as UTF-8, or
	 * a file that changes encoding part-way): the row would be published garbled, so it is an issue.
	 */
	private checkEncoding(record: string[], row: number): void {
		const i = record.findIndex((cell) => cell.includes('\uFFFD'));
		if (i < 0) return;
		const column = this.headers?.[i] || null;
		this.issues.push({
			row,
			column,
			value: record[i],
			code: 'CSV_ENCODING',
			message: `Row ${row}${column ? `, ${column}` : ''}: "${record[i].slice(0, 40)}" holds characters that could not be read; the file's encoding is mixed or unknown. Save it as "CSV UTF-8" and try again.`,
		});
	}

	error(e: Papa.ParseError, rowNumber: number): void {
		// papaparse's own codes, in the catalogue's spelling (CSV_ and upper case).
		this.issues.push({ row: rowNumber, column: null, value: null, code: PAPAPARSE_CODES[e.code], message: `Row ${rowNumber}: ${e.message}.` });
	}

	finish(): CsvResult {
		return { rows: this.rows, issues: this.issues };
	}
}

/** CSV text → rows (header line first; BOM stripped; delimiter , ; or tab detected; blank lines skipped). */
export function parseCsv(text: string): CsvResult {
	const collector = new RecordCollector();
	const body = text.replace(/^\uFEFF/, '');
	const result = Papa.parse<string[]>(body, { header: false, delimiter: detectDelimiter(body), skipEmptyLines: false });
	for (const record of result.data) collector.add(record);
	for (const e of result.errors) collector.error(e, (e.row ?? -1) + 1);
	return collector.finish();
}

/** The start of a file: enough to hold its header line and to tell its encoding. */
async function readHead(path: string, bytes = 65536): Promise<Uint8Array> {
	const file = await open(path, 'r');
	try {
		const buffer = Buffer.alloc(bytes);
		const { bytesRead } = await file.read(buffer, 0, bytes, 0);
		return buffer.subarray(0, bytesRead);
	} finally {
		await file.close();
	}
}

/**
 * A CSV file → rows, streamed (large files never sit in memory as one string). The encoding is decided
 * from the first 64 KB (see csvEncoding); text that is not valid in it further on becomes U+FFFD, which
 * the collector reports as CSV_ENCODING on its row.
 */
export async function parseCsvFile(path: string): Promise<CsvResult> {
	const head = await readHead(path);
	const encoding = csvEncoding(head, true);
	const delimiter = detectDelimiter(decodeAs(encoding, head, true));
	return new Promise((resolve, reject) => {
		const collector = new RecordCollector();
		let index = 0;
		const decoder = streamDecoder(encoding);
		const text = new Transform({
			readableObjectMode: true,
			transform(chunk: Buffer, _encoding, done) {
				done(null, decoder(chunk, false));
			},
			flush(done) {
				done(null, decoder(new Uint8Array(0), true));
			},
		});
		const stream = createReadStream(path);
		stream.on('error', reject);
		stream.pipe(text);
		Papa.parse<string[]>(text as unknown as File, {
			header: false,
			delimiter,
			skipEmptyLines: false,
			step: (result) => {
				index++;
				collector.add(result.data);
				for (const e of result.errors) collector.error(e, index);
			},
			complete: () => resolve(collector.finish()),
			error: (e: Error) => reject(e),
		});
	});
}

type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * UTF-8 when the bytes are valid UTF-8 (a UTF-8 BOM is dropped) or hold UTF-8 characters beside bad bytes; UTF-16 when they start with its BOM
 * (Excel's "Unicode Text"); otherwise Windows-1252, what Excel writes for "CSV (Comma delimited)" on
 * Western Windows. `partial`: the bytes are the start of a file, and may end inside a character.
 */
function csvEncoding(bytes: Uint8Array, partial = false): CsvEncoding {
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial });
		return 'utf-8';
	} catch {
		// Invalid UTF-8 that also holds well-formed UTF-8 characters is a UTF-8 file with a few bad bytes
		// (pasted from a Windows-1252 file, or cut inside a character): read as Windows-1252, every "ü"
		// would become "Ã¼" without a word. Read as UTF-8, the bad bytes become U+FFFD and their rows are
		// reported (CSV_ENCODING). Windows-1252 text almost never has such pairs ("Ã" then "¼").
		return hasUtf8Characters(bytes) ? 'utf-8' : 'windows-1252';
	}
}

/** Whether the bytes hold at least one well-formed multi-byte UTF-8 character. */
function hasUtf8Characters(bytes: Uint8Array): boolean {
	const continuation = (i: number) => i < bytes.length && bytes[i] >= 0x80 && bytes[i] <= 0xbf;
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
		if (length === 0) continue;
		let ok = true;
		for (let k = 1; k < length; k++) ok &&= continuation(i + k);
		if (ok) return true;
	}
	return false;
}

/**
 * Windows-1252 bytes 0x80–0x9F (WHATWG index). Node 20's TextDecoder('windows-1252') decodes them as
 * Latin-1 control characters, which would turn "€" or "’" into invisible garbage.
 */
const CP1252_HIGH = [
	0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
	let out = '';
	for (let i = 0; i < bytes.length; i += 8192) {
		const codes = Array.from(bytes.subarray(i, i + 8192), (b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b));
		out += String.fromCharCode(...codes);
	}
	return out;
}

/** A decoder for successive chunks; invalid sequences become U+FFFD (reported by the collector). */
function streamDecoder(encoding: CsvEncoding): (chunk: Uint8Array, last: boolean) => string {
	if (encoding === 'windows-1252') return (chunk) => decodeWindows1252(chunk);
	const decoder = new TextDecoder(encoding);
	return (chunk, last) => decoder.decode(chunk, { stream: !last });
}

function decodeAs(encoding: CsvEncoding, bytes: Uint8Array, partial = false): string {
	return streamDecoder(encoding)(bytes, !partial).replace(/^\uFEFF/, '');
}

/** A CSV file's bytes → text: strict UTF-8 first (BOM dropped), UTF-16 with a BOM, else Windows-1252. */
export function decodeCsvBytes(bytes: Uint8Array): string {
	return decodeAs(csvEncoding(bytes), bytes);
}
