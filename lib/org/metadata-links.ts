/**
 * Rule links (RuleTerritory2Association) written through the Metadata API, for orgs whose describe says
 * the object cannot be created through REST: the Object Reference lists only describeSObjects,
 * getDeleted, getUpdated, query and retrieve as its calls (Object Reference, RuleTerritory2Association),
 * and the documented way to link a rule to a territory is the Territory2 component's ruleAssociations
 * (Metadata API Developer Guide, Territory2: Territory2RuleAssociation { ruleName: the Territory2Rule's
 * developer name, inherited }).
 *
 * Only the file-based calls: every Sales Territories type's Usage section says its components "don't
 * support packaging or change sets and aren't supported in CRUD calls", and the Special Access Rules speak
 * of deploy() (Manage Territories, plus Modify All Data or Modify Metadata Through Metadata API Functions)
 * and retrieve() (Metadata API Developer Guide: Territory2, Territory2Model, Territory2Rule, Territory2Type,
 * Territory2Settings). So, per chunk of territories with link changes:
 * 1. retrieve() an unpackaged manifest naming their Territory2 members (`<Model>.<Territory>`), poll
 *    checkRetrieveStatus, unzip the `territory2Models/<Model>/territories/<Territory>.territory2` files;
 * 2. change only each file's `<ruleAssociations>` (territory2-file.ts): add what is missing, remove what is
 *    there; a deployed file replaces the component, so every other byte goes back as retrieved;
 * 3. deploy() the changed files with a package.xml (rollbackOnError, singlePackage), poll checkDeployStatus.
 *    A deploy is all or nothing: when componentFailures name some files, those territories' changes fail
 *    with Salesforce's problem text and the others are deployed once more on their own.
 *
 * Why this converges: the retrieved file says what is already linked, so a link already there counts as
 * done and is not added again, and a re-sent deploy writes the same list (a deployed file states the whole
 * component, so deploying it twice is harmless). A call that fails with a transient error, or whose answer
 * is lost (before the deploy's id, or while polling), has an unknown outcome: the territories are
 * retrieved again before the next try. REQUEST_LIMIT_EXCEEDED, and any other failure of a whole call, stop
 * the run as they do in apply.ts.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { OrgConnection } from './connect';
import { backoff, LIMIT_CODE } from './retry';
import { OrgError, errorCodeOf, messageOf } from './errors';
import {
	TERRITORY2_TYPE,
	Territory2FileError,
	editRuleAssociations,
	packageXml,
	readRuleAssociations,
	territory2FullName,
	territory2Path,
	type RuleAssociation,
} from './territory2-file';

/**
 * Territory2 components per retrieve() and deploy(). The calls take up to 10,000 files and a 39 MB zip
 * (Metadata API Developer Guide, "Deploying and Retrieving Metadata with the Zip File"; Salesforce App
 * Limits, Metadata); a territory file is about a kilobyte, so the limits are far off. 200 keeps each job
 * short in the org's deploy queue and bounds what one componentFailure rolls back and deploys again.
 */
export const METADATA_CHUNK = 200;
const LOCK_CODE = 'UNABLE_TO_LOCK_ROW';
/** A componentFailure's code when its problem text names none (DeployMessage has problemType and problem only). */
const COMPONENT_FAILURE = 'DEPLOY_FAILED';

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
	/** Whether a failure is worth another try (retry.ts isTransient, passed by apply.ts so both paths agree). */
	isTransient(code: string): boolean;
}

interface TerritoryLinks {
	fullName: string;
	path: string;
	writes: RuleLinkWrite[];
	lastError: Failure | null;
}

/** A changed file waiting for its deploy. */
interface Edited {
	group: TerritoryLinks;
	text: string;
}

/** What jsforce's checkRetrieveStatus / checkDeployStatus answer (lib/api/metadata/schema.js), as far as read here. */
interface RetrieveAnswer {
	done?: boolean;
	status?: string;
	success?: boolean;
	zipFile?: string;
	errorStatusCode?: string | null;
	errorMessage?: string | null;
}
interface DeployMessage {
	fileName?: string;
	fullName?: string;
	problem?: string | null;
	problemType?: string | null;
}
interface DeployAnswer {
	id?: string;
	done?: boolean;
	status?: string;
	success?: boolean;
	errorStatusCode?: string | null;
	errorMessage?: string | null;
	details?: { componentFailures?: DeployMessage | DeployMessage[] };
}

type CallOutcome<T> = { ok: true; value: T } | { ok: false; failure: Failure; transient: boolean };
type ChunkOutcome = { stop: Failure } | { retry: TerritoryLinks[]; callFailure: Failure | null };

const lower = (s: string): string => s.toLowerCase();
const asArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const PROGRESS = 'Writing rule links (Metadata API)';

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
		const group = byTerritory.get(lower(fullName)) ?? {
			fullName,
			path: territory2Path(modelDeveloperName, w.territoryDeveloperName),
			writes: [],
			lastError: null,
		};
		group.writes.push(w);
		byTerritory.set(lower(fullName), group);
	}
	const { maxTries } = org.tuning;
	let pending = [...byTerritory.values()];
	for (let attempt = 1; pending.length; attempt++) {
		await backoff(org, attempt);
		const retry: TerritoryLinks[] = [];
		let callFailure: Failure | null = null;
		for (let c = 0; c < pending.length; c += METADATA_CHUNK) {
			const outcome = await syncChunk(org, pending.slice(c, c + METADATA_CHUNK), hooks);
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

/** One retrieve of up to METADATA_CHUNK territories, the edits, and the deploy of what changed. */
async function syncChunk(org: OrgConnection, groups: TerritoryLinks[], hooks: RuleLinkHooks): Promise<ChunkOutcome> {
	const retrieved = await retrieveFiles(org, hooks, groups.map((g) => g.fullName));
	hooks.progress(PROGRESS);
	if (!retrieved.ok) return callFailed(groups, retrieved, hooks);

	const edited: Edited[] = [];
	for (const group of groups) {
		const text = retrieved.value.get(lower(group.fullName));
		if (text === undefined) {
			for (const w of group.writes) {
				// A territory that is gone took its links with it; a link cannot be made to it.
				if (w.action === 'delete') hooks.settle(w.index, 'done');
				else hooks.settle(w.index, 'failed', { code: 'INVALID_CROSS_REFERENCE_KEY', message: `No Territory2 component ${group.fullName} in the org` });
			}
			continue;
		}
		let next: string | null;
		try {
			next = editFile(text, group.writes);
		} catch (err) {
			if (!(err instanceof Territory2FileError)) throw err;
			const failure = { code: 'INVALID_METADATA', message: `${group.fullName}: the retrieved file cannot be read (${err.message})` };
			for (const w of group.writes) hooks.settle(w.index, 'failed', failure);
			continue;
		}
		if (next === null) for (const w of group.writes) hooks.settle(w.index, 'done');
		else edited.push({ group, text: next });
	}
	return edited.length ? deployFiles(org, hooks, edited) : { retry: [], callFailure: null };
}

/**
 * The file with the writes applied, or null when it already says what they want: a link to create that is
 * there (whatever its inherited flag: the same rule and territory, as REST adoption matches them) and a
 * link to delete that is not there count as done.
 */
function editFile(text: string, writes: RuleLinkWrite[]): string | null {
	const current = readRuleAssociations(text);
	const has = (rule: string) => current.some((a) => lower(a.ruleName) === lower(rule));
	const drop = new Set(writes.filter((w) => w.action === 'delete' && has(w.ruleDeveloperName)).map((w) => lower(w.ruleDeveloperName)));
	const add: RuleAssociation[] = [];
	for (const w of writes) {
		if (w.action !== 'create' || has(w.ruleDeveloperName) || add.some((a) => lower(a.ruleName) === lower(w.ruleDeveloperName))) continue;
		add.push({ ruleName: w.ruleDeveloperName, inherited: w.inherited });
	}
	if (!drop.size && !add.length) return null;
	return editRuleAssociations(text, (a) => drop.has(lower(a.ruleName)), add);
}

/** How long a job may take: deploys queue behind the org's others (the default: 10 minutes). */
function pollTimeoutMs(org: OrgConnection): number {
	return org.tuning.timeoutMs * 5;
}

/**
 * jsforce polls a locator at conn.metadata.pollInterval up to pollTimeout (lib/api/metadata.js). Every
 * status check is an API call: polls are two retry delays apart (2 s by default; a territory deploy
 * takes seconds), so even a job that runs the whole 10-minute timeout costs at most 300 checks.
 */
function setPolling(org: OrgConnection): void {
	org.conn.metadata.pollInterval = Math.max(1, org.tuning.retryDelayMs * 2);
	org.conn.metadata.pollTimeout = pollTimeoutMs(org);
}

/** The retrieved Territory2 files by lower-cased fullName (names that match nothing are simply absent). */
async function retrieveFiles(org: OrgConnection, hooks: RuleLinkHooks, fullNames: string[]): Promise<CallOutcome<Map<string, string>>> {
	setPolling(org);
	const outcome = await call(org, hooks, async () => {
		// RetrieveRequest's elements in the WSDL's order; apiVersion and the manifest's version: the connection's.
		const locator = org.conn.metadata.retrieve({
			apiVersion: Number(org.apiVersion),
			singlePackage: true,
			unpackaged: { types: [{ members: fullNames, name: TERRITORY2_TYPE }], version: org.apiVersion },
		} as never);
		// jsforce emits 'error' before rejecting: without a listener the emit throws and complete() never settles.
		locator.on('error', () => undefined);
		return (await locator.complete()) as unknown as RetrieveAnswer;
	});
	if (!outcome.ok) return outcome;
	const result = outcome.value;
	if (result.success === false || (result.status && result.status !== 'Succeeded') || !result.zipFile) {
		const code = result.errorStatusCode || 'RETRIEVE_FAILED';
		return { ok: false, failure: { code, message: result.errorMessage || `The retrieve ended ${result.status ?? 'without a zip file'}` }, transient: hooks.isTransient(code) };
	}
	const files = new Map<string, string>();
	for (const [path, bytes] of Object.entries(unzipSync(Buffer.from(result.zipFile, 'base64')))) {
		const fullName = territory2FullName(path);
		if (fullName) files.set(lower(fullName), strFromU8(bytes));
	}
	return { ok: true, value: files };
}

/** Deploys the changed files; componentFailures fail their territories and the others go again on their own. */
async function deployFiles(org: OrgConnection, hooks: RuleLinkHooks, items: Edited[]): Promise<ChunkOutcome> {
	const retry: TerritoryLinks[] = [];
	let remaining = items;
	while (remaining.length) {
		const zip = zipSync({
			'package.xml': strToU8(packageXml(TERRITORY2_TYPE, remaining.map((i) => i.group.fullName), org.apiVersion)),
			...Object.fromEntries(remaining.map((i) => [i.group.path, strToU8(i.text)])),
		});
		setPolling(org);
		const outcome = await call(org, hooks, async () => {
			// Atomic, and the zip holds one package at its root (Metadata API Developer Guide, DeployOptions).
			const locator = org.conn.metadata.deploy(Buffer.from(zip), { rollbackOnError: true, singlePackage: true });
			locator.on('error', () => undefined);
			return (await locator.complete(true)) as unknown as DeployAnswer;
		});
		hooks.progress(PROGRESS);
		if (!outcome.ok) {
			const failed = callFailed(remaining.map((i) => i.group), outcome, hooks);
			return 'stop' in failed ? failed : { retry: [...retry, ...failed.retry], callFailure: failed.callFailure };
		}
		const result = outcome.value;
		if (result.success === true && result.status === 'Succeeded') {
			for (const i of remaining) for (const w of i.group.writes) hooks.settle(w.index, 'done');
			break;
		}
		const failedBy = new Map<Edited, Failure>();
		for (const f of asArray(result.details?.componentFailures)) {
			const item = remaining.find((i) => lower(i.group.fullName) === lower(f.fullName ?? '') || territory2FullName(f.fileName ?? '') === i.group.fullName);
			if (!item) continue;
			const failure = componentFailure(item.group.fullName, f);
			const earlier = failedBy.get(item);
			failedBy.set(item, earlier ? { code: earlier.code, message: `${earlier.message}; ${failure.message}` } : failure);
		}
		if (!failedBy.size) {
			// The deploy failed as a whole (or only package.xml was refused): nothing landed.
			const code = result.errorStatusCode || COMPONENT_FAILURE;
			const problems = asArray(result.details?.componentFailures).map((f) => `${f.fileName ?? ''}: ${f.problem ?? ''}`);
			const message = result.errorMessage || problems.join('; ') || `Deploy ${result.id ?? ''} ended ${result.status ?? 'without success'}`;
			const failed = callFailed(remaining.map((i) => i.group), { failure: { code, message }, transient: hooks.isTransient(code) }, hooks);
			return 'stop' in failed ? failed : { retry: [...retry, ...failed.retry], callFailure: failed.callFailure };
		}
		for (const [item, failure] of failedBy) {
			if (failure.code === LOCK_CODE) {
				// Refused, so not written: retrieved and tried again.
				item.group.lastError = failure;
				retry.push(item.group);
			} else {
				for (const w of item.group.writes) hooks.settle(w.index, 'failed', failure);
			}
		}
		// rollbackOnError: the files that passed were rolled back with the failed ones; they go again alone.
		remaining = remaining.filter((i) => !failedBy.has(i));
	}
	return { retry, callFailure: null };
}

/** A DeployMessage as a failure: a leading "CODE: " in the problem is its code, the rest Salesforce's text. */
function componentFailure(fullName: string, f: DeployMessage): Failure {
	const problem = (f.problem ?? '').trim() || 'refused';
	const coded = /^([A-Z][A-Z_]{2,}): ([\s\S]*)$/.exec(problem);
	const code = coded ? coded[1] : COMPONENT_FAILURE;
	return { code, message: `${fullName}: ${f.problemType || 'Error'}: ${coded ? coded[2] : problem}` };
}

/** A whole call that failed: LIMIT stops cleanly, transient failures are retried, anything else stops the run. */
function callFailed(groups: TerritoryLinks[], outcome: { failure: Failure; transient: boolean }, hooks: RuleLinkHooks): ChunkOutcome {
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
 * One Metadata API call and its polling, with a time limit (jsforce's SOAP calls take no timeout option).
 * A fault's code comes as "sf:CODE"; SOAP faults are all HTTP 500, so the status says nothing about retrying.
 */
async function call<T>(org: OrgConnection, hooks: RuleLinkHooks, fn: () => Promise<T>): Promise<CallOutcome<T>> {
	let timer: NodeJS.Timeout | undefined;
	const limit = org.tuning.timeoutMs + pollTimeoutMs(org);
	try {
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new OrgError('ETIMEDOUT', `No answer from the Metadata API within ${limit} ms`)), limit);
		});
		return { ok: true, value: await Promise.race([fn(), timeout]) };
	} catch (err) {
		const message = org.redact(messageOf(err)).replace(/^[A-Z_]+: /, '');
		// jsforce ends polling with a plain Error ("Polling time out…"): the job may still finish in the
		// org's queue, so its outcome is unknown, not failed; the retry retrieves again before deploying.
		const code = /polling time ?out/i.test(message) ? 'ETIMEDOUT' : errorCodeOf(err).replace(/^sf:/, '');
		return { ok: false, failure: { code, message }, transient: hooks.isTransient(code) };
	} finally {
		if (timer) clearTimeout(timer);
	}
}
