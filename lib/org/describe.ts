/**
 * The org's describe, read with the first snapshot group (no extra call) and turned into OrgDescribe:
 * object-level rights of the connected user, the picklist values the engine writes, the Account fields
 * the user can see, whether State and Country/Territory Picklists are on, and the org-wide sharing
 * defaults. At run time this is the authority on what the org accepts (shared/docs/salesforce-territories.md,
 * corrections table); lib/sync/org-rules.ts checks a change set against it.
 */
import { OBJECTS, type SObjectName } from '../salesforce';
import type { ObjectRights, OrgDescribe } from '../sync/types';
import type { ReadRequest } from './composite-read';

interface DescribeField {
	name: string;
	type?: string;
	picklistValues?: { value: string; active?: boolean }[];
}

export interface DescribeBody {
	name?: string;
	createable?: boolean;
	updateable?: boolean;
	deletable?: boolean;
	fields?: DescribeField[];
}

/** Every object the engine writes, plus Account (criteria fields, picklist settings). */
const DESCRIBED_OBJECTS: readonly SObjectName[] = [
	OBJECTS.model,
	OBJECTS.type,
	OBJECTS.territory,
	OBJECTS.rule,
	OBJECTS.ruleItem,
	OBJECTS.ruleTerritory,
	OBJECTS.userTerritory,
	OBJECTS.objectTerritory,
	OBJECTS.account,
];

/**
 * Organization's sharing defaults (Object Reference, Organization: DefaultAccountAccess,
 * DefaultOpportunityAccess, DefaultCaseAccess). Optional: a user who cannot read them still publishes,
 * and the org then judges access levels itself.
 */
export const SHARING_FIELDS = 'DefaultAccountAccess, DefaultOpportunityAccess, DefaultCaseAccess';
const SHARING_QUERY = `SELECT ${SHARING_FIELDS} FROM Organization LIMIT 1`;

export function describeRequests(basePath: string): ReadRequest[] {
	return [
		...DESCRIBED_OBJECTS.map((name): ReadRequest => ({ kind: 'get', path: `${basePath}/sobjects/${name}/describe` })),
		{ kind: 'query', soql: SHARING_QUERY, optional: true },
	];
}

function activeValues(body: DescribeBody | undefined, field: string): string[] | undefined {
	const f = (body?.fields ?? []).find((x) => x.name === field);
	const values = (f?.picklistValues ?? []).filter((p) => p.active !== false).map((p) => p.value);
	return values.length ? values : undefined;
}

export function rightsOf(body: DescribeBody | undefined | null): ObjectRights | undefined {
	if (!body) return undefined;
	return { createable: body.createable !== false, updateable: body.updateable !== false, deletable: body.deletable !== false };
}

/** The answers of describeRequests, in the same order, as OrgDescribe. */
export function parseDescribe(answers: readonly unknown[]): OrgDescribe {
	const bodies = new Map<SObjectName, DescribeBody>();
	DESCRIBED_OBJECTS.forEach((name, i) => {
		const body = answers[i] as DescribeBody | undefined;
		if (body && typeof body === 'object') bodies.set(name, body);
	});
	const objects: OrgDescribe['objects'] = {};
	for (const [name, body] of bodies) objects[name] = rightsOf(body);
	const account = bodies.get(OBJECTS.account);
	const accountFields = account?.fields ? Object.fromEntries(account.fields.map((f) => [f.name.toLowerCase(), f.type ?? 'string'])) : null;
	const sharingRow = (answers[DESCRIBED_OBJECTS.length] as Record<string, unknown>[] | null | undefined)?.[0] ?? {};
	const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
	const picklists: OrgDescribe['picklists'] = {
		ruleItemField: activeValues(bodies.get(OBJECTS.ruleItem), 'Field'),
		ruleItemOperation: activeValues(bodies.get(OBJECTS.ruleItem), 'Operation'),
		accountAccess: activeValues(bodies.get(OBJECTS.territory), 'AccountAccessLevel'),
		opportunityAccess: activeValues(bodies.get(OBJECTS.territory), 'OpportunityAccessLevel'),
		caseAccess: activeValues(bodies.get(OBJECTS.territory), 'CaseAccessLevel'),
		modelState: activeValues(bodies.get(OBJECTS.model), 'State'),
	};
	for (const k of Object.keys(picklists) as (keyof typeof picklists)[]) if (!picklists[k]) delete picklists[k];
	return {
		objects,
		picklists,
		accountFields,
		// Help, "Enable and Disable State and Country/Territory Picklists": the picklists add the
		// BillingStateCode and BillingCountryCode fields to Account.
		statePicklists: !!accountFields && 'billingstatecode' in accountFields,
		countryPicklists: !!accountFields && 'billingcountrycode' in accountFields,
		sharing: { account: text(sharingRow.DefaultAccountAccess), opportunity: text(sharingRow.DefaultOpportunityAccess), case: text(sharingRow.DefaultCaseAccess) },
	};
}

/** RoleInTerritory2's active values, from UserTerritory2Association's describe. */
export function activeRoles(answers: readonly unknown[]): string[] {
	return activeValues(answers[DESCRIBED_OBJECTS.indexOf(OBJECTS.userTerritory)] as DescribeBody | undefined, 'RoleInTerritory2') ?? [];
}

/**
 * How rule links are written, from RuleTerritory2Association's rights: the Object Reference lists no
 * create() or delete() for it although its fields are marked Create, so REST only where the describe
 * says createable and deletable, else the Metadata API's Territory2 ruleAssociations (retrieve + deploy).
 */
export function ruleLinksPath(rights: ObjectRights | undefined): 'rest' | 'metadata' {
	return rights && (!rights.createable || !rights.deletable) ? 'metadata' : 'rest';
}
