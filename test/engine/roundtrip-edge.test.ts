/**
 * Round-trip edges found in review, through publishPlan / importModel against the sandbox org:
 * single-value operators with commas, inactive and inherited hand-made rules, and org values holding a
 * list separator (a rule value with ";", an account key with ";" or ",").
 */
import { importModel } from '../../lib';
import { parseCsv } from '../../lib/plan';
import { startEngineOrg, type EngineOrg } from '../helpers/engine-org';

let org: EngineOrg;
beforeAll(async () => {
	org = await startEngineOrg();
});
afterAll(async () => org?.stop());

const store = () => org.sandbox.store;

function territoryId(model: string, key: string): string {
	const t = org.model(model).territories.find((x) => x.DeveloperName === key);
	if (!t) throw new Error(`no territory ${key} in ${model}`);
	return String(t.Id);
}

/** A hand-made rule with one item, linked to one territory, made as an admin would in Setup. */
function handRule(model: string, key: string, dev: string, item: { field: string; operation: string; value: string }, flags: { active?: boolean; inherited?: boolean } = {}): string {
	const m = org.model(model);
	const rule = store().adminCreate('ObjectTerritory2AssignmentRule', { DeveloperName: dev, MasterLabel: dev, ObjectType: 'Account', Territory2ModelId: m.id, IsActive: flags.active ?? true });
	store().adminCreate('ObjectTerritory2AssignmentRuleItem', { RuleId: rule, SortOrder: 1, Field: item.field, Operation: item.operation, Value: item.value });
	store().adminCreate('RuleTerritory2Association', { RuleId: rule, Territory2Id: territoryId(model, key), IsInherited: flags.inherited ?? false });
	return rule;
}

function criteriaOf(csv: string, key: string): string | undefined {
	return parseCsv(csv).rows.find((r) => r.Key === key)?.Criteria as string | undefined;
}

describe('single-value operators keep commas', () => {
	afterAll(() => org.dropModel('Num'));

	it('publishes "AccountNumber >= 1,000,000" as one rule item holding 1,000,000', async () => {
		const r = await org.publish({ plan: { rows: [{ Territory: 'Big', Key: 'Big', Type: 'Region', Criteria: 'AccountNumber >= 1,000,000; Industry equals Tech,Retail' }] }, model: { developerName: 'Num', name: 'Num' } });
		expect(r.issues).toEqual([]);
		const items = org.model('Num').ruleItems.map((i) => [i.Field, i.Operation, i.Value]);
		expect(items).toEqual(expect.arrayContaining([['Account.AccountNumber', 'greaterOrEqual', '1,000,000']]));
		// A list operator still splits its values into one ORed list.
		expect(items).toEqual(expect.arrayContaining([['Account.Industry', 'equals', 'Tech,Retail']]));
	});

	it('imports the tool rule back as the same Criteria and publishes that unchanged with no writes', async () => {
		const imp = await importModel({ connection: org.connection, model: { developerName: 'Num' } });
		expect(criteriaOf(imp.csv, 'Big')).toBe('AccountNumber greaterOrEqual 1,000,000; Industry equals Tech,Retail');
		const before = org.dump();
		const back = await org.publish({ plan: { csv: imp.csv }, model: { developerName: 'Num' } });
		expect(back.issues).toEqual([]);
		expect(org.changesSince(before)).toEqual([]);
	});

	it('imports a hand-made "greaterThan 1,000,000" rule as Criteria and publishing it back writes nothing', async () => {
		await org.publish({ plan: { rows: [{ Territory: 'Small', Key: 'Small', Type: 'Region' }] }, model: { developerName: 'Num' }, method: 'add' });
		handRule('Num', 'Small', 'Hand_small', { field: 'Account.AccountNumber', operation: 'lessThan', value: '1,000,000' });
		const imp = await importModel({ connection: org.connection, model: { developerName: 'Num' } });
		expect(criteriaOf(imp.csv, 'Small')).toBe('AccountNumber lessThan 1,000,000');
		const before = org.dump();
		const back = await org.publish({ plan: { csv: imp.csv }, model: { developerName: 'Num' } });
		expect(back.issues).toEqual([]);
		expect(back.warnings.map((w) => w.code)).not.toContain('HAND_MADE_RULES_KEPT');
		expect(org.changesSince(before)).toEqual([]);
	});
});

describe('inactive and inherited hand-made rules', () => {
	afterAll(() => {
		org.dropModel('Inh');
		org.dropModel('Inh2');
	});

	it('are not exported as Criteria, the import says why, and a copy of the model does not turn them into active rules', async () => {
		await org.publish({
			plan: { rows: [
				{ Territory: 'West', Key: 'West', Type: 'Region' },
				{ Territory: 'Bay', Key: 'Bay', Parent: 'West', Type: 'Territory' },
				{ Territory: 'East', Key: 'East', Type: 'Region' },
			] },
			model: { developerName: 'Inh', name: 'Inh' },
		});
		handRule('Inh', 'West', 'West_inherited', { field: 'Account.BillingState', operation: 'equals', value: 'CA' }, { inherited: true });
		handRule('Inh', 'East', 'East_off', { field: 'Account.BillingState', operation: 'equals', value: 'NY' }, { active: false });

		const imp = await importModel({ connection: org.connection, model: { developerName: 'Inh' } });
		expect(criteriaOf(imp.csv, 'West')).toBe('');
		expect(criteriaOf(imp.csv, 'East')).toBe('');
		const notes = imp.notes.map((n) => [n.key, n.code]);
		expect(notes).toEqual(expect.arrayContaining([['West', 'HAND_MADE_RULES_NOT_EXPORTED'], ['East', 'HAND_MADE_RULES_NOT_EXPORTED']]));
		expect(imp.notes.find((n) => n.key === 'East')?.message).toMatch(/inactive/);
		expect(imp.notes.find((n) => n.key === 'West')?.message).toMatch(/child territories/);

		const before = org.dump();
		const back = await org.publish({ plan: { csv: imp.csv }, model: { developerName: 'Inh' } });
		expect(back.issues).toEqual([]);
		expect(org.changesSince(before)).toEqual([]);

		const copy = await org.publish({ plan: { csv: imp.csv }, model: { developerName: 'Inh2', name: 'Inh2' } });
		expect(copy.issues).toEqual([]);
		expect(org.model('Inh2').rules).toEqual([]);
	});

	it('an inactive hand-made rule does not count as covering the plan\'s rule', async () => {
		const r = await org.publish({ plan: { rows: [{ Territory: 'East', Key: 'East', Type: 'Region', Criteria: 'BillingState equals NY' }] }, model: { developerName: 'Inh' }, method: 'overwriteMatching' });
		expect(r.issues).toEqual([]);
		const m = org.model('Inh');
		const tp = m.rules.find((x) => x.DeveloperName === 'TP_East');
		expect(tp?.IsActive).toBe(true);
		expect(m.ruleItems.filter((i) => i.RuleId === tp?.Id).map((i) => [i.Field, i.Operation, i.Value])).toEqual([['Account.BillingState', 'equals', 'NY']]);
		expect(m.ruleLinks.find((l) => l.RuleId === tp?.Id)).toMatchObject({ Territory2Id: territoryId('Inh', 'East'), IsInherited: false });
		// An inactive rule assigns nothing: saying it is kept "beside" the plan's rule would mislead.
		expect(r.warnings.map((w) => w.code)).not.toContain('HAND_MADE_RULES_KEPT');
		// The inactive hand-made rule is left as it was.
		expect(m.rules.find((x) => x.DeveloperName === 'East_off')?.IsActive).toBe(false);
	});

	it('an inherited hand-made rule does not count as covering the plan\'s rule either', async () => {
		const before = org.model('Inh').rules.length;
		const r = await org.publish({ plan: { rows: [{ Territory: 'West', Key: 'West', Type: 'Region', Criteria: 'BillingState equals CA' }] }, model: { developerName: 'Inh' }, method: 'overwriteMatching' });
		expect(r.issues).toEqual([]);
		const m = org.model('Inh');
		expect(m.rules.length).toBe(before + 1);
		const tp = m.rules.find((x) => x.DeveloperName === 'TP_West');
		expect(m.ruleLinks.find((l) => l.RuleId === tp?.Id)).toMatchObject({ Territory2Id: territoryId('Inh', 'West'), IsInherited: false });
	});
});

describe('org values holding a list separator', () => {
	afterAll(() => org.dropModel('Sep'));

	it('a rule value with ";" is noted, not exported as Criteria; an account key with ";" or "," is exported by Id; publishing back is clean', async () => {
		await org.publish({
			plan: { rows: [
				{ Territory: 'West', Key: 'West', Type: 'Region' },
				{ Territory: 'East', Key: 'East', Type: 'Region' },
			] },
			model: { developerName: 'Sep', name: 'Sep' },
		});
		handRule('Sep', 'West', 'Hand', { field: 'Account.Name', operation: 'contains', value: 'Smith; Sons' });
		const [a1, a2, a3] = store().records('Account');
		store().adminUpdate('Account', a1.Id, { External_Key__c: 'ACME;42' });
		store().adminUpdate('Account', a2.Id, { External_Key__c: 'Globex, Inc' });
		store().adminUpdate('Account', a3.Id, { External_Key__c: 'PLAIN-7' });
		for (const a of [a1, a2, a3]) store().adminCreate('ObjectTerritory2Association', { ObjectId: a.Id, Territory2Id: territoryId('Sep', 'East'), AssociationCause: 'Territory2Manual' });

		const imp = await importModel({ connection: org.connection, model: { developerName: 'Sep' }, includeAccounts: true, accountKeyField: 'External_Key__c' });
		expect(criteriaOf(imp.csv, 'West')).toBe('');
		expect(imp.notes.find((n) => n.key === 'West')).toMatchObject({ code: 'HAND_MADE_RULES_NOT_EXPORTED' });
		const accounts = String(parseCsv(imp.csv).rows.find((r) => r.Key === 'East')?.Accounts ?? '').split(', ');
		expect(accounts.sort()).toEqual([String(a1.Id), String(a2.Id), 'PLAIN-7'].sort());

		const before = org.dump();
		const back = await org.publish({ plan: { csv: imp.csv }, model: { developerName: 'Sep' }, accountKeyField: 'External_Key__c' });
		expect(back.issues).toEqual([]);
		expect(org.changesSince(before)).toEqual([]);
	});
});

describe('tool rules switched in Setup', () => {
	afterAll(() => org.dropModel('Tool'));

	it('an inactive tool rule is noted on import and made active again by publish (one write)', async () => {
		await org.publish({ plan: { rows: [{ Territory: 'West', Key: 'West', Type: 'Region', Criteria: 'AccountNumber equals A-1' }] }, model: { developerName: 'Tool', name: 'Tool' } });
		const rule = org.model('Tool').rules.find((r) => r.DeveloperName === 'TP_West')!;
		store().adminUpdate('ObjectTerritory2AssignmentRule', String(rule.Id), { IsActive: false });
		const imp = await importModel({ connection: org.connection, model: { developerName: 'Tool' } });
		expect(criteriaOf(imp.csv, 'West')).toBe('AccountNumber equals A-1');
		expect(imp.notes.find((n) => n.key === 'West')?.message).toMatch(/TP_West.*inactive.*active again/);
		const before = org.dump();
		const back = await org.publish({ plan: { csv: imp.csv }, model: { developerName: 'Tool' } });
		expect(back.issues).toEqual([]);
		expect(org.changesSince(before)).toEqual([expect.stringMatching(/^~ ObjectTerritory2AssignmentRule .*IsActive/)]);
		expect(org.model('Tool').rules.find((r) => r.DeveloperName === 'TP_West')?.IsActive).toBe(true);
	});

	it('an inherited tool rule link is noted on import, warned about and left as it is by publish', async () => {
		const m = org.model('Tool');
		const rule = m.rules.find((r) => r.DeveloperName === 'TP_West')!;
		const link = m.ruleLinks.find((l) => l.RuleId === rule.Id)!;
		store().cascadeDelete(String(link.Id));
		store().adminCreate('RuleTerritory2Association', { RuleId: rule.Id, Territory2Id: territoryId('Tool', 'West'), IsInherited: true });
		const imp = await importModel({ connection: org.connection, model: { developerName: 'Tool' } });
		expect(criteriaOf(imp.csv, 'West')).toBe('AccountNumber equals A-1');
		expect(imp.notes.find((n) => n.key === 'West')?.message).toMatch(/child territories/);
		const before = org.dump();
		const back = await org.publish({ plan: { csv: imp.csv }, model: { developerName: 'Tool' } });
		expect(back.issues).toEqual([]);
		expect(back.warnings.map((w) => w.code)).toContain('TOOL_RULE_INHERITED');
		expect(org.changesSince(before)).toEqual([]);
	});
});
