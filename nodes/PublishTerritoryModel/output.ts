import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { describeChangeSet, type PlanIssue, type PublishResult } from '../../lib';
import type { PlanInput } from './input';
import { toRowItems } from './rows';

const MAX_ISSUES_SHOWN = 50;

/** Every problem on its own line, row and column first, so a user can find it in the sheet. */
export function formatIssues(issues: PlanIssue[]): string {
	const lines = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
		const where = [issue.row ? `Row ${issue.row}` : 'Plan', issue.column].filter(Boolean).join(', ');
		// Most messages already start with their place; the others get it in front.
		const located = issue.message.toLowerCase().startsWith(where.toLowerCase()) ? issue.message : `${where}: ${issue.message}`;
		return `${located} [${issue.code}]`;
	});
	if (issues.length > MAX_ISSUES_SHOWN) lines.push(`… and ${issues.length - MAX_ISSUES_SHOWN} more`);
	return lines.join('\n');
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
