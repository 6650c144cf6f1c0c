/** Out: a territory as a plan row, in the spellings parsePlan reads back unchanged. */
import type { PlanColumn, PlanRow, PlanTerritory } from './types';
import { PLAN_COLUMNS } from './types';
import { formatCriteria, formatUsers } from './cells';

function cellOf(t: PlanTerritory, column: PlanColumn): string {
	switch (column) {
		case 'Territory':
			return t.name;
		case 'Key':
			return t.key;
		case 'Parent':
			return t.parentKey ?? '';
		case 'Type':
			return t.type ?? '';
		case 'Description':
			return t.description ?? '';
		case 'Account Access':
			return t.accountAccess ?? '';
		case 'Opportunity Access':
			return t.opportunityAccess ?? '';
		case 'Case Access':
			return t.caseAccess ?? '';
		case 'Postal Codes':
			return t.postalCodes.join(', ');
		case 'Countries':
			return t.countries.join(', ');
		case 'States':
			return t.states.join(', ');
		case 'Criteria':
			return formatCriteria(t.criteria);
		case 'Users':
			return formatUsers(t.users);
		case 'Forecast Manager':
			return t.forecastManager ?? '';
		case 'Accounts':
			return t.accounts.join(', ');
	}
}

/**
 * One row per territory, cells as text, in canonical column order whatever order `columns` lists them.
 * Parent is written as the parent's Key (unambiguous, unlike names).
 */
export function territoryToRow(t: PlanTerritory, columns: readonly PlanColumn[] = PLAN_COLUMNS): PlanRow {
	const row: PlanRow = {};
	for (const c of PLAN_COLUMNS) if (columns.includes(c)) row[c] = cellOf(t, c);
	return row;
}

export function planToRows(territories: readonly PlanTerritory[], columns: readonly PlanColumn[] = PLAN_COLUMNS): PlanRow[] {
	return territories.map((t) => territoryToRow(t, columns));
}
