/**
 * Many problems, one cause: problems that the same fix solves are told once, with the rows they are on.
 * "256 users share the domain @acme-demo.example, which no user in the org has" instead of 256 lines; the
 * same unknown Parent on twelve rows is one line naming the twelve rows. Every issue stays in the group
 * (`issues`), so nothing is lost; result.issues keeps the full list as well.
 */
import type { IssueGroup } from './api-types';
import type { PlanIssue } from './plan/types';
import type { DomainFact } from './org/types';

export interface IssueFacts {
	/** E-mail domain (lower case) → what the org's usernames say about it (lib/org/user-domains.ts). */
	userDomains?: Map<string, DomainFact>;
}

/** Unknown users in one domain are a group from this many on (fewer read better one by one). */
const MIN_DOMAIN_GROUP = 3;

/** The e-mail domain of an unknown user reference, or null. */
function userDomain(issue: PlanIssue): string | null {
	if (issue.code !== 'UNKNOWN_USER' || !issue.value) return null;
	const at = issue.value.lastIndexOf('@');
	return at > 0 && at < issue.value.length - 1 ? issue.value.slice(at + 1).trim().toLowerCase() : null;
}

/** Domains of at least MIN_DOMAIN_GROUP unknown users: the ones worth asking the org about. */
export function frequentUnknownDomains(issues: PlanIssue[]): string[] {
	const count = new Map<string, number>();
	for (const issue of issues) {
		const domain = userDomain(issue);
		if (domain) count.set(domain, (count.get(domain) ?? 0) + 1);
	}
	return [...count].filter(([, n]) => n >= MIN_DOMAIN_GROUP).sort((a, b) => b[1] - a[1]).map(([d]) => d);
}

/** Groups in the order of their first issue; a problem with no sibling is a group of one, its message as is. */
export function groupIssues(issues: PlanIssue[], facts: IssueFacts = {}): IssueGroup[] {
	const domains = new Set(frequentUnknownDomains(issues));
	const groups = new Map<string, PlanIssue[]>();
	for (const issue of issues) {
		const domain = userDomain(issue);
		// Same code and same cause: the same value (an unknown Parent named on many rows), or for unknown
		// users the same e-mail domain.
		const key = domain && domains.has(domain) ? `domain\u0000${domain}` : JSON.stringify([issue.code, issue.column, issue.value]);
		groups.set(key, [...(groups.get(key) ?? []), issue]);
	}
	return [...groups].map(([key, members]) => {
		const first = members[0];
		const rows = [...new Set(members.map((i) => i.row))].sort((a, b) => a - b);
		const base = { code: first.code, column: first.column, rows, issues: members };
		if (key.startsWith('domain\u0000')) return { ...base, message: domainMessage(key.slice(7), members.length, facts) };
		if (members.length === 1) return { ...base, message: first.message };
		return { ...base, message: `${first.message.replace(/\.$/, '')} (the same on ${members.length} rows)` };
	});
}

function domainMessage(domain: string, n: number, facts: IssueFacts): string {
	const fact = facts.userDomains?.get(domain);
	if (fact?.found === false && fact.suffixed) {
		return `${n} users share the domain @${domain}, which no user in the org has; its usernames end in @${fact.suffixed} (a sandbox appends its name to every username): write the plan's usernames that way.`;
	}
	if (fact?.found === false) {
		return `${n} users share the domain @${domain}, which no user in the org has: the plan's usernames may be from another org.`;
	}
	return `${n} users with the domain @${domain} do not exist in the org; check their usernames (an inactive or renamed user, or a username from another org).`;
}

/** "rows 2–257" or "rows 3, 5, 9–12": consecutive rows as ranges, at most `max` ranges then "…". */
export function rowsText(rows: number[], max = 8): string {
	const planRows = rows.filter((r) => r > 0);
	if (planRows.length === 0) return '';
	const ranges: string[] = [];
	for (let i = 0; i < planRows.length; i++) {
		let j = i;
		while (j + 1 < planRows.length && planRows[j + 1] === planRows[j] + 1) j++;
		ranges.push(i === j ? `${planRows[i]}` : `${planRows[i]}–${planRows[j]}`);
		i = j;
	}
	const shown = ranges.length > max ? [...ranges.slice(0, max), '…'] : ranges;
	return `${planRows.length === 1 ? 'Row' : 'Rows'} ${shown.join(', ')}`;
}
