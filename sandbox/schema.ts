/**
 * The sandbox org's schema: the objects of Sales Territories plus the few standard objects they refer
 * to, with the field metadata describe() returns. Field properties follow the Object Reference
 * (Create / Update / Nillable / Restricted picklist); where it is silent the stricter choice is taken
 * and listed in sandbox/RULES.md.
 */
import type { ChildRelationship, FieldMeta, FieldType, ObjectMeta, SchemaOptions, SharingDefaults, SharingLevel } from './contracts';

export const KEY_PREFIXES = {
	Organization: '00D',
	User: '005',
	Account: '001',
	Territory2Model: '0MA',
	Territory2Type: '0M5',
	Territory2: '0MI',
	ObjectTerritory2AssignmentRule: '0OH',
	ObjectTerritory2AssignmentRuleItem: '0OI',
	RuleTerritory2Association: '0OJ',
	UserTerritory2Association: '0R0',
	ObjectTerritory2Association: '0R1',
	Profile: '00e',
	PermissionSet: '0PS',
	PermissionSetAssignment: '0Pa',
	ObjectPermissions: '110',
} as const;

export type ObjectName = keyof typeof KEY_PREFIXES;

/** The Sales Territories objects (Object Reference). */
export const TERRITORY_OBJECTS: ReadonlySet<string> = new Set([
	'Territory2Model',
	'Territory2Type',
	'Territory2',
	'ObjectTerritory2AssignmentRule',
	'ObjectTerritory2AssignmentRuleItem',
	'RuleTerritory2Association',
	'UserTerritory2Association',
	'ObjectTerritory2Association',
]);

/**
 * The user and permission objects whose Ids come from a sequence of their own (see OrgStore), so that
 * adding them to the seeds left every other seeded Id as it was. Real orgs number each key prefix apart too.
 */
export const PERMISSION_OBJECTS: readonly string[] = ['Profile', 'PermissionSet', 'PermissionSetAssignment', 'ObjectPermissions'];

/**
 * A subset of the values of User's restricted picklists (Object Reference, User: TimeZoneSidKey,
 * LocaleSidKey, EmailEncodingKey, LanguageLocaleKey); a real org offers many more.
 */
export const TIME_ZONES = [
	'America/Los_Angeles',
	'America/Denver',
	'America/Chicago',
	'America/New_York',
	'America/Sao_Paulo',
	'Europe/London',
	'Europe/Paris',
	'Europe/Berlin',
	'Asia/Kolkata',
	'Asia/Tokyo',
	'Australia/Sydney',
	'GMT',
];
export const LOCALES = ['en_US', 'en_GB', 'en_AU', 'en_CA', 'fr_FR', 'fr_CA', 'de_DE', 'es_ES', 'it_IT', 'ja_JP', 'pt_BR', 'nl_NL'];
export const EMAIL_ENCODINGS = ['UTF-8', 'ISO-8859-1', 'Shift_JIS', 'ISO-2022-JP', 'EUC-JP', 'ks_c_5601-1987', 'Big5', 'GB2312'];
export const LANGUAGES = ['en_US', 'en_GB', 'fr', 'de', 'es', 'it', 'ja', 'pt_BR', 'nl_NL', 'zh_CN', 'ko', 'sv'];
/** Profile.UserType values (a subset). */
export const USER_TYPES = ['Standard', 'PowerPartner', 'CsnOnly', 'Guest'];
/**
 * The PermissionSet permission fields the sandbox knows. Real orgs have hundreds (one
 * Permissions{Name} field per permission, Object Reference, PermissionSet); these are the ones
 * Sales Territories work and its checks need.
 */
export const PERMISSION_FIELDS = [
	'PermissionsManageTerritories',
	'PermissionsViewSetup',
	'PermissionsCustomizeApplication',
	'PermissionsApiEnabled',
	'PermissionsViewAllData',
	'PermissionsModifyAllData',
	'PermissionsModifyMetadata',
	'PermissionsManageUsers',
] as const;
export type PermissionField = (typeof PERMISSION_FIELDS)[number];
/** ObjectPermissions' permission fields (Object Reference, ObjectPermissions). */
export const OBJECT_PERMISSION_FIELDS = [
	'PermissionsRead',
	'PermissionsCreate',
	'PermissionsEdit',
	'PermissionsDelete',
	'PermissionsViewAllRecords',
	'PermissionsModifyAllRecords',
] as const;

/**
 * Territory2Model.State: the Object Reference's values, plus Cloning and Cloning Failed, which the
 * Metadata API guide (Territory2Model) also names.
 */
export const MODEL_STATES = [
	'Planning',
	'Activating',
	'Active',
	'Archiving',
	'Archived',
	'Cloning',
	'Deleting',
	'Activation Failed',
	'Archiving Failed',
	'Cloning Failed',
	'Deletion Failed',
];

export const RULE_OPERATIONS = [
	'equals',
	'notEqual',
	'lessThan',
	'greaterThan',
	'lessOrEqual',
	'greaterOrEqual',
	'contains',
	'notContain',
	'startsWith',
	'includes',
	'excludes',
	'within',
];

export const ACCOUNT_ACCESS_LEVELS = ['Read', 'Edit', 'All'];
export const OPPORTUNITY_CASE_ACCESS_LEVELS = ['None', 'Read', 'Edit'];
export const ASSOCIATION_CAUSES = ['Territory2Manual', 'Territory2AssignmentRule'];
export const EDITIONS = ['Developer', 'Enterprise', 'Performance', 'Unlimited'];

/** Organization-wide sharing defaults (Organization.DefaultAccountAccess, …): Private, Public Read Only, Public Read/Write (/Transfer). */
export const SHARING_LEVELS: readonly SharingLevel[] = ['None', 'Read', 'Edit', 'ReadEditTransfer'];
export const PRIVATE_SHARING: SharingDefaults = { account: 'None', opportunity: 'None', case: 'None' };
export const isPublicReadWrite = (level: SharingLevel): boolean => level === 'Edit' || level === 'ReadEditTransfer';

/** US states of the demo accounts and a few countries, for the State and Country/Territory Picklists. */
export const STATE_NAMES: Record<string, string> = {
	AZ: 'Arizona', CA: 'California', CO: 'Colorado', CT: 'Connecticut', FL: 'Florida', GA: 'Georgia', ID: 'Idaho',
	IL: 'Illinois', IN: 'Indiana', LA: 'Louisiana', MA: 'Massachusetts', MD: 'Maryland', MI: 'Michigan', MN: 'Minnesota',
	MO: 'Missouri', NC: 'North Carolina', NJ: 'New Jersey', NV: 'Nevada', NY: 'New York', OH: 'Ohio', OK: 'Oklahoma',
	OR: 'Oregon', PA: 'Pennsylvania', TN: 'Tennessee', TX: 'Texas', UT: 'Utah', WA: 'Washington', WI: 'Wisconsin',
};
export const COUNTRY_NAMES: Record<string, string> = { US: 'United States', CA: 'Canada', MX: 'Mexico', GB: 'United Kingdom', FR: 'France', DE: 'Germany' };

type FieldOptions = Partial<Omit<FieldMeta, 'name' | 'type'>>;

const LENGTHS: Partial<Record<FieldType, number>> = { id: 18, reference: 18, boolean: 0, int: 0, double: 0, datetime: 0, date: 0 };

function labelOf(name: string): string {
	return name
		.replace(/__c$/, '')
		.replace(/Id$/, ' ID')
		.replace(/_/g, ' ')
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.trim();
}

/** A createable, updateable, nillable field unless options say otherwise. */
function field(name: string, type: FieldType, options: FieldOptions = {}): FieldMeta {
	return {
		name,
		label: options.label ?? labelOf(name),
		type,
		length: options.length ?? LENGTHS[type] ?? 255,
		createable: true,
		updateable: true,
		nillable: true,
		filterable: true,
		...options,
	};
}

/** Not nillable, must be given on create. */
function required(name: string, type: FieldType, options: FieldOptions = {}): FieldMeta {
	return field(name, type, { nillable: false, required: true, ...options });
}

/** Settable on create only (the Object Reference's "Create" without "Update"). */
function createOnly(name: string, type: FieldType, options: FieldOptions = {}): FieldMeta {
	return field(name, type, { updateable: false, ...options });
}

/** Set by Salesforce, never by callers. */
function readOnly(name: string, type: FieldType, options: FieldOptions = {}): FieldMeta {
	return field(name, type, { createable: false, updateable: false, ...options });
}

function ref(to: string, relationshipName: string): FieldOptions {
	return { referenceTo: [to], relationshipName };
}

function picklist(values: string[], restricted = true): FieldOptions {
	return { picklistValues: values, restrictedPicklist: restricted };
}

function systemFields(): FieldMeta[] {
	const sys = { createable: false, updateable: false, system: true };
	return [
		field('Id', 'id', { ...sys, nillable: false }),
		field('IsDeleted', 'boolean', { ...sys, nillable: false }),
		field('CreatedDate', 'datetime', { ...sys, nillable: false }),
		field('CreatedById', 'reference', { ...sys, nillable: false, ...ref('User', 'CreatedBy') }),
		field('LastModifiedDate', 'datetime', { ...sys, nillable: false }),
		field('LastModifiedById', 'reference', { ...sys, nillable: false, ...ref('User', 'LastModifiedBy') }),
		field('SystemModstamp', 'datetime', { ...sys, nillable: false }),
	];
}

interface ObjectSpec {
	label: string;
	fields: FieldMeta[];
	createable?: boolean;
	updateable?: boolean;
	deletable?: boolean;
}

function accountFields(options: SchemaOptions): FieldMeta[] {
	return [
		required('Name', 'string', { length: 255, label: 'Account Name' }),
		field('AccountNumber', 'string', { length: 40 }),
		field('Industry', 'picklist', {
			length: 255,
			...picklist(
				['Agriculture', 'Banking', 'Biotechnology', 'Construction', 'Education', 'Energy', 'Healthcare', 'Manufacturing', 'Retail', 'Technology', 'Transportation', 'Other'],
				false,
			),
		}),
		field('BillingStreet', 'textarea', { length: 255 }),
		field('BillingCity', 'string', { length: 40 }),
		field('BillingState', 'string', { length: 80, label: 'Billing State/Province' }),
		field('BillingPostalCode', 'string', { length: 20, label: 'Billing Zip/Postal Code' }),
		field('BillingCountry', 'string', { length: 80 }),
		// The compound address (read-only: its parts are written): what a `within` rule item tests.
		readOnly('BillingAddress', 'address', { length: 0 }),
		...(options.stateCountryPicklists
			? [
					field('BillingStateCode', 'picklist', { length: 255, label: 'Billing State/Province Code', ...picklist(Object.keys(STATE_NAMES)) }),
					field('BillingCountryCode', 'picklist', { length: 255, label: 'Billing Country Code', ...picklist(Object.keys(COUNTRY_NAMES)) }),
				]
			: []),
		field('OwnerId', 'reference', { ...ref('User', 'Owner'), nillable: false }),
		field('External_Key__c', 'string', { length: 64, externalId: true, label: 'External Key' }),
	];
}

function buildSchema(roles: string[], options: SchemaOptions): Record<ObjectName, ObjectSpec> {
	const account = accountFields(options);
	const qualified = (options.ruleItemFieldForm ?? 'qualified') === 'qualified';
	const ruleFields = account.filter((f) => f.type !== 'reference').map((f) => (qualified ? `Account.${f.name}` : f.name));
	const sharing = options.sharing ?? PRIVATE_SHARING;
	// With a Public Read/Write default no level may be set (Metadata API, Territory2), so the field stays empty.
	const accessLevel = (name: string, values: string[], level: SharingLevel) =>
		field(name, 'picklist', { length: 40, nillable: name !== 'AccountAccessLevel' && isPublicReadWrite(level), ...picklist(values) });
	const sharingField = (name: string) => readOnly(name, 'picklist', { length: 40, nillable: false, ...picklist([...SHARING_LEVELS]) });
	return {
		Organization: {
			label: 'Organization',
			createable: false,
			updateable: false,
			deletable: false,
			fields: [
				readOnly('Name', 'string', { length: 80 }),
				readOnly('OrganizationType', 'picklist', { length: 40, ...picklist(EDITIONS.map((e) => `${e} Edition`)) }),
				readOnly('IsSandbox', 'boolean'),
				readOnly('InstanceName', 'string', { length: 5 }),
				readOnly('DefaultLocaleSidKey', 'string', { length: 40 }),
				readOnly('TimeZoneSidKey', 'string', { length: 40 }),
				sharingField('DefaultAccountAccess'),
				sharingField('DefaultOpportunityAccess'),
				sharingField('DefaultCaseAccess'),
				// Object Reference, Organization: null TrialExpirationDate and NamespacePrefix = a production
				// org without a namespace. The Salesforce CLI selects both after every login (sfdx-core Org).
				readOnly('TrialExpirationDate', 'datetime'),
				readOnly('NamespacePrefix', 'string', { length: 15 }),
			],
		},
		User: {
			label: 'User',
			deletable: false,
			fields: [
				required('Username', 'string', { length: 80 }),
				required('Email', 'email', { length: 128 }),
				field('FirstName', 'string', { length: 40 }),
				required('LastName', 'string', { length: 80 }),
				readOnly('Name', 'string', { length: 121, label: 'Full Name' }),
				required('Alias', 'string', { length: 8 }),
				field('Title', 'string', { length: 80 }),
				field('Department', 'string', { length: 80 }),
				field('FederationIdentifier', 'string', { length: 512, label: 'SAML Federation ID' }),
				field('IsActive', 'boolean', { nillable: false, label: 'Active' }),
				field('EmployeeNumber', 'string', { length: 20 }),
				// Required on create with the next four (Object Reference, User; Salesforce CLI's org/user REQUIRED_FIELDS).
				required('ProfileId', 'reference', { ...ref('Profile', 'Profile'), label: 'Profile ID' }),
				required('TimeZoneSidKey', 'picklist', { length: 40, label: 'Time Zone', ...picklist(TIME_ZONES) }),
				required('LocaleSidKey', 'picklist', { length: 40, label: 'Locale', ...picklist(LOCALES) }),
				required('EmailEncodingKey', 'picklist', { length: 40, label: 'Email Encoding', ...picklist(EMAIL_ENCODINGS) }),
				required('LanguageLocaleKey', 'picklist', { length: 40, label: 'Language', ...picklist(LANGUAGES) }),
			],
		},
		Account: {
			label: 'Account',
			fields: account,
		},
		Territory2Model: {
			label: 'Territory Model',
			fields: [
				required('Name', 'string', { length: 80, label: 'Label' }),
				required('DeveloperName', 'string', { length: 80, label: 'Territory Model Name' }),
				field('Description', 'textarea', { length: 255 }),
				readOnly('State', 'picklist', { length: 255, nillable: false, ...picklist(MODEL_STATES) }),
				readOnly('ActivatedDate', 'datetime'),
				readOnly('DeactivatedDate', 'datetime'),
				readOnly('LastRunRulesEndDate', 'datetime'),
				readOnly('LastOppTerrAssignEndDate', 'datetime'),
				readOnly('IsCloneSource', 'boolean', { nillable: false }),
			],
		},
		Territory2Type: {
			label: 'Territory Type',
			fields: [
				required('DeveloperName', 'string', { length: 80, label: 'Territory Type Name' }),
				required('MasterLabel', 'string', { length: 80, label: 'Label' }),
				required('Priority', 'int'),
				field('Description', 'textarea', { length: 255 }),
			],
		},
		Territory2: {
			label: 'Territory',
			fields: [
				required('Name', 'string', { length: 80, label: 'Label' }),
				required('DeveloperName', 'string', { length: 80, label: 'Territory Name' }),
				createOnly('Territory2ModelId', 'reference', { ...ref('Territory2Model', 'Territory2Model'), nillable: false, required: true }),
				required('Territory2TypeId', 'reference', ref('Territory2Type', 'Territory2Type')),
				field('ParentTerritory2Id', 'reference', ref('Territory2', 'ParentTerritory2')),
				field('Description', 'string', { length: 1000, label: 'Territory Description' }),
				accessLevel('AccountAccessLevel', ACCOUNT_ACCESS_LEVELS, sharing.account),
				accessLevel('OpportunityAccessLevel', OPPORTUNITY_CASE_ACCESS_LEVELS, sharing.opportunity),
				accessLevel('CaseAccessLevel', OPPORTUNITY_CASE_ACCESS_LEVELS, sharing.case),
				readOnly('ContactAccessLevel', 'picklist', { length: 40, ...picklist(OPPORTUNITY_CASE_ACCESS_LEVELS) }),
				// The Object Reference lists Update but not Create: a forecast manager is set after assigning users.
				field('ForecastUserId', 'reference', { ...ref('User', 'ForecastUser'), createable: false, label: 'Forecast Manager' }),
			],
		},
		ObjectTerritory2AssignmentRule: {
			label: 'Object Territory Assignment Rule',
			fields: [
				required('DeveloperName', 'string', { length: 80, label: 'Unique Name' }),
				required('MasterLabel', 'string', { length: 80, label: 'Rule Name' }),
				createOnly('ObjectType', 'picklist', { length: 40, nillable: false, required: true, ...picklist(['Account']) }),
				createOnly('Territory2ModelId', 'reference', { ...ref('Territory2Model', 'Territory2Model'), nillable: false, required: true }),
				field('IsActive', 'boolean', { nillable: false }),
				field('BooleanFilter', 'string', { length: 255 }),
			],
		},
		ObjectTerritory2AssignmentRuleItem: {
			label: 'Object Territory Assignment Rule Item',
			fields: [
				createOnly('RuleId', 'reference', { ...ref('ObjectTerritory2AssignmentRule', 'Rule'), nillable: false, required: true }),
				required('SortOrder', 'int'),
				required('Field', 'picklist', { length: 255, ...picklist(ruleFields) }),
				required('Operation', 'picklist', { length: 40, ...picklist(RULE_OPERATIONS) }),
				field('Value', 'string', { length: 1000 }),
			],
		},
		RuleTerritory2Association: {
			label: 'Rule Territory Association',
			updateable: false,
			fields: [
				createOnly('RuleId', 'reference', { ...ref('ObjectTerritory2AssignmentRule', 'Rule'), nillable: false, required: true }),
				createOnly('Territory2Id', 'reference', { ...ref('Territory2', 'Territory2'), nillable: false, required: true }),
				createOnly('IsInherited', 'boolean', { nillable: false, label: 'Apply to Child Territories' }),
			],
		},
		UserTerritory2Association: {
			label: 'User Territory Association',
			updateable: false,
			fields: [
				createOnly('UserId', 'reference', { ...ref('User', 'User'), nillable: false, required: true }),
				createOnly('Territory2Id', 'reference', { ...ref('Territory2', 'Territory2'), nillable: false, required: true }),
				createOnly('RoleInTerritory2', 'picklist', { length: 255, label: 'Role in Territory', ...picklist(roles) }),
				readOnly('IsActive', 'boolean', { nillable: false }),
			],
		},
		ObjectTerritory2Association: {
			label: 'Object Territory Association',
			updateable: false,
			fields: [
				createOnly('ObjectId', 'reference', { referenceTo: ['Account'], relationshipName: 'Object', nillable: false, required: true }),
				createOnly('Territory2Id', 'reference', { ...ref('Territory2', 'Territory2'), nillable: false, required: true }),
				createOnly('AssociationCause', 'picklist', { length: 40, nillable: false, required: true, label: 'Method', ...picklist(ASSOCIATION_CAUSES) }),
				readOnly('SobjectType', 'picklist', { length: 40, ...picklist(['Account']) }),
			],
		},
		// Object Reference, Profile: read through the API (query, retrieve, describe); the sandbox takes no profile writes.
		Profile: {
			label: 'Profile',
			createable: false,
			updateable: false,
			deletable: false,
			fields: [readOnly('Name', 'string', { length: 255 }), readOnly('UserType', 'picklist', { length: 40, ...picklist(USER_TYPES) })],
		},
		// Object Reference, PermissionSet: Name and Label Create/Update; IsOwnedByProfile and ProfileId set by Salesforce.
		PermissionSet: {
			label: 'Permission Set',
			fields: [
				required('Name', 'string', { length: 80, label: 'Permission Set Name' }),
				required('Label', 'string', { length: 80, label: 'Permission Set Label' }),
				field('Description', 'string', { length: 255 }),
				readOnly('IsOwnedByProfile', 'boolean', { nillable: false, label: 'Is Owned By Profile' }),
				readOnly('ProfileId', 'reference', { ...ref('Profile', 'Profile'), label: 'Profile ID' }),
				...PERMISSION_FIELDS.map((name) => field(name, 'boolean', { nillable: false })),
			],
		},
		// Object Reference, PermissionSetAssignment: create, delete, query (AssigneeId and PermissionSetId are Create only).
		PermissionSetAssignment: {
			label: 'Permission Set Assignment',
			updateable: false,
			fields: [
				createOnly('AssigneeId', 'reference', { ...ref('User', 'Assignee'), nillable: false, required: true, label: 'Assignee ID' }),
				createOnly('PermissionSetId', 'reference', {
					...ref('PermissionSet', 'PermissionSet'),
					nillable: false,
					required: true,
					label: 'Permission Set ID',
				}),
			],
		},
		// Object Reference, ObjectPermissions: ParentId (Create) names the permission set; the rest Create/Update.
		ObjectPermissions: {
			label: 'Object Permissions',
			fields: [
				createOnly('ParentId', 'reference', { ...ref('PermissionSet', 'Parent'), nillable: false, required: true, label: 'Parent ID' }),
				createOnly('SobjectType', 'picklist', { length: 40, nillable: false, required: true, label: 'SObject Type Name' }),
				...OBJECT_PERMISSION_FIELDS.map((name) => field(name, 'boolean', { nillable: false })),
			],
		},
	};
}

const CHILD_RELATIONSHIPS: Record<string, ChildRelationship[]> = {
	User: [
		{ relationshipName: 'UserTerritory2Associations', childSObject: 'UserTerritory2Association', field: 'UserId' },
		{ relationshipName: 'PermissionSetAssignments', childSObject: 'PermissionSetAssignment', field: 'AssigneeId' },
	],
	Account: [{ relationshipName: 'ObjectTerritory2Associations', childSObject: 'ObjectTerritory2Association', field: 'ObjectId' }],
	Territory2Model: [
		{ relationshipName: 'Territories', childSObject: 'Territory2', field: 'Territory2ModelId' },
		{ relationshipName: 'ObjectTerritory2AssignmentRules', childSObject: 'ObjectTerritory2AssignmentRule', field: 'Territory2ModelId' },
	],
	Territory2Type: [{ relationshipName: 'Territories', childSObject: 'Territory2', field: 'Territory2TypeId' }],
	Territory2: [
		{ relationshipName: 'ChildTerritories', childSObject: 'Territory2', field: 'ParentTerritory2Id' },
		{ relationshipName: 'UserTerritory2Associations', childSObject: 'UserTerritory2Association', field: 'Territory2Id' },
		{ relationshipName: 'ObjectTerritory2Associations', childSObject: 'ObjectTerritory2Association', field: 'Territory2Id' },
		{ relationshipName: 'RuleTerritory2Associations', childSObject: 'RuleTerritory2Association', field: 'Territory2Id' },
	],
	ObjectTerritory2AssignmentRule: [
		{ relationshipName: 'RuleItems', childSObject: 'ObjectTerritory2AssignmentRuleItem', field: 'RuleId' },
		{ relationshipName: 'RuleTerritory2Associations', childSObject: 'RuleTerritory2Association', field: 'RuleId' },
	],
	PermissionSet: [
		{ relationshipName: 'Assignments', childSObject: 'PermissionSetAssignment', field: 'PermissionSetId' },
		{ relationshipName: 'ObjectPerms', childSObject: 'ObjectPermissions', field: 'ParentId' },
	],
};

/** Every object of the sandbox org, with the given roles as RoleInTerritory2's picklist. */
export function createSchema(roles: string[], options: SchemaOptions = {}): ObjectMeta[] {
	const specs = buildSchema(roles, options);
	return (Object.keys(specs) as ObjectName[]).map((name) => {
		const spec = specs[name];
		return {
			name,
			label: spec.label,
			keyPrefix: KEY_PREFIXES[name],
			fields: [...systemFields(), ...spec.fields],
			childRelationships: CHILD_RELATIONSHIPS[name] ?? [],
			createable: spec.createable ?? true,
			updateable: spec.updateable ?? true,
			deletable: spec.deletable ?? true,
			queryable: true,
		};
	});
}
