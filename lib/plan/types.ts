/**
 * The plan: the product's central contract (shared/docs/plan-format.md), as typed values.
 * A plan is built from rows by `lib/plan/parse.ts` and is what diff compares with the org.
 */
import type { IssueCode } from '../issue-codes';

/** A plain row as it comes from items, a sheet or a CSV file: header → cell. */
export type PlanRow = Record<string, unknown>;

/** The canonical columns, in the order Import writes them. */
export const PLAN_COLUMNS = [
	'Territory',
	'Key',
	'Parent',
	'Type',
	'Description',
	'Account Access',
	'Opportunity Access',
	'Case Access',
	'Postal Codes',
	'Countries',
	'States',
	'Criteria',
	'Users',
	'Forecast Manager',
	'Accounts',
] as const;
export type PlanColumn = (typeof PLAN_COLUMNS)[number];

/** One rule item condition from the Criteria column (or decoded from a rule). */
export interface Criterion {
	/** Account field API name without the "Account." prefix, e.g. "Industry". */
	field: string;
	/** Salesforce operator name, e.g. "equals", "startsWith". */
	operation: string;
	/** The values; several values in one criterion are ORed, as Salesforce does for a comma-separated Value. */
	values: string[];
}

export interface PlanUser {
	/** As written in the plan: one of USER_REFERENCE_KINDS (lib/salesforce/users.ts). */
	ref: string;
	/** RoleInTerritory2; null when the plan names none. */
	role: string | null;
}

export interface PlanTerritory {
	/** Spreadsheet row number of the first source row (header is row 1, first data row is 2). */
	row: number;
	/** Every source row merged into this territory (long form). */
	rows: number[];
	name: string;
	/** DeveloperName: from the Key column, or generated from the path of names. */
	key: string;
	keyGenerated: boolean;
	/** Key of the parent territory in the plan; null = top level (or the publish root). */
	parentKey: string | null;
	/** Type reference as written (DeveloperName or label); null = not given. */
	type: string | null;
	description: string | null;
	/** API values (Read/Edit/All; None/Read/Edit) or null. */
	accountAccess: string | null;
	opportunityAccess: string | null;
	caseAccess: string | null;
	/** Postal codes; an entry ending in "*" means "starts with". */
	postalCodes: string[];
	countries: string[];
	states: string[];
	criteria: Criterion[];
	users: PlanUser[];
	/** A user reference among `users`, or null. */
	forecastManager: string | null;
	/** Manual account assignments: Account Ids or external keys. */
	accounts: string[];
}

/** A territory with every column empty: for code (and tests) that fill in only some columns. */
export function blankTerritory(fields: Partial<PlanTerritory> & Pick<PlanTerritory, 'name' | 'key'>): PlanTerritory {
	return {
		row: 0,
		rows: [],
		keyGenerated: false,
		parentKey: null,
		type: null,
		description: null,
		accountAccess: null,
		opportunityAccess: null,
		caseAccess: null,
		postalCodes: [],
		countries: [],
		states: [],
		criteria: [],
		users: [],
		forecastManager: null,
		accounts: [],
		...fields,
	};
}

/** A problem found in the plan; validation reports all of them at once. */
export interface PlanIssue {
	/** Spreadsheet row number (header = 1), or 0 for plan-wide problems. */
	row: number;
	column: PlanColumn | string | null;
	value: string | null;
	/** One of the catalogue's codes (lib/issue-codes.ts), stable for workflows that branch on it. */
	code: IssueCode;
	message: string;
}

export interface TerritoryPlan {
	territories: PlanTerritory[];
	/**
	 * Columns present in the source. A column absent from the plan is not managed: the org's values
	 * for it are left alone. A column present with an empty cell means "clear it".
	 */
	columns: PlanColumn[];
	issues: PlanIssue[];
}

/** A rule item as written to Salesforce. */
export interface RuleItemSpec {
	sortOrder: number;
	/** Account field API name without prefix. */
	field: string;
	operation: string;
	value: string;
}

/** An assignment rule the tool owns, derived from one territory's geography and criteria. */
export interface RuleSpec {
	/** TP_-prefixed DeveloperName, unique in the model, stable for the same territory key and index. */
	developerName: string;
	masterLabel: string;
	/** e.g. "(1 OR 2) AND 3"; null when there is a single item. */
	booleanFilter: string | null;
	items: RuleItemSpec[];
}

/**
 * The operator a Countries or States cell is written with. With State and Country/Territory Picklists,
 * rules on states and countries "must use contains matching instead of equals matching" (Help, Create
 * Rules to Assign Accounts to Territories; knowledge article 005321975): the org's describe decides
 * (lib/sync/org-rules.ts), and each form reads back into its column only in its own org.
 */
export interface GeographyMatch {
	countries: 'equals' | 'contains';
	states: 'equals' | 'contains';
}
