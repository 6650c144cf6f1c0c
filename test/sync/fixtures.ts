/**
 * Test fixtures for lib/sync: plain data. OrgBuilder writes an OrgSnapshot as literal records (the pure diff
 * reads nothing else), and plan builders write a TerritoryPlan. They hold no Salesforce rules: a test that
 * needs the org's behaviour (a write refused, a cascade) applies its change set through the sandbox
 * (test/helpers/sandbox-snapshot.ts).
 */
import { blankTerritory, PLAN_COLUMNS } from '../../lib/plan/types';
import type { PlanColumn, PlanTerritory, TerritoryPlan } from '../../lib/plan/types';
import { bareRuleItemField } from '../../lib/salesforce';
import type { DiffOptions, OrgSnapshot, SnapshotRule, SnapshotTerritory } from '../../lib/sync/types';

/**
 * A maker of literal Ids: the object's key prefix and the maker's own count, so the same building steps
 * always give the same Ids (e.g. 0MI000000000003AAA), whatever other tests built before.
 */
export function idMaker(): (prefix: string) => string {
	let made = 0;
	return (prefix) => `${prefix}${String(++made).padStart(12, '0')}AAA`;
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
	/** The next Id (idMaker). */
	private readonly id = idMaker();

	model(developerName = 'FY26', state = 'Planning'): this {
		const m = { id: this.id('0MA'), name: developerName, developerName, description: null, state };
		this.s.model = m;
		this.s.models.push(m);
		return this;
	}

	type(developerName: string, priority: number, masterLabel = developerName): this {
		this.s.types.push({ id: this.id('0M5'), developerName, masterLabel, priority, description: null });
		return this;
	}

	user(username: string, opts: { email?: string; federationIdentifier?: string; isActive?: boolean } = {}): this {
		this.s.users.push({
			id: this.id('005'),
			username,
			email: opts.email ?? username,
			federationIdentifier: opts.federationIdentifier ?? null,
			isActive: opts.isActive ?? true,
			name: username,
		});
		return this;
	}

	account(externalKey: string | null = null): string {
		const id = this.id('001');
		this.s.accounts.push({ id, externalKey });
		return id;
	}

	territory(developerName: string, opts: TerritoryOpts = {}): this {
		const type = this.s.types.find((t) => t.developerName === (opts.type ?? 'Territory'));
		if (!type) throw new Error(`fixture: type ${opts.type ?? 'Territory'} first`);
		this.s.territories.push({
			id: this.id('0MI'),
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
		this.s.userAssociations.push({ id: this.id('0R0'), userId: this.u(username).id, territoryId: this.t(territory).id, role });
		return this;
	}

	assignAccount(territory: string, accountId: string): this {
		this.s.accountAssociations.push({ id: this.id('0R1'), objectId: accountId, territoryId: this.t(territory).id });
		return this;
	}

	rule(
		developerName: string,
		territories: string[],
		items: { field: string; operation: string; value: string }[],
		booleanFilter: string | null = null,
	): this {
		const rule: SnapshotRule = {
			id: this.id('0OH'),
			developerName,
			masterLabel: developerName,
			isActive: true,
			booleanFilter,
			items: items.map((it, i) => ({ id: this.id('0OI'), sortOrder: i + 1, ...it })),
		};
		this.s.rules.push(rule);
		for (const t of territories) {
			this.s.ruleAssociations.push({ id: this.id('0OJ'), ruleId: rule.id, territoryId: this.t(t).id, isInherited: false });
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

/** The field of a rule item with its prefix removed, for assertions. */
export const bare = bareRuleItemField;
