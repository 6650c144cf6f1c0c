/**
 * Test fixtures for lib/sync: an OrgSnapshot builder, plan builders, and `applyChangeSet`, a small in-memory
 * stand-in for lib/org's writer that enforces the Salesforce constraints the diff must respect (phase order,
 * $refs to earlier creates, items only while BooleanFilter is null, ForecastUserId among assigned users, one
 * association per user and territory, unique DeveloperNames, no deleting a territory that has children).
 */
import { blankTerritory, PLAN_COLUMNS } from '../../lib/plan/types';
import { KEY_PREFIXES } from '../../sandbox/schema';
import type { PlanColumn, PlanTerritory, TerritoryPlan } from '../../lib/plan/types';
import { bareRuleItemField } from '../../lib/salesforce';
import type { Change, ChangeSet, DiffOptions, FieldValue, OrgSnapshot, SnapshotRule, SnapshotTerritory } from '../../lib/sync/types';

let counter = 0;
/** An 18-character Id with the object's prefix. */
export function fakeId(prefix: string): string {
	counter++;
	return `${prefix}${String(counter).padStart(12, '0')}AAA`;
}

export function emptySnapshot(): OrgSnapshot {
	return {
		model: null,
		models: [],
		types: [],
		territories: [],
		rules: [],
		ruleAssociations: [],
		userAssociations: [],
		accountAssociations: [],
		users: [],
		accounts: [],
		roles: ['Owner', 'Administrator', 'Sales Rep'],
	};
}

export interface TerritoryOpts {
	parent?: string;
	type?: string;
	name?: string;
	description?: string | null;
	accountAccess?: string;
	opportunityAccess?: string;
	caseAccess?: string;
	forecast?: string;
}

export class OrgBuilder {
	readonly s: OrgSnapshot = emptySnapshot();

	model(developerName = 'FY26', state = 'Planning'): this {
		const m = { id: fakeId('0MA'), name: developerName, developerName, description: null, state };
		this.s.model = m;
		this.s.models.push(m);
		return this;
	}

	type(developerName: string, priority: number, masterLabel = developerName): this {
		this.s.types.push({ id: fakeId('0M5'), developerName, masterLabel, priority, description: null });
		return this;
	}

	user(username: string, opts: { email?: string; federationIdentifier?: string; isActive?: boolean } = {}): this {
		this.s.users.push({
			id: fakeId('005'),
			username,
			email: opts.email ?? username,
			federationIdentifier: opts.federationIdentifier ?? null,
			isActive: opts.isActive ?? true,
			name: username,
		});
		return this;
	}

	account(externalKey: string | null = null): string {
		const id = fakeId('001');
		this.s.accounts.push({ id, externalKey });
		return id;
	}

	territory(developerName: string, opts: TerritoryOpts = {}): this {
		const type = this.s.types.find((t) => t.developerName === (opts.type ?? 'Territory'));
		if (!type) throw new Error(`fixture: type ${opts.type ?? 'Territory'} first`);
		this.s.territories.push({
			id: fakeId('0MI'),
			name: opts.name ?? developerName,
			developerName,
			parentId: opts.parent ? this.t(opts.parent).id : null,
			typeId: type.id,
			description: opts.description ?? null,
			accountAccessLevel: opts.accountAccess ?? 'Read',
			opportunityAccessLevel: opts.opportunityAccess ?? 'None',
			caseAccessLevel: opts.caseAccess ?? 'None',
			forecastUserId: opts.forecast ? this.u(opts.forecast).id : null,
		});
		return this;
	}

	assign(territory: string, username: string, role: string | null = null): this {
		this.s.userAssociations.push({ id: fakeId('0R0'), userId: this.u(username).id, territoryId: this.t(territory).id, role });
		return this;
	}

	assignAccount(territory: string, accountId: string): this {
		this.s.accountAssociations.push({ id: fakeId('0R1'), objectId: accountId, territoryId: this.t(territory).id });
		return this;
	}

	rule(
		developerName: string,
		territories: string[],
		items: { field: string; operation: string; value: string }[],
		booleanFilter: string | null = null,
	): this {
		const rule: SnapshotRule = {
			id: fakeId('0OH'),
			developerName,
			masterLabel: developerName,
			isActive: true,
			booleanFilter,
			items: items.map((it, i) => ({ id: fakeId('0OI'), sortOrder: i + 1, ...it })),
		};
		this.s.rules.push(rule);
		for (const t of territories) {
			this.s.ruleAssociations.push({ id: fakeId('0OJ'), ruleId: rule.id, territoryId: this.t(t).id, isInherited: false });
		}
		return this;
	}

	t(developerName: string): SnapshotTerritory {
		const t = this.s.territories.find((x) => x.developerName === developerName);
		if (!t) throw new Error(`fixture: no territory ${developerName}`);
		return t;
	}

	u(username: string): OrgSnapshot['users'][number] {
		const u = this.s.users.find((x) => x.username === username);
		if (!u) throw new Error(`fixture: no user ${username}`);
		return u;
	}
}

/** A standard org: model FY26, types Region (10) and Territory (20), users ana, ben, cy, dee. */
export function baseOrg(): OrgBuilder {
	return new OrgBuilder()
		.model()
		.type('Region', 10, 'Sales Region')
		.type('Territory', 20)
		.user('ana@acme.example')
		.user('ben@acme.example', { federationIdentifier: 'ben-fed' })
		.user('cy@acme.example')
		.user('dee@acme.example');
}

export function pt(key: string, opts: Partial<PlanTerritory> = {}): PlanTerritory {
	return blankTerritory({ name: key, key, type: 'Territory', accountAccess: 'Read', opportunityAccess: 'None', caseAccess: 'None', ...opts });
}

/** A plan from territories, numbering rows from 2 in order. */
export function makePlan(territories: PlanTerritory[], columns: readonly PlanColumn[] = PLAN_COLUMNS): TerritoryPlan {
	return {
		territories: territories.map((t, i) => ({ ...t, row: i + 2, rows: [i + 2] })),
		columns: [...columns],
		issues: [],
	};
}

export function options(overrides: Partial<DiffOptions> = {}): DiffOptions {
	return {
		modelDeveloperName: 'FY26',
		scopeRootKey: null,
		method: 'overwriteMatching',
		deleteMissing: false,
		touchHandMadeRules: false,
		createMissingTypes: false,
		allowActiveModel: false,
		manageAccounts: true,
		...overrides,
	};
}

// ── applying a change set in memory ────────────────────────────────────────────────────────────

type Rec = Record<string, unknown> & { Id: string };

const PREFIX: Record<string, string> = KEY_PREFIXES;

/**
 * Applies a change set to a copy of the snapshot, the way lib/org would against Salesforce, and throws on
 * anything Salesforce would refuse. Returns the snapshot after the apply.
 */
export function applyChangeSet(snapshot: OrgSnapshot, cs: ChangeSet): OrgSnapshot {
	expect(cs.issues).toEqual([]);
	const db = toRecords(snapshot);
	const created = new Map<string, string>();
	const done = new Set<string>();
	let lastPhase = -Infinity;
	const written = new Set<string>();
	const changeIds = new Set<string>();
	for (const c of cs.changes) {
		if (changeIds.has(c.id)) throw new Error(`duplicate change id ${c.id}`);
		changeIds.add(c.id);
	}
	for (const c of cs.changes) {
		if (c.phase < lastPhase) throw new Error(`${c.id}: phases out of order`);
		lastPhase = c.phase;
		for (const d of c.dependsOn) {
			if (!done.has(d)) throw new Error(`${c.id}: depends on ${d}, not applied before`);
			// lib/org runs a phase as one wave: a dependency must be in an earlier phase.
			if ((cs.changes.find((x) => x.id === d) as Change).phase >= c.phase) throw new Error(`${c.id}: depends on ${d} in the same phase`);
		}
		if (c.action !== 'create') {
			const target = `${c.recordId ?? c.recordRef}`;
			const key = `${c.phase}:${target}`;
			// Salesforce refuses the same Id twice in one collection call.
			if (written.has(key)) throw new Error(`${c.id}: ${target} written twice in phase ${c.phase}`);
			written.add(key);
		}
		const resolve = (v: FieldValue): unknown => {
			if (v !== null && typeof v === 'object') {
				const id = created.get(v.$ref);
				if (!id) throw new Error(`${c.id}: $ref ${v.$ref} not created in an earlier change`);
				const creator = cs.changes.find((x) => x.id === v.$ref) as Change;
				if (creator.phase >= c.phase) throw new Error(`${c.id}: $ref ${v.$ref} created in the same or a later phase`);
				return id;
			}
			return v;
		};
		const fields = Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, resolve(v)]));
		const table = (db[c.object] ??= []);
		if (c.action === 'create') {
			const rec: Rec = { Id: fakeId(PREFIX[c.object] ?? 'XXX'), ...fields };
			check(db, c, rec, 'create');
			table.push(rec);
			created.set(c.id, rec.Id);
		} else {
			const id = c.recordId ?? (c.recordRef ? created.get(c.recordRef) : undefined);
			if (!id) throw new Error(`${c.id}: no record to ${c.action}`);
			const i = table.findIndex((r) => r.Id === id);
			if (i < 0) throw new Error(`${c.id}: ${c.object} ${id} not found (ENTITY_IS_DELETED)`);
			if (c.action === 'update') {
				const rec = { ...table[i], ...fields };
				check(db, c, rec, 'update');
				table[i] = rec;
			} else {
				check(db, c, table[i], 'delete');
				table.splice(i, 1);
				cascade(db, c.object, id);
			}
		}
		done.add(c.id);
	}
	return fromRecords(db, snapshot);
}

function check(db: Record<string, Rec[]>, c: Change, rec: Rec, action: string): void {
	const fail = (msg: string): never => {
		throw new Error(`${c.id}: ${msg}`);
	};
	if (c.object === 'Territory2' && action !== 'delete') {
		for (const f of ['Name', 'DeveloperName', 'Territory2TypeId', 'Territory2ModelId']) if (!rec[f]) fail(`REQUIRED_FIELD_MISSING ${f}`);
		if (db.Territory2.some((t) => t.Id !== rec.Id && String(t.DeveloperName).toLowerCase() === String(rec.DeveloperName).toLowerCase())) {
			fail('DUPLICATE_DEVELOPER_NAME');
		}
		if (rec.ParentTerritory2Id && !db.Territory2.some((t) => t.Id === rec.ParentTerritory2Id)) fail('INVALID_CROSS_REFERENCE_KEY parent');
		if (rec.ForecastUserId) {
			const assigned = db.UserTerritory2Association.some((a) => a.UserId === rec.ForecastUserId && a.Territory2Id === rec.Id);
			if (!assigned) fail('FIELD_INTEGRITY_EXCEPTION: ForecastUserId is not assigned to the territory');
		}
	}
	if (c.object === 'Territory2' && action === 'delete' && db.Territory2.some((t) => t.ParentTerritory2Id === rec.Id)) {
		fail('DELETE_FAILED: territory has children');
	}
	if (c.object === 'ObjectTerritory2AssignmentRuleItem') {
		const rule = db.ObjectTerritory2AssignmentRule.find((r) => r.Id === rec.RuleId);
		if (!rule) fail('INVALID_CROSS_REFERENCE_KEY rule');
		if ((rule as Rec).BooleanFilter) fail(`FIELD_INTEGRITY_EXCEPTION: items change while BooleanFilter is set (${action})`);
	}
	if (c.object === 'ObjectTerritory2AssignmentRule' && action !== 'delete') {
		if (db.ObjectTerritory2AssignmentRule.some((r) => r.Id !== rec.Id && String(r.DeveloperName).toLowerCase() === String(rec.DeveloperName).toLowerCase())) {
			fail('DUPLICATE_DEVELOPER_NAME rule');
		}
		const filter = rec.BooleanFilter as string | null;
		if (filter) {
			const sorts = new Set(db.ObjectTerritory2AssignmentRuleItem.filter((i) => i.RuleId === rec.Id).map((i) => Number(i.SortOrder)));
			for (const n of filter.match(/\d+/g) ?? []) if (!sorts.has(Number(n))) fail(`BooleanFilter names item ${n} that does not exist`);
		}
	}
	if (c.object === 'UserTerritory2Association' && action === 'create') {
		if (db.UserTerritory2Association.some((a) => a.UserId === rec.UserId && a.Territory2Id === rec.Territory2Id)) fail('DUPLICATE_VALUE user association');
	}
	if (c.object === 'UserTerritory2Association' && action === 'delete') {
		const t = db.Territory2.find((x) => x.Id === rec.Territory2Id);
		if (t && t.ForecastUserId === rec.UserId) fail('FIELD_INTEGRITY_EXCEPTION: user is the forecast manager');
	}
	if (c.object === 'Territory2Type' && action === 'create') {
		if (db.Territory2Type.some((x) => x.Priority === rec.Priority)) fail('DUPLICATE_VALUE Priority');
	}
}

function cascade(db: Record<string, Rec[]>, object: string, id: string): void {
	const drop = (type: string, pred: (r: Rec) => boolean): void => {
		db[type] = (db[type] ?? []).filter((r) => !pred(r));
	};
	if (object === 'Territory2') {
		drop('UserTerritory2Association', (r) => r.Territory2Id === id);
		drop('ObjectTerritory2Association', (r) => r.Territory2Id === id);
		drop('RuleTerritory2Association', (r) => r.Territory2Id === id);
	}
	if (object === 'ObjectTerritory2AssignmentRule') {
		drop('ObjectTerritory2AssignmentRuleItem', (r) => r.RuleId === id);
		drop('RuleTerritory2Association', (r) => r.RuleId === id);
	}
}

function toRecords(s: OrgSnapshot): Record<string, Rec[]> {
	return {
		Territory2Model: s.models.map((m) => ({ Id: m.id, Name: m.name, DeveloperName: m.developerName, State: m.state })),
		Territory2Type: s.types.map((t) => ({ Id: t.id, DeveloperName: t.developerName, MasterLabel: t.masterLabel, Priority: t.priority })),
		Territory2: s.territories.map((t) => ({
			Id: t.id,
			Name: t.name,
			DeveloperName: t.developerName,
			Territory2ModelId: s.model?.id,
			Territory2TypeId: t.typeId,
			ParentTerritory2Id: t.parentId,
			Description: t.description,
			AccountAccessLevel: t.accountAccessLevel,
			OpportunityAccessLevel: t.opportunityAccessLevel,
			CaseAccessLevel: t.caseAccessLevel,
			ForecastUserId: t.forecastUserId,
		})),
		ObjectTerritory2AssignmentRule: s.rules.map((r) => ({
			Id: r.id,
			DeveloperName: r.developerName,
			MasterLabel: r.masterLabel,
			IsActive: r.isActive,
			BooleanFilter: r.booleanFilter,
		})),
		ObjectTerritory2AssignmentRuleItem: s.rules.flatMap((r) =>
			r.items.map((i) => ({ Id: i.id, RuleId: r.id, SortOrder: i.sortOrder, Field: i.field, Operation: i.operation, Value: i.value })),
		),
		RuleTerritory2Association: s.ruleAssociations.map((a) => ({ Id: a.id, RuleId: a.ruleId, Territory2Id: a.territoryId, IsInherited: a.isInherited })),
		UserTerritory2Association: s.userAssociations.map((a) => ({ Id: a.id, UserId: a.userId, Territory2Id: a.territoryId, RoleInTerritory2: a.role })),
		ObjectTerritory2Association: s.accountAssociations.map((a) => ({ Id: a.id, ObjectId: a.objectId, Territory2Id: a.territoryId })),
	};
}

function fromRecords(db: Record<string, Rec[]>, before: OrgSnapshot): OrgSnapshot {
	const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
	const model = db.Territory2Model.find((m) => m.Id === before.model?.id) ?? db.Territory2Model[db.Territory2Model.length - 1];
	const models = db.Territory2Model.map((m) => ({ id: m.Id, name: String(m.Name), developerName: String(m.DeveloperName), description: null, state: String(m.State ?? 'Planning') }));
	return {
		...before,
		model: model ? (models.find((m) => m.id === model.Id) ?? null) : null,
		models,
		types: db.Territory2Type.map((t) => ({ id: t.Id, developerName: String(t.DeveloperName), masterLabel: String(t.MasterLabel), priority: Number(t.Priority), description: null })),
		territories: db.Territory2.map((t) => ({
			id: t.Id,
			name: String(t.Name),
			developerName: String(t.DeveloperName),
			parentId: str(t.ParentTerritory2Id),
			typeId: String(t.Territory2TypeId),
			description: str(t.Description),
			accountAccessLevel: str(t.AccountAccessLevel) ?? 'Read',
			opportunityAccessLevel: str(t.OpportunityAccessLevel) ?? 'None',
			caseAccessLevel: str(t.CaseAccessLevel) ?? 'None',
			forecastUserId: str(t.ForecastUserId),
		})),
		rules: db.ObjectTerritory2AssignmentRule.map((r) => ({
			id: r.Id,
			developerName: String(r.DeveloperName),
			masterLabel: String(r.MasterLabel),
			isActive: Boolean(r.IsActive),
			booleanFilter: str(r.BooleanFilter),
			items: db.ObjectTerritory2AssignmentRuleItem.filter((i) => i.RuleId === r.Id)
				.map((i) => ({ id: i.Id, sortOrder: Number(i.SortOrder), field: String(i.Field), operation: String(i.Operation), value: str(i.Value) }))
				.sort((a, b) => a.sortOrder - b.sortOrder),
		})),
		ruleAssociations: db.RuleTerritory2Association.map((a) => ({ id: a.Id, ruleId: String(a.RuleId), territoryId: String(a.Territory2Id), isInherited: Boolean(a.IsInherited) })),
		userAssociations: db.UserTerritory2Association.map((a) => ({ id: a.Id, userId: String(a.UserId), territoryId: String(a.Territory2Id), role: str(a.RoleInTerritory2) })),
		accountAssociations: db.ObjectTerritory2Association.map((a) => ({ id: a.Id, objectId: String(a.ObjectId), territoryId: String(a.Territory2Id) })),
	};
}

/** The field of a rule item with its prefix removed, for assertions. */
export const bare = bareRuleItemField;
