/**
 * Whether any user of the org has a Username in an e-mail domain: what explains many unknown users at
 * once (a plan written for another org, or for production while publishing to a sandbox, whose
 * usernames Salesforce suffixes with the sandbox name). One small query per domain, only when the plan
 * names unknown users.
 */
import { OBJECTS } from '../salesforce';
import type { OrgConnection } from './connect';
import { queryAll } from './http';
import { soqlQuote } from './soql';

/** Domains questioned at most; more would be a plan full of different mistakes, not one cause. */
const MAX_DOMAINS = 5;

/**
 * Only plain host names are asked about: in a LIKE pattern % and _ are wildcards, and a domain never
 * needs them (SOQL and SOSL Reference, "Comparison Operators", LIKE).
 */
const PLAIN_DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** domain (lower case) → whether some Username ends in "@domain"; a domain that could not be asked is absent. */
export async function userDomainsInOrg(org: OrgConnection, domains: string[]): Promise<Map<string, boolean>> {
	const found = new Map<string, boolean>();
	for (const domain of domains.filter((d) => PLAIN_DOMAIN.test(d)).slice(0, MAX_DOMAINS)) {
		try {
			const rows = await queryAll(org, `SELECT Id FROM ${OBJECTS.user} WHERE Username LIKE ${soqlQuote(`%@${domain}`)} LIMIT 1`);
			found.set(domain, rows.length > 0);
		} catch {
			// Advisory only: the problems are reported one by one without the grouping's explanation.
		}
	}
	return found;
}
