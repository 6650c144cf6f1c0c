/**
 * checkOrg: what an org offers a publish, read in one Composite call and written nowhere. Behind the
 * credential's Test button, in a dry run's summary, and in the public API; its `text` is what a user
 * pastes into a support request (no secret is read, so none can appear).
 *
 * Every read is optional: a user who may not read permission sets still gets a report, with the
 * unknown parts said to be unknown.
 */
import type { OrgCheckPermissions, OrgCheckReport } from '../api-types';
import { MODELS_PER_EDITION, OBJECTS } from '../salesforce';
import type { OrgConnection } from './connect';
import { readTogether, type ReadRequest } from './composite-read';
import { rightsOf, ruleLinksPath, SHARING_FIELDS } from './describe';
import { soqlQuote } from './soql';

type Row = Record<string, unknown>;

const SHARING_WORDS: Record<string, string> = {
	None: 'Private',
	Read: 'Public Read Only',
	Edit: 'Public Read/Write',
	ReadEditTransfer: 'Public Read/Write/Transfer',
	ControlledByParent: 'Controlled by Parent',
};

const yesNo = (v: boolean | null): string => (v === null ? 'unknown (not readable by this user)' : v ? 'yes' : 'NO');
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/** `ruleLinks`: the path a publish takes when it was forced (the describe decides otherwise). */
export async function checkOrg(org: OrgConnection, given: { ruleLinks?: 'rest' | 'metadata' } = {}): Promise<OrgCheckReport> {
	const uid = org.userId;
	const assignments = uid ? `FROM PermissionSetAssignment WHERE AssigneeId = ${soqlQuote(uid)}` : null;
	const requests: ReadRequest[] = [
		{ kind: 'query', soql: uid ? `SELECT Id, Username, Name FROM User WHERE Id = ${soqlQuote(uid)}` : 'SELECT Id FROM User LIMIT 0', optional: true },
		{
			kind: 'query',
			soql: `SELECT Id, Name, OrganizationType, IsSandbox, ${SHARING_FIELDS} FROM Organization LIMIT 1`,
			optional: true,
		},
		{
			kind: 'query',
			soql: assignments
				? `SELECT PermissionSet.PermissionsManageTerritories, PermissionSet.PermissionsViewSetup, PermissionSet.PermissionsCustomizeApplication, PermissionSet.PermissionsApiEnabled, PermissionSet.PermissionsViewAllData, PermissionSet.PermissionsModifyAllData, PermissionSet.PermissionsModifyMetadata ${assignments}`
				: 'SELECT Id FROM PermissionSetAssignment LIMIT 0',
			optional: true,
		},
		{
			kind: 'query',
			soql: uid
				? `SELECT PermissionsViewAllRecords FROM ObjectPermissions WHERE SobjectType = 'Account' AND ParentId IN (SELECT PermissionSetId ${assignments})`
				: 'SELECT Id FROM ObjectPermissions LIMIT 0',
			optional: true,
		},
		{ kind: 'query', soql: `SELECT DeveloperName, State FROM ${OBJECTS.model} ORDER BY DeveloperName`, optional: true },
		{ kind: 'get', path: `${org.basePath}/sobjects/${OBJECTS.model}/describe`, optional: true },
		{ kind: 'get', path: `${org.basePath}/sobjects/${OBJECTS.ruleTerritory}/describe`, optional: true },
		{ kind: 'get', path: `${org.basePath}/sobjects/${OBJECTS.account}/describe`, optional: true },
		{ kind: 'get', path: `${org.basePath}/limits`, optional: true },
	];
	const [users, orgs, sets, objectPerms, models, modelDescribe, linkDescribe, accountDescribe, limits] = (await readTogether(org, requests)) as [
		Row[] | null,
		Row[] | null,
		Row[] | null,
		Row[] | null,
		Row[] | null,
		Row | null,
		Row | null,
		{ fields?: { name: string }[] } | null,
		{ DailyApiRequests?: { Max: number; Remaining: number } } | null,
	];

	const user = users?.[0] ?? {};
	const o = orgs?.[0] ?? {};
	// Any of the user's permission sets (the profile's own included) granting a permission grants it.
	const anySet = (name: string): boolean | null => {
		if (!uid || !sets) return null;
		return sets.some((r) => (r.PermissionSet as Row | undefined)?.[name] === true);
	};
	const viewAllData = anySet('PermissionsViewAllData');
	const viewAllAccounts = viewAllData === true ? true : objectPerms ? objectPerms.some((r) => r.PermissionsViewAllRecords === true) : null;
	// A user who may not read permission sets (they need View Setup) still shows Manage Territories in
	// Territory2Model's describe: its createable is that user's right to create models.
	const modelsCreateable = modelDescribe && typeof modelDescribe.createable === 'boolean' ? modelDescribe.createable : null;
	const permissions: OrgCheckPermissions = {
		manageTerritories: anySet('PermissionsManageTerritories') ?? modelsCreateable,
		viewAllAccounts,
		viewSetup: anySet('PermissionsViewSetup'),
		customizeApplication: anySet('PermissionsCustomizeApplication'),
		apiEnabled: anySet('PermissionsApiEnabled'),
		modifyMetadata: ((all, metadata) => (all === null ? null : all || metadata === true))(anySet('PermissionsModifyAllData'), anySet('PermissionsModifyMetadata')),
	};
	const edition = typeof o.OrganizationType === 'string' ? o.OrganizationType : null;
	const limit = edition ? (MODELS_PER_EDITION[edition.replace(/ Edition$/, '')] ?? null) : null;
	const modelList = (models ?? []).map((m) => ({ developerName: String(m.DeveloperName), state: String(m.State) }));
	const accountFields = new Set((accountDescribe?.fields ?? []).map((f) => f.name));
	const report: Omit<OrgCheckReport, 'ok' | 'problems' | 'notes' | 'text'> = {
		user: { id: uid, username: typeof user.Username === 'string' ? user.Username : null, name: typeof user.Name === 'string' ? user.Name : null },
		org: {
			id: org.orgId ?? (typeof o.Id === 'string' ? o.Id : null),
			name: typeof o.Name === 'string' ? o.Name : null,
			edition,
			isSandbox: bool(o.IsSandbox),
			instanceUrl: org.conn.instanceUrl,
		},
		apiVersion: org.apiVersion,
		salesTerritoriesEnabled: modelDescribe !== null,
		permissions,
		// The same choice publishPlan makes (ruleLinkPath 'auto'), unless the caller forced one.
		ruleLinks: given.ruleLinks ?? ruleLinksPath(rightsOf(linkDescribe)),
		stateCountryPicklists: accountFields.has('BillingStateCode') || accountFields.has('BillingCountryCode'),
		sharing: {
			account: typeof o.DefaultAccountAccess === 'string' ? o.DefaultAccountAccess : null,
			opportunity: typeof o.DefaultOpportunityAccess === 'string' ? o.DefaultOpportunityAccess : null,
			case: typeof o.DefaultCaseAccess === 'string' ? o.DefaultCaseAccess : null,
		},
		models: { count: modelList.length, limit, left: limit === null ? null : Math.max(0, limit - modelList.length), list: modelList },
		apiRequests: limits?.DailyApiRequests ? { max: limits.DailyApiRequests.Max, remaining: limits.DailyApiRequests.Remaining } : null,
	};
	const problems = problemsOf(report);
	const notes = notesOf(report);
	return { ...report, ok: problems.length === 0, problems, notes, text: render(report, problems, notes) };
}

function problemsOf(r: Omit<OrgCheckReport, 'ok' | 'problems' | 'notes' | 'text'>): string[] {
	const out: string[] = [];
	if (!r.salesTerritoriesEnabled) {
		out.push('Sales Territories is not enabled, or this user cannot see territory models: enable it in Setup → Territory Settings, and give the user Manage Territories.');
		return out;
	}
	if (r.permissions.manageTerritories === false) {
		out.push(
			'The user lacks Manage Territories: it sees only Active models and cannot create or change territories. Assign it in Setup → Permission Sets (or the profile).',
		);
	}
	if (r.permissions.viewAllAccounts === false) out.push('The user lacks View All Records on Accounts, which assignment rules need (Setup → Permission Sets → Object Settings → Accounts).');
	if (r.permissions.viewSetup === false && r.permissions.customizeApplication === false) {
		out.push('Assignment rules need View Setup and Configuration or Customize Application (Setup → Permission Sets → System Permissions).');
	}
	if (r.permissions.apiEnabled === false) out.push('The user lacks API Enabled (Setup → Permission Sets → System Permissions).');
	if (r.ruleLinks === 'metadata' && r.permissions.modifyMetadata === false) {
		out.push('Rule links in this org go through the Metadata API, whose deploy needs Modify All Data or Modify Metadata (Setup → Permission Sets → System Permissions).');
	}
	if (r.apiRequests && r.apiRequests.remaining <= 0) out.push('The daily API request allowance is used up: publishing waits until it renews.');
	return out;
}

function notesOf(r: Omit<OrgCheckReport, 'ok' | 'problems' | 'notes' | 'text'>): string[] {
	const out: string[] = [];
	// Models count in every state, archived ones included (Help, Create and Edit a Territory Model).
	if (r.models.left === 0) out.push(`The org holds ${r.models.count} of the ${r.models.limit} territory models its edition allows: publishing into an existing model works, a new one needs one deleted first (Setup → Territory Models).`);
	return out;
}

function render(r: Omit<OrgCheckReport, 'ok' | 'problems' | 'notes' | 'text'>, problems: string[], notes: string[]): string {
	const sharing = (v: string | null) => (v === null ? 'unknown' : (SHARING_WORDS[v] ?? v));
	const p = r.permissions;
	const lines = [
		'Salesforce org check (read only: nothing was written)',
		`User: ${r.user.username ?? 'unknown'}${r.user.name ? ` (${r.user.name})` : ''}${r.user.id ? `, Id ${r.user.id}` : ''}`,
		`Org: ${r.org.name ?? 'unknown'}${r.org.id ? `, Id ${r.org.id}` : ''}, ${r.org.edition ?? 'edition unknown'}${r.org.isSandbox ? ', sandbox' : ''}, ${r.org.instanceUrl}, API v${r.apiVersion}`,
		`Sales Territories: ${r.salesTerritoriesEnabled ? 'enabled' : 'NOT available'}`,
		`Permissions: Manage Territories ${yesNo(p.manageTerritories)}; View All Records on Accounts ${yesNo(p.viewAllAccounts)}; View Setup and Configuration ${yesNo(p.viewSetup)}; Customize Application ${yesNo(p.customizeApplication)}; API Enabled ${yesNo(p.apiEnabled)}; Modify All Data or Modify Metadata ${yesNo(p.modifyMetadata)}`,
		`Rule links: ${r.ruleLinks === 'rest' ? 'REST (RuleTerritory2Association is createable for this user)' : 'Metadata API (Territory2 ruleAssociations; RuleTerritory2Association is not createable)'}`,
		`State and Country/Territory Picklists: ${r.stateCountryPicklists ? 'on (rules on states and countries use contains)' : 'off (rules on states and countries use equals)'}`,
		`Sharing defaults: accounts ${sharing(r.sharing.account)}, opportunities ${sharing(r.sharing.opportunity)}, cases ${sharing(r.sharing.case)}`,
		`Territory models: ${r.models.count}${r.models.limit !== null ? ` of ${r.models.limit} (${r.models.left} left)` : ''}${r.models.list.length ? `: ${r.models.list.map((m) => `${m.developerName} (${m.state})`).join(', ')}` : ''}`,
		`Daily API requests: ${r.apiRequests ? `${r.apiRequests.remaining.toLocaleString('en-US')} of ${r.apiRequests.max.toLocaleString('en-US')} left` : 'unknown'}`,
		problems.length ? `Problems:\n${problems.map((x) => `- ${x}`).join('\n')}` : 'Problems: none',
		...(notes.length ? [`Notes:\n${notes.map((x) => `- ${x}`).join('\n')}`] : []),
	];
	return lines.join('\n');
}
