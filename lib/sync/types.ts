/**
 * What the org holds (OrgSnapshot) and what must change (ChangeSet). Diff is a pure function
 * (plan, snapshot, options) → ChangeSet; `lib/org/apply.ts` writes a ChangeSet.
 */
import type { IssueCode } from '../issue-codes';
import type { SObjectName } from '../salesforce';

export interface SnapshotModel {
	id: string;
	name: string;
	developerName: string;
	description: string | null;
	state: string;
}

export interface SnapshotType {
	id: string;
	developerName: string;
	masterLabel: string;
	priority: number;
	description: string | null;
}

export interface SnapshotTerritory {
	id: string;
	name: string;
	developerName: string;
	parentId: string | null;
	typeId: string;
	description: string | null;
	accountAccessLevel: string | null;
	opportunityAccessLevel: string | null;
	caseAccessLevel: string | null;
	forecastUserId: string | null;
}

export interface SnapshotRuleItem {
	id: string;
	sortOrder: number;
	/** As stored; may carry the "Account." prefix. */
	field: string;
	operation: string;
	value: string | null;
}

export interface SnapshotRule {
	id: string;
	developerName: string;
	masterLabel: string;
	isActive: boolean;
	booleanFilter: string | null;
	items: SnapshotRuleItem[];
}

export interface SnapshotRuleAssociation {
	id: string;
	ruleId: string;
	territoryId: string;
	isInherited: boolean;
}

export interface SnapshotUserAssociation {
	id: string;
	userId: string;
	territoryId: string;
	role: string | null;
}

export interface SnapshotAccountAssociation {
	id: string;
	/** Account Id. */
	objectId: string;
	territoryId: string;
}

export interface SnapshotUser {
	id: string;
	username: string;
	email: string | null;
	federationIdentifier: string | null;
	isActive: boolean;
	name: string | null;
}

export interface SnapshotAccount {
	id: string;
	/** The value of the chosen external key field, when one is used. */
	externalKey: string | null;
}

/** A model and everything in it, plus the org records the plan refers to. */
export interface OrgSnapshot {
	/** null when the target model does not exist yet. */
	model: SnapshotModel | null;
	/** All models of the org (to count against the edition's limit and refuse archived names). */
	models: SnapshotModel[];
	types: SnapshotType[];
	territories: SnapshotTerritory[];
	rules: SnapshotRule[];
	ruleAssociations: SnapshotRuleAssociation[];
	userAssociations: SnapshotUserAssociation[];
	/** Manual assignments (AssociationCause = Territory2Manual) only. */
	accountAssociations: SnapshotAccountAssociation[];
	/** Users the plan refers to, and users assigned in the model. */
	users: SnapshotUser[];
	/** Accounts the plan refers to, and accounts assigned manually in the model. */
	accounts: SnapshotAccount[];
	/** RoleInTerritory2 picklist values of the org. */
	roles: string[];
	/**
	 * What the org's own describe says (lib/org/describe.ts). Absent in hand-built snapshots: the engine
	 * then assumes a full-access org with today's defaults.
	 */
	describe?: OrgDescribe;
}

/** Object-level rights of the connected user, as the org's describe reports them. */
export interface ObjectRights {
	createable: boolean;
	updateable: boolean;
	deletable: boolean;
}

/**
 * The org's metadata that decides how a plan is written: the describe is the authority at run time,
 * not our beliefs about Salesforce (shared/docs/salesforce-territories.md, corrections table).
 */
export interface OrgDescribe {
	/** Per object the engine writes; an object missing here was not described (treated as allowed). */
	objects: Partial<Record<SObjectName, ObjectRights>>;
	/**
	 * Active values of the picklists the engine writes, exactly as the org lists them; a key is absent
	 * when the org lists no values for it (then nothing is checked against it).
	 */
	picklists: {
		ruleItemField?: string[];
		ruleItemOperation?: string[];
		accountAccess?: string[];
		opportunityAccess?: string[];
		caseAccess?: string[];
		modelState?: string[];
	};
	/** Account fields visible to the user (field-level security applies): lower-cased name → describe type. */
	accountFields: Record<string, string> | null;
	/** State and Country/Territory Picklists: Account describes BillingStateCode / BillingCountryCode. */
	statePicklists: boolean;
	countryPicklists: boolean;
	/** Organization-wide sharing defaults (Organization.DefaultAccountAccess, …); null when unknown. */
	sharing: { account: string | null; opportunity: string | null; case: string | null };
}

export type PublishMethod = 'add' | 'overwriteMatching' | 'overwriteAll';

export interface DiffOptions {
	/** Target model DeveloperName (used when the model must be created). */
	modelDeveloperName: string;
	/** Model label when created; defaults to the DeveloperName. */
	modelName?: string;
	/** Territory key (DeveloperName) the plan is published under; null = model root. */
	scopeRootKey: string | null;
	method: PublishMethod;
	/** Delete territories in scope that the plan does not name (off by default; implied by overwriteAll). */
	deleteMissing: boolean;
	/** Touch hand-made (non TP_) rules of territories in scope (never by default). */
	touchHandMadeRules: boolean;
	/** Create territory types the plan names that the org lacks, with a free unique priority. */
	createMissingTypes: boolean;
	/** Publish into an Active model (refused unless set). */
	allowActiveModel: boolean;
	/** Manage manual account assignments (the Accounts column). */
	manageAccounts: boolean;
	/** Territories the model may hold once applied; LIMITS.territoriesPerModel unless Salesforce support raised it. */
	maxTerritoriesPerModel?: number;
}

/** A field value that is the Id of a record created earlier in the same apply. */
export interface RecordRef {
	$ref: string;
}
export type FieldValue = string | number | boolean | null | RecordRef;

export type ChangeAction = 'create' | 'update' | 'delete';

export interface FieldChange {
	field: string;
	from: unknown;
	to: unknown;
}

export interface Change {
	/** Stable id within the change set, e.g. "Territory2:Bay_Area"; RecordRef.$ref points here. */
	id: string;
	object: SObjectName;
	action: ChangeAction;
	/** Existing record Id for update and delete. */
	recordId: string | null;
	/**
	 * For an update of a record created earlier in the same apply (a new rule's BooleanFilter, a new
	 * territory's ForecastUserId): the id of the change that creates it; recordId is then null.
	 */
	recordRef?: string;
	/** What a person recognises: a territory key, "Bay_Area → ana@acme.example", a rule name. */
	label: string;
	/** For create: all fields; for update: only the changed fields. Values may be RecordRefs. */
	fields: Record<string, FieldValue>;
	/** For update: old → new per field. */
	diff: FieldChange[];
	/** Why: "new in plan", "Description changed", "not in plan (deleteMissing)". */
	reason: string;
	/** Plan rows this change serves (empty for org-only deletes). */
	rows: number[];
	/** Change ids that must succeed first (RecordRefs and ordering constraints). */
	dependsOn: string[];
	/** Apply phase; changes run phase by phase in ascending order. */
	phase: number;
	/**
	 * For a RuleTerritory2Association create or delete: the DeveloperNames the Metadata API names the link by
	 * (Territory2 component "<model>.<territory>", ruleAssociations ruleName), for orgs whose describe says
	 * the object cannot be created through REST (lib/org/metadata-links.ts).
	 */
	ruleLink?: { territoryDeveloperName: string; ruleDeveloperName: string };
}

export interface ChangeSet {
	modelDeveloperName: string;
	/** Existing model Id, or null when the change set creates it. */
	modelId: string | null;
	/** In apply order: phase ascending, then deterministic order within a phase. */
	changes: Change[];
	/** Problems that make the plan unpublishable against this org (unknown users, types, limits). */
	issues: import('../plan/types').PlanIssue[];
	/**
	 * What will be written is what the plan says, but the org will not behave exactly as the plan reads
	 * (e.g. hand-made rules kept beside the plan's rules). Never blocks a publish.
	 */
	warnings: import('../plan/types').PlanIssue[];
	/**
	 * The territories of the publish scope as they will hang once the change set is applied, plus those it
	 * deletes (hierarchy.ts): what a report draws as a tree. Absent in change sets built by hand.
	 */
	territories?: TerritoryNode[];
}

/** One territory of the hierarchy a change set leads to (or deletes). */
export interface TerritoryNode {
	key: string;
	name: string;
	/** Parent's key once applied (a deleted territory: today's); null at the top of the model. */
	parentKey: string | null;
	/** The org record, null for a territory the change set creates. */
	recordId: string | null;
	/** Plan rows of the territory; empty for an org territory the plan does not name. */
	rows: number[];
	/** Users once applied, "username (Role)". */
	users: string[];
	/** Assignment rules in words: the plan's rule columns, or the names of the org's rules linked to it. */
	rules: string[];
}

/** What exportPlan takes (Import's options, in the diff's terms). */
export interface ExportOptions {
	/** Export only this territory and its descendants (the root has no Parent in the plan). */
	scopeRootKey?: string | null;
	/** Include manual account assignments (external key when known, else the Account Id). */
	includeAccounts?: boolean;
}

export interface ExportNote {
	key: string;
	code: Extract<IssueCode, 'HAND_MADE_RULES_NOT_EXPORTED' | 'RULES_NOT_EXACT'>;
	message: string;
}

/** A record's fields as the fingerprint of a reviewed change set keeps them (lib/sync/fingerprint.ts); null: the record is absent. */
export type StateFields = Record<string, string | number | boolean | null> | null;

export interface OrgFingerprint {
	/** sha256 over the entries, in key order. */
	hash: string;
	/** Natural key ("Territory2:Bay_Area", "UserTerritory2Association:Bay_Area|ana@acme.example") → fields. */
	entries: Record<string, StateFields>;
}

/** One difference between the state a change set was computed against and the org now. */
export interface StateDifference {
	/** The record, by natural key. */
	record: string;
	/** The field that changed; null when the record appeared or disappeared. */
	field: string | null;
	before: unknown;
	after: unknown;
}
