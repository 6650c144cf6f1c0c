/**
 * The plans the reliability runs publish: the 208-territory sample plan with every kind of record a
 * publish writes (multi-item rules whose BooleanFilter is set after their items, manual account
 * assignments, forecast managers), and an edit of it that also updates and deletes in every phase.
 */
import type { PlanRow } from '../../lib/plan/types';
import type { Sandbox } from '../../sandbox';
import { SAMPLE_ROWS } from '../helpers/engine-org';

/** Accounts a reliability org needs (the Accounts column names them by Id). */
export const ACCOUNTS = 120;

/**
 * The sample plan, with Criteria on every fourth territory (rules of several items, so a filter is set
 * after the items), States on every seventh and two accounts on every third row. `compact` keeps every
 * region and district and a third of the territories: the same phases and write calls in a third of the
 * time (the kill sweep publishes it 60 times).
 */
export function fullPlan(sandbox: Sandbox, compact = false): PlanRow[] {
	const accountIds = sandbox.store.records('Account').map((a) => String(a.Id));
	if (accountIds.length < ACCOUNTS) throw new Error(`The org needs ${ACCOUNTS} accounts, it has ${accountIds.length}`);
	const rows = SAMPLE_ROWS.map((r, i) => {
		const row: PlanRow = { ...r, Criteria: '', States: '', Accounts: '' };
		if (r.Type === 'Territory' && i % 4 === 0) row.Criteria = 'Industry equals Technology, Retail';
		if (r.Type === 'Territory' && i % 7 === 0) row.States = 'CA, NV';
		if (i % 3 === 0) row.Accounts = accountIds.slice((i % 60) * 2, (i % 60) * 2 + 2).join(', ');
		return row;
	});
	return compact ? rows.filter((r, i) => r.Type !== 'Territory' || i % 3 === 1) : rows;
}

/**
 * An edit of fullPlan for overwriteAll: the last territories gone (30, or 10 of a compact plan: deletes
 * in every phase), the rest renamed, some rules and roles changed (a role change is a delete and a
 * create), forecast managers cleared, accounts moved, two territories moved to another district.
 */
export function editedPlan(sandbox: Sandbox, compact = false): PlanRow[] {
	const base = fullPlan(sandbox, compact);
	const rows = base.slice(0, base.length - (compact ? 10 : 30)).map((r) => ({ ...r }));
	rows.forEach((r, i) => {
		if (r.Type !== 'Territory') return;
		r.Territory = `${String(r.Territory)} (FY28)`;
		if (i % 3 === 0) r['Postal Codes'] = `${String(r['Postal Codes'])}, 0${String(i).padStart(4, '0')}`;
		if (i % 4 === 0) r.Users = String(r.Users).replace('(Sales Rep)', '(Owner)');
		if (i % 5 === 0) r['Forecast Manager'] = '';
		if (i % 8 === 0) r.Criteria = r.Criteria ? '' : 'Industry equals Energy';
		if (i % 6 === 0) r.Accounts = String(base[(i + 3) % base.length].Accounts ?? '');
	});
	const districts = rows.filter((r) => r.Type === 'District').map((r) => String(r.Key));
	rows.filter((r) => r.Type === 'Territory')
		.slice(0, 2)
		.forEach((r) => (r.Parent = districts[districts.length - 1]));
	return rows;
}
