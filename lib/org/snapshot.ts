/**
 * Reads a model and the org records a plan refers to into an OrgSnapshot, with as few API calls as
 * Composite allows (see readSnapshot for the three groups; composite-read.ts for paging and retries).
 * Child records are selected through their parent's model with a parent path
 * (Territory2.Territory2ModelId), which costs one query however large the model.
 */
import type { ModelTarget, ProgressCallback } from '../api-types';
import { isId, KEY_PREFIXES, OBJECTS, sameId, USER_KEY_FIELDS } from '../salesforce';
import type {
	OrgSnapshot,
	SnapshotAccount,
	SnapshotModel,
	SnapshotRule,
	SnapshotTerritory,
	SnapshotUser,
} from '../sync/types';
import type { OrgConnection } from './connect';
import type { GuardState, SnapshotRefs } from './types';
import { OrgError } from './errors';
import { readTogether } from './composite-read';
import { addGuardRecords } from './guard';
import { activeRoles, describeRequests, parseDescribe } from './describe';
import { queryAll } from './http';
import { assertSoqlName, chunkForIn, inList, soqlQuote } from './soql';

type Row = Record<string, unknown>;

const USER_PREFIX = KEY_PREFIXES.user;
const ACCOUNT_PREFIX = KEY_PREFIXES.account;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

function isIdOf(prefix: string, value: string): boolean {
	return isId(value) && value.startsWith(prefix);
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
function findModel(models: SnapshotModel[], target: ModelTarget): SnapshotModel | null {
	if (target.id) return models.find((m) => sameId(m.id, target.id)) ?? null;
	const name = target.developerName?.toLowerCase();
	if (!name) throw new OrgError('MODEL_NOT_NAMED', 'The model target needs a developerName or an id');
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

/** Keeps only the records of the model found (the filter by target may match none). */
function modelFilter(target: ModelTarget): string | null {
	if (target.id) {
		// Not an Id at all: no model can match, and Salesforce would refuse the filter.
		return isId(target.id) ? `Territory2ModelId = ${soqlQuote(target.id)}` : null;
	}
	// Equality on a text field is case-insensitive in SOQL, as findModel's match on DeveloperName.
	return `Territory2Model.DeveloperName = ${soqlQuote(String(target.developerName))}`;
}

const TERRITORY_FIELDS =
	'Id, Name, DeveloperName, ParentTerritory2Id, Territory2TypeId, Description, AccountAccessLevel, OpportunityAccessLevel, CaseAccessLevel, ForecastUserId';

/** The system fields the guard compares (lib/org/guard.ts): read with the snapshot, its first state is the snapshot's. */
const GUARD_FIELDS = 'CreatedDate, SystemModstamp';

/** The territories of the target model (the snapshot's query, with the guard's fields, and the picker's). */
function territoryQuery(inTarget: string, withGuardFields = false): string {
	const fields = withGuardFields ? `${TERRITORY_FIELDS}, ${GUARD_FIELDS}` : TERRITORY_FIELDS;
	return `SELECT ${fields} FROM ${OBJECTS.territory} WHERE ${inTarget} ORDER BY DeveloperName`;
}

function toTerritory(r: Row): SnapshotTerritory {
	return {
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
	};
}

/** The territories of one model (one query, paged), e.g. for an "Under Territory" picker; none for a target no model can match. */
export async function listTerritories(org: OrgConnection, target: ModelTarget): Promise<SnapshotTerritory[]> {
	findModel([], target);
	const inTarget = modelFilter(target);
	if (!inTarget) return [];
	return (await queryAll(org, territoryQuery(inTarget))).map(toTerritory);
}

/**
 * The snapshot in three groups of reads, each one Composite call (plus a GET per extra page of 2,000
 * records, and more calls only when the plan names thousands of users or accounts):
 * 1. models, types, territories and rules (selected by the target, before the model's Id is known),
 *    the describe of every object the engine writes and of Account, the org's sharing defaults
 *    (lib/org/describe.ts);
 * 2. rule items, rule links, user and manual account assignments (by the model's Id);
 * 3. users and accounts: the plan's references plus those assigned in the model.
 */
export async function readSnapshot(org: OrgConnection, target: ModelTarget, refs: SnapshotRefs, onProgress?: ProgressCallback): Promise<OrgSnapshot> {
	return (await readSnapshotAndGuard(org, target, refs, onProgress)).snapshot;
}

/**
 * The snapshot, and the guard's first state taken from the same reads (lib/org/guard.ts): the model, the Id,
 * DeveloperName, CreatedDate and SystemModstamp of its territories and rules, and the count and latest
 * SystemModstamp of its user and manual account assignments. The guard compares later checks with exactly what
 * the change set was computed against, and a writing publish reads the model once instead of twice (at XL,
 * 50 query pages fewer; an unchanged re-publish reads only the snapshot's pages).
 */
export async function readSnapshotAndGuard(
	org: OrgConnection,
	target: ModelTarget,
	refs: SnapshotRefs,
	onProgress?: ProgressCallback,
): Promise<{ snapshot: OrgSnapshot; guard: GuardState }> {
	const guard: GuardState = { records: {}, activity: { [OBJECTS.userTerritory]: { count: 0, latest: '' }, [OBJECTS.objectTerritory]: { count: 0, latest: '' } } };
	const keyField = refs.accountKeyField ? assertSoqlName(refs.accountKeyField, 'account key field') : null;
	// Refuses a target with neither developerName nor id before any call.
	findModel([], target);
	const total = 3;
	const step = (done: number, phase: string) => onProgress?.({ phase, done, total });

	step(0, 'Reading models, types, territories and rules');
	const inTarget = modelFilter(target);
	const describes = describeRequests(org.basePath);
	const first = await readTogether(org, [
		{ kind: 'query', soql: `SELECT Id, Name, DeveloperName, Description, State, ${GUARD_FIELDS} FROM ${OBJECTS.model} ORDER BY DeveloperName` },
		{ kind: 'query', soql: `SELECT Id, DeveloperName, MasterLabel, Priority, Description FROM ${OBJECTS.type} ORDER BY Priority` },
		...describes,
		...(inTarget
			? ([
					{ kind: 'query', soql: territoryQuery(inTarget, true) },
					{ kind: 'query', soql: `SELECT Id, DeveloperName, MasterLabel, IsActive, BooleanFilter, ${GUARD_FIELDS} FROM ${OBJECTS.rule} WHERE ${inTarget} ORDER BY DeveloperName` },
				] as const)
			: []),
	]);
	const [modelRows, typeRows] = first as [Row[], Row[]];
	const describeAnswers = first.slice(2, 2 + describes.length);
	const [territoryRows = [], ruleRows = []] = first.slice(2 + describes.length) as Row[][];
	const models = modelRows.map(toModel);
	const model = findModel(models, target);

	const snapshot: OrgSnapshot = {
		model,
		models,
		types: typeRows.map((r) => ({
			id: String(r.Id),
			developerName: String(r.DeveloperName ?? ''),
			masterLabel: String(r.MasterLabel ?? ''),
			priority: num(r.Priority),
			description: str(r.Description),
		})),
		territories: [],
		rules: [],
		ruleAssociations: [],
		userAssociations: [],
		accountAssociations: [],
		users: [],
		accounts: [],
		roles: activeRoles(describeAnswers),
		describe: parseDescribe(describeAnswers),
	};

	if (model) {
		addGuardRecords(guard, OBJECTS.model, modelRows.filter((r) => String(r.Id) === model.id));
		addGuardRecords(guard, OBJECTS.territory, territoryRows);
		addGuardRecords(guard, OBJECTS.rule, ruleRows);
		snapshot.territories = territoryRows.map(toTerritory);
		const rules: SnapshotRule[] = ruleRows.map((r) => ({
			id: String(r.Id),
			developerName: String(r.DeveloperName ?? ''),
			masterLabel: String(r.MasterLabel ?? ''),
			isActive: r.IsActive === true,
			booleanFilter: str(r.BooleanFilter),
			items: [],
		}));
		snapshot.rules = rules;
		step(1, 'Reading rule items and assignments');
		await readModelContents(org, model, snapshot, guard);
	}

	step(2, 'Reading users and accounts');
	const assignedUserIds = [
		...snapshot.userAssociations.map((a) => a.userId),
		...snapshot.territories.map((t) => t.forecastUserId).filter((v): v is string => !!v),
	];
	const users = userQueries(uniq(refs.users), uniq(assignedUserIds));
	const accounts = accountQueries(uniq(refs.accounts), uniq(snapshot.accountAssociations.map((a) => a.objectId)), keyField);
	const answers = (await readTogether(org, [...users, ...accounts].map((soql) => ({ kind: 'query', soql })))) as Row[][];
	snapshot.users = collectUsers(answers.slice(0, users.length));
	snapshot.accounts = collectAccounts(answers.slice(users.length), keyField);
	onProgress?.({ phase: 'Read the org', done: total, total });
	return { snapshot, guard };
}

/** Rule items, rule links, user assignments and manual account assignments of a model, in one call. */
async function readModelContents(org: OrgConnection, model: SnapshotModel, snapshot: OrgSnapshot, guard: GuardState): Promise<void> {
	const territoryInModel = `Territory2.Territory2ModelId = ${soqlQuote(model.id)}`;
	const { rules, territories } = snapshot;
	const queries: Partial<Record<'items' | 'ruleLinks' | 'userLinks' | 'accountLinks', string>> = {};
	if (rules.length) {
		queries.items = `SELECT Id, RuleId, SortOrder, Field, Operation, Value FROM ${OBJECTS.ruleItem} WHERE Rule.Territory2ModelId = ${soqlQuote(model.id)} ORDER BY RuleId, SortOrder`;
	}
	if (rules.length && territories.length) {
		queries.ruleLinks = `SELECT Id, RuleId, Territory2Id, IsInherited FROM ${OBJECTS.ruleTerritory} WHERE ${territoryInModel}`;
	}
	if (territories.length) {
		queries.userLinks = `SELECT Id, UserId, Territory2Id, RoleInTerritory2, SystemModstamp FROM ${OBJECTS.userTerritory} WHERE ${territoryInModel}`;
		queries.accountLinks = `SELECT Id, ObjectId, Territory2Id, SystemModstamp FROM ${OBJECTS.objectTerritory} WHERE ${territoryInModel} AND AssociationCause = 'Territory2Manual'`;
	}
	const keys = Object.keys(queries) as (keyof typeof queries)[];
	const answers = (await readTogether(org, keys.map((k) => ({ kind: 'query', soql: queries[k] as string })))) as Row[][];
	const rows = (key: keyof typeof queries): Row[] => answers[keys.indexOf(key)] ?? [];

	const byRule = new Map(rules.map((r) => [r.id.slice(0, 15), r]));
	for (const r of rows('items')) {
		byRule.get(String(r.RuleId).slice(0, 15))?.items.push({
			id: String(r.Id),
			sortOrder: num(r.SortOrder),
			field: String(r.Field ?? ''),
			operation: String(r.Operation ?? ''),
			value: str(r.Value),
		});
	}
	for (const rule of rules) rule.items.sort((a, b) => a.sortOrder - b.sortOrder);
	snapshot.ruleAssociations = rows('ruleLinks').map((r) => ({
		id: String(r.Id),
		ruleId: String(r.RuleId),
		territoryId: String(r.Territory2Id),
		isInherited: r.IsInherited === true,
	}));
	// The guard's activity, as its own aggregates count it (every manual assignment, leads included).
	for (const [object, key] of [[OBJECTS.userTerritory, 'userLinks'], [OBJECTS.objectTerritory, 'accountLinks']] as const) {
		let latest = '';
		for (const r of rows(key)) if (String(r.SystemModstamp ?? '') > latest) latest = String(r.SystemModstamp);
		guard.activity[object] = { count: rows(key).length, latest };
	}
	snapshot.userAssociations = rows('userLinks').map((r) => ({
		id: String(r.Id),
		userId: String(r.UserId),
		territoryId: String(r.Territory2Id),
		role: str(r.RoleInTerritory2),
	}));
	snapshot.accountAssociations = rows('accountLinks')
		// Leads can be assigned too (API 55+); the plan manages accounts only.
		.filter((r) => String(r.ObjectId).startsWith(ACCOUNT_PREFIX))
		.map((r) => ({ id: String(r.Id), objectId: String(r.ObjectId), territoryId: String(r.Territory2Id) }));
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

/** Queries for the users named by the plan (by Id or any of USER_KEY_FIELDS) and the users assigned in the model. */
function userQueries(references: string[], assignedIds: string[]): string[] {
	const fields = `SELECT Id, ${USER_KEY_FIELDS.join(', ')}, IsActive, Name FROM User WHERE `;
	const ids = uniq([...references.filter((v) => isIdOf(USER_PREFIX, v)), ...assignedIds]);
	const keys = references.filter((v) => !isIdOf(USER_PREFIX, v));
	// One IN list of the same key values per key field: each gets its share of the URL budget the Ids get.
	const idChunks = chunkForIn(ids, 3000);
	const keyChunks = chunkForIn(keys, 3600 / USER_KEY_FIELDS.length, 100);
	const queries: string[] = [];
	for (let i = 0; i < Math.max(idChunks.length, keyChunks.length); i++) {
		const conditions: string[] = [];
		if (idChunks[i]) conditions.push(`Id IN ${inList(idChunks[i])}`);
		if (keyChunks[i]) {
			const list = inList(keyChunks[i]);
			conditions.push(USER_KEY_FIELDS.map((field) => `${field} IN ${list}`).join(' OR '));
		}
		queries.push(`${fields}${conditions.join(' OR ')}`);
	}
	return queries;
}

/** Each user once, by username. */
function collectUsers(answers: Row[][]): SnapshotUser[] {
	const found = new Map<string, SnapshotUser>();
	for (const rows of answers) rows.forEach((r) => found.set(String(r.Id).slice(0, 15), toUser(r)));
	return [...found.values()].sort((a, b) => a.username.localeCompare(b.username));
}

/** Queries for the accounts the plan names (by Id or by key field) and those assigned in the model. */
function accountQueries(references: string[], assignedIds: string[], keyField: string | null): string[] {
	const byKey = !!keyField && keyField.toLowerCase() !== 'id';
	const select = `SELECT Id${byKey ? `, ${keyField}` : ''} FROM Account WHERE `;
	// Ids are accepted beside external keys (an import writes an Id when a key would not read back).
	const ids = uniq([...references.filter((v) => isIdOf(ACCOUNT_PREFIX, v)), ...assignedIds]);
	const idChunks = chunkForIn(ids, 3000);
	const keyChunks = byKey ? chunkForIn(references, 3000) : [];
	const queries: string[] = [];
	for (let i = 0; i < Math.max(idChunks.length, keyChunks.length); i++) {
		const conditions: string[] = [];
		if (idChunks[i]) conditions.push(`Id IN ${inList(idChunks[i])}`);
		if (keyChunks[i]) conditions.push(`${keyField} IN ${inList(keyChunks[i])}`);
		queries.push(`${select}${conditions.join(' OR ')}`);
	}
	return queries;
}

/** Each account once, in the order first read. */
function collectAccounts(answers: Row[][], keyField: string | null): SnapshotAccount[] {
	const found = new Map<string, SnapshotAccount>();
	for (const rows of answers) {
		rows.forEach((r) => found.set(String(r.Id).slice(0, 15), { id: String(r.Id), externalKey: keyField ? str(r[keyField]) : null }));
	}
	return [...found.values()];
}
