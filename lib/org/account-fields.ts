/**
 * Criteria name Account fields the plan parser cannot know: only the org's describe says whether
 * "Shoe_Size__c" exists, and what type it is. Checking before any write keeps a typo or a misused
 * operator from failing rule items half-way through a publish (Salesforce refuses such an item).
 */
import { OBJECTS, bareRuleItemField } from '../salesforce';
import type { PlanIssue, PlanTerritory } from '../plan/types';
import { formatCriterion } from '../plan';
import type { OrgConnection } from './connect';
import { restGet } from './http';

/** Lower-cased API name → describe type ("string", "picklist", "address", "location"…) of every Account field. */
export type AccountFieldTypes = ReadonlyMap<string, string>;

/** One Account field as the describe lists it (Object Reference, DescribeSObjectResult: Field). */
export interface AccountField {
	name: string;
	label: string;
	type: string;
	/** "Indicates whether the field is used as an external ID" (DescribeFieldResult.externalId). */
	externalId: boolean;
}

/** Account's fields, from the org's describe (one call). */
export async function readAccountFields(org: OrgConnection): Promise<AccountField[]> {
	const describe = await restGet<{ fields?: { name: string; label?: string; type: string; externalId?: boolean }[] }>(
		org,
		`${org.basePath}/sobjects/${OBJECTS.account}/describe`,
	);
	return (describe.fields ?? []).map((f) => ({ name: f.name, label: f.label ?? f.name, type: f.type, externalId: f.externalId === true }));
}

/** Account's fields with their types, from the org's describe (one call). */
export async function readAccountFieldTypes(org: OrgConnection): Promise<Map<string, string>> {
	return new Map((await readAccountFields(org)).map((f) => [f.name.toLowerCase(), f.type]));
}

/**
 * Field types `within` may test. Metadata API guide, Territory2RuleItem: the `within` operation is for
 * DISTANCE criteria only, and DISTANCE measures geolocation (describe type "location") and compound
 * address fields ("address"; SOQL and SOSL Reference, DISTANCE).
 */
const DISTANCE_FIELD_TYPES = new Set(['location', 'address']);

/**
 * The Criteria problems the org's describe reveals, one issue per territory and problem: UNKNOWN_FIELD
 * for a field Account does not have, WITHIN_NEEDS_LOCATION for `within` on a field that is not a
 * location or address field.
 */
export function criteriaFieldIssues(territories: readonly PlanTerritory[], accountFields: AccountFieldTypes): PlanIssue[] {
	const issues: PlanIssue[] = [];
	for (const t of territories) {
		const reported = new Set<string>();
		for (const c of t.criteria) {
			const field = bareRuleItemField(c.field);
			const type = accountFields.get(field.toLowerCase());
			if (type === undefined) {
				if (reported.has(field.toLowerCase())) continue;
				reported.add(field.toLowerCase());
				issues.push({
					row: t.row,
					column: 'Criteria',
					value: field,
					code: 'UNKNOWN_FIELD',
					message: `Row ${t.row}: ${field} is not a field of Account in this org; assignment rules can only test Account fields.`,
				});
			} else if (c.operation === 'within' && !DISTANCE_FIELD_TYPES.has(type)) {
				const entry = formatCriterion({ ...c, field });
				issues.push({
					row: t.row,
					column: 'Criteria',
					value: entry,
					code: 'WITHIN_NEEDS_LOCATION',
					message: `Row ${t.row}, Criteria: "${entry}": within tests a distance, so it applies only to location (geolocation) and address fields; ${field} is a ${type} field.`,
				});
			}
		}
	}
	return issues;
}
