/**
 * Parse + validate + diff grows linearly with the plan: ten times the territories, users, accounts and
 * account assignments cost at most about 15 times the time, measured in one run (a ratio, so a slow or
 * shared machine does not make it fail). The former per-reference scans of every user and account
 * (lib/sync/match.ts) and of every change (DiffState.find) made this about 100 times.
 *
 * Import's export of a model (exportPlan) likewise: it once scanned every rule of the model per territory.
 *
 * The snapshot is built in memory (no org): the users and accounts the generated plan names, the
 * hierarchy's types, no model yet, as in a first publish.
 */
import { performance } from 'node:perf_hooks';
import { accountKeys, generatePlan, type PlanSize } from '../../bench/plan-generator';
import { parsePlan } from '../../lib/plan';
import { diff, exportPlan } from '../../lib/sync';
import type { OrgSnapshot } from '../../lib/sync/types';
import { benchUsername } from '../../sandbox/seed';
import { emptySnapshot, fakeId } from '../sync/fixtures';

function sizeOf(territories: number): PlanSize {
	const regions = Math.max(2, Math.round(territories / 100));
	return { name: 'M', territories, regions, districts: regions * 9, accountAssignments: territories * 4, accounts: territories * 2, users: territories };
}

function snapshotFor(size: PlanSize): OrgSnapshot {
	const s = emptySnapshot();
	['Region', 'District', 'Territory'].forEach((t, i) => s.types.push({ id: fakeId('0M5'), developerName: t, masterLabel: t, priority: i + 1, description: null }));
	for (let n = 1; n <= size.users; n++) {
		const username = benchUsername(n);
		s.users.push({ id: fakeId('005'), username, email: username, federationIdentifier: null, isActive: true, name: username });
	}
	for (const key of accountKeys(size.accounts)) s.accounts.push({ id: fakeId('001'), externalKey: key });
	return s;
}

/** The fastest of `reps` runs of parse + validate + diff (the least disturbed by other work). */
function bestMs(size: PlanSize, reps: number): { ms: number; changes: number } {
	const rows = generatePlan(size);
	const snapshot = snapshotFor(size);
	let ms = Infinity;
	let changes = 0;
	for (let rep = 0; rep < reps; rep++) {
		const t0 = performance.now();
		const plan = parsePlan(rows, { maxTerritories: size.territories });
		const cs = diff(plan, snapshot, {
			modelDeveloperName: 'Scale',
			modelName: 'Scale',
			scopeRootKey: null,
			method: 'overwriteMatching',
			deleteMissing: false,
			touchHandMadeRules: false,
			createMissingTypes: false,
			allowActiveModel: false,
			manageAccounts: true,
			maxTerritoriesPerModel: size.territories,
		});
		ms = Math.min(ms, performance.now() - t0);
		expect([...plan.issues, ...cs.issues]).toEqual([]);
		changes = cs.changes.length;
	}
	return { ms, changes };
}

describe('parse + validate + diff at scale', () => {
	it('costs at most about 15 times the time for 10 times the plan', () => {
		bestMs(sizeOf(200), 2); // warm-up: the JIT compiles the hot paths before anything is timed
		const small = bestMs(sizeOf(400), 5);
		const large = bestMs(sizeOf(4_000), 3);
		// The change set itself grows tenfold (every territory, rule, user and account assignment).
		expect(large.changes).toBeGreaterThanOrEqual(9 * small.changes);
		expect(large.ms / small.ms).toBeLessThanOrEqual(15);
	}, 300_000);
});

/** A model of `n` territories under 10 parents, each with one hand-made rule of one item (read back as Criteria). */
function modelOf(n: number): OrgSnapshot {
	const s = emptySnapshot();
	s.model = { id: fakeId('0MA'), name: 'Scale', developerName: 'Scale', description: null, state: 'Planning' };
	s.models.push(s.model);
	const type = { id: fakeId('0M5'), developerName: 'Territory', masterLabel: 'Territory', priority: 1, description: null };
	s.types.push(type);
	const territory = (developerName: string, parentId: string | null) => {
		const t = { id: fakeId('0MI'), name: developerName, developerName, parentId, typeId: type.id, description: null, accountAccessLevel: 'Read', opportunityAccessLevel: 'None', caseAccessLevel: 'None', forecastUserId: null };
		s.territories.push(t);
		return t;
	};
	const parents = Array.from({ length: 10 }, (_, p) => territory(`P${p}`, null));
	for (let k = 0; k < n; k++) {
		const t = territory(`T${k}`, parents[k % parents.length].id);
		const rule = { id: fakeId('0OH'), developerName: `Hand_${k}`, masterLabel: `Hand ${k}`, isActive: true, booleanFilter: null, items: [{ id: fakeId('0OI'), sortOrder: 1, field: 'Account.BillingPostalCode', operation: 'equals', value: String(10000 + k) }] };
		s.rules.push(rule);
		s.ruleAssociations.push({ id: fakeId('0OJ'), ruleId: rule.id, territoryId: t.id, isInherited: false });
	}
	return s;
}

function bestExportMs(n: number, reps: number): number {
	const snapshot = modelOf(n);
	let ms = Infinity;
	for (let rep = 0; rep < reps; rep++) {
		const t0 = performance.now();
		const territories = exportPlan(snapshot);
		ms = Math.min(ms, performance.now() - t0);
		expect(territories).toHaveLength(n + 10);
		expect(territories.find((t) => t.key === 'T7')?.criteria).toHaveLength(1);
	}
	return ms;
}

describe('the export of a model at scale', () => {
	it('costs at most about 15 times the time for 10 times the territories and rules', () => {
		bestExportMs(300, 2); // warm-up
		const small = bestExportMs(1_000, 5);
		const large = bestExportMs(10_000, 3);
		expect(large / small).toBeLessThanOrEqual(15);
	}, 300_000);
});
