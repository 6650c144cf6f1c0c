/**
 * Shared by the change report's tests: the sample plan and an edit of it that touches every kind of
 * territory change, and a reader of the report's tree (which territory hangs under which, marked how).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PlanRow } from '../../lib';
import { DEMO_USERNAMES as U, SAMPLE_ROWS } from '../helpers/engine-org';

export { SAMPLE_ROWS };

/**
 * The sample plan, edited: West's description changes (updated), Northern_California_02 moves to
 * Southern_California (moved), Gulf_Coast_15 gains a user, Reno is new under Pacific_Northwest (created)
 * and Gulf_Coast_16 is gone (deleted, with overwriteAll).
 */
export function editedSample(): PlanRow[] {
	const rows = SAMPLE_ROWS.filter((r) => r.Key !== 'Gulf_Coast_16').map((r) => ({ ...r }));
	const byKey = (key: string) => rows.find((r) => r.Key === key) as PlanRow;
	byKey('West').Description = 'West region, FY27';
	byKey('Northern_California_02').Parent = 'Southern_California';
	byKey('Gulf_Coast_15').Users = `${String(byKey('Gulf_Coast_15').Users)}; ${U.frankMiller} (Sales Rep)`;
	rows.push({ Territory: 'Reno', Key: 'Reno', Parent: 'Pacific_Northwest', Type: 'Territory', 'Postal Codes': '895*', Users: `${U.davidKim} (Sales Rep)` });
	return rows;
}

/** The five entities the report writes, decoded ("&amp;" last, so "&amp;lt;" stays "&lt;"). */
export function unescapeHtml(s: string): string {
	return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export interface DrawnTerritory {
	status: string;
	/** data-key of the <li> this one is drawn in; null at the top. */
	parent: string | null;
	/** Whether its <details> is open. */
	open: boolean;
}

/** The report's tree as drawn: every territory <li>, with the territory it is nested in. Throws on unbalanced markup. */
export function drawnTree(html: string): Map<string, DrawnTerritory> {
	const tree = new Map<string, DrawnTerritory>();
	const stack: string[] = [];
	for (const m of html.matchAll(/<li data-key="([^"]*)" data-status="([^"]*)"[^>]*><details( open)?>|<li[\s>]|<\/li>/g)) {
		if (m[0] === '</li>') {
			stack.pop();
			continue;
		}
		if (m[1] === undefined) {
			stack.push('');
			continue;
		}
		const key = unescapeHtml(m[1]);
		const parent = [...stack].reverse().find((k) => k !== '') ?? null;
		tree.set(key, { status: m[2], parent, open: m[3] !== undefined });
		stack.push(key);
	}
	if (stack.length !== 0) throw new Error(`unbalanced <li>: ${stack.length} left open`);
	return tree;
}

/** Keeps a report for people to look at (out/ is git-ignored). */
export function saveReport(name: string, content: string): string {
	const dir = path.join(__dirname, '../../out/report');
	mkdirSync(dir, { recursive: true });
	const file = path.join(dir, name);
	writeFileSync(file, content);
	return file;
}
