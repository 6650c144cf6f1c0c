/**
 * Criteria name Account fields the plan parser cannot know: only the org's describe says whether
 * "Shoe_Size__c" exists. Checking before any write keeps a typo from failing rule items half-way
 * through a publish (Salesforce refuses the item with FIELD_INTEGRITY_EXCEPTION).
 */
import { OBJECTS, bareRuleItemField } from '../plan/salesforce';
import type { PlanIssue, PlanTerritory } from '../plan/types';
import type { OrgConnection } from './connect';
import { restGet } from './http';

/** Lower-cased API names of the Account fields the org describes. */
export async function readAccountFieldNames(org: OrgConnection): Promise<Set<string>> {
	const describe = await restGet<{ fields?: { name: string }[] }>(org, `${org.basePath}/sobjects/${OBJECTS.account}/describe`);
	return new Set((describe.fields ?? []).map((f) => f.name.toLowerCase()));
}

/** One UNKNOWN_FIELD issue per territory and Criteria field that Account does not have. */
export function unknownCriteriaFields(territories: readonly PlanTerritory[], accountFields: ReadonlySet<string>): PlanIssue[] {
	const issues: PlanIssue[] = [];
	for (const t of territories) {
		const reported = new Set<string>();
		for (const c of t.criteria) {
			const field = bareRuleItemField(c.field);
			if (accountFields.has(field.toLowerCase()) || reported.has(field.toLowerCase())) continue;
			reported.add(field.toLowerCase());
			issues.push({
				row: t.row,
				column: 'Criteria',
				value: field,
				code: 'UNKNOWN_FIELD',
				message: `Row ${t.row}: ${field} is not a field of Account in this org; assignment rules can only test Account fields.`,
			});
		}
	}
	return issues;
}
