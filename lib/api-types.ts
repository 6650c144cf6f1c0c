/**
 * The public API's types: what `publishPlan` and `importModel` take and give back.
 * Used by scripts outside n8n (through index.js) and by the two nodes.
 */
import type { PlanIssue, PlanRow } from './plan/types';
import type { ChangeSet, ExportNote, OrgFingerprint, PublishMethod } from './sync/types';
import type { IssueCode } from './issue-codes';

/** How to reach the org. Secrets here never reach outputs, logs or error messages. */
export type ConnectionSettings =
	| { authType: 'password'; loginUrl: string; username: string; password: string; securityToken?: string; clientId?: string; clientSecret?: string }
	| { authType: 'clientCredentials'; loginUrl: string; clientId: string; clientSecret: string }
	| { authType: 'jwt'; loginUrl: string; clientId: string; username: string; privateKey: string; audience?: string }
	| { authType: 'refreshToken'; loginUrl: string; clientId: string; clientSecret?: string; refreshToken: string; instanceUrl?: string }
	| {
			authType: 'accessToken';
			instanceUrl: string;
			accessToken: string;
			/** The token response's `id` (…/id/{orgId}/{userId}): who the session is, for checkOrg's user and permissions. */
			identityUrl?: string;
			/**
			 * Called when the org refuses the session (401): returns a new access token (and instance URL).
			 * For callers that own the token's refresh and must store what it returns, e.g. n8n's OAuth2
			 * credentials, whose refreshed (and, with Refresh Token Rotation, replaced) tokens n8n persists.
			 * Without it an access token cannot be renewed.
			 */
			renew?: () => Promise<{ accessToken: string; instanceUrl?: string }>;
	  };

export interface ConnectionOptions {
	connection: ConnectionSettings;
	/** REST API version; defaults to API_VERSION. */
	apiVersion?: string;
}

export interface Progress {
	phase: string;
	done: number;
	total: number;
}
export type ProgressCallback = (progress: Progress) => void;

/** Which model: by DeveloperName (created in Planning state when absent) or by Id. */
export interface ModelTarget {
	developerName?: string;
	id?: string;
	/** Label for a model that must be created. */
	name?: string;
}

export interface PublishOptions extends ConnectionOptions {
	/** The plan: rows (items), CSV text, or the path of a CSV file (streamed). */
	plan: { rows: PlanRow[] } | { csv: string } | { csvFile: string };
	model: ModelTarget;
	/** Key (DeveloperName) of the territory to publish under; default: model root. */
	scopeRootKey?: string | null;
	method?: PublishMethod;
	dryRun?: boolean;
	/** With dryRun: add checkOrg's report to the summary (one read-only call). Default true. */
	checkOrg?: boolean;
	deleteMissing?: boolean;
	touchHandMadeRules?: boolean;
	createMissingTypes?: boolean;
	allowActiveModel?: boolean;
	/** Manage manual account assignments from the Accounts column (default true when the column is present). */
	manageAccounts?: boolean;
	/** Account field holding the external key used in the Accounts column (default: Account Ids). */
	accountKeyField?: string;
	/** Column header → canonical column name or null to ignore the column. */
	columnMap?: Record<string, string | null>;
	/** Ignore columns the plan format does not know instead of failing. */
	ignoreUnknownColumns?: boolean;
	/**
	 * Territories the model may hold (default 1,000, Salesforce's default limit). Raise it only after
	 * Salesforce support raised the org's limit: the org still refuses territories past its own.
	 */
	maxTerritoriesPerModel?: number;
	onProgress?: ProgressCallback;
	/**
	 * How rule links (RuleTerritory2Association) are written: 'auto' (default) follows the org's describe,
	 * REST (Composite, like the other changes) when the object is createable and deletable for the user,
	 * else the Metadata API (Territory2 ruleAssociations, retrieved and deployed). 'rest' and 'metadata'
	 * force a path (tests, or an org whose describe is known to be wrong).
	 */
	ruleLinkPath?: 'auto' | 'rest' | 'metadata';
	/**
	 * A model the target names that does not exist: 'create' it (default, in Planning state) or 'stop'
	 * with MODEL_NOT_FOUND (a scheduled workflow: a typo must not create a second model).
	 */
	ifModelMissing?: 'create' | 'stop';
	/**
	 * Most deletes (territories, rules, user and account assignments) a publish may make; more stops it
	 * with one TOO_MANY_DELETES issue listing them, nothing written (dry runs too). Default: no limit.
	 */
	maxDeletes?: number;
	/** Stops the publish between calls (n8n: the execution's cancel signal); the summary says stopped CANCELLED. */
	signal?: AbortSignal;
}

/** Options of applyChangeSet: the reviewed change set and how to reach the org. */
export interface ApplyReviewOptions extends ConnectionOptions {
	/** planPublish's `review`, as it came back (JSON-serialisable: it may have travelled through a workflow). */
	review: ReviewedChangeSet;
	onProgress?: ProgressCallback;
	signal?: AbortSignal;
}

/**
 * A dry run's change set, ready to be approved and applied exactly (applyChangeSet): the change set, the
 * model, what shapes applying it, and the fingerprint of the org state it was computed against.
 */
export interface ReviewedChangeSet {
	format: 'n8n-nodes-territory-planning/reviewed-change-set';
	/** The format's version (lib/review.ts REVIEW_VERSION); applyChangeSet refuses others. */
	version: number;
	/** When the dry run read the org (ISO time). */
	plannedAt: string;
	model: { developerName: string; id: string | null; name?: string };
	changeSet: ChangeSet;
	/** The options that shape applying: how rule links are written, which records the re-read looks up. */
	apply: {
		ruleLinkPath: 'rest' | 'metadata';
		allowActiveModel: boolean;
		users: string[];
		accounts: string[];
		accountKeyField?: string;
	};
	/** The plan rows the changes serve (row numbers, keys and names), for per-row outcomes. */
	rows: { row: number; rows: number[]; key: string; name: string }[];
	fingerprint: OrgFingerprint;
	/** sha256 over everything above: a review edited or garbled on its way is refused (REVIEW_INVALID). */
	checksum: string;
}

/** planPublish: what a dry run returns, plus the review to approve and apply. */
export interface PlanPublishResult extends PublishResult {
	/** null when the plan has issues (nothing to apply). */
	review: ReviewedChangeSet | null;
}

export type RowOutcomeStatus = 'created' | 'updated' | 'deleted' | 'unchanged' | 'skipped' | 'failed' | 'planned';

export interface ChangeOutcome {
	changeId: string;
	object: string;
	action: string;
	label: string;
	status: 'done' | 'failed' | 'skipped' | 'planned';
	recordId: string | null;
	errorCode?: string;
	message?: string;
}

/** The Salesforce Ids of one plan row's records after the run (lib/row-ids.ts). */
export interface RowIds {
	/** Territory2 Id; null when the territory does not exist (a dry run's or a failed create). */
	territory: string | null;
	/** ObjectTerritory2AssignmentRule Ids of the rules linked to the territory. */
	rules: string[];
	/** UserTerritory2Association Ids. */
	userAssignments: string[];
	/** ObjectTerritory2Association Ids (manual account assignments). */
	accountAssignments: string[];
}

export interface RowOutcome {
	row: number;
	key: string;
	territory: string;
	status: RowOutcomeStatus;
	/** What the row's territory gets (or, on a dry run, would get): its own change's action, else update; absent when unchanged. */
	action?: 'create' | 'update' | 'delete';
	/** Present once the org was read (not when the plan was refused before). */
	ids?: RowIds;
	/** Per-object counts of what was written for this row, e.g. { Territory2: 'created', UserTerritory2Association: 2 }. */
	changes: ChangeOutcome[];
	errorCode?: string;
	message?: string;
}

export interface ApiUsage {
	/** Requests this run made. */
	calls: number;
	/** From Sforce-Limit-Info after the last call. */
	used: number | null;
	limit: number | null;
	remaining: number | null;
}

/**
 * What a publish did, in one word: refused (plan problems, nothing written), dryRun (nothing written),
 * upToDate (nothing to write), published (all of it), incomplete (some changes failed or were skipped),
 * stopped (ended early). lib/outcome.ts decides it.
 */
export type PublishStatus = 'refused' | 'dryRun' | 'upToDate' | 'published' | 'incomplete' | 'stopped';

/** The summary's counts in the plan's words (lib/outcome.ts); summary.counts has them by Salesforce object. */
export interface PlanCounts {
	/** Per plan row (a territory counts once, whatever it took), plus the territories deleted. */
	territories: { created: number; updated: number; moved: number; deleted: number; unchanged: number };
	/** Assignment rules (ObjectTerritory2AssignmentRule with its items and territory links); a rule whose items or links changed is updated. */
	rules: { created: number; updated: number; deleted: number };
	/** User assignments (UserTerritory2Association); a role change is one changed assignment. */
	users: { added: number; removed: number; changed: number };
	/** Manual account assignments (ObjectTerritory2Association). */
	accounts: { added: number; removed: number };
}

export interface PublishSummary {
	status: PublishStatus;
	/** One plain line: what happened, in the plan's words ("Published to FY27_Sales: 208 territories created, …"). */
	outcome: string;
	/** How many problems refused the plan (result.issues); 0 when it was not refused. */
	problems: number;
	/** What was written (a dry run: would be), in the plan's words. */
	plan: PlanCounts;
	model: { id: string | null; developerName: string; created: boolean };
	dryRun: boolean;
	/**
	 * object → action → records written (a dry run: that would be). Per record: an update of a record
	 * created in the same run (a new territory's ForecastUserId, a new rule's BooleanFilter) is part of its
	 * create, and several updates of one record count once.
	 */
	counts: Record<string, Record<string, number>>;
	failed: number;
	skipped: number;
	/**
	 * Stopped before the end (REQUEST_LIMIT_EXCEEDED, a hard failure); what was not done is in outcomes.
	 * status: the HTTP status of the Salesforce answer that stopped the run, when one did.
	 */
	stopped: { code: string; message: string; status?: number } | null;
	apiUsage: ApiUsage;
	durationMs: number;
	/** Dry runs: what the org offers a publish (checkOrg), unless the checkOrg option is false. */
	orgCheck?: OrgCheckReport;
	/**
	 * What happens next, in words: a dry run wrote nothing and says how to write; a publish says what the
	 * admin does in Setup (publishing never runs assignment rules nor activates the model).
	 */
	next?: string;
	/** Time, API calls and records of each phase (reading the org, checks, each apply phase). */
	phases?: PhaseTiming[];
}

export interface PhaseTiming {
	phase: string;
	ms: number;
	calls: number;
	records: number;
}

export interface PublishResult {
	summary: PublishSummary;
	rows: RowOutcome[];
	changeSet: ChangeSet;
	/** Validation problems; when any exist nothing was written. */
	issues: PlanIssue[];
	/** The same problems grouped by cause (lib/issue-groups.ts): one line for 256 users of an unknown domain. */
	issueGroups?: IssueGroup[];
	/** Things to know that did not stop the publish (e.g. hand-made rules kept beside the plan's). */
	warnings: PlanIssue[];
}

export interface ImportOptions extends ConnectionOptions {
	model: ModelTarget;
	/** Export only the subtree under this territory key (the root included). */
	scopeRootKey?: string | null;
	includeAccounts?: boolean;
	accountKeyField?: string;
	onProgress?: ProgressCallback;
}

export interface ImportSummary {
	model: { id: string; developerName: string; name: string; state: string };
	territories: number;
	users: number;
	rules: number;
	accounts: number;
	apiUsage: ApiUsage;
}

export interface ImportResult {
	summary: ImportSummary;
	rows: PlanRow[];
	csv: string;
	/** What the rows cannot say (hand-made rules left out, tool rules edited by hand), per territory key. */
	notes: ExportNote[];
}

/** checkOrg's report (lib/org/check.ts): what the org offers a publish. */
export interface OrgCheckPermissions {
	/** null: not readable by this user. */
	manageTerritories: boolean | null;
	viewAllAccounts: boolean | null;
	viewSetup: boolean | null;
	customizeApplication: boolean | null;
	apiEnabled: boolean | null;
	/** Modify All Data or Modify Metadata: what a Metadata API deploy needs (the rule-link path of some orgs). */
	modifyMetadata: boolean | null;
}

export interface OrgCheckReport {
	/** false when something stops a publish (see problems). */
	ok: boolean;
	user: { id: string | null; username: string | null; name: string | null };
	org: { id: string | null; name: string | null; edition: string | null; isSandbox: boolean | null; instanceUrl: string };
	apiVersion: string;
	salesTerritoriesEnabled: boolean;
	permissions: OrgCheckPermissions;
	/** How rule links will be written: REST when RuleTerritory2Association is createable, else the Metadata API. */
	ruleLinks: 'rest' | 'metadata';
	stateCountryPicklists: boolean;
	sharing: { account: string | null; opportunity: string | null; case: string | null };
	models: { count: number; limit: number | null; left: number | null; list: { developerName: string; state: string }[] };
	apiRequests: { max: number; remaining: number } | null;
	/** What stops a publish, each with what to change. */
	problems: string[];
	/** Worth knowing, stops nothing (e.g. no room for another model: publishing into an existing one still works). */
	notes: string[];
	/** The report in plain lines. */
	text: string;
}

/** Problems one fix solves, told once (lib/issue-groups.ts): the same cause on many rows. */
export interface IssueGroup {
	code: IssueCode;
	column: string | null;
	/** Plan rows, ascending (0 for plan-wide problems). */
	rows: number[];
	/** One line: the cause, without the place (rows and column are beside it). */
	message: string;
	issues: PlanIssue[];
}
