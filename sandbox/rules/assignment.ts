/**
 * Assignment rules: ObjectTerritory2AssignmentRule (belongs to a model), its items, and the
 * RuleTerritory2Association links that apply a rule to territories.
 */
import { SalesforceError } from '../contracts';
import type { ObjectRules, RuleStore, SRecord } from '../contracts';
import {
	assertModelWritable,
	checkDeveloperName,
	duplicateDeveloperName,
	duplicateValue,
	integrity,
	limitExceeded,
	modelIdOfRule,
	modelIdOfTerritory,
	recordOf,
} from './common';

export const ITEMS_PER_RULE = 10;
export const RULES_PER_TERRITORY = 15;

function itemsOf(store: RuleStore, ruleId: string): SRecord[] {
	return store.select('ObjectTerritory2AssignmentRuleItem', 'RuleId', ruleId);
}

function filterError(detail: string): SalesforceError {
	return integrity(`Boolean Filter: ${detail}`, ['BooleanFilter']);
}

/**
 * Parses filter logic such as "(1 AND 2) OR NOT 3" and returns the item numbers it names. AND and OR
 * may not be mixed at one level without parentheses, as in Salesforce's filter logic.
 */
export function parseBooleanFilter(text: string): number[] {
	const tokens = text.match(/\s*(\d+|AND\b|OR\b|NOT\b|\(|\)|\S)/gi)?.map((t) => t.trim().toUpperCase()) ?? [];
	const numbers: number[] = [];
	let pos = 0;
	const peek = (): string | undefined => tokens[pos];
	const factor = (): void => {
		const token = tokens[pos++];
		if (token === undefined) throw filterError('the filter logic is incomplete.');
		if (token === 'NOT') return factor();
		if (token === '(') {
			expression();
			if (tokens[pos++] !== ')') throw filterError('check the parentheses in the filter logic.');
			return;
		}
		if (/^\d+$/.test(token)) {
			numbers.push(Number(token));
			return;
		}
		throw filterError(`unexpected "${token}" in the filter logic.`);
	};
	const expression = (): void => {
		factor();
		let operator: string | undefined;
		while (peek() === 'AND' || peek() === 'OR') {
			const next = tokens[pos++];
			if (operator && operator !== next) throw filterError('use parentheses when the filter logic mixes AND and OR.');
			operator = next;
			factor();
		}
	};
	expression();
	if (pos !== tokens.length) throw filterError(`unexpected "${tokens[pos]}" in the filter logic.`);
	return numbers;
}

function checkBooleanFilter(store: RuleStore, rule: SRecord): void {
	if (rule.BooleanFilter === null) return;
	const numbers = parseBooleanFilter(String(rule.BooleanFilter));
	const orders = new Set(itemsOf(store, rule.Id).map((i) => Number(i.SortOrder)));
	const unknown = numbers.find((n) => !orders.has(n));
	if (unknown !== undefined) throw filterError(`the filter logic references rule item ${unknown}, which doesn't exist.`);
	const unused = [...orders].find((n) => !numbers.includes(n));
	if (unused !== undefined) throw filterError(`rule item ${unused} is defined but not referenced in the filter logic.`);
}

function checkRuleName(store: RuleStore, rule: SRecord): void {
	checkDeveloperName(rule.DeveloperName, 'Rule Name');
	const clash = store
		.selectWhere('ObjectTerritory2AssignmentRule', { DeveloperName: rule.DeveloperName, Territory2ModelId: rule.Territory2ModelId }, ['DeveloperName'])
		.find((r) => r.Id !== rule.Id);
	if (clash) throw duplicateDeveloperName(String(rule.DeveloperName), 'by another assignment rule in this territory model');
}

export const ruleRules: ObjectRules = {
	beforeCreate(rule, ctx) {
		const { store } = ctx;
		assertModelWritable(store, rule.Territory2ModelId, ctx);
		checkRuleName(store, rule);
		checkBooleanFilter(store, rule);
	},
	beforeUpdate(next, _old, changed, ctx) {
		const { store } = ctx;
		assertModelWritable(store, next.Territory2ModelId, ctx);
		if (changed.includes('DeveloperName')) checkRuleName(store, next);
		if (changed.includes('BooleanFilter')) checkBooleanFilter(store, next);
	},
	beforeDelete(rule, ctx) {
		const { store } = ctx;
		assertModelWritable(store, rule.Territory2ModelId, ctx);
		for (const item of itemsOf(store, rule.Id)) store.cascadeDelete(item.Id);
		for (const link of store.select('RuleTerritory2Association', 'RuleId', rule.Id)) store.cascadeDelete(link.Id);
	},
};

/** Items can be added or removed only while the rule has no filter logic. */
function assertNoFilter(rule: SRecord): void {
	if (rule.BooleanFilter !== null) {
		throw integrity(
			`Rule ${String(rule.DeveloperName)} has filter logic (BooleanFilter). Clear the filter logic before adding, removing or renumbering rule items.`,
			['RuleId'],
		);
	}
}

/** Field types a `within` item may test: geolocation and compound address fields. */
const DISTANCE_FIELD_TYPES = ['location', 'address'];

function checkItemField(item: SRecord, store: RuleStore): void {
	const name = String(item.Field).replace(/^Account\./i, '');
	const f = store.field('Account', name);
	if (!f || f.system || name.includes('.')) {
		throw integrity(`Field: ${String(item.Field)} is not a field of Account that assignment rules can use.`, ['Field']);
	}
	// Metadata API guide, Territory2RuleItem: `within` is for DISTANCE criteria only (sandbox/RULES.md #21b).
	if (item.Operation === 'within' && !DISTANCE_FIELD_TYPES.includes(f.type)) {
		throw integrity(`Operation: within applies to distance criteria only, on a location or address field; ${String(item.Field)} is not one.`, ['Operation']);
	}
}

function checkSortOrder(store: RuleStore, item: SRecord): void {
	if (Number(item.SortOrder) < 1) throw integrity('Sort Order: must be a positive number.', ['SortOrder']);
	const clash = itemsOf(store, String(item.RuleId)).find((i) => i.Id !== item.Id && i.SortOrder === item.SortOrder);
	if (clash) throw duplicateValue('SortOrder', clash.Id);
}

export const ruleItemRules: ObjectRules = {
	beforeCreate(item, ctx) {
		const { store } = ctx;
		const rule = recordOf(store, item.RuleId)!;
		assertModelWritable(store, rule.Territory2ModelId, ctx);
		assertNoFilter(rule);
		if (itemsOf(store, rule.Id).length >= ITEMS_PER_RULE) {
			throw limitExceeded(`Rule ${String(rule.DeveloperName)} already has ${ITEMS_PER_RULE} rule items, the most a rule can have.`);
		}
		checkItemField(item, store);
		checkSortOrder(store, item);
	},
	beforeUpdate(next, _old, changed, ctx) {
		const { store } = ctx;
		const rule = recordOf(store, next.RuleId)!;
		assertModelWritable(store, rule.Territory2ModelId, ctx);
		if (changed.includes('SortOrder')) {
			assertNoFilter(rule);
			checkSortOrder(store, next);
		}
		if (changed.includes('Field') || changed.includes('Operation')) checkItemField(next, store);
	},
	beforeDelete(item, ctx) {
		if (ctx.cascade) return;
		const rule = recordOf(ctx.store, item.RuleId);
		if (!rule) return;
		assertModelWritable(ctx.store, rule.Territory2ModelId, ctx);
		assertNoFilter(rule);
	},
};

export const ruleTerritoryRules: ObjectRules = {
	beforeCreate(link, ctx) {
		const { store } = ctx;
		const modelId = modelIdOfTerritory(store, link.Territory2Id);
		assertModelWritable(store, modelId, ctx);
		if (modelIdOfRule(store, link.RuleId) !== modelId) {
			throw integrity('The assignment rule and the territory must belong to the same territory model.', ['RuleId', 'Territory2Id']);
		}
		const [clash] = store.selectWhere('RuleTerritory2Association', { Territory2Id: link.Territory2Id, RuleId: link.RuleId });
		if (clash) throw duplicateValue('RuleId', clash.Id);
		if (store.count('RuleTerritory2Association', 'Territory2Id', link.Territory2Id) >= RULES_PER_TERRITORY) {
			throw limitExceeded(`This territory already has ${RULES_PER_TERRITORY} assignment rules, the most a territory can have.`);
		}
	},
	beforeDelete(link, ctx) {
		assertModelWritable(ctx.store, modelIdOfTerritory(ctx.store, link.Territory2Id), ctx);
	},
};
