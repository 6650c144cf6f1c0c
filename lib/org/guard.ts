/**
 * The optimistic check run before each phase of an apply. Salesforce has no lock a client can take on a
 * territory model, so two publishes to one model are kept apart by reading, before each phase, what is
 * cheap and decisive: the model record and the Id, DeveloperName and SystemModstamp of every territory
 * and rule of the model (one Composite call, three queries), compared with what was read before the
 * apply began plus what this run itself wrote. SystemModstamp is the system field Salesforce updates on
 * every change of a record, by a user or by the system (Object Reference, System Fields).
 *
 * When another writer's changes are found, who wrote first decides (both runs see the same records, so
 * they decide the same way): the run whose earliest write carries the earlier SystemModstamp goes on,
 * the other stops before its next phase with MODEL_CHANGED. A run that has written nothing yet always
 * stops (it refuses before writing). A record deleted by another writer carries no stamp: it stops the run.
 */
import type { ModelTarget } from '../api-types';
import { ID_PATTERN, OBJECTS } from '../salesforce';
import type { OrgConnection } from './connect';
import type { ForeignChange, GuardRecord, GuardState, OwnWrites } from './types';
import { readTogether } from './composite-read';
import { soqlQuote } from './soql';

type Row = Record<string, unknown>;

const id15 = (id: string) => id.slice(0, 15);

/** Reads the guarded records of the model the target names (present or not): one Composite call. */
export async function readGuardState(org: OrgConnection, target: ModelTarget): Promise<GuardState> {
	let modelWhere: string;
	let inModel: string;
	if (target.id) {
		// Not an Id at all: no model can match (the snapshot reports MODEL_NOT_FOUND), nothing to guard.
		if (!ID_PATTERN.test(target.id)) return {};
		modelWhere = `Id = ${soqlQuote(target.id)}`;
		inModel = `Territory2ModelId = ${soqlQuote(target.id)}`;
	} else {
		const name = soqlQuote(String(target.developerName ?? ''));
		modelWhere = `DeveloperName = ${name}`;
		inModel = `Territory2Model.DeveloperName = ${name}`;
	}
	const [models, territories, rules] = (await readTogether(org, [
		{ kind: 'query', soql: `SELECT Id, DeveloperName, State, CreatedDate, SystemModstamp FROM ${OBJECTS.model} WHERE ${modelWhere}` },
		{ kind: 'query', soql: `SELECT Id, DeveloperName, CreatedDate, SystemModstamp FROM ${OBJECTS.territory} WHERE ${inModel}` },
		{ kind: 'query', soql: `SELECT Id, DeveloperName, CreatedDate, SystemModstamp FROM ${OBJECTS.rule} WHERE ${inModel}` },
	])) as Row[][];
	const state: GuardState = {};
	const add = (object: string, rows: Row[]) => {
		for (const r of rows) {
			state[id15(String(r.Id))] = {
				object,
				developerName: String(r.DeveloperName ?? ''),
				stamp: String(r.SystemModstamp ?? ''),
				createdDate: String(r.CreatedDate ?? ''),
				...(object === OBJECTS.model ? { state: String(r.State ?? '') } : {}),
			};
		}
	};
	add(OBJECTS.model, models);
	add(OBJECTS.territory, territories);
	add(OBJECTS.rule, rules);
	return state;
}

const GUARDED: ReadonlySet<string> = new Set([OBJECTS.model, OBJECTS.territory, OBJECTS.rule]);

/**
 * Changes between `before` and `now` that this run's writes do not explain. Pure. A record counts as
 * this run's when it created it (by Id, or by the DeveloperName of a create it attempted: a create whose
 * answer was lost is adopted later), or updated or deleted it.
 */
export function foreignChanges(before: GuardState, now: GuardState, own: OwnWrites): ForeignChange[] {
	const attempted = own.changes.filter((c, i) => own.outcomes[i]?.status !== 'planned' && GUARDED.has(c.object));
	const createdIds = new Set(Object.values(own.created).map(id15));
	const createdNames = new Set(attempted.filter((c) => c.action === 'create').map((c) => `${c.object}:${String(c.fields.DeveloperName ?? '').toLowerCase()}`));
	const touched = new Set(
		attempted
			.filter((c) => c.action !== 'create')
			.map((c) => c.recordId ?? (c.recordRef ? own.created[c.recordRef] : undefined))
			.filter((id): id is string => !!id)
			.map(id15),
	);
	const ours = (id: string, r: GuardRecord) => createdIds.has(id) || touched.has(id) || createdNames.has(`${r.object}:${r.developerName.toLowerCase()}`);
	const out: ForeignChange[] = [];
	for (const [id, r] of Object.entries(now)) {
		const was = before[id];
		if (ours(id, r)) continue;
		if (!was) out.push({ object: r.object, developerName: r.developerName, what: 'created', stamp: r.stamp });
		else if (was.state !== r.state) out.push({ object: r.object, developerName: r.developerName, what: 'state', stamp: r.stamp, detail: `${was.state} → ${r.state}` });
		else if (was.stamp !== r.stamp) out.push({ object: r.object, developerName: r.developerName, what: 'updated', stamp: r.stamp });
	}
	for (const [id, r] of Object.entries(before)) {
		if (!now[id] && !touched.has(id)) out.push({ object: r.object, developerName: r.developerName, what: 'deleted', stamp: null });
	}
	return out;
}

/**
 * Whether this run wrote first: its earliest write is earlier than every foreign change (CreatedDate of
 * created records, which never moves; SystemModstamp of updated ones; then the Id). Both runs read the
 * same values, so of two concurrent runs exactly one goes on.
 */
export function wroteFirst(now: GuardState, own: OwnWrites, foreign: readonly ForeignChange[]): boolean {
	if (foreign.some((f) => f.stamp === null || f.what === 'state')) return false;
	const at = (id: string, created: boolean) => `${created ? now[id].createdDate : now[id].stamp} ${id}`;
	const ownTimes = Object.values(own.created).map(id15).filter((id) => now[id]).map((id) => at(id, true));
	own.changes.forEach((c, i) => {
		if (own.outcomes[i]?.status === 'done' && c.action === 'update' && c.recordId && now[id15(c.recordId)]) ownTimes.push(at(id15(c.recordId), false));
	});
	const ownFirst = ownTimes.sort()[0];
	if (!ownFirst) return false;
	const byName = new Map(Object.entries(now).map(([id, r]) => [`${r.object}:${r.developerName}`, id]));
	const foreignFirst = foreign
		.map((f) => {
			const id = byName.get(`${f.object}:${f.developerName}`);
			return id ? at(id, f.what === 'created') : '';
		})
		.sort()[0];
	return foreignFirst !== undefined && ownFirst < foreignFirst;
}

export function describeForeign(f: ForeignChange): string {
	const what = f.what === 'state' ? `changed state (${f.detail})` : f.what;
	return `${f.object} ${f.developerName} ${what}${f.stamp ? ` at ${f.stamp}` : ''}`;
}
