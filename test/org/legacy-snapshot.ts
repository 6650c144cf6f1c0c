/**
 * TEST ORACLE ONLY: readSnapshot as it was before reads went through Composite (one REST call per
 * query), kept verbatim so that snapshot.test.ts can check the new reader returns byte-identical
 * snapshots. Not used by the package.
 *
 * Reads a model and the org records a plan refers to into an OrgSnapshot, with as few calls as the
 * REST API allows: one query per object (paged without a cap), IN lists chunked for users and accounts,
 * one describe for the roles. Child records are selected through their parent's model with a parent
 * path (Territory2.Territory2ModelId), which costs one query however large the model.
 */
import type { ModelTarget, ProgressCallback } from '../../lib/api-types';
import { OBJECTS } from '../../lib/plan/salesforce';
import type {
	OrgSnapshot,
	SnapshotAccount,
	SnapshotModel,
	SnapshotRule,
	SnapshotUser,
} from '../../lib/sync/types';
import type { OrgConnection } from '../../lib/org/connect';
import { queryAll, restGet } from '../../lib/org/http';
import { assertSoqlName, chunkForIn, inList, soqlQuote } from '../../lib/org/soql';

type Row = Record<string, unknown>;

export interface SnapshotRefs {
	/** User references from the plan: Ids, Usernames, Emails or Federation Ids. */
	users: string[];
	/** Account references from the plan: Ids, or values of accountKeyField. */
	accounts: string[];
	/** Account field holding external keys (default: the references are Account Ids). */
	accountKeyField?: string;
}

const USER_PREFIX = '005';
const ACCOUNT_PREFIX = '001';

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** Ids are compared in their 15-character, case-sensitive form (the API returns 18). */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
	return !!a && !!b && a.slice(0, 15) === b.slice(0, 15);
}

function isIdOf(prefix: string, value: string): boolean {
	return /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value) && value.startsWith(prefix);
}

function toModel(r: Row): SnapshotModel {
	return {
		id: String(r.Id),
		name: String(r.Name ?? ''),
		developerName: String(r.DeveloperName ?? ''),
		description: str(r.Description),
		state: String(r.State ?? ''),
	};
}

/** The model a target names: by Id when given, else by DeveloperName (case-insensitive, as Salesforce). */
export function findModel(models: SnapshotModel[], target: ModelTarget): SnapshotModel | null {
	if (target.id) return models.find((m) => sameId(m.id, target.id)) ?? null;
	const name = target.developerName?.toLowerCase();
	if (!name) throw new Error('The model target needs a developerName or an id');
	return models.find((m) => m.developerName.toLowerCase() === name) ?? null;
}

function uniq(values: Iterable<string>): string[] {
	return [...new Set([...values].map((v) => v.trim()).filter((v) => v.length > 0))];
}

/** Every territory model of the org (one call), e.g. for a model picker. */
export async function listModels(org: OrgConnection): Promise<SnapshotModel[]> {
	const rows = await queryAll(org, `SELECT Id, Name, DeveloperName, Description, State FROM ${OBJECTS.model} ORDER BY DeveloperName`);
	return rows.map(toModel);
}

export async function readSnapshotLegacy(
	org: OrgConnection,
	target: ModelTarget,
	refs: SnapshotRefs,
	onProgress?: ProgressCallback,
): Promise<OrgSnapshot> {
	const keyField = refs.accountKeyField ? assertSoqlName(refs.accountKeyField, 'account key field') : null;
	const steps = ['models', 'types', 'territories', 'rules', 'rule items', 'rule associations', 'user associations', 'account associations', 'users', 'accounts', 'roles'];
	let done = 0;
	const step = (label: string) => onProgress?.({ phase: `Reading ${label}`, done: done++, total: steps.length });

	step('models');
	const models = await listModels(org);
	const model = findModel(models, target);

	step('types');
	const types = (await queryAll(org, `SELECT Id, DeveloperName, MasterLabel, Priority, Description FROM ${OBJECTS.type} ORDER BY Priority`)).map((r) => ({
		id: String(r.Id),
		developerName: String(r.DeveloperName ?? ''),
		masterLabel: String(r.MasterLabel ?? ''),
		priority: num(r.Priority),
		description: str(r.Description),
	}));

	const snapshot: OrgSnapshot = {
		model,
		models,
		types,
		territories: [],
		rules: [],
		ruleAssociations: [],
		userAssociations: [],
		accountAssociations: [],
		users: [],
		accounts: [],
		roles: [],
	};

	if (model) {
		const inModel = `Territory2ModelId = ${soqlQuote(model.id)}`;
		const territoryInModel = `Territory2.Territory2ModelId = ${soqlQuote(model.id)}`;
		step('territories');
		snapshot.territories = (
			await queryAll(
				org,
				`SELECT Id, Name, DeveloperName, ParentTerritory2Id, Territory2TypeId, Description, AccountAccessLevel, OpportunityAccessLevel, CaseAccessLevel, ForecastUserId FROM ${OBJECTS.territory} WHERE ${inModel} ORDER BY DeveloperName`,
			)
		).map((r) => ({
			id: String(r.Id),
			name: String(r.Name ?? ''),
			developerName: String(r.DeveloperName ?? ''),
			parentId: str(r.ParentTerritory2Id),
			typeId: String(r.Territory2TypeId ?? ''),
			description: str(r.Description),
			accountAccessLevel: str(r.AccountAccessLevel),
			opportunityAccessLevel: str(r.OpportunityAccessLevel),
			caseAccessLevel: str(r.CaseAccessLevel),
			forecastUserId: str(r.ForecastUserId),
		}));

		step('rules');
		const rules: SnapshotRule[] = (
			await queryAll(org, `SELECT Id, DeveloperName, MasterLabel, IsActive, BooleanFilter FROM ${OBJECTS.rule} WHERE ${inModel} ORDER BY DeveloperName`)
		).map((r) => ({
			id: String(r.Id),
			developerName: String(r.DeveloperName ?? ''),
			masterLabel: String(r.MasterLabel ?? ''),
			isActive: r.IsActive === true,
			booleanFilter: str(r.BooleanFilter),
			items: [],
		}));
		snapshot.rules = rules;

		step('rule items');
		if (rules.length) {
			const byRule = new Map(rules.map((r) => [r.id.slice(0, 15), r]));
			const items = await queryAll(
				org,
				`SELECT Id, RuleId, SortOrder, Field, Operation, Value FROM ${OBJECTS.ruleItem} WHERE Rule.Territory2ModelId = ${soqlQuote(model.id)} ORDER BY RuleId, SortOrder`,
			);
			for (const r of items) {
				byRule.get(String(r.RuleId).slice(0, 15))?.items.push({
					id: String(r.Id),
					sortOrder: num(r.SortOrder),
					field: String(r.Field ?? ''),
					operation: String(r.Operation ?? ''),
					value: str(r.Value),
				});
			}
			for (const rule of rules) rule.items.sort((a, b) => a.sortOrder - b.sortOrder);
		}

		step('rule associations');
		if (rules.length && snapshot.territories.length) {
			snapshot.ruleAssociations = (
				await queryAll(org, `SELECT Id, RuleId, Territory2Id, IsInherited FROM ${OBJECTS.ruleTerritory} WHERE ${territoryInModel}`)
			).map((r) => ({ id: String(r.Id), ruleId: String(r.RuleId), territoryId: String(r.Territory2Id), isInherited: r.IsInherited === true }));
		}

		step('user associations');
		if (snapshot.territories.length) {
			snapshot.userAssociations = (
				await queryAll(org, `SELECT Id, UserId, Territory2Id, RoleInTerritory2 FROM ${OBJECTS.userTerritory} WHERE ${territoryInModel}`)
			).map((r) => ({ id: String(r.Id), userId: String(r.UserId), territoryId: String(r.Territory2Id), role: str(r.RoleInTerritory2) }));

			step('account associations');
			snapshot.accountAssociations = (
				await queryAll(
					org,
					`SELECT Id, ObjectId, Territory2Id FROM ${OBJECTS.objectTerritory} WHERE ${territoryInModel} AND AssociationCause = 'Territory2Manual'`,
				)
			)
				// Leads can be assigned too (API 55+); the plan manages accounts only.
				.filter((r) => String(r.ObjectId).startsWith(ACCOUNT_PREFIX))
				.map((r) => ({ id: String(r.Id), objectId: String(r.ObjectId), territoryId: String(r.Territory2Id) }));
		}
	}

	step('users');
	const assignedUserIds = [
		...snapshot.userAssociations.map((a) => a.userId),
		...snapshot.territories.map((t) => t.forecastUserId).filter((v): v is string => !!v),
	];
	snapshot.users = await readUsers(org, uniq(refs.users), uniq(assignedUserIds));

	step('accounts');
	snapshot.accounts = await readAccounts(org, uniq(refs.accounts), uniq(snapshot.accountAssociations.map((a) => a.objectId)), keyField);

	step('roles');
	snapshot.roles = await readRoles(org);
	onProgress?.({ phase: 'Read the org', done: steps.length, total: steps.length });
	return snapshot;
}

function toUser(r: Row): SnapshotUser {
	return {
		id: String(r.Id),
		username: String(r.Username ?? ''),
		email: str(r.Email),
		federationIdentifier: str(r.FederationIdentifier),
		isActive: r.IsActive !== false,
		name: str(r.Name),
	};
}

/** Users named by the plan (any of four keys) and users assigned in the model, each once. */
async function readUsers(org: OrgConnection, references: string[], assignedIds: string[]): Promise<SnapshotUser[]> {
	const found = new Map<string, SnapshotUser>();
	const add = (rows: Row[]) => rows.forEach((r) => found.set(String(r.Id).slice(0, 15), toUser(r)));
	const fields = 'SELECT Id, Username, Email, FederationIdentifier, IsActive, Name FROM User WHERE ';

	const ids = uniq([...references.filter((v) => isIdOf(USER_PREFIX, v)), ...assignedIds]);
	const keys = references.filter((v) => !isIdOf(USER_PREFIX, v));
	// Three IN lists of the same key values: each gets a third of the URL budget the Ids get.
	const idChunks = chunkForIn(ids, 3000);
	const keyChunks = chunkForIn(keys, 1200, 100);
	for (let i = 0; i < Math.max(idChunks.length, keyChunks.length); i++) {
		const conditions: string[] = [];
		if (idChunks[i]) conditions.push(`Id IN ${inList(idChunks[i])}`);
		if (keyChunks[i]) {
			const list = inList(keyChunks[i]);
			conditions.push(`Username IN ${list} OR Email IN ${list} OR FederationIdentifier IN ${list}`);
		}
		add(await queryAll(org, `${fields}${conditions.join(' OR ')}`));
	}
	return [...found.values()].sort((a, b) => a.username.localeCompare(b.username));
}

async function readAccounts(
	org: OrgConnection,
	references: string[],
	assignedIds: string[],
	keyField: string | null,
): Promise<SnapshotAccount[]> {
	const found = new Map<string, SnapshotAccount>();
	const select = `SELECT Id${keyField && keyField.toLowerCase() !== 'id' ? `, ${keyField}` : ''} FROM Account WHERE `;
	const add = (rows: Row[]) =>
		rows.forEach((r) =>
			found.set(String(r.Id).slice(0, 15), { id: String(r.Id), externalKey: keyField ? str(r[keyField]) : null }),
		);
	const byKey = !!keyField && keyField.toLowerCase() !== 'id';
	const ids = uniq([...(byKey ? [] : references.filter((v) => isIdOf(ACCOUNT_PREFIX, v))), ...assignedIds]);
	const idChunks = chunkForIn(ids, 3000);
	const keyChunks = byKey ? chunkForIn(references, 3000) : [];
	for (let i = 0; i < Math.max(idChunks.length, keyChunks.length); i++) {
		const conditions: string[] = [];
		if (idChunks[i]) conditions.push(`Id IN ${inList(idChunks[i])}`);
		if (keyChunks[i]) conditions.push(`${keyField} IN ${inList(keyChunks[i])}`);
		add(await queryAll(org, `${select}${conditions.join(' OR ')}`));
	}
	return [...found.values()];
}

interface DescribeField {
	name: string;
	picklistValues?: { value: string; active?: boolean }[];
}

/** RoleInTerritory2's active picklist values. */
async function readRoles(org: OrgConnection): Promise<string[]> {
	const describe = await restGet<{ fields: DescribeField[] }>(org, `${org.basePath}/sobjects/${OBJECTS.userTerritory}/describe`);
	const field = describe.fields.find((f) => f.name === 'RoleInTerritory2');
	return (field?.picklistValues ?? []).filter((p) => p.active !== false).map((p) => p.value);
}
