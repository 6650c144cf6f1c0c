/**
 * Warnings: what the plan writes is right, but the org will behave differently from how the plan
 * reads. They never block a publish.
 */
import { diff } from '../../lib/sync';
import { applyChangeSet, baseOrg, makePlan, options, pt } from './fixtures';

describe('hand-made rules kept beside the plan’s rule', () => {
	const org = () =>
		baseOrg()
			.territory('Reno')
			.rule('Hand_Reno', ['Reno'], [{ field: 'Account.Industry', operation: 'equals', value: 'Mining' }]);

	it('warn that Salesforce also assigns what the hand-made rule matches', () => {
		const plan = makePlan([pt('Reno', { postalCodes: ['895*'] })]);
		const cs = diff(plan, org().s, options());
		expect(cs.issues).toEqual([]);
		expect(cs.warnings).toEqual([
			expect.objectContaining({ row: 2, code: 'HAND_MADE_RULES_KEPT', value: 'Hand_Reno', message: expect.stringMatching(/matching either/) }),
		]);
		// The warning does not change what is written: the plan's rule is created, the hand-made one kept.
		const after = applyChangeSet(org().s, cs);
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
