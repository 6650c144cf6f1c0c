/**
 * The change report's types: what it says about each territory (a view of the change set's hierarchy
 * with the changes and outcomes of each) and the counts at its top.
 */
import type { ChangeOutcome } from '../api-types';
import type { Change, TerritoryNode } from '../sync/types';

/** What happens to a territory, in the report's words. */
export type TerritoryStatus = 'created' | 'updated' | 'moved' | 'deleted' | 'unchanged' | 'failed' | 'skipped';

export interface TerritoryView {
	node: TerritoryNode;
	status: TerritoryStatus;
	/** Besides a move: the territory's own fields change too. */
	alsoUpdated: boolean;
	/** What was (or would be) done to the Territory2 record: create, update or delete; null when nothing. */
	action: Change['action'] | null;
	/**
	 * The Territory2 create and updates (fields, before → after), in apply order: a new territory's Forecast
	 * Manager is a second write, an update of the record the create makes, and still one created territory.
	 */
	territoryChanges: Change[];
	users: Change[];
	rules: Change[];
	accounts: Change[];
	/** Why the territory failed or was skipped, in Salesforce's (or the plan check's) words. */
	problem: { code: string | null; message: string } | null;
	/** Children, in the order they are drawn. */
	children: TerritoryView[];
}

export interface ReportModel {
	dryRun: boolean;
	roots: TerritoryView[];
	all: TerritoryView[];
	/** Changes that belong to no territory (the model, territory types, rules left behind by deletes). */
	modelChanges: Change[];
	outcomeOf: (changeId: string) => ChangeOutcome | undefined;
}

/** The counts at the top of a change report (lib/report/counts.ts). */
export interface ReportCounts {
	/** What happened, in one sentence. */
	headline: string;
	/** "Territories: 3 created, 1 deleted, 204 unchanged", then users, rules, accounts, failures. */
	lines: string[];
	/** Salesforce object → action → changes written (a dry run: to write). */
	perObject: Map<string, Record<string, number>>;
}
