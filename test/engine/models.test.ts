/** The small reads the nodes need besides publish and import: the model picker and the credential check. */
import { listModels, testConnection } from '../../lib';
import { startEngineOrg, type EngineOrg } from './fixtures';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg({ seedOptions: { activeModel: true } });
	await org.publish({ plan: { rows: [{ Territory: 'West', Key: 'West', Type: 'Region' }] }, model: { developerName: 'A_Plan', name: 'Alpha Plan' } });
});
afterAll(() => org.stop());

it('lists the org’s models by label, with their state', async () => {
	const models = await listModels({ connection: org.connection });
	expect(models.map((m) => [m.name, m.developerName, m.state])).toEqual([
		['Alpha Plan', 'A_Plan', 'Planning'],
		['FY26 Sales', 'FY26_Sales', 'Active'],
	]);
});

it('names the user a credential logs in as', async () => {
	expect((await testConnection({ connection: org.connection })).username).toBe(org.sandbox.credentials.username);
});
