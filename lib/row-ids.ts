/**
 * The Salesforce Ids behind one plan row after a publish (or, on a dry run, as the org holds them now):
 * what a sheet writes next to the row so that a person can open the record, and what a later step can
 * use. Read from the snapshot the diff ran on, then the row's own changes applied: a record created
 * this run adds its new Id, one deleted this run is gone. Changes not done (planned, failed, skipped)
 * change nothing.
 */
import type { ChangeOutcome, RowIds } from './api-types';

import { OBJECTS, sameId } from './salesforce';
import type { Change, OrgSnapshot } from './sync/types';

export function rowIds(key: string, changes: readonly Change[], outcomeOf: (change: Change) => ChangeOutcome | undefined, snapshot: OrgSnapshot): RowIds {
	const done = (change: Change) => outcomeOf(change)?.status === 'done';
	const own = (object: string) => changes.filter((c) => c.object === object);

	const territoryChanges = own(OBJECTS.territory);
	const created = territoryChanges.find((c) => c.action === 'create');
	let territory: string | null;
	if (created) territory = done(created) ? (outcomeOf(created)?.recordId ?? null) : null;
	else {
		const lower = key.toLowerCase();
		territory =
			territoryChanges.find((c) => c.recordId)?.recordId ??
			snapshot.territories.find((t) => t.developerName.toLowerCase() === lower)?.id ??
			null;
	}
	const inTerritory = (territoryId: string) => territory !== null && sameId(territoryId, territory);

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
		rules: after(OBJECTS.rule, [...new Set(snapshot.ruleAssociations.filter((a) => inTerritory(a.territoryId)).map((a) => a.ruleId))]),
		userAssignments: after(OBJECTS.userTerritory, snapshot.userAssociations.filter((a) => inTerritory(a.territoryId)).map((a) => a.id)),
		accountAssignments: after(OBJECTS.objectTerritory, snapshot.accountAssociations.filter((a) => inTerritory(a.territoryId)).map((a) => a.id)),
	};
}
