/**
 * Publishing under a territory (scopeRootKey) what an import under the same territory returned, and
 * Parent cells naming org territories by Name, through importModel / publishPlan against the sandbox org.
 */
import { importModel } from '../../lib';
import type { PublishOptions } from '../../lib';
import type { PlanRow } from '../../lib/plan/types';
import { DEMO_USERNAMES as U, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

/** Global > West ("West Region": Bay_Area, Nevada), Global > East (Maine). */
const BASE: PlanRow[] = [
	{ Territory: 'Global', Key: 'Global', Parent: '', Type: 'Region' },
	{ Territory: 'West Region', Key: 'West', Parent: 'Global', Type: 'Region', Description: 'Western', Users: `${U.anaLopez} (Owner)` },
	{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*, 941*', Users: `${U.benCarter} (Sales Rep)` },
	{ Territory: 'Nevada', Key: 'Nevada', Parent: 'West', Type: 'Territory', 'Postal Codes': '889*', Users: U.davidKim },
	{ Territory: 'East', Key: 'East', Parent: 'Global', Type: 'Region' },
	{ Territory: 'Maine', Key: 'Maine', Parent: 'East', Type: 'Territory', 'Postal Codes': '04*' },
];

let seq = 0;
/** A fresh model holding BASE (the edition allows few models: each test drops its own). */
async function seeded(): Promise<{ developerName: string }> {
	const model = { developerName: `Scope_RT_${++seq}` };
	const r = await org.publish({ plan: { rows: BASE }, model });
	expect(r.issues).toEqual([]);
	expect(r.summary.failed).toBe(0);
	return model;
}

const importUnderWest = async (model: { developerName: string }): Promise<PlanRow[]> =>
	(await importModel({ connection: org.connection, model, scopeRootKey: 'West' })).rows;

describe('a scoped import published under the same territory', () => {
	const methods: [string, Partial<PublishOptions>][] = [
		['overwriteMatching', { method: 'overwriteMatching' }],
		['overwriteMatching + deleteMissing', { method: 'overwriteMatching', deleteMissing: true }],
		['overwriteAll', { method: 'overwriteAll' }],
		['overwriteAll + touchHandMadeRules', { method: 'overwriteAll', touchHandMadeRules: true }],
	];

	it.each(methods)('writes nothing when unchanged (%s)', async (_name, method) => {
		const model = await seeded();
		try {
			const rows = await importUnderWest(model);
			expect(rows.map((r) => `${r.Key}<-${r.Parent ?? ''}`)).toEqual(['West<-', 'Bay_Area<-West', 'Nevada<-West']);
			const before = org.dump();
			const r = await org.publish({ plan: { rows }, model, scopeRootKey: 'West', ...method });
			expect(r.issues).toEqual([]);
			expect(r.changeSet.changes).toEqual([]);
			expect(writeCount(r)).toBe(0);
			expect(org.changesSince(before)).toEqual([]);
		} finally {
			org.dropModel(model.developerName);
		}
	});

	it('applies edits to the root and its subtree without moving or deleting the root, and leaves the rest alone', async () => {
		const model = await seeded();
		try {
			const rows = await importUnderWest(model);
			const edited = rows
				.filter((r) => r.Key !== 'Nevada')
				.map((r) => (r.Key === 'West' ? { ...r, Territory: 'West Renamed', Users: `${U.carlaNguyen} (Owner)` } : r));
			edited.push({ Territory: 'Utah', Key: 'Utah', Parent: '', Type: 'Territory', 'Postal Codes': '840*' });
			const outside = JSON.stringify(org.model(model.developerName).territories.filter((t) => ['Global', 'East', 'Maine'].includes(String(t.DeveloperName))));
			const r = await org.publish({ plan: { rows: edited }, model, scopeRootKey: 'West', method: 'overwriteAll' });
			expect(r.issues).toEqual([]);
			expect(r.summary.failed).toBe(0);
			const state = org.model(model.developerName);
			expect(state.parents).toEqual({ Global: null, West: 'Global', Bay_Area: 'West', Utah: 'West', East: 'Global', Maine: 'East' });
			expect(state.territories.find((t) => t.DeveloperName === 'West')?.Name).toBe('West Renamed');
			expect(state.usersByTerritory.West).toEqual([`${U.carlaNguyen} (Owner)`]);
			expect(JSON.stringify(state.territories.filter((t) => ['Global', 'East', 'Maine'].includes(String(t.DeveloperName))))).toBe(outside);

			const again = await org.publish({ plan: { rows: await importUnderWest(model) }, model, scopeRootKey: 'West', method: 'overwriteAll' });
			expect(again.issues).toEqual([]);
			expect(writeCount(again)).toBe(0);
		} finally {
			org.dropModel(model.developerName);
		}
	});

	it('overwriteAll with the root row alone empties the subtree but keeps the root', async () => {
		const model = await seeded();
		try {
			const rows = (await importUnderWest(model)).filter((r) => r.Key === 'West');
			const r = await org.publish({ plan: { rows }, model, scopeRootKey: 'West', method: 'overwriteAll' });
			expect(r.issues).toEqual([]);
			expect(r.summary.failed).toBe(0);
			expect(org.model(model.developerName).parents).toEqual({ Global: null, West: 'Global', East: 'Global', Maine: 'East' });
		} finally {
			org.dropModel(model.developerName);
		}
	});

	it('refuses to move the root, and keeps the root row out of KEY_OUTSIDE_SCOPE', async () => {
		const model = await seeded();
		try {
			const before = org.dump();
			const moved = await org.publish({
				plan: { rows: [{ Territory: 'West Region', Key: 'West', Parent: 'East', Type: 'Region' }] },
				model,
				scopeRootKey: 'West',
			});
			expect(moved.issues.map((i) => [i.row, i.column, i.code])).toEqual([[2, 'Parent', 'SCOPE_ROOT_MOVE']]);
			const above = await org.publish({ plan: { rows: [{ Territory: 'Global', Key: 'Global', Parent: '', Type: 'Region' }] }, model, scopeRootKey: 'West' });
			expect(above.issues.map((i) => i.code)).toEqual(['KEY_OUTSIDE_SCOPE']);
			expect(above.issues[0].message).toMatch(/above West/);
			expect(org.changesSince(before)).toEqual([]);
		} finally {
			org.dropModel(model.developerName);
		}
	});
});

describe('Parent naming an org territory by Name', () => {
	it('hangs new territories under org territories named by Name (ignoring case), with or without a scope', async () => {
		const model = await seeded();
		try {
			const r = await org.publish({
				plan: {
					rows: [
						{ Territory: 'Oakland', Key: 'Oakland', Parent: 'bay area', Type: 'Territory' },
						{ Territory: 'Reno', Key: 'Reno', Parent: 'West Region', Type: 'Territory' },
					],
				},
				model,
				scopeRootKey: 'West',
			});
			expect(r.issues).toEqual([]);
			expect(r.summary.failed).toBe(0);
			const top = await org.publish({ plan: { rows: [{ Territory: 'Bangor', Key: 'Bangor', Parent: 'MAINE', Type: 'Territory' }] }, model });
			expect(top.issues).toEqual([]);
			const parents = org.model(model.developerName).parents;
			expect([parents.Oakland, parents.Reno, parents.Bangor]).toEqual(['Bay_Area', 'West', 'Maine']);
		} finally {
			org.dropModel(model.developerName);
		}
	});

	it('refuses a name several territories share, naming their keys, and one outside the scope', async () => {
		const model = await seeded();
		try {
			const dup = await org.publish({
				plan: {
					rows: [
						{ Territory: 'Sierra', Key: 'Sierra_A', Parent: 'West', Type: 'Territory' },
						{ Territory: 'Sierra', Key: 'Sierra_B', Parent: 'East', Type: 'Territory' },
					],
				},
				model,
			});
			expect(dup.issues).toEqual([]);
			const before = org.dump();
			const amb = await org.publish({ plan: { rows: [{ Territory: 'Carson', Key: 'Carson', Parent: 'sierra', Type: 'Territory' }] }, model });
			expect(amb.issues.map((i) => [i.row, i.column, i.code])).toEqual([[2, 'Parent', 'AMBIGUOUS_PARENT']]);
			expect(amb.issues[0].message).toContain('Sierra_A, Sierra_B');
			const out = await org.publish({ plan: { rows: [{ Territory: 'Lewiston', Key: 'Lewiston', Parent: 'Maine', Type: 'Territory' }] }, model, scopeRootKey: 'West' });
			expect(out.issues.map((i) => i.code)).toEqual(['UNKNOWN_PARENT']);
			expect(org.changesSince(before)).toEqual([]);
		} finally {
			org.dropModel(model.developerName);
		}
	});
});
