/**
 * Salesforce's limits the engine plans around. Each line names its source; docs/salesforce-facts.md lists
 * them with whether they are confirmed or assumed.
 */
export const LIMITS = {
	/** Territory2.Name / DeveloperName, Territory2Model Name / DeveloperName, rule MasterLabel: string(80) (Object Reference). */
	nameLength: 80,
	developerNameLength: 80,
	/**
	 * Description is string(1000) on Territory2 but 255 on Territory2Model and Territory2Type
	 * (Object Reference / Field Reference: Territory2, Territory2Model, Territory2Type).
	 */
	territoryDescriptionLength: 1000,
	modelDescriptionLength: 255,
	typeDescriptionLength: 255,
	/**
	 * Default territories per model; raised by Salesforce support on request (Help: Allocations and
	 * Considerations for Territories; Winter '15 release notes, "Territory Default Limit": "By default,
	 * each territory model can have up to 1,000 territories"). publishPlan's maxTerritoriesPerModel
	 * option follows an org whose limit support raised.
	 */
	territoriesPerModel: 1000,
	/** Assignment rules per territory, rule items per rule (Help: Create Rules to Assign Accounts to Territories). */
	rulesPerTerritory: 15,
	itemsPerRule: 10,
	/** ObjectTerritory2AssignmentRule.BooleanFilter string(255), rule item Value string(1000) (Object Reference). */
	booleanFilterLength: 255,
	ruleItemValueLength: 1000,
	/** sObject Collections: records per call (REST API guide, sObject Collections). */
	collectionSize: 200,
	/** Composite: subrequests per call, and how many of them may be collections or queries (REST API guide, Composite). */
	compositeSubrequests: 25,
	compositeCollections: 5,
	/** REST query page size (REST API guide, Query: batches of up to 2,000). */
	queryPageSize: 2000,
} as const;

/** Territory models an org may hold, clones included, by edition (Help: Create and Edit a Territory Model). */
export const MODELS_PER_EDITION: Record<string, number> = { Developer: 4, Enterprise: 2, Performance: 4, Unlimited: 4 };

/**
 * Where a territory limit comes from and how it is raised: the words the plan check and the diff's model
 * check both end with, so the advice reads the same wherever the limit is met.
 */
export function territoryLimitAdvice(max: number): string {
	const source = max === LIMITS.territoriesPerModel ? "Salesforce's default" : 'set by the option maxTerritoriesPerModel';
	return `${max} per model (${source}). Only Salesforce support raises an org's real limit, on request; once it has, set the option maxTerritoriesPerModel ("Territories per Model" in the Publish node's options) to the new limit.`;
}
