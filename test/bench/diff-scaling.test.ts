/**
 * Parse + validate + diff grows linearly with the plan: ten times the territories, users, accounts and
 * account assignments cost at most 20 times the CPU time, measured in one run (a ratio, so a slow or
 * shared machine does not make it fail). The former per-reference scans of every user and account
 * (lib/sync/match.ts) and of every change (DiffState.find, now Findings.find through a map) made this 25.7 times at these sizes.
 *
 * Import's export of a model (exportPlan) likewise: it once scanned every rule of the model per territory;
 * and the rows of a publish's result (rowOutcomes, with each row's Ids), which scanned every territory and
 * association of the snapshot per row.
 *
 * The snapshot is built in memory (no org): the users and accounts the generated plan names, the
 * hierarchy's types, no model yet, as in a first publish.
 */
import { accountKeys, generatePlan, type PlanSize } from '../../bench/plan-generator';
import { parsePlan } from '../../lib/plan';
import { blankTerritory } from '../../lib/plan/types';
import { rowOutcomes } from '../../lib/publish';
import { diff, exportPlan } from '../../lib/sync';
import type { OrgSnapshot } from '../../lib/sync/types';
import { benchUsername } from '../../sandbox/seed';
import { emptySnapshot, idMaker, options } from '../sync/fixtures';

const fakeId = idMaker();

/**
 * This process's CPU time in ms (user + system), not wall time: other work on a shared machine delays a
 * run's wall clock by whatever it happens to do meanwhile, far less the CPU time the run itself needs.
 */
function cpuMs(): number {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
}

/** `work()`'s result and the CPU time it took (the checks of the result stay outside the timing). */
function cpuTimed<T>(work: () => T): { value: T; ms: number } {
	const t0 = cpuMs();
	const value = work();
	return { value, ms: cpuMs() - t0 };
}

/**
 * "About 15 times" for 10 times the work: linear work on a 10 times larger heap also pays more cache misses
 * and collections (measured 8–16 times on the shared machine); the scans this guards against cost 25
 * (diff), 89 (export) and 131 (rows) times.
 */
const SCALE_LIMIT = 20;

/**
 * The fastest of `reps` runs of the small and the large case, taken in turns: the machine is shared, and
 * turns let a quiet or a busy moment fall on both alike (the minimum is the least disturbed run).
 */
function fastest(small: () => number, large: () => number, reps: number): { small: number; large: number } {
	let a = Infinity;
	let b = Infinity;
	for (let rep = 0; rep < reps; rep++) {
		a = Math.min(a, small());
		b = Math.min(b, large());
	}
	return { small: a, large: b };
}

/** large ÷ small CPU time of `run` at the two sizes (the fastest of `reps` turns each), after a warm-up at `warm`: the JIT compiles the hot paths first. */
function scaleRatio(run: (n: number) => () => number, warm: number, small: number, large: number, reps: number): number {
	fastest(run(warm), run(warm), 2);
	const t = fastest(run(small), run(large), reps);
	return t.large / t.small;
}

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

/** One timed run of parse + validate + diff of the plan of `size`, its inputs built once; `changes` gets its change count by territories. */
function diffRun(size: PlanSize, changes: Map<number, number>): () => number {
	const rows = generatePlan(size);
	const snapshot = snapshotFor(size);
	return () => {
		const { value: [plan, cs], ms } = cpuTimed(() => {
			const parsed = parsePlan(rows, { maxTerritories: size.territories });
			return [parsed, diff(parsed, snapshot, options({ modelDeveloperName: 'Scale', modelName: 'Scale', maxTerritoriesPerModel: size.territories }))] as const;
		});
		expect([...plan.issues, ...cs.issues]).toEqual([]);
		changes.set(size.territories, cs.changes.length);
		return ms;
	};
}

describe('parse + validate + diff at scale', () => {
	it('costs at most 20 times the CPU time for 10 times the plan', () => {
		const changes = new Map<number, number>();
		const ratio = scaleRatio((n) => diffRun(sizeOf(n), changes), 200, 400, 4_000, 4);
		// The change set itself grows tenfold (every territory, rule, user and account assignment).
		expect(changes.get(4_000)).toBeGreaterThanOrEqual(9 * changes.get(400)!);
		expect(ratio).toBeLessThanOrEqual(SCALE_LIMIT);
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

function exportRun(n: number): () => number {
	const snapshot = modelOf(n);
	return () => {
		const { value: territories, ms } = cpuTimed(() => exportPlan(snapshot));
		expect(territories).toHaveLength(n + 10);
		expect(territories.find((t) => t.key === 'T7')?.criteria).toHaveLength(1);
		return ms;
	};
}

describe('the export of a model at scale', () => {
	it('costs at most 20 times the CPU time for 10 times the territories and rules', () => {
		expect(scaleRatio(exportRun, 300, 1_000, 10_000, 4)).toBeLessThanOrEqual(SCALE_LIMIT);
	}, 300_000);
});

function rowsRun(n: number): () => number {
	const snapshot = modelOf(n);
	for (const t of snapshot.territories) {
		snapshot.userAssociations.push({ id: fakeId('0R0'), userId: fakeId('005'), territoryId: t.id, role: null });
		for (let a = 0; a < 4; a++) snapshot.accountAssociations.push({ id: fakeId('0R1'), objectId: fakeId('001'), territoryId: t.id });
	}
	const territories = snapshot.territories.map((t, i) => blankTerritory({ name: t.name, key: t.developerName, row: i + 2, rows: [i + 2] }));
	const plan = { territories, columns: [], issues: [] };
	const changeSet = { modelDeveloperName: 'Scale', modelId: snapshot.model!.id, changes: [], issues: [], warnings: [] };
	return () => {
		const { value: rows, ms } = cpuTimed(() => rowOutcomes(plan, changeSet, [], snapshot));
		expect(rows).toHaveLength(n + 10);
		expect(rows[12].ids?.accountAssignments).toHaveLength(4);
		expect(rows[12].ids?.rules).toHaveLength(1);
		return ms;
	};
}

describe("a publish's rows and their Ids at scale", () => {
	it('cost at most 20 times the CPU time for 10 times the territories', () => {
		// Larger than the other cases: a row costs microseconds, and below a few thousand rows the whole run
		// fits the CPU's caches (1,000 rows measured 27 times faster than 10,000, 10,000 → 30,000 2.4 times);
		// at 2,000 → 20,000 the small case took a few ms and CI's parallel workers made the ratio 38 once
		// (alone 11-15 at 5,000 → 50,000).
		expect(scaleRatio(rowsRun, 500, 5_000, 50_000, 3)).toBeLessThanOrEqual(SCALE_LIMIT);
	}, 300_000);
});
