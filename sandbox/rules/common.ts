/** Helpers shared by the Sales Territories rules: errors in Salesforce's shape, names, model state. */
import { SalesforceError } from '../contracts';
import type { RuleStore, SRecord, WriteContext } from '../contracts';

/**
 * Model states in which the model and everything in it take API writes. Every other state is locked:
 * Archived, the transitions (Activating, Archiving, Cloning, Deleting) and the failed ones (Activation,
 * Archiving, Cloning, Deletion Failed). Metadata API guide, Territory2Model: deploys go only into
 * Planning or Active models; the REST API is taken to refuse the same (sandbox/RULES.md #10).
 */
export const WRITABLE_MODEL_STATES = ['Planning', 'Active'];

export function isLockedModelState(state: unknown): boolean {
	return !WRITABLE_MODEL_STATES.includes(String(state));
}

export const DEVELOPER_NAME_MAX = 80;

export function integrity(message: string, fields: string[] = []): SalesforceError {
	return new SalesforceError(400, 'FIELD_INTEGRITY_EXCEPTION', message, fields);
}

export function limitExceeded(message: string): SalesforceError {
	return new SalesforceError(400, 'LIMIT_EXCEEDED', message);
}

export function deleteFailed(message: string): SalesforceError {
	return new SalesforceError(400, 'DELETE_FAILED', message);
}

/** Salesforce's wording for a unique-field clash. */
export function duplicateValue(field: string, otherId: string): SalesforceError {
	return new SalesforceError(400, 'DUPLICATE_VALUE', `duplicate value found: ${field} duplicates value on record with id: ${otherId}`, [field]);
}

export function isDeveloperName(name: string): boolean {
	return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !name.endsWith('_') && !name.includes('__') && name.length <= DEVELOPER_NAME_MAX;
}

/** Checks a DeveloperName's format; `label` is the field's label in Setup. */
export function checkDeveloperName(name: unknown, label: string): void {
	if (typeof name !== 'string' || !isDeveloperName(name)) {
		throw integrity(
			`${label}: The API name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.`,
			['DeveloperName'],
		);
	}
}

export function duplicateDeveloperName(name: string, where: string): SalesforceError {
	return new SalesforceError(
		400,
		'DUPLICATE_DEVELOPER_NAME',
		`The API name ${name} is already in use ${where}. Enter a unique name.`,
		['DeveloperName'],
	);
}

export function sameText(a: unknown, b: unknown): boolean {
	return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

export function recordOf(store: RuleStore, id: unknown): SRecord | undefined {
	return typeof id === 'string' ? store.get(id)?.record : undefined;
}

/** Refuses writes into a model that is not Planning or Active: Setup-style writes excepted. */
export function assertModelWritable(store: RuleStore, modelId: unknown, ctx: WriteContext): void {
	if (ctx.admin || ctx.cascade) return;
	const model = recordOf(store, modelId);
	if (model && isLockedModelState(model.State)) {
		throw integrity(
			`You can't modify territory model ${String(model.Name)} or its contents while its state is ${String(model.State)}.`,
			['Territory2ModelId'],
		);
	}
}

/** The model a territory belongs to. */
export function modelIdOfTerritory(store: RuleStore, territoryId: unknown): unknown {
	return recordOf(store, territoryId)?.Territory2ModelId;
}

/** The model a rule belongs to. */
export function modelIdOfRule(store: RuleStore, ruleId: unknown): unknown {
	return recordOf(store, ruleId)?.Territory2ModelId;
}
