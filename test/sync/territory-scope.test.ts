import { diff, exportPlan } from '../../lib/sync';
import type { Change, ChangeSet, DiffOptions, OrgSnapshot } from '../../lib/sync';
import { parsePlan, planToRows } from '../../lib/plan';
import type { PlanTerritory } from '../../lib/plan/types';
import { baseOrg, makePlan, options, OrgBuilder, pt } from './fixtures';
import { applyInSandbox } from '../helpers/sandbox-snapshot';

const codes = (cs: ChangeSet): string[] => cs.issues.map((i) => i.code);
const byId = (cs: ChangeSet, id: string): Change => {
	const c = cs.changes.find((x) => x.id === id);
	if (!c) throw new Error(`no change ${id} in ${cs.changes.map((x) => x.id).join(', ')}`);
	return c;
};

/** Global > West (Bay_Area "Bay Area", Nevada), Global > East (Maine); users and a tool rule in West. */
async function tree(): Promise<OrgBuilder> {
	const org = baseOrg()
		.territory('Global', { type: 'Region' })
		.territory('West', { type: 'Region', parent: 'Global', name: 'West Region', description: 'Western' })
		.territory('Bay_Area', { parent: 'West', name: 'Bay Area' })
		.territory('Nevada', { parent: 'West' })
		.territory('East', { type: 'Region', parent: 'Global' })
		.territory('Maine', { parent: 'East' })
		.assign('West', 'ana@acme.example', 'Owner')
		.assign('Bay_Area', 'ben@acme.example', 'Sales Rep');
	const published = await applyInSandbox(
		org.s,
		diff(makePlan([pt('Bay_Area', { name: 'Bay Area', parentKey: 'West', postalCodes: ['940*'] })], ['Territory', 'Key', 'Postal Codes']), org.s, options()),
	);
	org.s.rules = published.rules;
	org.s.ruleAssociations = published.ruleAssociations;
	return org;
}

/** export under a root → rows → parsePlan → diff: what a scoped Import then Publish does. */
function roundTrip(snapshot: OrgSnapshot, exported: PlanTerritory[], overrides: Partial<DiffOptions>) {
	const plan = parsePlan(planToRows(exported));
	expect(plan.issues).toEqual([]);
	return diff(plan, snapshot, options(overrides));
}

describe('diff: the scope root as a plan row (anchor)', () => {
	it.each<[string, Partial<DiffOptions>]>([
		['overwriteMatching', { method: 'overwriteMatching' }],
		['overwriteMatching + deleteMissing', { method: 'overwriteMatching', deleteMissing: true }],
		['overwriteAll', { method: 'overwriteAll', touchHandMadeRules: true }],
	])('a scoped export published back under the same root is an empty change set (%s)', async (_name, method) => {
		const org = await tree();
		const exported = exportPlan(org.s, { scopeRootKey: 'West' });
		expect(exported.map((t) => `${t.key}<-${t.parentKey ?? ''}`)).toEqual(['West<-', 'Bay_Area<-West', 'Nevada<-West']);
		const cs = roundTrip(org.s, exported, { scopeRootKey: 'West', ...method });
		expect(cs.issues).toEqual([]);
		expect(cs.changes).toEqual([]);
	});

	it('still publishes the scoped export under the root\'s parent unchanged', async () => {
		const org = await tree();
		const cs = roundTrip(org.s, exportPlan(org.s, { scopeRootKey: 'West' }), { scopeRootKey: 'Global' });
		expect(cs.issues).toEqual([]);
		expect(cs.changes).toEqual([]);
	});

	it('updates the root\'s fields and users without moving it; other top-level rows go under it', async () => {
		const org = await tree();
		const plan = makePlan([
			pt('West', { name: 'West Renamed', type: 'Region', description: 'Western', users: [{ ref: 'cy@acme.example', role: 'Owner' }] }),
			pt('Bay_Area', { name: 'Bay Area', parentKey: 'West', postalCodes: ['940*'], users: [{ ref: 'ben@acme.example', role: 'Sales Rep' }] }),
			pt('Nevada', { parentKey: 'West' }),
			pt('Utah'),
		]);
		const cs = diff(plan, org.s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([]);
		const west = byId(cs, 'Territory2:West:update');
		expect(west.recordId).toBe(org.t('West').id);
		expect(west.fields).toEqual({ Name: 'West Renamed' });
		expect(byId(cs, 'Territory2:Utah').fields.ParentTerritory2Id).toBe(org.t('West').id);
		const users = cs.changes.filter((c) => c.object === 'UserTerritory2Association').map((c) => `${c.action} ${c.label}`);
		expect(users.length).toBe(2);
		expect(users.every((u) => u.includes('West'))).toBe(true);
		const after = await applyInSandbox(org.s, cs);
		const w = after.territories.find((t) => t.developerName === 'West');
		expect(w?.parentId).toBe(org.t('Global').id);
		expect(w?.name).toBe('West Renamed');
		expect(after.territories.find((t) => t.developerName === 'Utah')?.parentId).toBe(org.t('West').id);
		expect(diff(plan, after, options({ scopeRootKey: 'West' })).changes).toEqual([]);
	});

	it.each<[string, Partial<DiffOptions>]>([
		['overwriteAll', { method: 'overwriteAll' }],
		['deleteMissing', { deleteMissing: true }],
	])('never deletes the root (%s): a plan of the root alone empties the subtree', async (_name, method) => {
		const org = await tree();
		const cs = diff(makePlan([pt('West', { name: 'West Region', type: 'Region', description: 'Western' })]), org.s, options({ scopeRootKey: 'West', ...method }));
		expect(cs.issues).toEqual([]);
		const deleted = cs.changes.filter((c) => c.object === 'Territory2' && c.action === 'delete').map((c) => c.label);
		expect(deleted.sort()).toEqual(['Bay_Area', 'Nevada']);
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories.map((t) => t.developerName).sort()).toEqual(['East', 'Global', 'Maine', 'West']);
	});

	it('accepts the root\'s current parent as its Parent, and refuses another one', async () => {
		const org = await tree();
		const same = diff(makePlan([pt('West', { name: 'West Region', type: 'Region', description: 'Western', parentKey: 'Global' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(same.issues).toEqual([]);
		expect(same.changes.filter((c) => c.object === 'Territory2')).toEqual([]);
		const moved = diff(makePlan([pt('West', { type: 'Region', parentKey: 'East' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(moved.issues).toEqual([expect.objectContaining({ code: 'SCOPE_ROOT_MOVE', row: 2, column: 'Parent', value: 'East' })]);
		expect(moved.changes.some((c) => c.fields.ParentTerritory2Id !== undefined)).toBe(false);
	});

	it('says where a key outside the scope is, without calling the scope root outside', async () => {
		const org = await tree();
		const above = diff(makePlan([pt('Global', { type: 'Region' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(codes(above)).toEqual(['KEY_OUTSIDE_SCOPE']);
		expect(above.issues[0].message).toContain('above West');
		const beside = diff(makePlan([pt('Maine')]), org.s, options({ scopeRootKey: 'West' }));
		expect(beside.issues[0].message).toContain('under East');
		expect(beside.issues[0].message).not.toContain('model root');
	});

	it('in "add", the root row is a duplicate key like any existing territory', async () => {
		const cs = diff(makePlan([pt('West', { type: 'Region' })]), (await tree()).s, options({ scopeRootKey: 'West', method: 'add' }));
		expect(codes(cs)).toEqual(['DUPLICATE_KEY']);
	});
});

describe('diff: Parent naming an org territory by Name', () => {
	it('hangs a new territory under the org territory of that name in scope, ignoring case', async () => {
		const org = await tree();
		const cs = diff(makePlan([pt('Oakland', { parentKey: 'bay area' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:Oakland').fields.ParentTerritory2Id).toBe(org.t('Bay_Area').id);
	});

	it('accepts the scope root by its Name', async () => {
		const org = await tree();
		const cs = diff(makePlan([pt('Utah', { parentKey: 'West Region' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:Utah').fields.ParentTerritory2Id).toBe(org.t('West').id);
	});

	it('moves a matched territory under an org territory named by its Name', async () => {
		const org = await tree();
		const cs = diff(makePlan([pt('Nevada', { parentKey: 'Bay Area' })], ['Territory', 'Key', 'Parent']), org.s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:Nevada:update').fields).toEqual({ ParentTerritory2Id: org.t('Bay_Area').id });
	});

	it('prefers a key to a name', async () => {
		const org = (await tree()).territory('Reno', { parent: 'West', name: 'Nevada' });
		const cs = diff(makePlan([pt('Carson', { parentKey: 'Nevada' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:Carson').fields.ParentTerritory2Id).toBe(org.t('Nevada').id);
	});

	it('reports a name several territories in scope share, with their keys', async () => {
		const org = (await tree()).territory('North_A', { parent: 'West', name: 'North' }).territory('North_B', { parent: 'Nevada', name: 'north' });
		const cs = diff(makePlan([pt('Pole', { parentKey: 'North' })]), org.s, options({ scopeRootKey: 'West' }));
		// An exact-case match wins over one ignoring case.
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:Pole').fields.ParentTerritory2Id).toBe(org.t('North_A').id);
		const amb = diff(makePlan([pt('Pole', { parentKey: 'NORTH' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(amb.issues).toEqual([expect.objectContaining({ code: 'AMBIGUOUS_PARENT', row: 2, column: 'Parent', value: 'NORTH' })]);
		expect(amb.issues[0].message).toContain('North_A, North_B');
	});

	it('does not look outside the scope: a name only outside it is unknown, and does not make a same-named one ambiguous', async () => {
		const org = (await tree()).territory('Maine_2', { parent: 'West', name: 'Maine' });
		expect(codes(diff(makePlan([pt('Acadia', { parentKey: 'East' })]), org.s, options({ scopeRootKey: 'West' })))).toEqual(['UNKNOWN_PARENT']);
		const cs = diff(makePlan([pt('Portland', { parentKey: 'maine' })]), org.s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:Portland').fields.ParentTerritory2Id).toBe(org.t('Maine_2').id);
	});
});
