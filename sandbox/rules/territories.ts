/** Territory2: names within a model, the hierarchy, access levels, the forecast manager, limits. */
import type { ObjectRules, RuleStore, SRecord, WriteContext } from '../contracts';
import { isPublicReadWrite } from '../schema';
import {
	assertModelWritable,
	checkDeveloperName,
	deleteFailed,
	duplicateDeveloperName,
	integrity,
	limitExceeded,
	recordOf,
} from './common';

/** Access levels when none is sent (Setup's defaults for a new territory). */
export const DEFAULT_ACCESS = { AccountAccessLevel: 'Read', OpportunityAccessLevel: 'None', CaseAccessLevel: 'None', ContactAccessLevel: 'None' };

function checkName(store: RuleStore, territory: SRecord): void {
	checkDeveloperName(territory.DeveloperName, 'Territory Name');
	const clash = store
		.selectWhere('Territory2', { DeveloperName: territory.DeveloperName, Territory2ModelId: territory.Territory2ModelId }, ['DeveloperName'])
		.find((t) => t.Id !== territory.Id);
	if (clash) throw duplicateDeveloperName(String(territory.DeveloperName), 'by another territory in this territory model');
}

function checkParent(store: RuleStore, territory: SRecord): void {
	if (territory.ParentTerritory2Id === null) return;
	const parent = recordOf(store, territory.ParentTerritory2Id)!;
	if (parent.Territory2ModelId !== territory.Territory2ModelId) {
		throw integrity('Parent Territory ID: the parent territory must belong to the same territory model.', ['ParentTerritory2Id']);
	}
	// Walk up from the new parent: meeting the territory itself means the change would make a loop.
	const seen = new Set<string>();
	for (let at: SRecord | undefined = parent; at; at = recordOf(store, at.ParentTerritory2Id)) {
		if (at.Id === territory.Id) {
			throw integrity('Parent Territory ID: a territory cannot be its own parent or the parent of one of its ancestors.', ['ParentTerritory2Id']);
		}
		if (seen.has(at.Id)) break;
		seen.add(at.Id);
	}
}

/**
 * Access levels against the org-wide defaults (Metadata API, Territory2 and Territory2Settings): with
 * Public Read/Write accounts only Edit and All are valid; with Public Read/Write opportunities or cases no
 * value may be given. The error code is an assumption (sandbox/RULES.md).
 */
function checkSharing(store: RuleStore, territory: SRecord, written: string[]): void {
	const { sharing } = store.settings;
	if (isPublicReadWrite(sharing.account) && written.includes('AccountAccessLevel') && territory.AccountAccessLevel === 'Read') {
		throw integrity('Account Access: with a Public Read/Write default for accounts, a territory can give only Read/Write or Owner access.', ['AccountAccessLevel']);
	}
	for (const [field, level, object] of [
		['OpportunityAccessLevel', sharing.opportunity, 'opportunities'],
		['CaseAccessLevel', sharing.case, 'cases'],
	] as const) {
		if (isPublicReadWrite(level) && written.includes(field) && territory[field] !== null) {
			throw integrity(`${field}: the organization-wide default for ${object} is Public Read/Write, so no access level can be set.`, [field]);
		}
	}
}

/** Setup's default access levels for a new territory, as far as the org-wide defaults allow. */
function defaultAccess(store: RuleStore): Record<string, string | null> {
	const { sharing } = store.settings;
	return {
		...DEFAULT_ACCESS,
		AccountAccessLevel: isPublicReadWrite(sharing.account) ? 'Edit' : DEFAULT_ACCESS.AccountAccessLevel,
		OpportunityAccessLevel: isPublicReadWrite(sharing.opportunity) ? null : DEFAULT_ACCESS.OpportunityAccessLevel,
		CaseAccessLevel: isPublicReadWrite(sharing.case) ? null : DEFAULT_ACCESS.CaseAccessLevel,
	};
}

/** The forecast manager must be one of the users assigned to the territory. */
function checkForecastUser(store: RuleStore, territory: SRecord): void {
	if (territory.ForecastUserId === null) return;
	const assigned = store.selectWhere('UserTerritory2Association', { Territory2Id: territory.Id, UserId: territory.ForecastUserId }).length > 0;
	if (!assigned) {
		throw integrity('Forecast Manager: the forecast manager must be a user assigned to this territory.', ['ForecastUserId']);
	}
}

export const territoryRules: ObjectRules = {
	beforeCreate(territory, ctx, sent) {
		const { store } = ctx;
		assertModelWritable(store, territory.Territory2ModelId, ctx);
		// Setup-style writes (the demo seed) skip the limit so the demo model fits any setting.
		if (!ctx.admin && store.count('Territory2', 'Territory2ModelId', territory.Territory2ModelId) >= store.settings.territoriesPerModel) {
			throw limitExceeded(`You've reached the limit of ${store.settings.territoriesPerModel} territories in this territory model.`);
		}
		checkSharing(store, territory, sent);
		for (const [field, value] of Object.entries(defaultAccess(store))) {
			if (territory[field] === null) territory[field] = value;
		}
		checkName(store, territory);
		checkParent(store, territory);
		checkForecastUser(store, territory);
	},
	beforeUpdate(next, _old, changed, ctx) {
		const { store } = ctx;
		assertModelWritable(store, next.Territory2ModelId, ctx);
		if (changed.includes('DeveloperName')) checkName(store, next);
		if (changed.includes('ParentTerritory2Id')) checkParent(store, next);
		if (changed.includes('ForecastUserId')) checkForecastUser(store, next);
		checkSharing(store, next, changed);
	},
	beforeDelete(territory, ctx: WriteContext) {
		const { store } = ctx;
		assertModelWritable(store, territory.Territory2ModelId, ctx);
		const children = store.select('Territory2', 'ParentTerritory2Id', territory.Id);
		if (children.length && !ctx.cascade) {
			throw deleteFailed(
				`Territory ${String(territory.Name)} has child territories and can't be deleted. Delete or move its child territories first.`,
			);
		}
		for (const child of children) store.cascadeDelete(child.Id);
		for (const type of ['UserTerritory2Association', 'ObjectTerritory2Association', 'RuleTerritory2Association']) {
			for (const link of store.select(type, 'Territory2Id', territory.Id)) store.cascadeDelete(link.Id);
		}
	},
};
