/**
 * The hierarchy a change set leads to (ChangeSet.territories, written by the diff), as the change report
 * draws it, through publishPlan against the sandbox: a publish under one territory, a plan without a
 * Parent column, keys spelt in another case, and territories the plan does not name.
 */
import { renderChangeReport, type PlanRow } from '../../lib';
import { startEngineOrg, type EngineOrg } from '../helpers/engine-org';
import { SAMPLE_ROWS, drawnTree } from './helpers';

let org: EngineOrg;
const model = { developerName: 'Tree_Model' };
beforeAll(async () => {
	org = await startEngineOrg();
	const published = await org.publish({ plan: { rows: SAMPLE_ROWS }, model });
	expect(published.summary.failed).toBe(0);
});
afterAll(async () => org?.stop());

const under = (parent: string) => SAMPLE_ROWS.filter((r) => r.Parent === parent);

it('a publish under West: West heads the tree, the rest of the model is left out, a new and a deleted territory in place', async () => {
	const rows: PlanRow[] = [
		...under('West'),
		...under('Northern_California').filter((r) => r.Key !== 'Northern_California_03'),
		{ Territory: 'Tahoe', Key: 'Tahoe', Parent: 'Northern_California', Type: 'Territory' },
	];
	const result = await org.publish({ plan: { rows }, model, scopeRootKey: 'West', method: 'overwriteAll', dryRun: true });
	expect(result.issues).toEqual([]);
	const tree = drawnTree(renderChangeReport(result));
	expect(tree.get('West')).toMatchObject({ status: 'unchanged', parent: null });
	expect(tree.get('Northern_California')).toMatchObject({ parent: 'West' });
	expect(tree.get('Tahoe')).toMatchObject({ status: 'created', parent: 'Northern_California' });
	expect(tree.get('Northern_California_03')).toMatchObject({ status: 'deleted', parent: 'Northern_California' });
	// Southern California's territories are not in the plan: deleted with overwriteAll, drawn where they are.
	const socal = under('Southern_California').map((r) => String(r.Key));
	for (const key of socal) expect(tree.get(key)).toMatchObject({ status: 'deleted', parent: 'Southern_California' });
	expect(tree.has('Central')).toBe(false);
	expect(tree.has('Texas_01')).toBe(false);
	const westDescendants = SAMPLE_ROWS.length - 1;
	expect(tree.size).toBeLessThan(westDescendants);
});

it('without a Parent column, territories keep their org parents; keys match whatever their case', async () => {
	const rows: PlanRow[] = [
		{ Territory: 'Northern California', Key: 'northern_california', Description: 'NorCal' },
		{ Territory: 'Northern California 01', Key: 'NORTHERN_CALIFORNIA_01' },
	];
	const result = await org.publish({ plan: { rows }, model, dryRun: true });
	expect(result.issues).toEqual([]);
	const tree = drawnTree(renderChangeReport(result));
	expect(tree.get('northern_california')).toMatchObject({ status: 'updated', parent: 'West' });
	expect(tree.get('NORTHERN_CALIFORNIA_01')).toMatchObject({ status: 'unchanged', parent: 'northern_california' });
	// The org's other territories are drawn too, unchanged, under the plan's spelling of their parents.
	expect(tree.get('Northern_California_02')).toMatchObject({ status: 'unchanged', parent: 'northern_california' });
	expect(tree.get('Texas_01')).toMatchObject({ status: 'unchanged', parent: 'Texas' });
	expect(tree.size).toBe(SAMPLE_ROWS.length);
});

it('a change set without the hierarchy (built by hand) is drawn flat, each territory still marked', async () => {
	const result = await org.publish({ plan: { rows: [{ Territory: 'Reno', Key: 'Reno', Parent: 'West', Type: 'Territory' }] }, model, dryRun: true });
	const { territories, ...changeSet } = result.changeSet;
	expect(territories?.length).toBe(SAMPLE_ROWS.length + 1);
	const tree = drawnTree(renderChangeReport({ ...result, changeSet }));
	expect([...tree]).toEqual([['Reno', { status: 'created', parent: null, open: true }]]);
});
