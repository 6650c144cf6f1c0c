import type { PlanColumn, PlanRow, PlanTerritory } from './types';
import { PLAN_COLUMNS } from './types';

export function territoryToRow(_t: PlanTerritory, columns: readonly PlanColumn[] = PLAN_COLUMNS): PlanRow {
	const row: PlanRow = {};
	for (const c of columns) row[c] = '';
	return row;
}
