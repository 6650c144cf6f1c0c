/**
 * The rules that reconcile plan problems with diff problems (lib/sync/reconcile.ts), one by one, and
 * through diff() and publish, which both go through them.
 */
import type { IssueCode } from '../../lib/issue-codes';
import type { PlanIssue } from '../../lib/plan/types';
import { diff } from '../../lib/sync';
import { diffIssuesBeside, planIssuesForDiff, reconcileIssues } from '../../lib/sync/reconcile';
import { baseOrg, makePlan, options, pt } from './fixtures';

const issue = (row: number, column: string | null, value: string | null, code: IssueCode, message = `${code} on ${row}`): PlanIssue => ({
	row,
	column,
	value,
	code,
	message,
});

describe('rule 1: plan issues the org decides are not handed to the diff', () => {
	it('drop UNKNOWN_PARENT and FORECAST_MANAGER_NOT_USER, keep every other plan issue in order', () => {
		const plan = [
			issue(2, 'Parent', 'West', 'UNKNOWN_PARENT'),
			issue(3, 'Key', 'k', 'INVALID_KEY'),
			issue(4, 'Forecast Manager', 'ann', 'FORECAST_MANAGER_NOT_USER'),
			issue(5, 'Parent', 'East', 'AMBIGUOUS_PARENT'),
		];
		expect(planIssuesForDiff(plan).map((i) => i.code)).toEqual(['INVALID_KEY', 'AMBIGUOUS_PARENT']);
	});
});

describe('rule 2: the diff reports a problem once, and never one the plan reports', () => {
	it('keep the first of repeats (row, column, code, value), in the order found', () => {
		const found = [
			issue(2, 'Users', 'ann', 'UNKNOWN_USER', 'first'),
			issue(3, 'Users', 'bob', 'UNKNOWN_USER'),
			issue(2, 'Users', 'ann', 'UNKNOWN_USER', 'second'),
			issue(2, 'Users', 'bea', 'UNKNOWN_USER'),
		];
		expect(diffIssuesBeside([], found).map((i) => [i.row, i.value, i.message])).toEqual([
			[2, 'ann', 'first'],
			[3, 'bob', 'UNKNOWN_USER on 3'],
			[2, 'bea', 'UNKNOWN_USER on 2'],
		]);
	});

	it('tell a blank value from the text "null"', () => {
		const found = [issue(2, 'Type', null, 'TYPE_REQUIRED'), issue(2, 'Type', 'null', 'TYPE_REQUIRED')];
		expect(diffIssuesBeside([], found)).toHaveLength(2);
	});

	it('drop an issue the plan reports with the same row, column, code and value, whatever its words', () => {
		const plan = [issue(4, 'Postal Codes', '9,4', 'VALUE_WITH_COMMA', 'Row 4: the plan’s words')];
		const found = [
			issue(4, 'Postal Codes', '9,4', 'VALUE_WITH_COMMA', 'the diff’s words'),
			issue(4, 'Postal Codes', '9,5', 'VALUE_WITH_COMMA'),
			issue(5, 'Postal Codes', '9,4', 'VALUE_WITH_COMMA'),
		];
		expect(diffIssuesBeside(plan, found).map((i) => [i.row, i.value])).toEqual([
			[4, '9,5'],
			[5, '9,4'],
		]);
	});

	it('keep the diff’s own version of a problem the org decides, even when the plan said the same', () => {
		const plan = [issue(2, 'Parent', 'West', 'UNKNOWN_PARENT')];
		const found = [issue(2, 'Parent', 'West', 'UNKNOWN_PARENT', 'neither in the plan nor in the publish scope')];
		expect(diffIssuesBeside(plan, found)).toEqual(found);
	});

	it.each([
		['FORECAST_MANAGER_NOT_ASSIGNED', 'FORECAST_MANAGER_NOT_USER', 'Forecast Manager'],
		['TERRITORY_LIMIT', 'TOO_MANY_TERRITORIES', null],
		['RULE_FIELD_NOT_AVAILABLE', 'UNKNOWN_FIELD', 'Criteria'],
	] as [IssueCode, IssueCode, string | null][])('drop %s where the plan reports %s on the same row and column, whatever the values', (diffCode, planCode, column) => {
		const plan = [issue(3, column, 'plan value', planCode)];
		expect(diffIssuesBeside(plan, [issue(3, column, 'diff value', diffCode)])).toEqual([]);
		// Another row, or another column, is another problem.
		expect(diffIssuesBeside(plan, [issue(4, column, 'diff value', diffCode)])).toHaveLength(1);
		expect(diffIssuesBeside(plan, [issue(3, 'Key', 'diff value', diffCode)])).toHaveLength(1);
	});
});

describe('rule 3: one list of problems, in the plan’s words', () => {
	it('replace FORECAST_MANAGER_NOT_ASSIGNED by the plan’s FORECAST_MANAGER_NOT_USER of that row', () => {
		const planned = issue(3, 'Forecast Manager', 'ann', 'FORECAST_MANAGER_NOT_USER', 'not among the Users');
		const confirmed = issue(3, 'Forecast Manager', 'ann@x.test', 'FORECAST_MANAGER_NOT_ASSIGNED');
		const elsewhere = issue(4, 'Forecast Manager', 'bob', 'FORECAST_MANAGER_NOT_ASSIGNED');
		expect(reconcileIssues([planned], [confirmed, elsewhere])).toEqual([planned, elsewhere]);
	});

	it('give way to the diff on what the org decides: a plan UNKNOWN_PARENT the diff does not confirm is gone', () => {
		const plan = [issue(2, 'Parent', 'West', 'UNKNOWN_PARENT'), issue(2, 'Key', 'k', 'INVALID_KEY')];
		expect(reconcileIssues(plan, []).map((i) => i.code)).toEqual(['INVALID_KEY']);
	});

	it('keep every plan issue when no diff ran (null)', () => {
		const plan = [issue(2, 'Parent', 'West', 'UNKNOWN_PARENT'), issue(2, 'Key', 'k', 'INVALID_KEY')];
		expect(reconcileIssues(plan, null).map((i) => i.code)).toEqual(['UNKNOWN_PARENT', 'INVALID_KEY']);
	});

	it('list each problem once, plan first, sorted by row and in the order found within a row', () => {
		const plan = [issue(5, 'Key', 'k', 'INVALID_KEY', 'plan'), issue(0, null, null, 'EMPTY_PLAN')];
		const found = [issue(5, 'Key', 'k', 'INVALID_KEY', 'diff'), issue(5, 'Users', 'ann', 'UNKNOWN_USER'), issue(2, 'Type', 'T', 'UNKNOWN_TYPE')];
		expect(reconcileIssues(plan, found).map((i) => [i.row, i.code, i.message])).toEqual([
			[0, 'EMPTY_PLAN', 'EMPTY_PLAN on 0'],
			[2, 'UNKNOWN_TYPE', 'UNKNOWN_TYPE on 2'],
			[5, 'INVALID_KEY', 'plan'],
			[5, 'UNKNOWN_USER', 'UNKNOWN_USER on 5'],
		]);
	});

	it('shorten a long value in the issue and in its message, after telling issues apart by the whole value', () => {
		const long = 'x'.repeat(200);
		const [a, b] = reconcileIssues([issue(2, 'Territory', long, 'NAME_TOO_LONG', `"${long}" is long`), issue(2, 'Territory', `${long}y`, 'NAME_TOO_LONG')], null);
		expect(a.value).toBe(`${'x'.repeat(120)}… (200 characters)`);
		expect(a.message).toBe(`"${a.value}" is long`);
		expect(b.value).toBe(`${'x'.repeat(120)}… (201 characters)`);
	});
});

describe('diff() reports through rule 2', () => {
	it('a rule problem the plan check already found is reported by the plan only', () => {
		const plan = makePlan([pt('Reno', { postalCodes: ['895,01'] })]);
		const alone = diff(plan, baseOrg().s, options()).issues.filter((i) => i.code === 'VALUE_WITH_COMMA');
		expect(alone).toHaveLength(1);
		const planned = { ...alone[0], message: `Row ${alone[0].row}: the plan check’s words` };
		const both = diff({ ...plan, issues: [planned] }, baseOrg().s, options()).issues;
		expect(both.filter((i) => i.code === 'VALUE_WITH_COMMA')).toEqual([]);
	});
});
