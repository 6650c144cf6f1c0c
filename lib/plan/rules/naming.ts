/** The names of the rules the tool owns: the TP_ prefix, DeveloperNames and labels of a territory's n-th rule. */
import { LIMITS, TOOL_RULE_PREFIX } from '../../salesforce';
import { stableHash, withSuffix } from '../keys';

export function isToolRule(developerName: string): boolean {
	return developerName.startsWith(TOOL_RULE_PREFIX);
}

/**
 * DeveloperName of a territory's n-th rule (1-based): TP_<key>, TP_<key>_2, …; shortened with a hash of
 * the key when longer than 80. Note TP_<A>_2 (rule 2 of key A) equals rule 1 of key A_2: parsePlan
 * reports such a clash (RULE_NAME_COLLISION).
 */
export function ruleDeveloperName(key: string, n: number): string {
	const suffix = n >= 2 ? `_${n}` : '';
	const full = `${TOOL_RULE_PREFIX}${key}${suffix}`;
	if (full.length <= LIMITS.developerNameLength) return full;
	return `${withSuffix(`${TOOL_RULE_PREFIX}${key}`, stableHash(key), LIMITS.developerNameLength - suffix.length)}${suffix}`;
}

/** MasterLabel of a territory's n-th rule, ≤ 80. */
export function ruleMasterLabel(name: string, n: number): string {
	const suffix = n >= 2 ? ` (${n})` : '';
	return `${name.slice(0, LIMITS.nameLength - suffix.length)}${suffix}`;
}
