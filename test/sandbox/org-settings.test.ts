/**
 * The sandbox's switches for what differs between real orgs, seen through real jsforce over HTTP:
 * the rule item Field picklist's naming form, State and Country/Territory Picklists (and how rules on
 * states then match), and the org-wide sharing defaults that limit territory access levels.
 */
import type { Connection } from 'jsforce';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import type { SandboxOptions } from '../../sandbox';

interface Describe {
	fields: { name: string; picklistValues: { value: string }[]; nillable: boolean }[];
}

async function withOrg(options: SandboxOptions, run: (t: TestSandbox, conn: Connection) => Promise<void>): Promise<void> {
	const t = await startTestSandbox(options);
	try {
		await run(t, await t.connect());
	} finally {
		await t.stop();
	}
}

const fieldOf = (d: Describe, name: string) => d.fields.find((f) => f.name === name);
const values = (d: Describe, name: string) => (fieldOf(d, name)?.picklistValues ?? []).map((p) => p.value);

async function modelAndRule(conn: Connection): Promise<{ modelId: string; ruleId: string }> {
	const model = (await conn.sobject('Territory2Model').create({ Name: 'M', DeveloperName: 'M' })) as { id: string };
	const rule = (await conn.sobject('ObjectTerritory2AssignmentRule').create({
		DeveloperName: 'R',
		MasterLabel: 'R',
		ObjectType: 'Account',
		Territory2ModelId: model.id,
		IsActive: true,
	})) as { id: string };
	return { modelId: model.id, ruleId: rule.id };
}

describe('ObjectTerritory2AssignmentRuleItem.Field is a restricted picklist in one naming form', () => {
	it.each([
		['qualified', 'Account.BillingPostalCode', 'BillingPostalCode'],
		['bare', 'BillingPostalCode', 'Account.BillingPostalCode'],
	] as const)('%s: the describe lists %s, and the other form is refused', async (form, listed, other) => {
		await withOrg({ ruleItemFieldForm: form }, async (_t, conn) => {
			const d = (await conn.sobject('ObjectTerritory2AssignmentRuleItem').describe()) as unknown as Describe;
			expect(values(d, 'Field')).toContain(listed);
			expect(values(d, 'Field')).not.toContain(other);
			const { ruleId } = await modelAndRule(conn);
			const item = (Field: string, SortOrder: number) =>
				conn.sobject('ObjectTerritory2AssignmentRuleItem').create({ RuleId: ruleId, SortOrder, Field, Operation: 'equals', Value: '94105' });
			await expect(item(listed, 1)).resolves.toMatchObject({ success: true });
			await expect(item(other, 2)).rejects.toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
		});
	});
});

describe('State and Country/Territory Picklists', () => {
	it('off by default: Account has no BillingStateCode or BillingCountryCode', async () => {
		await withOrg({}, async (_t, conn) => {
			const d = (await conn.sobject('Account').describe()) as unknown as Describe;
			expect(fieldOf(d, 'BillingStateCode')).toBeUndefined();
			expect(fieldOf(d, 'BillingCountryCode')).toBeUndefined();
		});
	});

	it('on: the code fields exist, demo accounts carry codes and labels, and equals on a state matches nothing while contains does', async () => {
		await withOrg({ stateCountryPicklists: true, seed: 'demo', seedOptions: { accounts: 100 } }, async (t, conn) => {
			const d = (await conn.sobject('Account').describe()) as unknown as Describe;
			expect(values(d, 'BillingStateCode')).toContain('CA');
			expect(values(d, 'BillingCountryCode')).toContain('US');
			const ca = (await conn.query<{ Id: string; BillingState: string }>("SELECT Id, BillingState FROM Account WHERE BillingStateCode = 'CA'")).records;
			expect(ca.length).toBeGreaterThan(0);
			expect(new Set(ca.map((a) => a.BillingState))).toEqual(new Set(['California']));

			const { ruleId } = await modelAndRule(conn);
			const item = await conn
				.sobject('ObjectTerritory2AssignmentRuleItem')
				.create({ RuleId: ruleId, SortOrder: 1, Field: 'Account.BillingState', Operation: 'equals', Value: 'California' });
			expect(t.sandbox.accountsMatchingRule(ruleId)).toEqual([]);
			await conn.sobject('ObjectTerritory2AssignmentRuleItem').update({ Id: (item as { id: string }).id, Operation: 'contains' });
			expect(t.sandbox.accountsMatchingRule(ruleId).sort()).toEqual(ca.map((a) => a.Id).sort());
		});
	});
});

describe('org-wide sharing defaults', () => {
	it('Organization reports them; Private by default allows every territory access level', async () => {
		await withOrg({}, async (_t, conn) => {
			const org = (await conn.query('SELECT DefaultAccountAccess, DefaultOpportunityAccess, DefaultCaseAccess FROM Organization')).records[0];
			expect(org).toMatchObject({ DefaultAccountAccess: 'None', DefaultOpportunityAccess: 'None', DefaultCaseAccess: 'None' });
		});
	});

	it('Public Read/Write accounts, opportunities and cases: Read accounts and any opportunity or case level are refused', async () => {
		await withOrg({ sharing: { account: 'Edit', opportunity: 'Edit', case: 'ReadEditTransfer' } }, async (t, conn) => {
			const org = (await conn.query('SELECT DefaultAccountAccess, DefaultOpportunityAccess, DefaultCaseAccess FROM Organization')).records[0];
			expect(org).toMatchObject({ DefaultAccountAccess: 'Edit', DefaultOpportunityAccess: 'Edit', DefaultCaseAccess: 'ReadEditTransfer' });
			const model = (await conn.sobject('Territory2Model').create({ Name: 'M', DeveloperName: 'M' })) as { id: string };
			const type = (await conn.sobject('Territory2Type').create({ DeveloperName: 'T', MasterLabel: 'T', Priority: 1 })) as { id: string };
			const territory = (dev: string, extra: Record<string, unknown>) =>
				conn.sobject('Territory2').create({ Name: dev, DeveloperName: dev, Territory2ModelId: model.id, Territory2TypeId: type.id, ...extra });
			await expect(territory('A', { AccountAccessLevel: 'Read' })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
			await expect(territory('B', { OpportunityAccessLevel: 'Read' })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
			await expect(territory('C', { CaseAccessLevel: 'None' })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
			const ok = (await territory('D', { AccountAccessLevel: 'All' })) as { id: string };
			const stored = t.sandbox.store.get(ok.id)!.record;
			expect(stored).toMatchObject({ AccountAccessLevel: 'All', OpportunityAccessLevel: null, CaseAccessLevel: null });
			await expect(conn.sobject('Territory2').update({ Id: ok.id, AccountAccessLevel: 'Read' })).rejects.toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
		});
	});
});
