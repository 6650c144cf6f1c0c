/**
 * A change set as people read it before anything is written, in the manner of `terraform plan`:
 *   + Territory2 Bay_Area (row 3)
 *   ~ Territory2 West: Description 'a' → 'b'
 *   - UserTerritory2Association Nevada → dee@acme.example
 */
import type { Change, ChangeSet } from './types';

const SYMBOL = { create: '+', update: '~', delete: '-' } as const;

function show(v: unknown): string {
	if (v === null || v === undefined || v === '') return '(none)';
	if (typeof v === 'object' && v !== null && '$ref' in v) return `(new ${String((v as { $ref: unknown }).$ref)})`;
	return `'${String(v)}'`;
}

function rowsText(rows: number[]): string {
	if (rows.length === 0) return '';
	return rows.length === 1 ? ` (row ${rows[0]})` : ` (rows ${rows.join(', ')})`;
}

export function describeChange(c: Change): string {
	const head = `${SYMBOL[c.action]} ${c.object} ${c.label}`;
	if (c.action === 'update') {
		const what = c.diff.length > 0 ? c.diff.map((d) => `${d.field} ${show(d.from)} → ${show(d.to)}`).join(', ') : c.reason;
		return `${head}: ${what}`;
	}
	if (c.action === 'create') return `${head}${rowsText(c.rows)}`;
	return c.reason && c.reason !== 'not in plan' ? `${head} — ${c.reason}` : head;
}

/** Per object and action counts, and one line per change (then one per issue, marked "!"). */
export function describeChangeSet(cs: ChangeSet): { counts: Record<string, Record<string, number>>; lines: string[] } {
	const counts: Record<string, Record<string, number>> = {};
	for (const c of cs.changes) {
		const perObject = (counts[c.object] ??= {});
		perObject[c.action] = (perObject[c.action] ?? 0) + 1;
	}
	const lines = cs.changes.map(describeChange);
	for (const i of cs.issues) {
		const where = [i.row > 0 ? `row ${i.row}` : '', i.column ?? ''].filter((s) => s !== '').join(' ');
		lines.push(`! ${where ? `${where}: ` : ''}${i.code}: ${i.message}`);
	}
	return { counts, lines };
}
