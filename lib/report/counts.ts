/**
 * The counts at the top of a change report, in the plan's words (territories, users, rules, accounts),
 * from the same outcomes as the summary: a change counts when it was written (a dry run: would be).
 */
import type { PublishResult } from '../api-types';
import type { ReportCounts, ReportModel, TerritoryStatus } from './types';

const TERRITORY_WORDS: [TerritoryStatus, dryRun: string, done: string][] = [
	['created', 'to create', 'created'],
	['updated', 'to update', 'updated'],
	['moved', 'to move', 'moved'],
	['deleted', 'to delete', 'deleted'],
	['unchanged', 'unchanged', 'unchanged'],
	['failed', 'failed', 'failed'],
	['skipped', 'skipped', 'skipped'],
];

export function reportCounts(result: PublishResult, model: ReportModel): ReportCounts {
	const { summary } = result;
	const dry = summary.dryRun;
	const byStatus = new Map<TerritoryStatus, number>();
	for (const v of model.all) byStatus.set(v.status, (byStatus.get(v.status) ?? 0) + 1);
	const territories = TERRITORY_WORDS.filter(([s]) => byStatus.has(s)).map(([s, d, w]) => `${byStatus.get(s)} ${dry ? d : w}`);

	// The summary's own counts (lib/outcome.ts), so the page and the summary item never disagree: per
	// record and object (a new territory's Forecast Manager update is part of its create), and in the
	// plan's words.
	const perObject = new Map(Object.entries(summary.counts));
	const { users, rules, accounts } = summary.plan;
	const part = (n: number, dryWord: string, doneWord: string): string | null => (n > 0 ? `${n} ${dry ? dryWord : doneWord}` : null);
	const list = (label: string, parts: (string | null)[]): string | null => {
		const shown = parts.filter((p): p is string => p !== null);
		return shown.length ? `${label}: ${shown.join(', ')}` : null;
	};

	const lines = [
		`Territories: ${territories.length ? territories.join(', ') : 'none'}`,
		list('Users', [part(users.added, 'to assign', 'assigned'), part(users.changed, 'to change', 'changed'), part(users.removed, 'to remove', 'removed')]),
		list('Rules', [part(rules.created, 'to create', 'created'), part(rules.updated, 'to update', 'updated'), part(rules.deleted, 'to delete', 'deleted')]),
		list('Accounts', [part(accounts.added, 'to assign', 'assigned'), part(accounts.removed, 'to remove', 'removed')]),
		summary.failed || summary.skipped ? `Changes failed: ${summary.failed}, skipped: ${summary.skipped}` : null,
	].filter((l): l is string => l !== null);

	return { headline: headline(result), lines, perObject };
}

function headline(result: PublishResult): string {
	const { summary } = result;
	const model = summary.model.developerName || 'the territory model';
	if (result.issues.length > 0) return `The plan was refused with ${result.issues.length} problem(s): nothing was written to ${model}.`;
	const changes = result.changeSet.changes.length;
	if (summary.dryRun) {
		return changes === 0
			? `Dry run: nothing was written, and ${model} is already up to date (0 changes).`
			: `Dry run: nothing was written. A publish would make these ${changes} change(s) to ${model}.`;
	}
	if (summary.stopped) return `The publish to ${model} stopped early (${summary.stopped.code}); what was written is marked below.`;
	if (summary.failed > 0 || summary.skipped > 0) return `Published to ${model}, except ${summary.failed} failed and ${summary.skipped} skipped change(s) marked below.`;
	return changes === 0 ? `${model} was already up to date (0 changes).` : `Published to ${model}: ${changes} change(s) written.`;
}
