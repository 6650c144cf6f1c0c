/**
 * renderChangeReport(result): a publish or dry run as one self-contained HTML page, for a person to read
 * before approving a change set or after it was written: the counts first, then the hierarchy as a tree,
 * each territory marked with what happens to it, its changed fields (before → after), its users and rules
 * beside it, and Salesforce's message where a row failed.
 *
 * Self-contained on purpose: n8n shows binary HTML in its viewer (an iframe) and people open the file
 * from a mail or a drive, so the page has inline CSS only, no script, and nothing that loads (no fonts,
 * images or links to fetch). Collapsing is <details>, which needs no script. Every value from the plan
 * or the org goes through `esc`. The page is built as a list of parts joined once, so 10,000 territories
 * cost linear time; the tree is walked with an explicit stack, so depth cannot exhaust the call stack.
 */
import type { PublishResult } from '../api-types';
import { describeChange } from '../sync';
import type { Change } from '../sync/types';
import { reportModel } from './territories';
import type { ReportCounts, ReportModel, TerritoryStatus, TerritoryView } from './types';
import { reportCounts } from './counts';
import { REPORT_CSS } from './style';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values. */
function esc(value: unknown): string {
	return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/** A field value as a person reads it: (none) for empty, "new X" for a record created in the same run. */
function show(value: unknown): string {
	if (value === null || value === undefined || value === '') return '(none)';
	if (typeof value === 'object' && '$ref' in value) return `new ${String((value as { $ref: unknown }).$ref).replace(/^[^:]+:/, '')}`;
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const MARK: Record<TerritoryStatus, [dryRun: string, done: string]> = {
	created: ['would create', 'created'],
	updated: ['would update', 'updated'],
	moved: ['would move', 'moved'],
	deleted: ['would delete', 'deleted'],
	unchanged: ['unchanged', 'unchanged'],
	failed: ['failed', 'failed'],
	skipped: ['skipped', 'skipped'],
};

/** Fields of a created territory worth showing (the others are Ids: model, type, parent). */
const CREATE_FIELDS = ['Name', 'Description', 'AccountAccessLevel', 'OpportunityAccessLevel', 'CaseAccessLevel'];

export function renderChangeReport(result: PublishResult): string {
	const model = reportModel(result);
	const counts = reportCounts(result, model);
	const out: string[] = [];
	const title = `Change report: ${result.summary.model.developerName || 'territory model'}`;
	out.push(
		'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		// No script, style or image from anywhere but this page, should a viewer honour the policy.
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
		`<title>${esc(title)}</title><style>${REPORT_CSS}</style></head><body>`,
	);
	header(out, result, counts, title);
	tree(out, model);
	modelChanges(out, model);
	out.push('</body></html>\n');
	return out.join('');
}

function header(out: string[], result: PublishResult, counts: ReportCounts, title: string): void {
	const { summary } = result;
	out.push(`<header><h1>${esc(title)}</h1>`);
	// Anything not done as planned is told in red, whatever the mode.
	const trouble = result.issues.length > 0 || summary.stopped !== null || summary.failed > 0 || summary.skipped > 0;
	out.push(`<p class="mode ${trouble ? 'trouble' : summary.dryRun ? 'dry' : 'live'}">${esc(counts.headline)}</p>`);
	out.push(`<p class="counts" id="counts">${counts.lines.map((l) => `<span>${esc(l)}</span>`).join('')}</p>`);
	const objects = [...counts.perObject];
	if (objects.length > 0) {
		out.push('<table class="objects"><thead><tr><th>Salesforce object</th><th>create</th><th>update</th><th>delete</th></tr></thead><tbody>');
		for (const [object, actions] of objects) {
			out.push(`<tr><td>${esc(object)}</td>${['create', 'update', 'delete'].map((a) => `<td>${esc(actions[a] ?? 0)}</td>`).join('')}</tr>`);
		}
		out.push('</tbody></table>');
	}
	if (summary.stopped) out.push(`<p class="problem">Stopped early (${esc(summary.stopped.code)}): ${esc(summary.stopped.message)}</p>`);
	if (result.issues.length > 0) {
		out.push(`<section class="issues"><h2>The plan was refused: ${esc(result.issues.length)} problem(s), nothing was written</h2><ul>`);
		for (const i of result.issues) out.push(`<li>${esc(where(i.row, i.column))}${esc(i.message)} <code>${esc(i.code)}</code></li>`);
		out.push('</ul></section>');
	}
	if (result.warnings.length > 0) {
		out.push(`<section class="warnings"><h2>Worth knowing (${esc(result.warnings.length)})</h2><ul>`);
		for (const w of result.warnings) out.push(`<li>${esc(where(w.row, w.column))}${esc(w.message)}</li>`);
		out.push('</ul></section>');
	}
	out.push('</header>');
}

function where(row: number, column: string | null): string {
	const parts = [row > 0 ? `Row ${row}` : '', column ?? ''].filter((p) => p !== '');
	return parts.length ? `${parts.join(', ')}: ` : '';
}

function tree(out: string[], model: ReportModel): void {
	out.push(`<main><h2>Territories (${esc(model.all.length)})</h2>`);
	out.push('<p class="legend">');
	for (const status of Object.keys(MARK) as TerritoryStatus[]) out.push(`<span class="mark st-${status}">${esc(mark(model, status))}</span>`);
	out.push('</p>');
	if (model.roots.length === 0) out.push('<p>No territories.</p>');
	const open = openSubtrees(model);
	const size = subtreeSizes(model);
	out.push('<ul class="tree">');
	// Explicit stack: a view opens its <li>, then its children; a closing marker ends it.
	const stack: (TerritoryView | 'close')[] = [...model.roots].reverse();
	while (stack.length > 0) {
		const item = stack.pop() as TerritoryView | 'close';
		if (item === 'close') {
			out.push('</ul></details></li>');
			continue;
		}
		territory(out, model, item, open.has(item), size.get(item) ?? 1);
		if (item.children.length === 0) {
			out.push('</details></li>');
			continue;
		}
		out.push('<ul>');
		stack.push('close');
		for (let i = item.children.length - 1; i >= 0; i--) stack.push(item.children[i]);
	}
	out.push('</ul></main>');
}

function mark(model: ReportModel, status: TerritoryStatus): string {
	return MARK[status][model.dryRun ? 0 : 1];
}

/** A territory is shown open when it or anything below it changes: unchanged branches stay folded. */
function openSubtrees(model: ReportModel): Set<TerritoryView> {
	const open = new Set<TerritoryView>();
	for (const v of postOrder(model)) {
		if (v.status !== 'unchanged' || v.children.some((c) => open.has(c))) open.add(v);
	}
	return open;
}

function subtreeSizes(model: ReportModel): Map<TerritoryView, number> {
	const size = new Map<TerritoryView, number>();
	for (const v of postOrder(model)) size.set(v, 1 + v.children.reduce((n, c) => n + (size.get(c) ?? 1), 0));
	return size;
}

/** Children before their parents, without recursion. */
function postOrder(model: ReportModel): TerritoryView[] {
	const pre: TerritoryView[] = [];
	const stack = [...model.roots];
	while (stack.length > 0) {
		const v = stack.pop() as TerritoryView;
		pre.push(v);
		stack.push(...v.children);
	}
	return pre.reverse();
}

function territory(out: string[], model: ReportModel, v: TerritoryView, open: boolean, size: number): void {
	const { node } = v;
	const marks = [`<span class="mark st-${v.status}">${esc(mark(model, v.status))}</span>`];
	if (v.alsoUpdated) marks.push(`<span class="mark st-updated">${esc(mark(model, 'updated'))}</span>`);
	const rows = node.rows.length === 0 ? '' : node.rows.length === 1 ? `row ${node.rows[0]}` : `rows ${node.rows.join(', ')}`;
	const folded = size > 1 ? `<span class="size">${esc(size - 1)} below</span>` : '';
	out.push(
		`<li data-key="${esc(node.key)}" data-status="${v.status}" class="t st-${v.status}"><details${open ? ' open' : ''}><summary>`,
		`${marks.join('')} <span class="name">${esc(node.name)}</span> <code class="key">${esc(node.key)}</code>`,
		rows ? ` <span class="rows">${esc(rows)}</span>` : '',
		folded,
		'</summary><div class="body">',
	);
	if (v.problem) {
		out.push(`<p class="problem">${v.problem.code ? `<code>${esc(v.problem.code)}</code> ` : ''}${esc(v.problem.message)}</p>`);
	}
	fields(out, v);
	out.push('<div class="side">');
	users(out, model, v);
	rules(out, model, v);
	if (v.accounts.length > 0) changeList(out, model, 'Accounts', v.accounts);
	out.push('</div></div>');
}

function fields(out: string[], v: TerritoryView): void {
	if (v.territoryChanges.length === 0) return;
	// Field → [before, after]; a field written twice (a Forecast Manager released, then set) shows first → last.
	const shown = new Map<string, [string, string]>();
	for (const c of v.territoryChanges) {
		if (c.action === 'create') {
			for (const f of CREATE_FIELDS) if (f in c.fields) shown.set(f, ['', show(c.fields[f])]);
			shown.set('Parent', ['', show(v.node.parentKey)]);
			continue;
		}
		for (const d of c.diff) shown.set(d.field, [shown.get(d.field)?.[0] ?? (v.action === 'create' ? '' : show(d.from)), show(d.to)]);
	}
	out.push('<table class="fields"><thead><tr><th>field</th><th>before</th><th>after</th></tr></thead><tbody>');
	for (const [field, [before, after]] of shown) {
		out.push(`<tr><td>${esc(field)}</td><td class="before">${esc(before)}</td><td class="after">${esc(after)}</td></tr>`);
	}
	out.push('</tbody></table>');
}

/** The person named by a user association's label, "Key → username". */
function userOf(c: Change): string {
	const at = c.label.indexOf(' → ');
	return at < 0 ? c.label : c.label.slice(at + 3);
}

function users(out: string[], model: ReportModel, v: TerritoryView): void {
	const added = new Set(v.users.filter((c) => c.action === 'create').map(userOf));
	const removed = v.users.filter((c) => c.action === 'delete' && !added.has(userOf(c)));
	if (v.node.users.length === 0 && removed.length === 0) return;
	out.push('<div class="users"><h3>Users</h3><ul>');
	for (const u of v.node.users) {
		const username = u.replace(/ \([^()]*\)$/, '');
		const change = v.users.find((c) => c.action === 'create' && userOf(c) === username);
		out.push(`<li class="${change ? 'add' : 'keep'}">${change ? '+ ' : ''}${esc(u)}${change ? outcomeNote(model, change) : ''}</li>`);
	}
	for (const c of removed) out.push(`<li class="remove">− ${esc(userOf(c))}${outcomeNote(model, c)}</li>`);
	out.push('</ul></div>');
}

function rules(out: string[], model: ReportModel, v: TerritoryView): void {
	if (v.node.rules.length === 0 && v.rules.length === 0) return;
	out.push('<div class="rules"><h3>Rules</h3>');
	if (v.node.rules.length > 0) out.push(`<ul>${v.node.rules.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`);
	if (v.rules.length > 0) changeItems(out, model, v.rules);
	out.push('</div>');
}

function changeList(out: string[], model: ReportModel, title: string, changes: Change[]): void {
	out.push(`<div class="changes"><h3>${esc(title)}</h3>`);
	changeItems(out, model, changes);
	out.push('</div>');
}

function changeItems(out: string[], model: ReportModel, changes: Change[]): void {
	out.push('<ul class="change-lines">');
	for (const c of changes) out.push(`<li class="${c.action}">${esc(describeChange(c))}${outcomeNote(model, c)}</li>`);
	out.push('</ul>');
}

/** A change that failed or was skipped says so, with Salesforce's code and message. */
function outcomeNote(model: ReportModel, c: Change): string {
	const o = model.outcomeOf(c.id);
	if (!o || (o.status !== 'failed' && o.status !== 'skipped')) return '';
	return ` <span class="problem">${esc(o.status)}${o.errorCode ? ` ${esc(o.errorCode)}` : ''}${o.message ? `: ${esc(o.message)}` : ''}</span>`;
}

function modelChanges(out: string[], model: ReportModel): void {
	if (model.modelChanges.length === 0) return;
	out.push(`<section class="model-changes"><h2>The model, types and other changes (${esc(model.modelChanges.length)})</h2>`);
	changeItems(out, model, model.modelChanges);
	out.push('</section>');
}
