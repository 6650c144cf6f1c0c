/**
 * The sandbox org's starting data. seedEmpty: the organisation, its profiles and permission sets,
 * and the integration user the API logs in as. seedDemo: a believable sales org on top (users,
 * accounts with US billing addresses, territory types and, optionally, an Active model).
 * seedPlanner: a second API user without Manage Territories, added last so that no other seeded Id
 * moves. Everything is deterministic: the same call gives the same records, so tests and demos can
 * name them.
 */
import type { SRecord } from './contracts';
import type { OrgStore } from './store';
import { prng } from './random';
import { PERMISSION_FIELDS, STATE_NAMES, type PermissionField } from './schema';

export const INTEGRATION_USERNAME = 'admin@territory-sandbox.example';
/** A Standard User: no Manage Territories, so it sees only the Active model (seedPlanner). */
export const PLANNER_USERNAME = 'planner@territory-sandbox.example';

export const PROFILE_NAMES = { admin: 'System Administrator', standard: 'Standard User' } as const;
/** A permission set that grants Manage Territories (with View Setup, which it needs), assigned to nobody. */
export const TERRITORY_MANAGER_PERMISSION_SET = 'Territory_Manager';

/** Locale settings every seeded user gets (User's required Sid keys). */
export const SEED_USER_LOCALE = {
	TimeZoneSidKey: 'America/Los_Angeles',
	LocaleSidKey: 'en_US',
	EmailEncodingKey: 'UTF-8',
	LanguageLocaleKey: 'en_US',
} as const;

const ALL_PERMISSIONS = Object.fromEntries(PERMISSION_FIELDS.map((p) => [p, true])) as Record<PermissionField, boolean>;
const NO_PERMISSIONS = Object.fromEntries(PERMISSION_FIELDS.map((p) => [p, false])) as Record<PermissionField, boolean>;
const ALL_OBJECT_PERMISSIONS = {
	PermissionsRead: true,
	PermissionsCreate: true,
	PermissionsEdit: true,
	PermissionsDelete: true,
	PermissionsViewAllRecords: true,
	PermissionsModifyAllRecords: true,
};
export const ORG_NAME = 'Acme Demo (Territory Sandbox)';
export const DEMO_DOMAIN = 'acme-demo.example';

export interface DemoUser {
	firstName: string;
	lastName: string;
	username: string;
	email: string;
	federationIdentifier: string;
	title: string;
	active: boolean;
}

const FIRST_NAMES = [
	'Ana', 'Ben', 'Carla', 'David', 'Elena', 'Frank', 'Grace', 'Hiro', 'Isabel', 'James',
	'Keiko', 'Liam', 'Maria', 'Noah', 'Olivia', 'Pedro', 'Quinn', 'Rosa', 'Samuel', 'Tara',
	'Umar', 'Vera', 'William', 'Ximena', 'Yusuf', 'Zoe', 'Aaron', 'Bianca', 'Carlos', 'Diana',
	'Ethan', 'Fatima', 'George', 'Hannah', 'Ivan', 'Julia', 'Kevin', 'Laura', 'Marcus', 'Nina',
	'Oscar', 'Priya', 'Rafael', 'Sofia', 'Thomas', 'Uma', 'Victor', 'Wendy', 'Xavier', 'Yara',
];
const LAST_NAMES = [
	'Lopez', 'Carter', 'Nguyen', 'Kim', 'Rossi', 'Miller', 'Okafor', 'Tanaka', 'Garcia', 'Smith',
	'Sato', 'Murphy', 'Silva', 'Johnson', 'Brown', 'Alvarez', 'Walsh', 'Diaz', 'Cohen', 'Patel',
	'Haddad', 'Novak', 'Turner', 'Ramirez', 'Aydin', 'Fischer', 'Goldberg', 'Conti', 'Mendoza', 'Park',
	'Wright', 'Rahman', 'Baker', 'Schultz', 'Petrov', 'Moreau', 'Oconnor', 'Jensen', 'Reed', 'Kowalski',
	'Lindqvist', 'Sharma', 'Costa', 'Romano', 'Hughes', 'Iyer', 'Castro', 'Young', 'Dubois', 'Hassan',
];
const TITLES = ['Account Executive', 'Sales Representative', 'Regional Sales Manager', 'District Manager', 'Sales Operations Analyst'];
/** Every tenth user from the fifth is inactive (5 of 50). */
const isInactive = (i: number): boolean => i % 10 === 4;

export const DEMO_USERS: readonly DemoUser[] = FIRST_NAMES.map((firstName, i) => {
	const lastName = LAST_NAMES[i];
	const local = `${firstName}.${lastName}`.toLowerCase();
	return {
		firstName,
		lastName,
		username: `${local}@${DEMO_DOMAIN}`,
		email: `${local}@${DEMO_DOMAIN}`,
		federationIdentifier: `E${String(10001 + i)}`,
		title: TITLES[i % TITLES.length],
		active: !isInactive(i),
	};
});

/** Usernames tests can rely on. */
export const DEMO_USERNAMES = {
	anaLopez: 'ana.lopez@acme-demo.example',
	benCarter: 'ben.carter@acme-demo.example',
	carlaNguyen: 'carla.nguyen@acme-demo.example',
	davidKim: 'david.kim@acme-demo.example',
	/** Inactive: cannot be assigned to territories. */
	elenaRossi: 'elena.rossi@acme-demo.example',
	frankMiller: 'frank.miller@acme-demo.example',
} as const;

export const DEMO_ACCOUNT_COUNT = 2000;

export const DEMO_TYPES = [
	{ DeveloperName: 'Region', MasterLabel: 'Region', Priority: 10, Description: 'Top level of the sales hierarchy' },
	{ DeveloperName: 'District', MasterLabel: 'District', Priority: 20, Description: 'A group of territories within a region' },
	{ DeveloperName: 'Territory', MasterLabel: 'Territory', Priority: 30, Description: 'A single rep territory' },
] as const;

export const DEMO_ACTIVE_MODEL = { Name: 'FY26 Sales', DeveloperName: 'FY26_Sales' } as const;

/** US cities with their state and the first three digits of their ZIP codes. */
const CITIES: [city: string, state: string, zip3: string][] = [
	['San Francisco', 'CA', '941'], ['San Jose', 'CA', '951'], ['Los Angeles', 'CA', '900'], ['San Diego', 'CA', '921'],
	['Sacramento', 'CA', '958'], ['Seattle', 'WA', '981'], ['Portland', 'OR', '972'], ['Boise', 'ID', '837'],
	['Phoenix', 'AZ', '850'], ['Las Vegas', 'NV', '891'], ['Denver', 'CO', '802'], ['Salt Lake City', 'UT', '841'],
	['Dallas', 'TX', '752'], ['Austin', 'TX', '787'], ['Houston', 'TX', '770'], ['Oklahoma City', 'OK', '731'],
	['Chicago', 'IL', '606'], ['Minneapolis', 'MN', '554'], ['Detroit', 'MI', '482'], ['Columbus', 'OH', '432'],
	['Indianapolis', 'IN', '462'], ['St. Louis', 'MO', '631'], ['Milwaukee', 'WI', '532'], ['Kansas City', 'MO', '641'],
	['New York', 'NY', '100'], ['Brooklyn', 'NY', '112'], ['Boston', 'MA', '021'], ['Philadelphia', 'PA', '191'],
	['Pittsburgh', 'PA', '152'], ['Newark', 'NJ', '071'], ['Hartford', 'CT', '061'], ['Baltimore', 'MD', '212'],
	['Atlanta', 'GA', '303'], ['Miami', 'FL', '331'], ['Orlando', 'FL', '328'], ['Tampa', 'FL', '336'],
	['Charlotte', 'NC', '282'], ['Raleigh', 'NC', '276'], ['Nashville', 'TN', '372'], ['New Orleans', 'LA', '701'],
];
const NAME_FIRST = ['Summit', 'Blue Ridge', 'Pioneer', 'Harbor', 'Granite', 'Redwood', 'Lakeside', 'Keystone', 'Silverline', 'Northstar', 'Cedar', 'Evergreen', 'Ironwood', 'Crescent', 'Golden Gate', 'Prairie', 'Atlas', 'Beacon', 'Frontier', 'Meridian'];
const NAME_SECOND = ['Logistics', 'Health', 'Foods', 'Energy', 'Software', 'Manufacturing', 'Capital', 'Biotech', 'Builders', 'Retail', 'Analytics', 'Motors', 'Labs', 'Partners', 'Systems'];
const NAME_SUFFIX = ['Inc.', 'LLC', 'Corp.', 'Group', 'Co.'];
const INDUSTRIES = ['Technology', 'Healthcare', 'Manufacturing', 'Retail', 'Energy', 'Banking', 'Transportation', 'Construction', 'Education', 'Biotechnology'];
const STREETS = ['Main St', 'Market St', 'Oak Ave', 'Pine St', 'Maple Ave', 'Broadway', 'Elm St', 'Washington Blvd', 'Park Ave', 'Lake Dr'];

export interface DemoAccount {
	Name: string;
	AccountNumber: string;
	External_Key__c: string;
	Industry: string;
	BillingStreet: string;
	BillingCity: string;
	BillingState: string;
	BillingPostalCode: string;
	BillingCountry: string;
}

/** The demo accounts, deterministic. */
export function demoAccounts(count = DEMO_ACCOUNT_COUNT): DemoAccount[] {
	const random = prng(20261129);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
	const out: DemoAccount[] = [];
	for (let i = 0; i < count; i++) {
		const [city, state, zip3] = pick(CITIES);
		const n = String(i + 1).padStart(5, '0');
		out.push({
			Name: `${pick(NAME_FIRST)} ${pick(NAME_SECOND)} ${pick(NAME_SUFFIX)} #${i + 1}`,
			AccountNumber: `AC-${n}`,
			External_Key__c: `ACME-${n}`,
			Industry: pick(INDUSTRIES),
			BillingStreet: `${100 + Math.floor(random() * 9800)} ${pick(STREETS)}`,
			BillingCity: city,
			BillingState: state,
			BillingPostalCode: `${zip3}${String(Math.floor(random() * 100)).padStart(2, '0')}`,
			BillingCountry: 'United States',
		});
	}
	return out;
}

/** A profile and the permission set it owns (which holds the profile's permissions). */
function createProfile(store: OrgStore, name: string, permissions: Record<PermissionField, boolean>): { profileId: string; permissionSetId: string } {
	const profileId = store.adminCreate('Profile', { Name: name, UserType: 'Standard' });
	const permissionSetId = store.adminCreate('PermissionSet', {
		// A profile's own permission set is named after the profile's Id, as in a real org.
		Name: `X${profileId.slice(0, 15)}`,
		Label: name,
		IsOwnedByProfile: true,
		ProfileId: profileId,
		...permissions,
	});
	return { profileId, permissionSetId };
}

/**
 * The org's profiles and permission sets: "System Administrator" (every permission, all access to
 * accounts), "Standard User" (API access, read/create/edit accounts; no Manage Territories, no View
 * Setup, no View All Data) and the unassigned permission set Territory_Manager.
 */
function seedPermissions(store: OrgStore): { adminProfileId: string; standardProfileId: string } {
	const admin = createProfile(store, PROFILE_NAMES.admin, ALL_PERMISSIONS);
	store.adminCreate('ObjectPermissions', { ParentId: admin.permissionSetId, SobjectType: 'Account', ...ALL_OBJECT_PERMISSIONS });
	const standard = createProfile(store, PROFILE_NAMES.standard, { ...NO_PERMISSIONS, PermissionsApiEnabled: true });
	store.adminCreate('ObjectPermissions', {
		ParentId: standard.permissionSetId,
		SobjectType: 'Account',
		PermissionsRead: true,
		PermissionsCreate: true,
		PermissionsEdit: true,
	});
	store.adminCreate('PermissionSet', {
		Name: TERRITORY_MANAGER_PERMISSION_SET,
		Label: 'Territory Manager',
		Description: 'Manage Sales Territories models, territories and rules',
		...NO_PERMISSIONS,
		PermissionsManageTerritories: true,
		PermissionsViewSetup: true,
	});
	return { adminProfileId: admin.profileId, standardProfileId: standard.profileId };
}

/** The Id of a profile by name. */
export function profileId(store: OrgStore, name: string): string {
	const profile = store.select('Profile', 'Name', name)[0];
	if (!profile) throw new Error(`The sandbox org has no profile ${name}`);
	return profile.Id;
}

/**
 * Creates the organisation, its profiles and permission sets, and the integration user (System
 * Administrator); points store.currentUserId at the user.
 */
export function seedEmpty(store: OrgStore): { orgId: string; userId: string } {
	return store.transaction(() => {
		const { adminProfileId } = seedPermissions(store);
		const userId = store.adminCreate('User', {
			Username: INTEGRATION_USERNAME,
			Email: INTEGRATION_USERNAME,
			FirstName: 'Integration',
			LastName: 'User',
			Alias: 'integ',
			Title: 'Integration User',
			IsActive: true,
			ProfileId: adminProfileId,
			...SEED_USER_LOCALE,
		});
		store.currentUserId = userId;
		const orgId = store.adminCreate('Organization', {
			Name: ORG_NAME,
			OrganizationType: `${store.settings.edition} Edition`,
			IsSandbox: false,
			InstanceName: 'SBX1',
			DefaultLocaleSidKey: 'en_US',
			TimeZoneSidKey: 'America/Los_Angeles',
			DefaultAccountAccess: store.settings.sharing.account,
			DefaultOpportunityAccess: store.settings.sharing.opportunity,
			DefaultCaseAccess: store.settings.sharing.case,
		});
		return { orgId, userId };
	});
}

export interface DemoOptions {
	/** Also create the Active model "FY26 Sales" with territories and user assignments. */
	activeModel?: boolean;
	/** Number of accounts (default 2,000). */
	accounts?: number;
	/** Extra active users for large plans, named by benchUsername(1..n) (default 0). */
	users?: number;
}

/** The n-th extra user of DemoOptions.users (1-based): bench.rep.00001@acme-demo.example. */
export function benchUsername(n: number): string {
	return `bench.rep.${String(n).padStart(5, '0')}@${DEMO_DOMAIN}`;
}

export interface DemoSeed {
	userIds: Record<string, string>;
	typeIds: Record<'Region' | 'District' | 'Territory', string>;
	activeModelId?: string;
	territoryIds: Record<string, string>;
}

/** Adds the demo sales org on top of whatever is there (usually a seedEmpty org). */
export function seedDemo(store: OrgStore, opts: DemoOptions = {}): DemoSeed {
	return store.transaction(() => {
		const userIds: Record<string, string> = {};
		const standardProfileId = profileId(store, PROFILE_NAMES.standard);
		DEMO_USERS.forEach((u, i) => {
			userIds[u.username] = store.adminCreate('User', {
				Username: u.username,
				Email: u.email,
				FirstName: u.firstName,
				LastName: u.lastName,
				Alias: `${u.firstName.slice(0, 1)}${u.lastName.slice(0, 4)}`.toLowerCase(),
				Title: u.title,
				FederationIdentifier: u.federationIdentifier,
				EmployeeNumber: String(5001 + i),
				IsActive: u.active,
				ProfileId: standardProfileId,
				...SEED_USER_LOCALE,
			});
		});
		for (let n = 1; n <= (opts.users ?? 0); n++) {
			const username = benchUsername(n);
			userIds[username] = store.adminCreate('User', {
				Username: username,
				Email: username,
				FirstName: 'Rep',
				LastName: `Bench ${n}`,
				Alias: `br${n}`.slice(0, 8),
				IsActive: true,
				ProfileId: standardProfileId,
				...SEED_USER_LOCALE,
			});
		}
		const owners = DEMO_USERS.filter((u) => u.active).map((u) => userIds[u.username]);
		demoAccounts(opts.accounts ?? DEMO_ACCOUNT_COUNT).forEach((a, i) => {
			// With State and Country/Territory Picklists the codes are the data and the text fields hold their labels.
			const picklists = store.settings.stateCountryPicklists
				? { BillingStateCode: a.BillingState, BillingState: STATE_NAMES[a.BillingState] ?? a.BillingState, BillingCountryCode: 'US' }
				: {};
			store.adminCreate('Account', { ...a, ...picklists, OwnerId: owners[i % owners.length] });
		});
		const typeIds = {} as DemoSeed['typeIds'];
		for (const t of DEMO_TYPES) typeIds[t.DeveloperName] = store.adminCreate('Territory2Type', { ...t });
		const seed: DemoSeed = { userIds, typeIds, territoryIds: {} };
		if (opts.activeModel) seedActiveModel(store, seed);
		return seed;
	});
}

/** Adds the planner, an active Standard User (no Manage Territories) who can log in with every flow. */
export function seedPlanner(store: OrgStore): string {
	return store.adminCreate('User', {
		Username: PLANNER_USERNAME,
		Email: PLANNER_USERNAME,
		FirstName: 'Territory',
		LastName: 'Planner',
		Alias: 'planner',
		Title: 'Sales Operations Planner',
		IsActive: true,
		ProfileId: profileId(store, PROFILE_NAMES.standard),
		...SEED_USER_LOCALE,
	});
}

/**
 * Brings an org saved before profiles existed up to date: its integration user becomes a System
 * Administrator and every other user a Standard User, with the locale settings of the seeds.
 */
export function upgradeOrg(store: OrgStore): void {
	if (store.records('Profile').length) return;
	store.transaction(() => {
		const { adminProfileId, standardProfileId } = seedPermissions(store);
		for (const user of [...store.records('User')] as SRecord[]) {
			const profile = user.Id === store.currentUserId ? adminProfileId : standardProfileId;
			const filled = Object.fromEntries(Object.entries(SEED_USER_LOCALE).filter(([key]) => !user[key]));
			store.systemUpdate(user.Id, { ...filled, Alias: user.Alias ?? String(user.LastName).slice(0, 8).toLowerCase(), ProfileId: profile });
			const ownSet = store.select('PermissionSet', 'ProfileId', profile)[0];
			store.adminCreate('PermissionSetAssignment', { AssigneeId: user.Id, PermissionSetId: ownSet.Id });
		}
	});
}

/** "FY26 Sales": 2 regions, 4 districts, 8 territories, a rep per territory and a manager per region. */
function seedActiveModel(store: OrgStore, seed: DemoSeed): void {
	const now = store.clock().toISOString();
	const modelId = store.adminCreate('Territory2Model', {
		...DEMO_ACTIVE_MODEL,
		Description: 'Live sales territories for fiscal year 2026',
		State: 'Active',
		ActivatedDate: now,
	});
	seed.activeModelId = modelId;
	const add = (developerName: string, name: string, type: keyof DemoSeed['typeIds'], parent?: string): string => {
		const id = store.adminCreate('Territory2', {
			Name: name,
			DeveloperName: developerName,
			Territory2ModelId: modelId,
			Territory2TypeId: seed.typeIds[type],
			ParentTerritory2Id: parent ? seed.territoryIds[parent] : null,
			AccountAccessLevel: 'Edit',
			OpportunityAccessLevel: 'Read',
			CaseAccessLevel: 'Read',
		});
		seed.territoryIds[developerName] = id;
		return id;
	};
	const layout: [region: string, districts: [string, string[]][]][] = [
		['West', [['Pacific', ['Bay_Area', 'SoCal']], ['Mountain', ['Rockies', 'Desert']]]],
		['East', [['Northeast', ['New_York_Metro', 'New_England']], ['Southeast', ['Florida', 'Carolinas']]]],
	];
	const reps = DEMO_USERS.filter((u) => u.active).map((u) => seed.userIds[u.username]);
	const roles = store.settings.roles;
	const role = (wanted: string, fallback: string | undefined) => (roles.includes(wanted) ? wanted : (fallback ?? null));
	let next = 0;
	const assign = (territoryId: string, roleInTerritory: string | null): string => {
		const userId = reps[next++ % reps.length];
		store.adminCreate('UserTerritory2Association', { UserId: userId, Territory2Id: territoryId, RoleInTerritory2: roleInTerritory });
		return userId;
	};
	for (const [region, districts] of layout) {
		const regionId = add(region, region, 'Region');
		assign(regionId, role('Owner', roles[0]));
		for (const [district, territories] of districts) {
			add(district, district, 'District', region);
			for (const territory of territories) {
				const id = add(territory, territory.replace(/_/g, ' '), 'Territory', district);
				const rep = assign(id, role('Sales Rep', roles[roles.length - 1]));
				store.adminUpdate('Territory2', id, { ForecastUserId: rep });
			}
		}
	}
}
