/**
 * The Salesforce Ids behind one plan row after a publish (or, on a dry run, as the org holds them now):
 * what a sheet writes next to the row so that a person can open the record, and what a later step can
 * use. Read from the snapshot the diff ran on, then the row's own changes applied: a record created
 * this run adds its new Id, one deleted this run is gone. Changes not done (planned, failed, skipped)
 * change nothing.
 */
import type { ChangeOutcome, RowIds } from './api-types';

import { idKey, OBJECTS, sameId } from './salesforce';
import { indexAssociations, type AssociationIndex } from './sync';
import type { Change, OrgSnapshot } from './sync/types';

/**
 * The snapshot's look-ups rowIds needs, built once for all the rows of a publish: a scan of every
 * territory and association per row cost rows × records (50,000 × 350,000 comparisons at XL).
 */
export interface RowIdsIndex {
	assoc: AssociationIndex;
	/** Lower-cased DeveloperName → the first such territory's Id, in snapshot order. */
	territoryByKey: Map<string, string>;
}

export function rowIdsIndex(snapshot: OrgSnapshot): RowIdsIndex {
	const territoryByKey = new Map<string, string>();
	for (const t of snapshot.territories) {
		const k = t.developerName.toLowerCase();
		if (!territoryByKey.has(k)) territoryByKey.set(k, t.id);
	}
	return { assoc: indexAssociations(snapshot), territoryByKey };
}

export function rowIds(
	key: string,
	changes: readonly Change[],
	outcomeOf: (change: Change) => ChangeOutcome | undefined,
	snapshot: OrgSnapshot,
	index: RowIdsIndex = rowIdsIndex(snapshot),
): RowIds {
	const done = (change: Change) => outcomeOf(change)?.status === 'done';
	const own = (object: string) => changes.filter((c) => c.object === object);

	const territoryChanges = own(OBJECTS.territory);
	const created = territoryChanges.find((c) => c.action === 'create');
	let territory: string | null;
	if (created) territory = done(created) ? (outcomeOf(created)?.recordId ?? null) : null;
	else {
		const lower = key.toLowerCase();
		territory = territoryChanges.find((c) => c.recordId)?.recordId ?? index.territoryByKey.get(lower) ?? null;
	}
	// The territory's associations in snapshot order (what filtering every association by sameId gave).
	const of = <T>(byTerritory: Map<string, T[]>): T[] => (territory ? (byTerritory.get(idKey(territory)) ?? []) : []);

	/** The org's Ids, less those deleted and plus those created by this row's done changes. */
	const after = (object: string, existing: string[]): string[] => {
		const ids = new Set(existing);
		for (const change of own(object)) {
			if (!done(change)) continue;
			const id = outcomeOf(change)?.recordId ?? change.recordId;
			if (!id) continue;
			if (change.action === 'create') ids.add(id);
			else if (change.action === 'delete') [...ids].filter((x) => sameId(x, id)).forEach((x) => ids.delete(x));
		}
		return [...ids];
	};
	return {
		territory,
		rules: after(OBJECTS.rule, [...new Set(of(index.assoc.rulesByTerritory).map((a) => a.ruleId))]),
		userAssignments: after(OBJECTS.userTerritory, of(index.assoc.usersByTerritory).map((a) => a.id)),
		accountAssignments: after(OBJECTS.objectTerritory, of(index.assoc.accountsByTerritory).map((a) => a.id)),
	};
}
