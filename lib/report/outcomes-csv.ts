/**
 * rowOutcomesCsv(result): one line per plan row (and per territory the publish deleted), saying what
 * happened to it, with the Salesforce Ids and Salesforce's error: what a person pastes next to the plan.
 * Written by the plan's CSV writer (lib/plan/csv.ts), so its quoting, and whatever it does to cells a
 * spreadsheet would run as formulas, apply here too.
 */
import type { PublishResult, RowOutcome } from '../api-types';
import { rowsToCsv } from '../plan';
import { OBJECTS } from '../salesforce';

export const OUTCOME_COLUMNS = ['Row', 'Key', 'Territory', 'Outcome', 'Action', 'Territory Id', 'Record Ids', 'Error Code', 'Message'] as const;

export function rowOutcomesCsv(result: PublishResult): string {
	const territoryIds = new Map((result.changeSet.territories ?? []).map((n) => [n.key.toLowerCase(), n.recordId]));
	const rows = result.rows.map((r) => {
		const territory = r.changes.find((c) => c.object === OBJECTS.territory);
		return {
			Row: r.row > 0 ? String(r.row) : '',
			Key: r.key,
			Territory: r.territory,
			Outcome: r.status,
			Action: actions(r),
			'Territory Id': territory?.recordId ?? territoryIds.get(r.key.toLowerCase()) ?? '',
			'Record Ids': [...new Set(r.changes.map((c) => c.recordId).filter((id): id is string => !!id))].join('; '),
			'Error Code': r.errorCode ?? '',
			Message: r.message ?? '',
		};
	});
	return rowsToCsv(rows, OUTCOME_COLUMNS);
}

/** "Territory2 create; UserTerritory2Association create 2": what was (or would be) written for the row. */
function actions(r: RowOutcome): string {
	const counts = new Map<string, number>();
	for (const c of r.changes) counts.set(`${c.object} ${c.action}`, (counts.get(`${c.object} ${c.action}`) ?? 0) + 1);
	return [...counts].map(([what, n]) => (n > 1 ? `${what} ${n}` : what)).join('; ');
}
