/**
 * Which Territory2Type a plan's Type cell names: an existing type by DeveloperName or label, or (only with
 * createMissingTypes) a new one created once for all the rows that name it. Anything else is an issue,
 * because a territory cannot exist without a type.
 */
import { LIMITS, OBJECTS } from '../salesforce';
import type { PlanTerritory } from '../plan/types';
import { lower, type DiffContext } from './diff-context';
import { changeId, type Findings } from './findings';
import { resolveType, toDeveloperName } from './match';
import { PHASE } from './phases';
import type { FieldValue } from './types';

export interface TypeValue {
	/** The type's Id, or a reference to the change that creates it. */
	value: FieldValue;
	/** That create change's id ('' for an existing type). */
	dep: string;
	label: string;
}

export class TerritoryTypes {
	/** Type DeveloperName (lower case) → id of the change that creates it. */
	private readonly creates = new Map<string, string>();

	/** `out`: the territory stage's findings, where the type creates go beside the territories that need them. */
	constructor(
		private readonly s: DiffContext,
		private readonly out: Findings,
	) {}

	/** The type for a territory; undefined when the cell is blank or the type cannot be resolved (an issue says why). */
	valueFor(t: PlanTerritory): TypeValue | undefined {
		const { s, out } = this;
		if (t.type === null || t.type.trim() === '') return undefined;
		const found = resolveType(s.snapshot.types, t.type);
		if ('found' in found) return { value: found.found.id, dep: '', label: found.found.developerName };
		if ('ambiguous' in found) {
			out.issue(t.row, 'Type', t.type, 'AMBIGUOUS_TYPE', `Type ${t.type} matches several territory types.`);
			return undefined;
		}
		const dev = toDeveloperName(t.type);
		// "Sales-Region" names the existing Sales_Region rather than a new type Salesforce would refuse.
		const sameName = s.snapshot.types.find((x) => lower(x.developerName) === lower(dev));
		if (sameName) return { value: sameName.id, dep: '', label: sameName.developerName };
		if (!s.options.createMissingTypes) {
			out.issue(t.row, 'Type', t.type, 'UNKNOWN_TYPE', `Territory type ${t.type} does not exist in the org.`);
			return undefined;
		}
		// Salesforce would refuse these only on the write, after the model and other records exist.
		const label = t.type.trim();
		if (label.length > LIMITS.nameLength) {
			out.issue(t.row, 'Type', t.type.slice(0, 100), 'TYPE_NAME_TOO_LONG', `Territory type "${label.slice(0, 40)}…" is ${label.length} characters; a new type's label may have at most ${LIMITS.nameLength}.`);
			return undefined;
		}
		let id = this.creates.get(lower(dev));
		if (!id) {
			id = changeId(OBJECTS.type, dev);
			this.creates.set(lower(dev), id);
			// Priority is unique across types: take the lowest free values above the existing ones.
			const max = Math.max(0, ...s.snapshot.types.map((x) => x.priority));
			out.push({
				id,
				object: OBJECTS.type,
				action: 'create',
				label: dev,
				fields: { DeveloperName: dev, MasterLabel: t.type.trim(), Priority: max + this.creates.size },
				reason: 'type named in plan does not exist',
				rows: [t.row],
				phase: PHASE.typeCreate,
			});
		} else {
			const c = out.find(id);
			if (c && !c.rows.includes(t.row)) c.rows.push(t.row);
		}
		return { value: { $ref: id }, dep: id, label: dev };
	}
}
