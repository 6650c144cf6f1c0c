/**
 * Profiles' and permission sets' rules: PermissionSet, PermissionSetAssignment, ObjectPermissions.
 * Profiles themselves take no API writes (schema). Every profile owns one permission set
 * (IsOwnedByProfile, Object Reference, PermissionSet), which holds the profile's permissions and to
 * which each of its users is assigned, so one query over PermissionSetAssignment answers what a user
 * holds, from the profile or from added permission sets. Choices where Salesforce is silent: sandbox/RULES.md.
 */
import { SalesforceError } from '../contracts';
import type { ObjectRules, RuleStore, SRecord, WriteContext } from '../contracts';
import { OBJECT_PERMISSION_FIELDS } from '../schema';
import { deleteFailed, duplicateValue, integrity, isDeveloperName, recordOf } from './common';

/** The permission set a profile owns. */
export function profilePermissionSet(store: RuleStore, profileId: unknown): SRecord | undefined {
	return store.select('PermissionSet', 'ProfileId', profileId).find((ps) => ps.IsOwnedByProfile === true);
}

function ownedByProfile(store: RuleStore, permissionSetId: unknown): SRecord | undefined {
	const ps = recordOf(store, permissionSetId);
	return ps && ps.IsOwnedByProfile === true ? ps : undefined;
}

/** A profile's permissions change with the profile (in Setup), not through its permission set. */
function assertNotProfileOwned(store: RuleStore, permissionSetId: unknown, ctx: WriteContext): void {
	if (ctx.admin || ctx.cascade) return;
	const ps = ownedByProfile(store, permissionSetId);
	if (!ps) return;
	const profile = recordOf(store, ps.ProfileId);
	throw new SalesforceError(
		400,
		'INSUFFICIENT_ACCESS_OR_READONLY',
		`Permission set ${String(ps.Name)} is owned by the profile ${String(profile?.Name ?? ps.ProfileId)}: change the profile in Setup instead.`,
	);
}

function checkName(store: RuleStore, ps: SRecord): void {
	if (!isDeveloperName(String(ps.Name))) {
		throw integrity(
			'Permission Set Name: The API name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.',
			['Name'],
		);
	}
	const clash = store.select('PermissionSet', 'Name', ps.Name, true).find((other) => other.Id !== ps.Id);
	if (clash) {
		throw new SalesforceError(400, 'DUPLICATE_DEVELOPER_NAME', `The API name ${String(ps.Name)} is already in use by another permission set. Enter a unique name.`, ['Name']);
	}
}

export const permissionSetRules: ObjectRules = {
	beforeCreate(ps, ctx) {
		checkName(ctx.store, ps);
	},
	beforeUpdate(next, old, changed, ctx) {
		assertNotProfileOwned(ctx.store, old.Id, ctx);
		if (changed.includes('Name')) checkName(ctx.store, next);
	},
	beforeDelete(ps, ctx) {
		const { store } = ctx;
		assertNotProfileOwned(store, ps.Id, ctx);
		const assignments = store.select('PermissionSetAssignment', 'PermissionSetId', ps.Id);
		if (assignments.length && !ctx.cascade && !ctx.admin) {
			throw deleteFailed(`Permission set ${String(ps.Name)} is assigned to ${assignments.length} user(s). Remove its assignments first.`);
		}
		for (const a of assignments) store.cascadeDelete(a.Id);
		for (const op of store.select('ObjectPermissions', 'ParentId', ps.Id)) store.cascadeDelete(op.Id);
	},
};

export const permissionSetAssignmentRules: ObjectRules = {
	beforeCreate(assignment, ctx) {
		const { store } = ctx;
		if (!ctx.admin && ownedByProfile(store, assignment.PermissionSetId)) {
			throw integrity("Permission Set ID: a profile's own permission set is assigned by giving the user that profile.", ['PermissionSetId']);
		}
		const [clash] = store.selectWhere('PermissionSetAssignment', { AssigneeId: assignment.AssigneeId, PermissionSetId: assignment.PermissionSetId });
		if (clash) throw duplicateValue('PermissionSetId', clash.Id);
	},
	beforeDelete(assignment, ctx) {
		if (ctx.admin || ctx.cascade || !ownedByProfile(ctx.store, assignment.PermissionSetId)) return;
		throw deleteFailed("A user's assignment to their profile's permission set can't be removed: change the user's profile instead.");
	},
};

/** What each object permission needs alongside it (Object Reference, ObjectPermissions, field descriptions). */
const NEEDS: Record<(typeof OBJECT_PERMISSION_FIELDS)[number], string[]> = {
	PermissionsRead: [],
	PermissionsCreate: ['PermissionsRead'],
	PermissionsEdit: ['PermissionsRead'],
	PermissionsDelete: ['PermissionsRead', 'PermissionsEdit'],
	PermissionsViewAllRecords: ['PermissionsRead'],
	PermissionsModifyAllRecords: ['PermissionsRead', 'PermissionsEdit', 'PermissionsDelete', 'PermissionsViewAllRecords'],
};

function checkObjectPermissions(store: RuleStore, op: SRecord): void {
	for (const name of OBJECT_PERMISSION_FIELDS) {
		if (op[name] !== true) continue;
		const missing = NEEDS[name].filter((needed) => op[needed] !== true);
		if (missing.length) {
			const label = (field: string) => store.field('ObjectPermissions', field)!.label;
			throw integrity(`${label(name)} on ${String(op.SobjectType)} depends on: ${missing.map(label).join(', ')}.`, [name]);
		}
	}
}

export const objectPermissionsRules: ObjectRules = {
	beforeCreate(op, ctx) {
		const { store } = ctx;
		assertNotProfileOwned(store, op.ParentId, ctx);
		const meta = store.describe(String(op.SobjectType));
		if (!meta) {
			throw new SalesforceError(
				400,
				'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
				`SObject Type Name: bad value for restricted picklist field: ${String(op.SobjectType)}`,
				['SobjectType'],
			);
		}
		op.SobjectType = meta.name;
		const [clash] = store.selectWhere('ObjectPermissions', { ParentId: op.ParentId, SobjectType: op.SobjectType });
		if (clash) throw duplicateValue('SobjectType', clash.Id);
		checkObjectPermissions(store, op);
	},
	beforeUpdate(next, _old, _changed, ctx) {
		assertNotProfileOwned(ctx.store, next.ParentId, ctx);
		checkObjectPermissions(ctx.store, next);
	},
	beforeDelete(op, ctx) {
		assertNotProfileOwned(ctx.store, op.ParentId, ctx);
	},
};
