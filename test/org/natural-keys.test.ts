import { connect, type OrgConnection } from '../../lib/org/connect';
import { findExisting, naturalKeyOf } from '../../lib/org/natural-keys';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';


describe('naturalKeyOf', () => {
	it('matches 15- and 18-character Ids, DeveloperNames in any case and SortOrder as text or number', () => {
		const id18 = '0MA8d000000001bCAA';
		expect(naturalKeyOf('Territory2', { Territory2ModelId: id18, DeveloperName: 'Bay_Area' })).toBe(
			naturalKeyOf('Territory2', { Territory2ModelId: id18.slice(0, 15), DeveloperName: 'BAY_AREA' }),
		);
		expect(naturalKeyOf('ObjectTerritory2AssignmentRuleItem', { RuleId: '0OH8d000000001b', SortOrder: 2 })).toBe(
			naturalKeyOf('ObjectTerritory2AssignmentRuleItem', { RuleId: '0OH8d000000001b', SortOrder: '2' }),
		);
	});
	it('keeps Ids case-sensitive and needs every key field', () => {
		expect(naturalKeyOf('UserTerritory2Association', { UserId: '0058d000000001b', Territory2Id: '0MI8d000000001b' })).not.toBe(
			naturalKeyOf('UserTerritory2Association', { UserId: '0058d000000001B', Territory2Id: '0MI8d000000001b' }),
		);
		expect(naturalKeyOf('UserTerritory2Association', { UserId: '0058d000000001b' })).toBeNull();
		expect(naturalKeyOf('Account', { Id: '0018d000000001b' })).toBeNull();
	});
});

describe('findExisting', () => {
	let t: TestSandbox;
	let org: OrgConnection;
	beforeAll(async () => {
		t = await startTestSandbox({ seed: 'demo', seedOptions: { activeModel: true, accounts: 400 } });
		const { loginUrl, credentials: c } = t.sandbox;
		org = await connect({ connection: { authType: 'clientCredentials', loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } }, { retryDelayMs: 10 });
	}, 60000);
	afterAll(() => t.stop());

	it('finds the records of a large set by key, five queries of 100 keys a Composite call', async () => {
		const store = t.sandbox.store;
		const territory = String(store.records('Territory2').find((r) => r.DeveloperName === 'Bay_Area')!.Id);
		const accounts = store.records('Account').map((a) => String(a.Id));
		const wanted = accounts.slice(0, 350).map((ObjectId) => ({ ObjectId, Territory2Id: territory }));
		// 300 assigned by hand (found); 49 not assigned; one assigned by a rule, which is not the manual one asked for.
		const ids = wanted.slice(0, 300).map((r) => store.adminCreate('ObjectTerritory2Association', { ...r, AssociationCause: 'Territory2Manual' }));
		store.adminCreate('ObjectTerritory2Association', { ...wanted[349], AssociationCause: 'Territory2AssignmentRule' });
		t.sandbox.requestLog.reset();
		const found = await findExisting(org, 'ObjectTerritory2Association', wanted);
		expect([...found.keys()].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i));
		expect(ids.every((id, i) => found.get(i) === id)).toBe(true);
		// 4 queries (100 keys each): one Composite call, where one query a call took 4.
		expect(t.sandbox.requestLog.apiCalls).toBe(1);
		expect(t.sandbox.requestLog.count('composite')).toBe(1);
	});
});
