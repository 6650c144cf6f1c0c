/** Territory2Model and Territory2Type. */
import { SalesforceError } from '../contracts';
import type { ObjectRules, RuleStore, SRecord } from '../contracts';
import {
	checkDeveloperName,
	deleteFailed,
	duplicateDeveloperName,
	duplicateValue,
	integrity,
	isLockedModelState,
	limitExceeded,
	sameText,
} from './common';

/** Territory models per org, clones included, by edition. */
export const MODELS_PER_EDITION: Record<string, number> = { Developer: 4, Enterprise: 2, Performance: 4, Unlimited: 4 };

const DELETABLE_STATES = ['Planning', 'Archived'];

function checkModelDeveloperName(store: RuleStore, model: SRecord): void {
	checkDeveloperName(model.DeveloperName, 'Name');
	for (const other of store.records('Territory2Model')) {
		if (other.Id === model.Id || !sameText(other.DeveloperName, model.DeveloperName)) continue;
		if (other.State === 'Archived') {
			// Deploying a model whose DeveloperName belongs to an Archived model fails.
			throw new SalesforceError(
				400,
				'DUPLICATE_DEVELOPER_NAME',
				`The API name ${String(model.DeveloperName)} belongs to the archived territory model ${String(other.Name)}. Archived model names can't be reused.`,
				['DeveloperName'],
			);
		}
		throw duplicateDeveloperName(String(model.DeveloperName), 'by another territory model');
	}
}

function checkOneActive(store: RuleStore, model: SRecord): void {
	if (model.State !== 'Active') return;
	const other = store.records('Territory2Model').find((m) => m.Id !== model.Id && m.State === 'Active');
	if (other) throw integrity(`Only one territory model can be active. ${String(other.Name)} is already active.`, ['State']);
}

export const modelRules: ObjectRules = {
	beforeCreate(model, ctx) {
		const { store } = ctx;
		const limit = MODELS_PER_EDITION[store.settings.edition] ?? 2;
		if (store.records('Territory2Model').length >= limit) {
			throw limitExceeded(
				`You've reached the limit of ${limit} territory models for your org's edition (${store.settings.edition}). Delete a model to create another.`,
			);
		}
		checkModelDeveloperName(store, model);
		if (model.State === null) model.State = 'Planning';
		checkOneActive(store, model);
	},
	beforeUpdate(next, old, changed, ctx) {
		const { store } = ctx;
		if (!ctx.admin && isLockedModelState(old.State)) {
			throw integrity(`You can't modify territory model ${String(old.Name)} while its state is ${String(old.State)}.`);
		}
		if (changed.includes('DeveloperName')) checkModelDeveloperName(store, next);
		if (changed.includes('State')) {
			if (old.State === 'Archived' && next.State !== 'Archived') {
				throw integrity('An archived territory model cannot change state.', ['State']);
			}
			checkOneActive(store, next);
		}
	},
	beforeDelete(model, ctx) {
		if (!ctx.cascade && !DELETABLE_STATES.includes(String(model.State))) {
			throw deleteFailed(
				`Territory model ${String(model.Name)} can't be deleted because its state is ${String(model.State)}. Only models in Planning or Archived state can be deleted.`,
			);
		}
		const { store } = ctx;
		// Dependants first: rules (with their items and links), then territories deepest first.
		for (const rule of store.select('ObjectTerritory2AssignmentRule', 'Territory2ModelId', model.Id)) {
			store.cascadeDelete(rule.Id);
		}
		const territories = store.select('Territory2', 'Territory2ModelId', model.Id);
		for (const territory of [...territories].reverse()) store.cascadeDelete(territory.Id);
	},
};

export const typeRules: ObjectRules = {
	beforeCreate(type, ctx) {
		checkType(ctx.store, type, ['DeveloperName', 'Priority']);
	},
	beforeUpdate(next, _old, changed, ctx) {
		checkType(ctx.store, next, changed);
	},
	beforeDelete(type, ctx) {
		const used = ctx.store.select('Territory2', 'Territory2TypeId', type.Id)[0];
		if (used) {
			throw deleteFailed(
				`Territory type ${String(type.MasterLabel)} is used by territory ${String(used.Name)} and can't be deleted.`,
			);
		}
	},
};

function checkType(store: RuleStore, type: SRecord, changed: string[]): void {
	if (changed.includes('DeveloperName')) {
		checkDeveloperName(type.DeveloperName, 'Name');
		const clash = store.records('Territory2Type').find((t) => t.Id !== type.Id && sameText(t.DeveloperName, type.DeveloperName));
		if (clash) throw duplicateDeveloperName(String(type.DeveloperName), 'by another territory type');
	}
	if (changed.includes('Priority')) {
		const clash = store.records('Territory2Type').find((t) => t.Id !== type.Id && t.Priority === type.Priority);
		if (clash) throw duplicateValue('Priority', clash.Id);
	}
}

