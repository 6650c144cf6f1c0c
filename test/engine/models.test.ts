/** The small reads the nodes need besides publish and import: the model picker and the credential check. */
import { importModel, listModels, testConnection } from '../../lib';
import { CodedError } from '../../lib/coded-error';
import { startEngineOrg, type EngineOrg } from '../helpers/engine-org';

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

it('what the engine refuses on purpose comes as a coded error: a program can test the code, a person read the words', async () => {
	const missingModel = await importModel({ connection: org.connection, model: { developerName: 'No_Such_Model' } }).catch((e: unknown) => e);
	expect(missingModel).toMatchObject({ code: 'MODEL_NOT_FOUND', message: 'No territory model No_Such_Model exists in the org' });
	const missingScope = await importModel({ connection: org.connection, model: { developerName: 'A_Plan' }, scopeRootKey: 'Nowhere' }).catch((e: unknown) => e);
	expect(missingScope).toMatchObject({ code: 'SCOPE_ROOT_NOT_FOUND', message: 'Territory Nowhere does not exist in the model.' });
	expect(missingModel).toBeInstanceOf(CodedError);
	expect(missingScope).toBeInstanceOf(CodedError);
});
