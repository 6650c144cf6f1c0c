import type { PlanRow, TerritoryPlan } from './types';

export interface ParsePlanOptions {
	/** Source header → canonical column (or alias); null = ignore the column. */
	columnMap?: Record<string, string | null>;
	ignoreUnknownColumns?: boolean;
	/** Overrides LIMITS.territoriesPerModel. */
	maxTerritories?: number;
}
export function parsePlan(_rows: PlanRow[], _options: ParsePlanOptions = {}): TerritoryPlan {
	return { territories: [], columns: [], issues: [] };
}
