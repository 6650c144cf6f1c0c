/**
 * Plan problems and diff problems, reconciled in one place: the plan check (lib/plan/parse.ts, and what
 * publish adds before the snapshot) reads the sheet alone, the diff reads it against the org, and both may
 * see one problem. The rules, each used by every caller (diff.ts, lib/publish.ts):
 *
 * 1. Decided by the org (`planIssuesForDiff`): plan issues that only compare text, which the org may
 *    overturn, are not handed to the diff; it judges them against the org and reports the real ones.
 * 2. One problem, one issue (`diffIssuesBeside`): the diff reports a problem once per (row, column, code,
 *    value); one the plan already reports is dropped, under the same code and value or under a code
 *    `SAME_PROBLEM_AS` names for that row and column (whatever value each carries).
 * 3. In the plan's words (`reconcileIssues`): a mismatch the org confirms is reported with the plan check's
 *    code and message (they say what to change in the sheet); then plan and diff issues are listed once
 *    each, by row, with long values shortened.
 */
import type { PlanIssue } from '../plan/types';

/**
 * Plan issues that only compare text: a Parent that is not in the plan may be an existing territory of
 * the org, and a Forecast Manager may name one of the Users by another of the USER_REFERENCE_KINDS
 * (lib/salesforce/users.ts). The diff reports UNKNOWN_PARENT or FORECAST_MANAGER_NOT_ASSIGNED itself
 * when the problem is real, so a diff issue of these codes is never an echo.
 */
const DECIDED_BY_THE_ORG: ReadonlySet<string> = new Set(['UNKNOWN_PARENT', 'FORECAST_MANAGER_NOT_USER']);

/**
 * Diff codes that name a problem the plan check reports under another code (same row and column): the
 * plan's issue is the one kept, whatever value each carries.
 */
const SAME_PROBLEM_AS: Readonly<Record<string, readonly string[]>> = {
	FORECAST_MANAGER_NOT_ASSIGNED: ['FORECAST_MANAGER_NOT_USER'],
	TERRITORY_LIMIT: ['TOO_MANY_TERRITORIES'],
	// A field Account does not have is reported once, as the plan's UNKNOWN_FIELD.
	RULE_FIELD_NOT_AVAILABLE: ['UNKNOWN_FIELD'],
};

/**
 * Plan codes whose diff version is re-worded in the plan's terms (rule 3): the diff code → the plan code
 * on the same row whose issue replaces it.
 */
const IN_PLAN_TERMS: Readonly<Record<string, string>> = {
	FORECAST_MANAGER_NOT_ASSIGNED: 'FORECAST_MANAGER_NOT_USER',
};

/** Longest value an issue quotes whole; a longer one (a 100,000-character cell) is quoted in part. */
const QUOTED_VALUE_LENGTH = 120;

/** JSON keeps a blank value (null) apart from the text 'null'. */
const keyOf = (...parts: unknown[]): string => JSON.stringify(parts);

/** Rule 1: the plan issues the diff is given (the org decides the others). */
export function planIssuesForDiff(planIssues: readonly PlanIssue[]): PlanIssue[] {
	return planIssues.filter((i) => !DECIDED_BY_THE_ORG.has(i.code));
}

/** Rule 2: the diff's issues, in the order found, without repeats and without the plan's own problems. */
export function diffIssuesBeside(planIssues: readonly PlanIssue[], found: readonly PlanIssue[]): PlanIssue[] {
	const planExact = new Set(planIssues.map((i) => keyOf(i.row, i.column, i.code, i.value)));
	const planAt = new Set(planIssues.map((i) => keyOf(i.row, i.column, i.code)));
	const seen = new Set<string>();
	return found.filter((i) => {
		const key = keyOf(i.row, i.column, i.code, i.value);
		if (seen.has(key)) return false;
		seen.add(key);
		if (!DECIDED_BY_THE_ORG.has(i.code) && planExact.has(key)) return false;
		return !(SAME_PROBLEM_AS[i.code] ?? []).some((c) => planAt.has(keyOf(i.row, i.column, c)));
	});
}

/**
 * Rule 3: the one list of problems a publish reports. `diffIssues` null: no diff ran (nothing could be
 * read), so every plan issue stands; otherwise the plan issues the org decides give way to the diff's.
 */
export function reconcileIssues(planIssues: readonly PlanIssue[], diffIssues: readonly PlanIssue[] | null): PlanIssue[] {
	const all = diffIssues === null ? [...planIssues] : [...planIssuesForDiff(planIssues), ...inPlanTerms(planIssues, diffIssues)];
	return readable(byRow(unique(all)));
}

function inPlanTerms(planIssues: readonly PlanIssue[], diffIssues: readonly PlanIssue[]): PlanIssue[] {
	const planned = new Map(planIssues.map((i) => [keyOf(i.row, i.code), i]));
	return diffIssues.map((i) => {
		const code = IN_PLAN_TERMS[i.code];
		return (code !== undefined && planned.get(keyOf(i.row, code))) || i;
	});
}

/** One problem, one issue: the plan check and the diff may both see it (same row, column, code and value). */
function unique(issues: PlanIssue[]): PlanIssue[] {
	const seen = new Set<string>();
	return issues.filter((i) => {
		const key = keyOf(i.row, i.column, i.code, i.value);
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/** Stable: within a row, issues keep the order they were found in. */
function byRow(issues: PlanIssue[]): PlanIssue[] {
	return [...issues].sort((a, b) => a.row - b.row);
}

/**
 * Issues a person can read, whatever the size of the cells they quote: a long value is shortened in the
 * issue and wherever the message repeats it. Applied last, after issues are told apart by their value.
 */
function readable(issues: PlanIssue[]): PlanIssue[] {
	return issues.map((i) => {
		if (i.value === null || i.value.length <= QUOTED_VALUE_LENGTH) return i;
		const short = `${i.value.slice(0, QUOTED_VALUE_LENGTH)}… (${i.value.length} characters)`;
		return { ...i, value: short, message: i.message.split(i.value).join(short) };
	});
}
