/**
 * A plain OrgSnapshot (test/sync/fixtures.ts builds them as literal data) played against the sandbox
 * org: the snapshot's records are loaded into a fresh sandbox, the change set is written by lib/org's own
 * writer, and the snapshot is read back by lib/org's reader. Whatever Salesforce refuses (phase order,
 * $refs, items while a BooleanFilter is set, forecast managers, duplicates, children) and whatever it
 * cascades is the sandbox's business (sandbox/rules/), so no test fixture repeats those rules.
 *
 * The fixture's Ids are plain literals the sandbox never saw: they are mapped to the sandbox's Ids on the
 * way in and back on the way out, so a test keeps comparing with the Ids of its own snapshot; records the
 * change set created keep the sandbox's Ids.
 */
import { applyChangeSet } from '../../lib/org/apply';
import { connect } from '../../lib/org/connect';
import { readSnapshot } from '../../lib/org/snapshot';
import { ruleItemField } from '../../lib/salesforce';
import type { ChangeSet, OrgSnapshot, SnapshotTerritory } from '../../lib/sync/types';
import type { OrgStore } from '../../sandbox';
import { startTestSandbox } from './sandbox';

/** The sandbox's external-Id field on Account: it holds a fixture account's externalKey. */
const ACCOUNT_KEY_FIELD = 'External_Key__c';

/** Fixture Id ↔ sandbox Id, both ways. */
class IdMap {
	private readonly toSandbox = new Map<string, string>();
	private readonly toFixture = new Map<string, string>();

	add(fixtureId: string, sandboxId: string): string {
		this.toSandbox.set(fixtureId, sandboxId);
		this.toFixture.set(sandboxId, fixtureId);
		return sandboxId;
	}

	sandbox(fixtureId: string): string {
		const id = this.toSandbox.get(fixtureId);
		if (!id) throw new Error(`sandbox-snapshot: ${fixtureId} was not loaded`);
		return id;
	}

	/** A deep copy with every string that is a known Id replaced (change ids that embed an Id stay as they are). */
	inSandbox<T>(value: T): T {
		return swap(value, this.toSandbox);
	}

	inFixture<T>(value: T): T {
		return swap(value, this.toFixture);
	}
}

function swap<T>(value: T, ids: Map<string, string>): T {
	return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? (ids.get(v) ?? v) : v)) as T;
}

/** Parents before children, so each territory's ParentTerritory2Id exists when it is created. */
function parentsFirst(territories: SnapshotTerritory[]): SnapshotTerritory[] {
	const out: SnapshotTerritory[] = [];
	const placed = new Set<string>();
	let rest = territories;
	while (rest.length) {
		const ready = rest.filter((t) => !t.parentId || placed.has(t.parentId) || !territories.some((p) => p.id === t.parentId));
		if (!ready.length) throw new Error('sandbox-snapshot: the fixture has a parent cycle');
		for (const t of ready) placed.add(t.id);
		out.push(...ready);
		rest = rest.filter((t) => !placed.has(t.id));
	}
	return out;
}

/** Drops the keys whose value is null (a field left empty), as a record created in Setup would. */
const set = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));

/**
 * Loads the snapshot's records into the store as an admin would make them in Setup. The order is the
 * org's, not a rule of ours: the forecast manager after the assignment, a BooleanFilter after its items.
 */
function load(store: OrgStore, s: OrgSnapshot): IdMap {
	const ids = new IdMap();
	const admin = store.records('User')[0];
	const userDefaults = Object.fromEntries(['ProfileId', 'TimeZoneSidKey', 'LocaleSidKey', 'EmailEncodingKey', 'LanguageLocaleKey'].map((f) => [f, admin[f]]));
	for (const u of s.users) {
		const fields = { Username: u.username, Email: u.email ?? u.username, LastName: u.name ?? u.username, Alias: 'fixture', FederationIdentifier: u.federationIdentifier, IsActive: u.isActive };
		ids.add(u.id, store.adminCreate('User', set({ ...userDefaults, ...fields })));
	}
	for (const a of s.accounts) ids.add(a.id, store.adminCreate('Account', set({ Name: a.externalKey ?? a.id, [ACCOUNT_KEY_FIELD]: a.externalKey })));
	for (const ty of s.types) {
		ids.add(ty.id, store.adminCreate('Territory2Type', set({ DeveloperName: ty.developerName, MasterLabel: ty.masterLabel, Priority: ty.priority, Description: ty.description })));
	}
	for (const m of s.models) {
		ids.add(m.id, store.adminCreate('Territory2Model', set({ Name: m.name, DeveloperName: m.developerName, Description: m.description })));
		if (m.state !== 'Planning') store.adminUpdate('Territory2Model', ids.sandbox(m.id), { State: m.state });
	}
	const modelId = s.model ? ids.sandbox(s.model.id) : null;
	for (const t of parentsFirst(s.territories)) {
		const fields = {
			Name: t.name,
			DeveloperName: t.developerName,
			Territory2ModelId: modelId,
			Territory2TypeId: ids.sandbox(t.typeId),
			ParentTerritory2Id: t.parentId ? ids.sandbox(t.parentId) : null,
			Description: t.description,
			AccountAccessLevel: t.accountAccessLevel,
			OpportunityAccessLevel: t.opportunityAccessLevel,
			CaseAccessLevel: t.caseAccessLevel,
		};
		ids.add(t.id, store.adminCreate('Territory2', set(fields)));
	}
	for (const a of s.userAssociations) {
		const fields = { UserId: ids.sandbox(a.userId), Territory2Id: ids.sandbox(a.territoryId), RoleInTerritory2: a.role };
		ids.add(a.id, store.adminCreate('UserTerritory2Association', set(fields)));
	}
	for (const t of s.territories) if (t.forecastUserId) store.adminUpdate('Territory2', ids.sandbox(t.id), { ForecastUserId: ids.sandbox(t.forecastUserId) });
	for (const a of s.accountAssociations) {
		const fields = { ObjectId: ids.sandbox(a.objectId), Territory2Id: ids.sandbox(a.territoryId), AssociationCause: 'Territory2Manual' };
		ids.add(a.id, store.adminCreate('ObjectTerritory2Association', fields));
	}
	for (const r of s.rules) {
		const ruleId = store.adminCreate('ObjectTerritory2AssignmentRule', {
			DeveloperName: r.developerName,
			MasterLabel: r.masterLabel,
			ObjectType: 'Account',
			Territory2ModelId: modelId,
			IsActive: false,
		});
		ids.add(r.id, ruleId);
		for (const i of r.items) {
			// The sandbox lists the qualified form (its default ruleItemFieldForm); the diff reads both as the same field.
			const fields = { RuleId: ruleId, SortOrder: i.sortOrder, Field: ruleItemField(i.field), Operation: i.operation, Value: i.value };
			ids.add(i.id, store.adminCreate('ObjectTerritory2AssignmentRuleItem', set(fields)));
		}
		store.adminUpdate('ObjectTerritory2AssignmentRule', ruleId, set({ BooleanFilter: r.booleanFilter, IsActive: r.isActive }));
	}
	for (const a of s.ruleAssociations) {
		const fields = { RuleId: ids.sandbox(a.ruleId), Territory2Id: ids.sandbox(a.territoryId), IsInherited: a.isInherited };
		ids.add(a.id, store.adminCreate('RuleTerritory2Association', fields));
	}
	return ids;
}

/**
 * Applies a change set to the org the snapshot describes, through a fresh sandbox and lib/org, and returns
 * the snapshot read back after the apply (the fixture's Ids where the records were the fixture's). Every
 * change must succeed: a refused write fails the test with the sandbox's error.
 */
export async function applyInSandbox(before: OrgSnapshot, cs: ChangeSet): Promise<OrgSnapshot> {
	expect(cs.issues).toEqual([]);
	const t = await startTestSandbox();
	try {
		const ids = load(t.sandbox.store, before);
		const org = await connect({ connection: t.sandbox.passwordLogin() }, { retryDelayMs: 1 });
		const result = await applyChangeSet(org, ids.inSandbox(cs));
		const failed = result.outcomes.filter((o) => o.status !== 'done');
		if (result.stopped || failed.length) throw new Error(`the sandbox refused the change set: ${JSON.stringify({ stopped: result.stopped, failed })}`);
		const after = await readSnapshot(
			org,
			{ developerName: cs.modelDeveloperName },
			{ users: before.users.map((u) => u.username), accounts: before.accounts.map((a) => ids.sandbox(a.id)), accountKeyField: ACCOUNT_KEY_FIELD },
		);
		return ids.inFixture(after);
	} finally {
		await t.stop();
	}
}
