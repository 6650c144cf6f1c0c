import { NodeOperationError, type IDataObject, type INode, type INodeExecutionData } from 'n8n-workflow';
import { describeChangeSet, groupIssues, rowsText, type IssueGroup, type PlanIssue, type PublishResult } from '../../lib';
import type { PlanInput } from './input';
import { toRowItems } from './rows';

const MAX_ISSUES_SHOWN = 50;

/** Lines the error's description shows; the rest are in its details (context.data) and in result.issues. */
const MAX_LINES_SHOWN = 100;

/** Where a problem (or a group of problems) is: "Row 4, Users", "Rows 2–257, Users", "Plan". */
function place(rows: number[], column: string | null): string {
	return [rowsText(rows) || 'Plan', column].filter(Boolean).join(', ');
}

/** One line per cause, place first and the code last: what a user reads, in the order of the plan. */
export function issueLines(issues: PlanIssue[], groups: IssueGroup[] = groupIssues(issues)): string[] {
	return groups.map((group) => {
		const where = place(group.rows, group.column);
		// Most messages already start with their place; the others get it in front.
		const located = group.message.toLowerCase().startsWith(where.toLowerCase()) ? group.message : `${where}: ${group.message}`;
		return `${located.replace(/\.$/, '')} (${group.code})`;
	});
}

/** Every problem on its own line, ungrouped: the full list, for the error's details. */
export function allIssueLines(issues: PlanIssue[]): string[] {
	return issueLines(issues, issues.map((i) => ({ code: i.code, column: i.column, rows: [i.row], message: i.message, issues: [i] })));
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The error's description: n8n's editor renders it as HTML (NodeErrorView, v-n8n-html), where new lines
 * run together into one paragraph, so the lines are a list; plain text from the plan is escaped.
 */
export function formatIssues(issues: PlanIssue[], groups?: IssueGroup[]): string {
	const lines = issueLines(issues, groups);
	const shown = lines.slice(0, MAX_LINES_SHOWN).map((line) => `<li>${escapeHtml(line)}</li>`);
	if (lines.length > MAX_LINES_SHOWN) {
		shown.push(`<li>… and ${lines.length - MAX_LINES_SHOWN} more: every problem is in this error's details (Error data) and, with On Error set to Continue, in the output's issues</li>`);
	}
	return `<ul>\n${shown.join('\n')}\n</ul>`;
}

/** The error a refused plan stops the node with: grouped lines in the description, every problem in its details. */
export function refusedPlanError(node: INode, result: PublishResult): NodeOperationError {
	const error = new NodeOperationError(node, result.summary.outcome, { description: formatIssues(result.issues, result.issueGroups) });
	error.context.data = { problems: allIssueLines(result.issues) };
	return error;
}

/**
 * A publish that left rows failed or skipped, or stopped early: what a user needs to act on (which rows,
 * why, what was written anyway). null when everything went through.
 */
export function describeIncomplete(result: PublishResult): { message: string; description: string } | null {
	const { failed, skipped, stopped, counts } = result.summary;
	if (!stopped && failed === 0 && skipped === 0) return null;
	const written = Object.entries(counts)
		.map(([object, actions]) => `${object} ${Object.entries(actions).map(([a, n]) => `${a} ${n}`).join(', ')}`)
		.join('; ');
	const problems = result.rows
		.filter((r) => r.status === 'failed' || r.status === 'skipped')
		.slice(0, MAX_ISSUES_SHOWN)
		.map((r) => `${r.row ? `Row ${r.row}` : 'Model'} (${r.key}): ${r.status}${r.errorCode ? ` ${r.errorCode}` : ''}${r.message ? `: ${r.message}` : ''}`);
	const head = stopped
		? `The publish stopped early (${stopped.code}): ${stopped.message}`
		: `${failed} change(s) failed and ${skipped} were skipped; the rest was published`;
	return {
		message: head,
		description: [...problems, `Written: ${written || 'nothing'}.`, 'Publishing the same plan again completes it without duplicates.'].join('\n'),
	};
}

export function toOutputItems(
	result: PublishResult,
	output: 'summary' | 'rows',
	input: PlanInput,
	node: INode,
): INodeExecutionData[] {
	if (output === 'rows') return toRowItems(result, input, node);
	const described = describeChangeSet(result.changeSet);
	return [
		{
			json: {
				...result.summary,
				changes: described.lines,
				// A refused plan's problems as people read them (grouped by cause); issues holds each one.
				...(result.issues.length ? { problemLines: issueLines(result.issues, result.issueGroups) } : {}),
				issues: result.issues as unknown as IDataObject[],
				warnings: result.warnings as unknown as IDataObject[],
				rows: result.rows.reduce<Record<string, number>>((counts, row) => {
					counts[row.status] = (counts[row.status] ?? 0) + 1;
					return counts;
				}, {}),
			} as IDataObject,
			// The summary speaks for the whole plan: paired with every input item it came from.
			pairedItem: Array.from({ length: Math.max(input.itemCount, 1) }, (_, item) => ({ item })),
		},
	];
}
