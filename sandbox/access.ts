/**
 * What a session's user may see and write, from the permission sets they are assigned (their
 * profile's own one included). One function computes it (userAccess); storeForUser turns it into the
 * view of the org the REST routes, SOQL and Bulk 2.0 of that session work on. The store's own rules
 * keep seeing every record, so a name held by a record hidden from the user still clashes.
 */
import { SalesforceError, type ObjectMeta, type SRecord, type WriteCheck } from './contracts';
import type { RestStore } from './http/context';
import type { OrgStore } from './store';
import { TERRITORY_OBJECTS } from './schema';

export interface UserAccess {
	manageTerritories: boolean;
	viewSetup: boolean;
	manageUsers: boolean;
	/** Metadata API deploys need Modify All Data or Modify Metadata (Metadata API guide, user permissions). */
	modifyMetadata: boolean;
}

/** The permissions a user holds: any of their assigned permission sets granting one is enough. */
export function userAccess(store: OrgStore, userId: string): UserAccess {
	const sets = store
		.select('PermissionSetAssignment', 'AssigneeId', userId)
		.map((a) => store.get(String(a.PermissionSetId))?.record)
		.filter((ps): ps is SRecord => ps !== undefined);
	const holds = (permission: string) => sets.some((ps) => ps[permission] === true);
	return {
		manageTerritories: holds('PermissionsManageTerritories'),
		viewSetup: holds('PermissionsViewSetup'),
		manageUsers: holds('PermissionsManageUsers'),
		modifyMetadata: holds('PermissionsModifyAllData') || holds('PermissionsModifyMetadata'),
	};
}

// Without Manage Territories the territory objects (TERRITORY_OBJECTS) are read-only, and only the Active model shows.

/**
 * "As of Summer '20 and later, only users who have [View Setup and Configuration, or Assign Permission
 * Sets / Manage Users] can access this object" (Object Reference: PermissionSet, PermissionSetAssignment,
 * ObjectPermissions, Special Access Rules). Without it the objects do not exist for the user.
 */
const SETUP_OBJECTS = new Set(['PermissionSet', 'PermissionSetAssignment', 'ObjectPermissions']);

/** Users and their permissions are written by user administrators (Manage Users, which brings Assign Permission Sets). */
const USER_ADMIN_OBJECTS = new Set(['User', 'PermissionSet', 'PermissionSetAssignment', 'ObjectPermissions']);

/**
 * The refusal of a write the user has no right to. Salesforce documents the permission, not the error:
 * this is its usual wording for a refused write (e.g. Help 000380273, a territory AccountShare delete).
 */
export function insufficientAccess(): SalesforceError {
	return new SalesforceError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
}

/** The model whose state decides whether a territory record shows, or undefined for records outside models. */
function modelIdOf(store: OrgStore, type: string, record: SRecord): unknown {
	const get = (id: unknown) => (typeof id === 'string' ? store.get(id)?.record : undefined);
	switch (type) {
		case 'Territory2Model':
			return record.Id;
		case 'Territory2':
		case 'ObjectTerritory2AssignmentRule':
			return record.Territory2ModelId;
		case 'ObjectTerritory2AssignmentRuleItem':
			return get(record.RuleId)?.Territory2ModelId;
		case 'RuleTerritory2Association':
		case 'UserTerritory2Association':
		case 'ObjectTerritory2Association':
			return get(record.Territory2Id)?.Territory2ModelId;
		default:
			return undefined;
	}
}

/** The org as a user's session sees it: the store itself for a user who holds every permission. */
export interface UserView extends RestStore {
	describeGlobal(): ObjectMeta[];
}

export function storeForUser(store: OrgStore, userId: string): UserView {
	const access = userAccess(store, userId);
	if (access.manageTerritories && access.viewSetup && access.manageUsers) return store;

	const hiddenType = (type: string) => SETUP_OBJECTS.has(type) && !access.viewSetup && !access.manageUsers;
	// Metadata API, Territory2Model (Special Access Rules): "Users who do not have the Manage Territories
	// permission can access models in Active state"; Object Reference, Territory2Model and Territory2:
	// "Users cannot view territory models in other states (such as Planning or Archived)".
	const visible = (type: string, record: SRecord): boolean => {
		if (access.manageTerritories || !TERRITORY_OBJECTS.has(type) || type === 'Territory2Type') return true;
		const modelId = modelIdOf(store, type, record);
		const model = typeof modelId === 'string' ? store.get(modelId)?.record : undefined;
		return model?.State === 'Active';
	};
	const check: WriteCheck = (type) => {
		if (TERRITORY_OBJECTS.has(type) && !access.manageTerritories) throw insufficientAccess();
		if (USER_ADMIN_OBJECTS.has(type) && !access.manageUsers) throw insufficientAccess();
	};
	// A describe speaks for the session's user (its createable/updateable/deletable are that user's
	// object rights), so without Manage Territories the territory objects describe as read-only.
	const readOnlyMetas = new Map<string, ObjectMeta>();
	const describe = (type: string) => {
		const meta = store.describe(type);
		if (!meta || hiddenType(meta.name)) return undefined;
		if (access.manageTerritories || !TERRITORY_OBJECTS.has(meta.name)) return meta;
		let readOnly = readOnlyMetas.get(meta.name);
		if (!readOnly) readOnlyMetas.set(meta.name, (readOnly = { ...meta, createable: false, updateable: false, deletable: false }));
		return readOnly;
	};
	return {
		describe,
		describeGlobal: () => store.describeGlobal().filter((meta) => !hiddenType(meta.name)).map((meta) => describe(meta.name) ?? meta),
		records: (type) => {
			const meta = describe(type);
			if (!meta) return [];
			const all = store.records(meta.name);
			return access.manageTerritories || !TERRITORY_OBJECTS.has(meta.name) ? all : all.filter((r) => visible(meta.name, r));
		},
		get: (id) => {
			const hit = store.get(id);
			return hit && !hiddenType(hit.type) && visible(hit.type, hit.record) ? hit : undefined;
		},
		select: (type, field, value, ignoreCase) => {
			const meta = describe(type);
			return meta ? store.select(meta.name, field, value, ignoreCase).filter((r) => visible(meta.name, r)) : [];
		},
		create: (type, records, allOrNone) => store.withWriteCheck(check, () => store.create(type, records, allOrNone)),
		update: (type, records, allOrNone) => store.withWriteCheck(check, () => store.update(type, records, allOrNone)),
		upsert: (type, field, records, allOrNone) => store.withWriteCheck(check, () => store.upsert(type, field, records, allOrNone)),
		remove: (ids, allOrNone) => store.withWriteCheck(check, () => store.remove(ids, allOrNone)),
		transaction: (fn) => store.transaction(fn),
	};
}
