/**
 * The org's describe decides (OrgDescribe, read by lib/org/describe.ts with the snapshot): the form a rule
 * item's Field takes, the operator of state and country items, and whether the connected user may write
 * what a change set needs. A change set the describe refuses gets issues naming the row, the column and
 * the permission or setting to change, so that nothing is written (publishPlan writes only issue-free sets).
 *
 * Without a describe (hand-built snapshots in tests) the engine keeps its defaults: qualified Field names,
 * `equals` for states and countries, every object writable.
 */
import { EQUALS_GEOGRAPHY } from '../plan';
import { GEOGRAPHY_FIELDS, OBJECTS, PUBLIC_READ_WRITE, bareRuleItemField, ruleItemField, type SObjectName } from '../salesforce';
import type { GeographyMatch, PlanColumn } from '../plan/types';
import type { DiffContext } from './diff-context';
import { Findings } from './findings';
import type { Change, ChangeAction, OrgDescribe } from './types';

/** States and countries use `contains` when the org has State and Country/Territory Picklists (see GeographyMatch). */
export function geographyMatch(describe: OrgDescribe | undefined): GeographyMatch {
	if (!describe) return EQUALS_GEOGRAPHY;
	return { countries: describe.countryPicklists ? 'contains' : 'equals', states: describe.statePicklists ? 'contains' : 'equals' };
}

/**
 * ObjectTerritory2AssignmentRuleItem.Field is a restricted picklist whose values Salesforce does not
 * publish (Object Reference): the Metadata API sample writes bare names, a migration tool writes
 * `Account.`-qualified ones. The org's own list decides; without one the qualified form is written.
 * Either form reads back (bareRuleItemField). null: the org lists neither form for this field.
 */
export function ruleItemFieldName(describe: OrgDescribe | undefined, field: string): string | null {
	const values = describe?.picklists.ruleItemField;
	if (!values) return ruleItemField(field);
	const bare = bareRuleItemField(field).toLowerCase();
	const qualified = `account.${bare}`;
	return values.find((v) => v.toLowerCase() === qualified) ?? values.find((v) => v.toLowerCase() === bare) ?? null;
}

/** The plan column a rule item's field comes from. */
function ruleColumn(field: string): PlanColumn {
	const bare = bareRuleItemField(field).toLowerCase();
	if (bare === GEOGRAPHY_FIELDS.postalCodes.toLowerCase()) return 'Postal Codes';
	if (bare === GEOGRAPHY_FIELDS.countries.toLowerCase()) return 'Countries';
	if (bare === GEOGRAPHY_FIELDS.states.toLowerCase()) return 'States';
	return 'Criteria';
}

const MANAGE_TERRITORIES = 'the Manage Territories permission (Setup → Permission Sets)';
/** Help, Create Rules to Assign Accounts to Territories: "User Permissions Needed". */
const MANAGE_RULES =
	'Manage Territories and View All Records on Accounts, and View Setup and Configuration or Customize Application (Setup → Permission Sets)';

const WHAT: Partial<Record<SObjectName, { noun: string; column: PlanColumn | null; permission: string }>> = {
	[OBJECTS.model]: { noun: 'territory models', column: null, permission: MANAGE_TERRITORIES },
	[OBJECTS.type]: { noun: 'territory types', column: 'Type', permission: MANAGE_TERRITORIES },
	[OBJECTS.territory]: { noun: 'territories', column: 'Territory', permission: MANAGE_TERRITORIES },
	[OBJECTS.rule]: { noun: 'assignment rules', column: null, permission: MANAGE_RULES },
	[OBJECTS.ruleItem]: { noun: 'assignment rule items', column: null, permission: MANAGE_RULES },
	[OBJECTS.userTerritory]: { noun: 'user assignments', column: 'Users', permission: MANAGE_TERRITORIES },
	[OBJECTS.objectTerritory]: { noun: 'manual account assignments', column: 'Accounts', permission: `${MANAGE_TERRITORIES} and edit access to the accounts` },
};

const RIGHT: Record<ChangeAction, 'createable' | 'updateable' | 'deletable'> = { create: 'createable', update: 'updateable', delete: 'deletable' };

/** The last stage: issues for every part of the changes found (in the order found) that the org's describe says it will refuse. */
export function checkAgainstDescribe(s: DiffContext, changes: readonly Change[]): Findings {
	const out = new Findings();
	const describe = s.snapshot.describe;
	if (!describe) return out;
	checkRights(s, out, describe, changes);
	for (const c of changes) {
		if (c.object === OBJECTS.ruleItem) checkRuleItem(out, describe, c);
		if (c.object === OBJECTS.territory) checkAccessLevels(out, describe, c);
	}
	return out;
}

function rowsOf(c: Change): number[] {
	return c.rows.length ? c.rows : [0];
}

/**
 * Object rights: one issue per plan row, naming everything the row needs that the user may not do and
 * the permission that grants it (one cause, one message, rather than one per record).
 */
function checkRights(s: DiffContext, out: Findings, describe: OrgDescribe, changes: readonly Change[]): void {
	const refused = (c: Change) => {
		// RuleTerritory2Association's describe chooses how links are written (REST or the Metadata API), it
		// does not stop a publish (lib/org/apply.ts).
		if (c.object === OBJECTS.ruleTerritory) return false;
		const rights = describe.objects[c.object];
		return !!rights && !rights[RIGHT[c.action]];
	};
	const modelCreate = changes.find((c) => c.object === OBJECTS.model && c.action === 'create');
	if (modelCreate && refused(modelCreate)) {
		// Metadata API, Territory2Model: users without Manage Territories see only Active models, so the
		// model may well exist in Planning state; creating one would be refused or make a second. Everything
		// else the plan needs follows from the same missing permission.
		out.issue(
			0,
			null,
			s.options.modelDeveloperName,
			'MODEL_NOT_VISIBLE',
			`No model ${s.options.modelDeveloperName} is visible to the connected user, and the user may not create territory models. Users without Manage Territories see only Active models, so it may exist in Planning state: give the integration user ${MANAGE_TERRITORIES}.`,
		);
		return;
	}
	const byRow = new Map<number, { what: string[]; permissions: Set<string>; column: string | null }>();
	for (const c of changes) {
		if (!refused(c)) continue;
		const what = WHAT[c.object] ?? { noun: c.object, column: null, permission: MANAGE_TERRITORIES };
		const column = what.column ?? (c.object === OBJECTS.ruleItem && typeof c.fields.Field === 'string' ? ruleColumn(c.fields.Field) : null);
		for (const row of rowsOf(c)) {
			let entry = byRow.get(row);
			if (!entry) byRow.set(row, (entry = { what: [], permissions: new Set(), column }));
			const phrase = `${c.action} ${what.noun}`;
			if (!entry.what.includes(phrase)) entry.what.push(phrase);
			entry.permissions.add(what.permission);
			if (c.object === OBJECTS.territory || !entry.column) entry.column = column ?? entry.column;
		}
	}
	for (const [row, entry] of byRow) {
		// What rules need includes Manage Territories.
		if (entry.permissions.has(MANAGE_RULES)) entry.permissions.delete(MANAGE_TERRITORIES);
		out.issue(
			row,
			entry.column,
			entry.what.join(', '),
			'NOT_PERMITTED',
			`${row ? `Row ${row}: ` : ''}the connected user may not ${entry.what.join(', ')} (the org's describe says so for this user); it needs ${[...entry.permissions].join('; and ')}.`,
		);
	}
}

function checkRuleItem(out: Findings, describe: OrgDescribe, c: Change): void {
	const field = c.fields.Field;
	if (typeof field === 'string' && ruleItemFieldName(describe, field) === null) {
		const name = bareRuleItemField(field);
		for (const row of rowsOf(c)) {
			out.issue(
				row,
				ruleColumn(field),
				name,
				'RULE_FIELD_NOT_AVAILABLE',
				`${row ? `Row ${row}: ` : ''}assignment rules in this org cannot test Account.${name} (it is not a value of ObjectTerritory2AssignmentRuleItem.Field for the connected user). Check the field-level security of Account.${name} for the integration user (Setup → Object Manager → Account → Fields & Relationships → ${name} → Set Field-Level Security) and that it has View All Records on Accounts.`,
			);
		}
	}
	const operation = c.fields.Operation;
	if (typeof field === 'string' && typeof operation === 'string') warnPicklistMatching(out, describe, c, field, operation);
	const operations = describe.picklists.ruleItemOperation;
	if (typeof operation === 'string' && operations && !operations.includes(operation)) {
		for (const row of rowsOf(c)) {
			out.issue(
				row,
				typeof field === 'string' ? ruleColumn(field) : 'Criteria',
				operation,
				'RULE_OPERATION_NOT_AVAILABLE',
				`${row ? `Row ${row}: ` : ''}this org's assignment rules do not offer the operator ${operation}; it offers ${operations.join(', ')}.`,
			);
		}
	}
}

/**
 * With State and Country/Territory Picklists, rules on states and countries match with `contains`
 * (GeographyMatch): `equals` there returns incomplete results, and `contains` matches any part of the
 * name, so a short code ("CA", "US") also matches other names that hold those letters ("North
 * Carolina", "Australia"). Both are worth a warning; neither is refused (Salesforce writes them).
 */
function warnPicklistMatching(out: Findings, describe: OrgDescribe, c: Change, field: string, operation: string): void {
	const bare = bareRuleItemField(field).toLowerCase();
	const on = bare === GEOGRAPHY_FIELDS.states.toLowerCase() ? describe.statePicklists : bare === GEOGRAPHY_FIELDS.countries.toLowerCase() ? describe.countryPicklists : false;
	if (!on) return;
	const name = bareRuleItemField(field);
	const values = String(c.fields.Value ?? '').split(',').map((v) => v.trim());
	for (const row of rowsOf(c)) {
		if (operation === 'equals') {
			out.warn(row, 'Criteria', `${name} equals`, 'PICKLIST_EQUALS', `Row ${row}: this org has State and Country/Territory Picklists, where rules on ${name} must use contains: equals returns incomplete results (Help, Create Rules to Assign Accounts to Territories). Use the ${ruleColumn(field)} column or contains.`);
		}
		const short = values.filter((v) => v.length > 0 && v.length <= 3);
		if (operation === 'contains' && short.length) {
			out.warn(row, ruleColumn(field), short.join(', '), 'PICKLIST_CONTAINS_SHORT', `Row ${row}: ${name} is matched with contains in this org, so "${short[0]}" also matches every name holding those letters (e.g. "CA" matches North Carolina): write names in full ("California").`);
		}
	}
}

const ACCESS = [
	{ field: 'AccountAccessLevel', column: 'Account Access', picklist: 'accountAccess', sharing: 'account', object: 'accounts' },
	{ field: 'OpportunityAccessLevel', column: 'Opportunity Access', picklist: 'opportunityAccess', sharing: 'opportunity', object: 'opportunities' },
	{ field: 'CaseAccessLevel', column: 'Case Access', picklist: 'caseAccess', sharing: 'case', object: 'cases' },
] as const;


/**
 * Access levels against the picklist and the org-wide defaults (Metadata API, Territory2): with Public
 * Read/Write accounts only Edit and All are valid; with Public Read/Write opportunities or cases no value
 * may be given (Territory2Settings' defaults apply).
 */
function checkAccessLevels(out: Findings, describe: OrgDescribe, c: Change): void {
	for (const a of ACCESS) {
		const value = c.fields[a.field];
		if (typeof value !== 'string' || value === '') continue;
		const allowed = describe.picklists[a.picklist];
		const sharing = describe.sharing[a.sharing];
		let problem: string | null = null;
		if (allowed && !allowed.includes(value)) {
			problem = `${value} is not an access level this org offers for ${a.object} (${allowed.join(', ')})`;
		} else if (sharing && PUBLIC_READ_WRITE.has(sharing)) {
			if (a.sharing === 'account' && value === 'Read') {
				problem = `the org-wide default for accounts is Public Read/Write, so a territory can only give Read/Write (Edit) or Owner (All) access`;
			} else if (a.sharing !== 'account') {
				problem = `the org-wide default for ${a.object} is Public Read/Write, so territories take no ${a.object} access level: leave the ${a.column} cell empty`;
			}
		}
		if (!problem) continue;
		for (const row of rowsOf(c)) {
			out.issue(row, a.column, value, 'ACCESS_LEVEL_NOT_ALLOWED', `${row ? `Row ${row}: ` : ''}${problem} (Setup → Sharing Settings).`);
		}
	}
}
