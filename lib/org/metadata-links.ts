/**
 * Rule links (RuleTerritory2Association) written through the Metadata API, for orgs whose describe says
 * the object cannot be created through REST: the Object Reference lists only describeSObjects,
 * getDeleted, getUpdated, query and retrieve as its calls (Object Reference, RuleTerritory2Association),
 * and the documented way to link a rule to a territory is the Territory2 component's ruleAssociations
 * (Metadata API Developer Guide, Territory2: Territory2RuleAssociation { ruleName: the Territory2Rule's
 * developer name, inherited }).
 *
 * For each territory with link changes: read its component (fullName "<Model>.<Territory>", readMetadata),
 * change only its ruleAssociations (add what is missing, remove what is present), write it back with every
 * other field as read (updateMetadata replaces the whole component). At most 10 components a call
 * (Metadata API Developer Guide, readMetadata() and updateMetadata(): "Limit: 10").
 *
 * Why this converges: the component read says what is already linked, so a link already there counts as
 * done and is not added again, and a re-sent update writes the same list. A call that fails with a
 * transient error (or times out) has an unknown outcome: the territories are read again before the next
 * try. REQUEST_LIMIT_EXCEEDED, and any other failure of a whole call, stop the run as they do in apply.ts.
 *
 * Left as they are read: custom field values go back as plain text (jsforce 3 cannot write an element
 * with both an xsi:type and text), which Salesforce's documentation does not say it needs.
 */
import type { OrgConnection } from './connect';
import { OrgError, errorCodeOf, messageOf } from './errors';

/** Components per readMetadata / updateMetadata call. */
export const METADATA_BATCH = 10;
const LIMIT_CODE = 'REQUEST_LIMIT_EXCEEDED';
const LOCK_CODE = 'UNABLE_TO_LOCK_ROW';

export interface RuleLinkWrite {
	/** The caller's handle for the change (its index in the change set). */
	index: number;
	action: 'create' | 'delete';
	territoryDeveloperName: string;
	ruleDeveloperName: string;
	/** For a create: the association's inherited flag ("apply to child territories"). */
	inherited: boolean;
}

export interface Failure {
	code: string;
	message: string;
}

export interface RuleLinkHooks {
	settle(index: number, status: 'done' | 'failed', failure?: Failure): void;
	progress(phase: string): void;
	/** Whether a failure is worth another try (apply.ts isTransient, shared so both paths agree). */
	isTransient(code: string): boolean;
}

interface Association {
	ruleName: string;
	inherited: boolean;
}

/** A Territory2 component as jsforce reads it (lib/api/metadata/schema.js), plus what the org adds. */
type Component = Record<string, unknown> & { fullName?: string | null; ruleAssociations?: Association[] };

interface TerritoryLinks {
	fullName: string;
	writes: RuleLinkWrite[];
	lastError: Failure | null;
}

type CallOutcome<T> = { ok: true; value: T } | { ok: false; failure: Failure; transient: boolean };

const lower = (s: string): string => s.toLowerCase();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PROGRESS = 'Writing rule links (Metadata API)';

/**
 * xml2js shapes jsforce leaves in fields its schema does not type ({ _: text, $: attributes }) turned back
 * into what its XML writer can send: text, or null for xsi:nil.
 */
function writable(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(writable);
	if (!value || typeof value !== 'object') return value;
	const { $: attrs, _: text, ...rest } = value as Record<string, unknown> & { $?: Record<string, string>; _?: unknown };
	if (attrs?.['xsi:nil'] === 'true') return null;
	if (text !== undefined) return text;
	return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, writable(v)]));
}

/**
 * Applies the rule link creates and deletes of one wave through the Metadata API; every write is settled
 * (done or failed) unless the run stops, whose reason is returned (writes not settled stay planned).
 */
export async function applyRuleLinksViaMetadata(
	org: OrgConnection,
	modelDeveloperName: string,
	writes: RuleLinkWrite[],
	hooks: RuleLinkHooks,
): Promise<Failure | null> {
	const byTerritory = new Map<string, TerritoryLinks>();
	for (const w of writes) {
		const fullName = `${modelDeveloperName}.${w.territoryDeveloperName}`;
		const group = byTerritory.get(lower(fullName)) ?? { fullName, writes: [], lastError: null };
		group.writes.push(w);
		byTerritory.set(lower(fullName), group);
	}
	const { maxTries, retryDelayMs } = org.tuning;
	let pending = [...byTerritory.values()];
	for (let attempt = 1; pending.length; attempt++) {
		if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2));
		const retry: TerritoryLinks[] = [];
		let callFailure: Failure | null = null;
		for (let b = 0; b < pending.length; b += METADATA_BATCH) {
			const outcome = await syncBatch(org, pending.slice(b, b + METADATA_BATCH), hooks);
			if ('stop' in outcome) return outcome.stop;
			retry.push(...outcome.retry);
			callFailure = outcome.callFailure ?? callFailure;
		}
		pending = retry;
		if (pending.length && attempt >= maxTries) {
			for (const g of pending) {
				const err = g.lastError ?? { code: 'OUTCOME_UNKNOWN', message: 'no answer' };
				for (const w of g.writes) hooks.settle(w.index, 'failed', { code: err.code, message: `${err.message} (after ${maxTries} tries)` });
			}
			// Whole calls kept failing: the org is not answering, as in apply.ts.
			return callFailure ? { code: callFailure.code, message: `Salesforce kept failing after ${maxTries} tries: ${callFailure.message}` } : null;
		}
	}
	return null;
}

type BatchOutcome = { stop: Failure } | { retry: TerritoryLinks[]; callFailure: Failure | null };

/** One read, the edits, and one update of up to 10 territories. */
async function syncBatch(org: OrgConnection, groups: TerritoryLinks[], hooks: RuleLinkHooks): Promise<BatchOutcome> {
	const read = await call(org, hooks, () => org.conn.metadata.read('Territory2', groups.map((g) => g.fullName)) as Promise<unknown>);
	hooks.progress(PROGRESS);
	if (!read.ok) return callFailed(groups, read, hooks);
	const byName = new Map<string, Component>();
	for (const c of (Array.isArray(read.value) ? read.value : [read.value]) as Component[]) {
		// A fullName that names nothing comes back as an empty record (no fullName).
		if (c && typeof c.fullName === 'string' && c.fullName) byName.set(lower(c.fullName), c);
	}

	const toWrite: { group: TerritoryLinks; component: Record<string, unknown> }[] = [];
	for (const group of groups) {
		const component = byName.get(lower(group.fullName));
		if (!component) {
			for (const w of group.writes) {
				// A territory that is gone took its links with it; a link cannot be made to it.
				if (w.action === 'delete') hooks.settle(w.index, 'done');
				else hooks.settle(w.index, 'failed', { code: 'INVALID_CROSS_REFERENCE_KEY', message: `No Territory2 component ${group.fullName} in the org` });
			}
			continue;
		}
		const edited = editAssociations(component.ruleAssociations ?? [], group.writes);
		if (!edited) {
			for (const w of group.writes) hooks.settle(w.index, 'done');
			continue;
		}
		const { $: _attributes, ...fields } = component as Component & { $?: unknown };
		toWrite.push({ group, component: { ...(writable(fields) as Record<string, unknown>), ruleAssociations: edited } });
	}
	if (!toWrite.length) return { retry: [], callFailure: null };

	const update = await call(org, hooks, () =>
		org.conn.metadata.update('Territory2', toWrite.map((t) => t.component) as never) as Promise<unknown>,
	);
	hooks.progress(PROGRESS);
	if (!update.ok) return callFailed(toWrite.map((t) => t.group), update, hooks);
	const results = (Array.isArray(update.value) ? update.value : [update.value]) as {
		fullName?: string;
		success?: boolean;
		errors?: { statusCode?: string; message?: string; fields?: string[] }[];
	}[];
	const retry: TerritoryLinks[] = [];
	toWrite.forEach(({ group }, k) => {
		const result = results.find((r) => typeof r?.fullName === 'string' && lower(r.fullName) === lower(group.fullName)) ?? results[k];
		if (result?.success === true) {
			for (const w of group.writes) hooks.settle(w.index, 'done');
			return;
		}
		const errors = result?.errors ?? [];
		const code = errors[0]?.statusCode ?? 'UNKNOWN_ERROR';
		const message = errors.map((e) => `${e.message ?? ''}${e.fields?.length ? ` [${e.fields.join(', ')}]` : ''}`).join('; ') || code;
		if (code === LOCK_CODE) {
			// Refused, so not written: read and try again.
			group.lastError = { code, message };
			retry.push(group);
			return;
		}
		for (const w of group.writes) hooks.settle(w.index, 'failed', { code, message: `${group.fullName}: ${message}` });
	});
	return { retry, callFailure: null };
}

/**
 * The component's new ruleAssociations, or null when it already says what the writes want: a link to
 * create that is there (whatever its inherited flag: the same rule and territory, as REST adoption matches
 * them) and a link to delete that is not there count as done.
 */
function editAssociations(current: Association[], writes: RuleLinkWrite[]): Association[] | null {
	const same = (a: Association, w: RuleLinkWrite) => lower(String(a.ruleName)) === lower(w.ruleDeveloperName);
	let next = current.map((a) => ({ ruleName: a.ruleName, inherited: a.inherited }));
	let changed = false;
	for (const w of writes) {
		if (w.action === 'delete' && next.some((a) => same(a, w))) {
			next = next.filter((a) => !same(a, w));
			changed = true;
		} else if (w.action === 'create' && !next.some((a) => same(a, w))) {
			next.push({ ruleName: w.ruleDeveloperName, inherited: w.inherited });
			changed = true;
		}
	}
	return changed ? next : null;
}

/** A whole call that failed: LIMIT stops cleanly, transient failures are retried, anything else stops the run. */
function callFailed(groups: TerritoryLinks[], outcome: { failure: Failure; transient: boolean }, hooks: RuleLinkHooks): BatchOutcome {
	const { failure, transient } = outcome;
	if (failure.code === LIMIT_CODE) return { stop: failure };
	if (transient) {
		for (const g of groups) g.lastError = failure;
		return { retry: groups, callFailure: failure };
	}
	for (const g of groups) for (const w of g.writes) hooks.settle(w.index, 'failed', failure);
	return { stop: failure };
}

/**
 * One Metadata API call with a time limit (jsforce's SOAP calls take no timeout option). A fault's code
 * comes as "sf:CODE"; SOAP faults are all HTTP 500, so the status says nothing about retrying.
 */
async function call<T>(org: OrgConnection, hooks: RuleLinkHooks, fn: () => Promise<T>): Promise<CallOutcome<T>> {
	let timer: NodeJS.Timeout | undefined;
	try {
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new OrgError('ETIMEDOUT', `No answer from the Metadata API within ${org.tuning.timeoutMs} ms`)),
				org.tuning.timeoutMs,
			);
		});
		return { ok: true, value: await Promise.race([fn(), timeout]) };
	} catch (err) {
		const code = errorCodeOf(err).replace(/^sf:/, '');
		const message = org.redact(messageOf(err)).replace(/^[A-Z_]+: /, '');
		return { ok: false, failure: { code, message }, transient: hooks.isTransient(code) };
	} finally {
		if (timer) clearTimeout(timer);
	}
}
