/**
 * Warnings: what the plan writes is right, but the org will behave differently from how the plan
 * reads. They never block a publish.
 */
import { diff } from '../../lib/sync';
import { baseOrg, makePlan, options, pt } from './fixtures';
import { applyInSandbox } from '../helpers/sandbox-snapshot';

describe('hand-made rules kept beside the plan’s rule', () => {
	const org = () =>
		baseOrg()
			.territory('Reno')
			.rule('Hand_Reno', ['Reno'], [{ field: 'Account.Industry', operation: 'equals', value: 'Mining' }]);

	it('warn that Salesforce also assigns what the hand-made rule matches', async () => {
		const plan = makePlan([pt('Reno', { postalCodes: ['895*'] })]);
		const cs = diff(plan, org().s, options());
		expect(cs.issues).toEqual([]);
		expect(cs.warnings).toEqual([
			expect.objectContaining({ row: 2, code: 'HAND_MADE_RULES_KEPT', value: 'Hand_Reno', message: expect.stringMatching(/matching either/) }),
		]);
		// The warning does not change what is written: the plan's rule is created, the hand-made one kept.
		const after = await applyInSandbox(org().s, cs);
		expect(after.rules.map((r) => r.developerName).sort()).toEqual(['Hand_Reno', 'TP_Reno']);
	});

	it('say nothing when the hand-made rule already says what the plan says', () => {
		const plan = makePlan([pt('Reno', { criteria: [{ field: 'Industry', operation: 'equals', values: ['Mining'] }] })]);
		expect(diff(plan, org().s, options()).warnings).toEqual([]);
	});

	it('say nothing when hand-made rules are replaced (touchHandMadeRules)', () => {
		const plan = makePlan([pt('Reno', { postalCodes: ['895*'] })]);
		expect(diff(plan, org().s, options({ touchHandMadeRules: true })).warnings).toEqual([]);
	});

	it('say nothing when the plan gives the territory no rule of its own', () => {
		const plan = makePlan([pt('Reno', {})]);
		expect(diff(plan, org().s, options()).warnings).toEqual([]);
	});
});

describe('territory types created on request', () => {
	it('get distinct DeveloperNames even when their labels have no Latin letters', () => {
		const plan = makePlan([pt('Tokyo', { type: '日本' }), pt('Beijing', { type: '中国' })]);
		const cs = diff(plan, baseOrg().s, options({ createMissingTypes: true }));
		expect(cs.issues).toEqual([]);
		const created = cs.changes.filter((c) => c.object === 'Territory2Type' && c.action === 'create');
		const names = created.map((c) => String(c.fields.DeveloperName));
		expect(created.map((c) => c.fields.MasterLabel)).toEqual(['日本', '中国']);
		expect(new Set(names).size).toBe(2);
		expect(names.every((n) => /^[A-Za-z][A-Za-z0-9_]*$/.test(n) && !n.includes('__'))).toBe(true);
	});
});
