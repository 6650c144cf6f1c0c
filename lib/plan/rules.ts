import type { Criterion, PlanIssue, PlanTerritory, RuleSpec } from './types';
import { TOOL_RULE_PREFIX } from './salesforce';

export interface DecodableRule {
	developerName: string;
	booleanFilter: string | null;
	items: { field: string; operation: string; value: string | null; sortOrder: number }[];
}
export interface DecodedRules {
	postalCodes: string[];
	countries: string[];
	states: string[];
	criteria: Criterion[];
	exact: boolean;
}
export function isToolRule(developerName: string): boolean {
	return developerName.startsWith(TOOL_RULE_PREFIX);
}
export function packRules(_t: PlanTerritory): { rules: RuleSpec[]; issues: PlanIssue[] } {
	return { rules: [], issues: [] };
}
export function decodeRules(_rules: DecodableRule[]): DecodedRules {
	return { postalCodes: [], countries: [], states: [], criteria: [], exact: true };
}
