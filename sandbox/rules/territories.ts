/** Territory2: names within a model, the hierarchy, access levels, the forecast manager, limits. */
import type { SRecord } from '../contracts';
import type { ObjectRules, OrgStore, WriteContext } from '../store';
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

function checkName(store: OrgStore, territory: SRecord): void {
	checkDeveloperName(territory.DeveloperName, 'Territory Name');
	const clash = store
		.select('Territory2', 'DeveloperName', territory.DeveloperName, true)
		.find((t) => t.Id !== territory.Id && t.Territory2ModelId === territory.Territory2ModelId);
	if (clash) throw duplicateDeveloperName(String(territory.DeveloperName), 'by another territory in this territory model');
}

function checkParent(store: OrgStore, territory: SRecord): void {
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

/** The forecast manager must be one of the users assigned to the territory. */
function checkForecastUser(store: OrgStore, territory: SRecord): void {
	if (territory.ForecastUserId === null) return;
	const assigned = store
		.select('UserTerritory2Association', 'Territory2Id', territory.Id)
		.some((a) => a.UserId === territory.ForecastUserId);
	if (!assigned) {
		throw integrity('Forecast Manager: the forecast manager must be a user assigned to this territory.', ['ForecastUserId']);
	}
}

export const territoryRules: ObjectRules = {
	beforeCreate(territory, ctx) {
		const { store } = ctx;
		assertModelWritable(store, territory.Territory2ModelId, ctx);
		// Setup-style writes (the demo seed) skip the limit so the demo model fits any setting.
		if (!ctx.admin && store.count('Territory2', 'Territory2ModelId', territory.Territory2ModelId) >= store.settings.territoriesPerModel) {
			throw limitExceeded(`You've reached the limit of ${store.settings.territoriesPerModel} territories in this territory model.`);
		}
		for (const [field, value] of Object.entries(DEFAULT_ACCESS)) {
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
