/** The standard objects (User, Account) and the associations of users and accounts with territories. */
import { SalesforceError } from '../contracts';
import type { ObjectRules, RuleStore, SRecord } from '../contracts';
import { assertModelWritable, duplicateValue, integrity, modelIdOfTerritory, recordOf } from './common';
import { profilePermissionSet } from './permissions';

function checkUsername(store: RuleStore, user: SRecord): void {
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(user.Username))) {
		throw new SalesforceError(400, 'INVALID_NEW_USERNAME', 'Username: must be in the form of an email address (for example, john@acme.com)', ['Username']);
	}
	if (store.select('User', 'Username', user.Username, true).some((u) => u.Id !== user.Id)) {
		throw new SalesforceError(
			400,
			'DUPLICATE_USERNAME',
			'Duplicate Username. The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations.',
			['Username'],
		);
	}
}

function fullName(user: SRecord): string {
	return [user.FirstName, user.LastName].filter((p) => p !== null && p !== '').join(' ');
}

export const userRules: ObjectRules = {
	beforeCreate(user, ctx, sent) {
		if (!sent.includes('IsActive')) user.IsActive = true;
		user.Name = fullName(user);
		checkUsername(ctx.store, user);
	},
	// As in a real org, every user is assigned to their profile's own permission set.
	afterCreate(user, ctx) {
		const ps = profilePermissionSet(ctx.store, user.ProfileId);
		if (ps) ctx.store.adminCreate('PermissionSetAssignment', { AssigneeId: user.Id, PermissionSetId: ps.Id });
	},
	beforeUpdate(next, old, changed, ctx) {
		if (changed.includes('Username')) checkUsername(ctx.store, next);
		next.Name = fullName(next);
		if (changed.includes('ProfileId') && next.ProfileId !== old.ProfileId) moveProfileAssignment(ctx.store, next, old.ProfileId);
	},
};

/** A new profile brings its permission set in place of the old profile's. */
function moveProfileAssignment(store: RuleStore, user: SRecord, oldProfileId: unknown): void {
	const from = profilePermissionSet(store, oldProfileId);
	const to = profilePermissionSet(store, user.ProfileId);
	const current = from && store.selectWhere('PermissionSetAssignment', { AssigneeId: user.Id, PermissionSetId: from.Id })[0];
	if (current) store.cascadeDelete(current.Id);
	if (to) store.adminCreate('PermissionSetAssignment', { AssigneeId: user.Id, PermissionSetId: to.Id });
}

export const accountRules: ObjectRules = {
	beforeCreate(account, ctx) {
		// Salesforce makes the running user the owner when none is sent.
		if (account.OwnerId === null) account.OwnerId = ctx.store.currentUserId || null;
	},
};

export const userTerritoryRules: ObjectRules = {
	beforeCreate(link, ctx) {
		const { store } = ctx;
		assertModelWritable(store, modelIdOfTerritory(store, link.Territory2Id), ctx);
		const user = recordOf(store, link.UserId)!;
		if (user.IsActive !== true) {
			throw new SalesforceError(
				400,
				'INACTIVE_OWNER_OR_USER',
				`operation performed with inactive user: ${String(user.Username)} is inactive and can't be assigned to a territory`,
				['UserId'],
			);
		}
		const [clash] = store.selectWhere('UserTerritory2Association', { Territory2Id: link.Territory2Id, UserId: link.UserId });
		if (clash) throw duplicateValue('UserId', clash.Id);
		link.IsActive = true;
	},
	beforeDelete(link, ctx) {
		const { store } = ctx;
		assertModelWritable(store, modelIdOfTerritory(store, link.Territory2Id), ctx);
		const territory = recordOf(store, link.Territory2Id);
		if (territory && territory.ForecastUserId === link.UserId) store.systemUpdate(territory.Id, { ForecastUserId: null });
	},
};

export const objectTerritoryRules: ObjectRules = {
	beforeCreate(link, ctx) {
		const { store } = ctx;
		assertModelWritable(store, modelIdOfTerritory(store, link.Territory2Id), ctx);
		if (link.AssociationCause !== 'Territory2Manual' && !ctx.admin) {
			throw integrity('Method: only manual assignments (Territory2Manual) can be created through the API.', ['AssociationCause']);
		}
		link.SobjectType = store.get(String(link.ObjectId))!.type;
		const [clash] = store.selectWhere('ObjectTerritory2Association', { Territory2Id: link.Territory2Id, ObjectId: link.ObjectId });
		if (clash) throw duplicateValue('ObjectId', clash.Id);
	},
	beforeDelete(link, ctx) {
		assertModelWritable(ctx.store, modelIdOfTerritory(ctx.store, link.Territory2Id), ctx);
	},
};
