/**
 * Whether any user of the org has a Username in an e-mail domain: what explains many unknown users at
 * once (a plan written for another org, or for production while publishing to a sandbox). A sandbox
 * appends its name to every username it copies: user@acme.com in a sandbox named test becomes
 * user@acme.com.test (Salesforce Help, "Sandboxes: Users and Contacts"), so a domain nobody has is also
 * looked up with a suffix. A query or two per domain, only when the plan names many unknown users.
 */
import { OBJECTS } from '../salesforce';
import type { OrgConnection } from './connect';
import type { DomainFact } from './types';
import { queryAll } from './http';
import { soqlQuote } from './soql';

/** Domains questioned at most; more would be a plan full of different mistakes, not one cause. */
const MAX_DOMAINS = 5;

/**
 * Only plain host names are asked about: in a LIKE pattern % and _ are wildcards, and a domain never
 * needs them (SOQL and SOSL Reference, "Comparison Operators", LIKE).
 */
const PLAIN_DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** domain (lower case) → what the org's usernames say about it; a domain that could not be asked is absent. */
export async function userDomainsInOrg(org: OrgConnection, domains: string[]): Promise<Map<string, DomainFact>> {
	const facts = new Map<string, DomainFact>();
	for (const domain of domains.filter((d) => PLAIN_DOMAIN.test(d)).slice(0, MAX_DOMAINS)) {
		try {
			if ((await usernameLike(org, `%@${domain}`)) !== null) {
				facts.set(domain, { found: true });
				continue;
			}
			const near = await usernameLike(org, `%@${domain}.%`);
			const suffixed = near?.slice(near.toLowerCase().lastIndexOf(`@${domain}.`) + 1);
			facts.set(domain, suffixed ? { found: false, suffixed } : { found: false });
		} catch {
			// Advisory only: the problems are reported one by one without the grouping's explanation.
		}
	}
	return facts;
}

async function usernameLike(org: OrgConnection, pattern: string): Promise<string | null> {
	const rows = await queryAll<{ Username?: string }>(org, `SELECT Username FROM ${OBJECTS.user} WHERE Username LIKE ${soqlQuote(pattern)} LIMIT 1`);
	return rows[0]?.Username ?? null;
}
