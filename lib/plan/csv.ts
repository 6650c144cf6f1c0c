/**
 * CSV in and out (papaparse). Rows keep their spreadsheet numbers (ROW_NUMBER) even though blank lines
 * are skipped, so that issues point at the line a person sees in a spreadsheet (quoted new lines
 * stay inside their row, as in a spreadsheet).
 */
import { createReadStream } from 'fs';
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
export function detectDelimiter(text: string): ',' | ';' | '\t' {
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
 * Rows as CSV text: a header line, then one line per row; LF line ends; fields quoted only when they hold
 * the delimiter, a quote, a line break or edge spaces. `columns` defaults to the rows' headers in order.
 */
export function rowsToCsv(rows: readonly PlanRow[], columns?: readonly string[], options: { delimiter?: ',' | ';' | '\t' } = {}): string {
	const fields = columns ? [...columns] : collectHeaders(rows);
	const data = rows.map((r) => fields.map((f) => csvCell(r[f])));
	return Papa.unparse({ fields, data }, { newline: '\n', quotes: false, escapeFormulae: false, delimiter: options.delimiter ?? ',' });
}

/** Turns records (arrays of cells) into rows, one at a time, for both the text and the stream readers. */
class RecordCollector {
	readonly rows: PlanRow[] = [];
	readonly issues: PlanIssue[] = [];
	/** null entries: columns left out (a repeated header, already reported). */
	private headers: (string | null)[] | null = null;
	private unnamedReported = false;
	/** Spreadsheet row number of the next record. */
	private next = 1;

	add(record: string[]): void {
		const row = this.next++;
		if (record.every((c) => c.trim() === '')) return;
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

	error(e: Papa.ParseError, rowNumber: number): void {
		this.issues.push({ row: rowNumber, column: null, value: null, code: `CSV_${e.code.toUpperCase()}`, message: `Row ${rowNumber}: ${e.message}.` });
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

/** The start of a file, enough to hold its header line. */
async function readHead(path: string, bytes = 65536): Promise<string> {
	const file = await open(path, 'r');
	try {
		const buffer = Buffer.alloc(bytes);
		const { bytesRead } = await file.read(buffer, 0, bytes, 0);
		// A multi-byte character cut at the end only garbles the tail, which the header does not reach.
		return buffer.subarray(0, bytesRead).toString('utf8');
	} finally {
		await file.close();
	}
}

/** A CSV file → rows, streamed (large files never sit in memory as one string). */
export async function parseCsvFile(path: string): Promise<CsvResult> {
	const delimiter = detectDelimiter(await readHead(path));
	return new Promise((resolve, reject) => {
		const collector = new RecordCollector();
		let index = 0;
		const stream = createReadStream(path, { encoding: 'utf8' });
		stream.on('error', reject);
		Papa.parse<string[]>(stream as unknown as File, {
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
