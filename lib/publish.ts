/**
 * publishPlan: plan → validate → snapshot → diff → (dry run | apply) → per-row outcomes.
 * The one road every caller takes (the Publish node, scripts, the demo), so that what a dry run
 * shows is exactly the change set that gets applied. preparePublish is the planning half (also
 * planPublish's, lib/plan-publish.ts); applyPrepared the applying half (also applyChangeSet's).
 */
import type {
	ApiUsage,
	ChangeOutcome,
	ModelTarget,
	OrgCheckReport,
	PhaseTiming,
	PublishOptions,
	PublishResult,
	PublishSummary,
	RowOutcome,
	RowOutcomeStatus,
} from './api-types';
import { OptionError, checkPublishOptions } from './options';
import {
	applyChangeSet,
	CANCELLED,
	checkOrg,
	connect,
	criteriaFieldIssues,
	describeForeign,
	ModelGuard,
	nextStep,
	OrgError,
	readAccountFieldTypes,
	readSnapshotAndGuard,
	ruleLinksPath,
	userDomainsInOrg,
	withNextStep,
	type ApplyResult,
	type GuardState,
	type OrgConnection,
	type PriorClaim,
	type SnapshotRefs,
} from './org';
import { developerNameProblem, didYouMean, parseCsv, parseCsvFile, parsePlan } from './plan';
import { LIMITS, OBJECTS } from './salesforce';
import type { PlanIssue, PlanTerritory, TerritoryPlan } from './plan/types';
import { diff, planIssuesForDiff, reconcileIssues } from './sync';
import { describeOutcome, outcomesByIndex } from './outcome';
import { frequentUnknownDomains, groupIssues } from './issue-groups';
import type { ChangeSet, DiffOptions, OrgDescribe, OrgSnapshot } from './sync/types';
import { rowIds, rowIdsIndex } from './row-ids';
import { publishConverged } from './converge';

export async function publishPlan(options: PublishOptions): Promise<PublishResult> {
	// Scripts call this from plain JavaScript: a wrong option is refused before any file or org is touched.
	checkPublishOptions(options);
	// Guarded unless a dry run: the guard's first state is the snapshot's (readSnapshotAndGuard).
	const prepared = await preparePublish(options, { guard: !options.dryRun });
	if (prepared.result) return prepared.result;
	// Written, and written again once another writer that lost to it has stopped (lib/converge.ts).
	return publishConverged(options, prepared.ready);
}

/** What applying needs once a plan is diffed against the org: the connection, the change set, the plan. */
export interface ReadyToApply {
	conn: OrgConnection;
	plan: TerritoryPlan;
	snapshot: OrgSnapshot;
	changeSet: ChangeSet;
	refs: SnapshotRefs;
	linkPath: 'rest' | 'metadata';
	started: number;
	phases: PhaseTiming[];
	/** The guarded records as the snapshot read them (org/guard.ts); null when the apply is not guarded. */
	guard: GuardState | null;
	modelTarget: ModelTarget;
	/** The result with these outcomes (summary, rows, issues, warnings). */
	finish(outcomes: ChangeOutcome[], rows: RowOutcome[], context: Omit<SummaryContext, 'started'>, changeSet?: ChangeSet): PublishResult;
	/** From a reviewed change set (applyChangeSet). */
	reviewed?: boolean;
	/** Set by the guard when another writer changed the model during the apply and this run went on. */
	sawOtherWriter?: boolean;
	/** A second pass: the Ids the first pass created and when its last write answered, its claim against another writer (lib/org/guard.ts). */
	priorClaim?: PriorClaim;
	/** The org's clock when this pass's last write answered (ModelGuard.lastWriteAt). */
	lastWriteAt?: string | null;
	/** What the guard found that the user must read beside the result (warnings). */
	guardNotes?: PlanIssue[];
}

/** A phase's time, calls and records, measured around `work`. */
export async function timed<T>(phases: PhaseTiming[], phase: string, conn: OrgConnection | null, work: () => Promise<T>, records?: (value: T) => number): Promise<T> {
	const started = Date.now();
	const calls = conn?.usage().calls ?? 0;
	const value = await work();
	phases.push({ phase, ms: Date.now() - started, calls: (conn?.usage().calls ?? 0) - calls, records: records ? records(value) : 0 });
	return value;
}

/** The stop a cancelled signal means before anything was written (the snapshot read, the checks). */
export function throwIfCancelled(signal: AbortSignal | undefined, during: string): void {
	if (signal?.aborted) throw new OrgError(CANCELLED, `Stopped on request during ${during}: nothing was written.`);
}

/**
 * The planning half: plan read and validated, org read, diff, checks. `result` is the answer when
 * nothing is to be applied (problems, or a dry run); `ready` what applying needs. The options come checked
 * (checkPublishOptions): its callers, publishPlan and planPublish, check them once, as they arrive.
 */
export async function preparePublish(
	options: PublishOptions,
	how: { guard: boolean },
): Promise<{ result: PublishResult; ready?: ReadyToApply } | { result: null; ready: ReadyToApply }> {
	const started = Date.now();
	const phases: PhaseTiming[] = [];
	const plan = await readPlan(options);
	if (plan.territories.length === 0 && plan.issues.length === 0) {
		// An empty plan is almost always an upstream mistake (no items, a blank file); with overwriteAll
		// or deleteMissing it would delete the whole model (or scope). Refused whatever the method.
		plan.issues.push({
			row: 0,
			column: null,
			value: null,
			code: 'EMPTY_PLAN',
			message: 'The plan has no territories: nothing was published. To empty a model, delete it in Setup.',
		});
	}
	const modelDeveloperName = options.model.developerName ?? '';
	const dryRun = options.dryRun ?? false;
	if (!options.model.id && modelDeveloperName.trim() === '') {
		// Nothing in the org can be read for a model without a name; the plan's own problems still come back.
		plan.issues.push(modelIssue(modelDeveloperName, 'Name the territory model to publish to (its DeveloperName or Id).'));
		const changeSet: ChangeSet = { modelDeveloperName, modelId: null, changes: [], issues: [], warnings: [] };
		const issues = reconcileIssues(plan.issues, null);
		const summary = summarize(changeSet, [], { dryRun, usage: NO_USAGE, started, stopped: null, modelCreated: false, problems: issues.length });
		return {
			result: {
				summary: { ...summary, next: nextStep({ dryRun, refused: true, stoppedCode: null, changes: 0, modelDeveloperName, modelState: null }), phases },
				rows: rowsWithIssues(plan, issues),
				changeSet,
				issues,
				issueGroups: groupIssues(issues),
				warnings: [],
			},
		};
	}

	const signal = options.signal;
	throwIfCancelled(signal, 'the connection to the org');
	const conn = await connect(options);
	const refs: SnapshotRefs = {
		users: collectUserRefs(plan.territories),
		accounts: options.manageAccounts === false ? [] : collectAccountRefs(plan.territories),
		accountKeyField: options.accountKeyField,
	};
	// The guard's first state comes from the snapshot's own reads (readSnapshotAndGuard): later checks compare
	// with exactly what the change set is computed against.
	const read = await timed(
		phases,
		'read',
		conn,
		() =>
			readSnapshotAndGuard(conn, options.model, refs, (progress) => {
				// Between the snapshot's calls: a stop asked for now costs nothing to honour.
				throwIfCancelled(signal, 'the read of the org');
				options.onProgress?.(progress);
			}),
		({ snapshot: s }) => s.territories.length + s.rules.length + s.userAssociations.length + s.accountAssociations.length + s.users.length + s.accounts.length,
	);
	const snapshot = read.snapshot;
	const guard = how.guard ? read.guard : null;
	if (plan.territories.some((t) => t.criteria.length > 0)) {
		// The snapshot read Account's describe already; an org that did not answer it is asked once more.
		const known = snapshot.describe?.accountFields;
		plan.issues.push(...criteriaFieldIssues(plan.territories, known ? new Map(Object.entries(known)) : await readAccountFieldTypes(conn)));
	}

	const diffOptions: DiffOptions = {
		modelDeveloperName: snapshot.model?.developerName ?? modelDeveloperName,
		modelName: options.model.name,
		scopeRootKey: options.scopeRootKey ?? null,
		method: options.method ?? 'overwriteMatching',
		deleteMissing: options.deleteMissing ?? false,
		touchHandMadeRules: options.touchHandMadeRules ?? false,
		createMissingTypes: options.createMissingTypes ?? false,
		allowActiveModel: options.allowActiveModel ?? false,
		manageAccounts: options.manageAccounts ?? plan.columns.includes('Accounts'),
		maxTerritoriesPerModel: options.maxTerritoriesPerModel ?? LIMITS.territoriesPerModel,
	};
	if (!diffOptions.modelDeveloperName) {
		plan.issues.push({
			row: 0,
			column: null,
			value: options.model.id ?? null,
			code: 'MODEL_NOT_FOUND',
			message: options.model.id
				? `No territory model with Id ${options.model.id} exists in the org`
				: 'Name the territory model to publish to (its DeveloperName or Id)',
		});
	}

	if (!snapshot.model && !options.model.id) {
		if (options.ifModelMissing === 'stop') plan.issues.push(missingModelIssue(modelDeveloperName, snapshot));
		else plan.issues.push(...newModelIssues(options.model));
	}

	// The diff sees only the plan issues the org cannot overturn, so that it reports the org-level
	// version of the others itself (e.g. FORECAST_MANAGER_NOT_ASSIGNED once the users are resolved);
	// lib/sync/reconcile.ts holds the rules.
	const changeSet = diff({ ...plan, issues: planIssuesForDiff(plan.issues) }, snapshot, diffOptions);
	const issues = reconcileIssues(plan.issues, changeSet.issues);
	if (options.maxDeletes !== undefined) issues.push(...tooManyDeletes(changeSet, options.maxDeletes));
	// Many unknown users in one e-mail domain: whether the org has any user there is the likely explanation.
	const userDomains = await userDomainsInOrg(conn, frequentUnknownDomains(issues));
	// `written`: the change set the outcomes are of, when it is not this one (both passes of convergePass).
	const finish = (outcomes: ChangeOutcome[], rows: RowOutcome[], context: Omit<SummaryContext, 'started'>, written: ChangeSet = changeSet): PublishResult => {
		const summary = summarize(written, outcomes, { ...context, started, problems: issues.length, rows });
		const next = nextStep({
			dryRun: context.dryRun,
			refused: issues.length > 0,
			stoppedCode: context.stopped?.code ?? null,
			changes: written.changes.length,
			modelDeveloperName: written.modelDeveloperName,
			modelState: snapshot.model?.state ?? null,
		});
		return {
			summary: { ...summary, ...(orgCheck ? { orgCheck } : {}), next, phases },
			rows,
			changeSet: written,
			issues,
			issueGroups: groupIssues(issues, { userDomains }),
			warnings: written.warnings,
		};
	};
	const linkPath = ruleLinkPath(options.ruleLinkPath, snapshot.describe);
	const deploysLinks = linkPath === 'metadata' && changeSet.changes.some((c) => c.object === OBJECTS.ruleTerritory);
	// A dry run reports what the org offers (one read-only call): what a user checks before publishing. A
	// publish whose rule links are deployed through the Metadata API reads it too, since the deploy needs a
	// permission the describe cannot show; a deploy refused after the territories were written would leave
	// rules linked to nothing.
	const orgCheck =
		(dryRun && options.checkOrg !== false) || deploysLinks ? await timed(phases, 'orgCheck', conn, () => readOrgCheck(conn, linkPath)) : undefined;
	if (deploysLinks && orgCheck?.permissions.modifyMetadata === false) {
		issues.push({
			row: 0,
			column: null,
			value: null,
			code: 'NOT_PERMITTED',
			message:
				'Rule links in this org go through the Metadata API (RuleTerritory2Association is not createable), whose deploy needs Modify All Data or Modify Metadata besides Manage Territories: give the integration user one of them (Setup → Permission Sets → System Permissions). Nothing was written.',
		});
	}
	const ready: ReadyToApply = { conn, plan, snapshot, changeSet, refs, linkPath, started, phases, guard, modelTarget: options.model, finish };
	const nothingWritten = { usage: conn.usage(), stopped: null, modelCreated: false };

	// A plan with any problem writes nothing: every problem is reported at once, by row and column.
	if (issues.length > 0) return { result: finish([], rowsWithIssues(plan, issues), { ...nothingWritten, dryRun }), ready };

	if (dryRun) {
		const planned: ChangeOutcome[] = changeSet.changes.map((change) => ({
			changeId: change.id,
			object: change.object,
			action: change.action,
			label: change.label,
			status: 'planned',
			recordId: change.recordId,
		}));
		return { result: finish(planned, rowOutcomes(plan, changeSet, planned, snapshot), { ...nothingWritten, dryRun: true }), ready };
	}
	return { result: null, ready };
}

/**
 * The applying half: the change set written phase by phase, the guard (org/guard.ts) run before each
 * phase when the apply is guarded, a stop asked through `signal` honoured between calls.
 */
export async function applyPrepared(
	ready: ReadyToApply,
	options: { onProgress?: PublishOptions['onProgress']; signal?: AbortSignal },
): Promise<PublishResult> {
	return resultOf(ready, ready.changeSet, await writePrepared(ready, options));
}

/** The change set written, guarded when ready.guard is set; the phases' timings added to ready.phases. */
export async function writePrepared(
	ready: ReadyToApply,
	options: { onProgress?: PublishOptions['onProgress']; signal?: AbortSignal },
): Promise<ApplyResult> {
	const { conn, changeSet } = ready;
	const target = ready.modelTarget.id ? ready.modelTarget : { developerName: changeSet.modelDeveloperName };
	const guard = ready.guard ? new ModelGuard(conn, target, ready.guard, ready.priorClaim ?? null, options.signal) : null;
	const applied = await applyChangeSet(conn, changeSet, {
		onProgress: options.onProgress,
		ruleLinks: ready.linkPath,
		signal: options.signal,
		beforePhase: guard ? (phase, own) => guard.check(phase, own) : undefined,
	});
	ready.phases.push(...applied.phases);
	if (guard) {
		ready.sawOtherWriter = guard.sawOtherWriter;
		ready.lastWriteAt = guard.lastWriteAt;
		ready.guardNotes = guardNotes(guard, !!ready.reviewed);
	}
	return applied;
}

/** The guard's findings as the notes a user reads beside the result. */
function guardNotes(guard: ModelGuard, reviewed: boolean): PlanIssue[] {
	const notes: PlanIssue[] = [];
	const note = (code: PlanIssue['code'], message: string) => notes.push({ row: 0, column: null, value: null, code, message });
	if (guard.laterWriters.length) {
		const listed = guard.laterWriters.slice(0, 5).map(describeForeign).join('; ');
		note(
			'CHANGED_AFTER_PUBLISH',
			`After this publish had written everything, another publish or a person began writing to the model (${listed}${guard.laterWriters.length > 5 ? `; and ${guard.laterWriters.length - 5} more` : ''}). This run left those writes alone: run a dry run of this plan to see whether the model still matches it.`,
		);
	}
	if (guard.uncheckedAfterWrites) {
		note('UNCHECKED_AFTER_PUBLISH', `Everything was written, but the check for other writers after the last write could not be made (${guard.uncheckedAfterWrites}); a dry run of this plan shows whether the model matches it.`);
	}
	// A reviewed change set is applied exactly as approved: no second pass; the other's partial writes are named.
	if (reviewed && guard.sawOtherWriter) {
		note(
			'OTHER_WRITER',
			'Another publish wrote to this model during this apply and stopped (this one wrote first, lib/org/guard.ts). A reviewed change set is applied exactly as approved, so what the other wrote before it stopped is still in the model: run a dry run of your plan to see it, and review its changes.',
		);
	}
	return notes;
}

/** The result of writing `changeSet` (ready's own, or both passes', convergePass), its outcomes per row. */
export function resultOf(ready: ReadyToApply, changeSet: ChangeSet, applied: Pick<ApplyResult, 'outcomes' | 'stopped'>, usage: ApiUsage = ready.conn.usage()): PublishResult {
	const modelChange = changeSet.changes.find((c) => c.object === 'Territory2Model' && c.action === 'create');
	const modelOutcome = modelChange && applied.outcomes.find((o) => o.changeId === modelChange.id);
	const published = ready.finish(
		applied.outcomes,
		rowOutcomes(ready.plan, changeSet, applied.outcomes, ready.snapshot),
		{
			dryRun: false,
			usage,
			// What the user reads: what stopped the run, and that publishing the same plan again finishes it.
			stopped: applied.stopped ? withNextStep(applied.stopped) : null,
			modelCreated: modelOutcome?.status === 'done',
		},
		changeSet,
	);
	if (modelOutcome?.recordId) published.summary.model.id = modelOutcome.recordId;
	if (ready.guardNotes?.length) published.warnings = [...published.warnings, ...ready.guardNotes];
	return published;
}

/** ifModelMissing 'stop': the model is not there, so nothing is created; the nearest existing name is suggested. */
function missingModelIssue(developerName: string, snapshot: OrgSnapshot): PlanIssue {
	const names = snapshot.models.map((m) => m.developerName);
	return {
		row: 0,
		column: null,
		value: developerName,
		code: 'MODEL_NOT_FOUND',
		message: `No territory model "${developerName.slice(0, 100)}" exists in the org${didYouMean(developerName, names)}; nothing was written. To create it, set If the Model Does Not Exist to Create It (ifModelMissing: 'create').`,
	};
}

/** Deletes counted against maxDeletes: territories, rules, user and account assignments. */
const COUNTED_DELETES: ReadonlySet<string> = new Set([OBJECTS.territory, OBJECTS.rule, OBJECTS.userTerritory, OBJECTS.objectTerritory]);

/** One TOO_MANY_DELETES issue listing every delete, when there are more than maxDeletes. */
function tooManyDeletes(changeSet: ChangeSet, maxDeletes: number): PlanIssue[] {
	const deletes = changeSet.changes.filter((c) => c.action === 'delete' && COUNTED_DELETES.has(c.object));
	if (deletes.length <= maxDeletes) return [];
	const listed = deletes.map((c) => `${c.object} ${c.label}`);
	return [
		{
			row: 0,
			column: null,
			value: String(deletes.length),
			code: 'TOO_MANY_DELETES',
			message: `The publish would delete ${deletes.length} records (territories, rules, user and account assignments), more than Maximum Deletes (${maxDeletes}); nothing was written. It would have deleted: ${listed.join(', ')}.`,
		},
	];
}

/** checkOrg's report with the path this publish takes, or nothing when the org could not be read (it is advisory). */
async function readOrgCheck(conn: OrgConnection, linkPath: 'rest' | 'metadata'): Promise<OrgCheckReport | undefined> {
	try {
		return await checkOrg(conn, { ruleLinks: linkPath });
	} catch {
		return undefined;
	}
}

/** How rule links are written: as asked, or as the org's describe says (ruleLinksPath). */
function ruleLinkPath(asked: PublishOptions['ruleLinkPath'], describe: OrgDescribe | undefined): 'rest' | 'metadata' {
	if (asked === 'rest' || asked === 'metadata') return asked;
	return ruleLinksPath(describe?.objects[OBJECTS.ruleTerritory]);
}

async function readPlan(options: PublishOptions): Promise<TerritoryPlan> {
	const maxTerritories = options.maxTerritoriesPerModel ?? LIMITS.territoriesPerModel;
	const parseOptions = { columnMap: options.columnMap, ignoreUnknownColumns: options.ignoreUnknownColumns, maxTerritories };
	if ('csv' in options.plan || 'csvFile' in options.plan) {
		// A file is streamed (papaparse step by step), so a large plan is never held twice as text.
		const parsed = 'csv' in options.plan ? parseCsv(options.plan.csv) : await readCsvFile(options.plan.csvFile);
		const plan = parsePlan(parsed.rows, parseOptions);
		plan.issues.unshift(...parsed.issues);
		return plan;
	}
	return parsePlan(options.plan.rows, parseOptions);
}

/** A file that cannot be opened is the caller's option, named as such (not a bare ENOENT). */
async function readCsvFile(path: string): ReturnType<typeof parseCsvFile> {
	try {
		return await parseCsvFile(path);
	} catch (e) {
		const code = (e as { code?: unknown }).code;
		if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw e;
		const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : code;
		throw new OptionError('plan.csvFile', `cannot read "${path}" (${why}).`);
	}
}

export function collectUserRefs(territories: PlanTerritory[]): string[] {
	const refs = new Set<string>();
	for (const t of territories) {
		for (const user of t.users) refs.add(user.ref);
		if (t.forecastManager) refs.add(t.forecastManager);
	}
	return [...refs];
}

export function collectAccountRefs(territories: PlanTerritory[]): string[] {
	return [...new Set(territories.flatMap((t) => t.accounts))];
}

const NO_USAGE: ApiUsage = { calls: 0, used: null, limit: null, remaining: null };

function modelIssue(value: string, message: string): PlanIssue {
	return { row: 0, column: null, value, code: 'INVALID_MODEL_NAME', message };
}

/**
 * A model that publish would create: Salesforce refuses a DeveloperName that is not an API name and a
 * label over 80 characters, and it would do so only after the dry run said yes. Checked before any write.
 */
function newModelIssues(model: ModelTarget): PlanIssue[] {
	const issues: PlanIssue[] = [];
	const dev = model.developerName ?? '';
	const why = developerNameProblem(dev);
	if (why) {
		issues.push(
			modelIssue(dev, `Model DeveloperName "${dev.slice(0, 100)}" ${why}; a model's DeveloperName uses letters, digits and single underscores, starts with a letter and has at most ${LIMITS.developerNameLength} characters.`),
		);
	}
	const label = model.name ?? dev;
	if (model.name === undefined && why) return issues;
	if (label.trim() === '') issues.push(modelIssue(label, 'Model name (label) is empty; give the new model a name, or leave it out to use the DeveloperName.'));
	else if (label.length > LIMITS.nameLength) {
		const field = model.name === undefined ? 'Model DeveloperName (also its label, as no name is given)' : 'Model name (label)';
		issues.push(modelIssue(label.slice(0, 100), `${field} is ${label.length} characters; Salesforce allows ${LIMITS.nameLength}.`));
	}
	return issues;
}

export interface SummaryContext {
	dryRun: boolean;
	usage: ApiUsage;
	started: number;
	stopped: PublishSummary['stopped'];
	modelCreated: boolean;
	/** For the outcome (lib/outcome.ts): how many problems refused the plan, and the row outcomes. */
	problems?: number;
	/** Built from the outcomes summarized (rowOutcomes). */
	rows?: RowOutcome[];
}

export function summarize(changeSet: ChangeSet, outcomes: ChangeOutcome[], context: SummaryContext): PublishSummary {
	const { counts, ...outcome } = describeOutcome(changeSet, outcomes, { ...context, problems: context.problems ?? 0 });
	return {
		...outcome,
		model: { id: changeSet.modelId, developerName: changeSet.modelDeveloperName, created: context.modelCreated },
		dryRun: context.dryRun,
		counts,
		failed: outcomes.filter((o) => o.status === 'failed').length,
		skipped: outcomes.filter((o) => o.status === 'skipped').length,
		stopped: context.stopped,
		apiUsage: context.usage,
		durationMs: Date.now() - context.started,
	};
}

export function rowsWithIssues(plan: TerritoryPlan, issues: PlanIssue[]): RowOutcome[] {
	const byRow = new Map<number, PlanIssue[]>();
	for (const issue of issues) byRow.set(issue.row, [...(byRow.get(issue.row) ?? []), issue]);
	return plan.territories.map((t) => {
		const own = t.rows.flatMap((row) => byRow.get(row) ?? []);
		return {
			row: t.row,
			key: t.key,
			territory: t.name,
			status: own.length ? 'failed' : 'skipped',
			changes: [],
			errorCode: own[0]?.code ?? 'PLAN_INVALID',
			message: own.length
				? own.map((i) => i.message).join('; ')
				: 'Not published: the plan has validation errors in other rows',
		};
	});
}

/** Folds change outcomes onto the plan rows they serve; org-only deletes get rows of their own. */
export function rowOutcomes(plan: TerritoryPlan, changeSet: ChangeSet, outcomes: ChangeOutcome[], snapshot: OrgSnapshot): RowOutcome[] {
	// By change index, not through maps of every change and outcome (497,000 of each at XL).
	const outcomeOf = outcomesByIndex(changeSet, outcomes);
	const changesByRow = new Map<number, number[]>();
	const orphans: number[] = [];
	changeSet.changes.forEach((change, i) => {
		if (change.rows.length === 0) orphans.push(i);
		for (const row of change.rows) {
			const list = changesByRow.get(row);
			if (list) list.push(i);
			else changesByRow.set(row, [i]);
		}
	});
	// Built once: rowIds would otherwise index the snapshot again for every row.
	const idsIndex = rowIdsIndex(snapshot);

	const result: RowOutcome[] = plan.territories.map((t) => {
		const indexes = uniqueIndexes(t.rows.length === 1 ? (changesByRow.get(t.rows[0]) ?? []) : t.rows.flatMap((row) => changesByRow.get(row) ?? []));
		const changes = indexes.map((i) => changeSet.changes[i]);
		const found = indexes.map(outcomeOf);
		const outcomeByChange = new Map(changes.map((c, k) => [c, found[k]]));
		const own = found.filter((o): o is ChangeOutcome => !!o);
		const territoryChange = changes.find((c) => c.object === 'Territory2');
		const failed = own.find((o) => o.status === 'failed');
		const skipped = own.find((o) => o.status === 'skipped');
		let status: RowOutcomeStatus;
		if (own.length === 0) status = 'unchanged';
		else if (failed) status = 'failed';
		else if (skipped) status = 'skipped';
		else if (own.every((o) => o.status === 'planned')) status = 'planned';
		else if (territoryChange?.action === 'create') status = 'created';
		else status = 'updated';
		const problem = failed ?? skipped;
		return {
			row: t.row,
			key: t.key,
			territory: t.name,
			status,
			...(changes.length ? { action: territoryChange?.action ?? 'update' } : {}),
			ids: rowIds(t.key, changes, (c) => outcomeByChange.get(c), snapshot, idsIndex),
			changes: own,
			...(problem ? { errorCode: problem.errorCode, message: problem.message } : {}),
		};
	});

	const orphanChanges = orphans.map((i) => ({ change: changeSet.changes[i], outcome: outcomeOf(i) }));
	for (const { change, outcome } of orphanChanges.filter(({ change: c }) => c.object === 'Territory2' && c.action === 'delete')) {
		if (!outcome) continue;
		const status: RowOutcomeStatus =
			outcome.status === 'done' ? 'deleted' : outcome.status === 'planned' ? 'planned' : outcome.status;
		result.push({
			row: 0,
			key: change.label,
			territory: change.label,
			status,
			action: 'delete',
			ids: { territory: change.recordId, rules: [], userAssignments: [], accountAssignments: [] },
			changes: [outcome],
			...(outcome.errorCode ? { errorCode: outcome.errorCode, message: outcome.message } : {}),
		});
	}
	// Other changes that serve no row (the model's create, rules of deleted territories): a failure must
	// still reach the caller with Salesforce's words, or the rows only say "depends on … which failed".
	for (const { change, outcome } of orphanChanges.filter(({ change: c }) => !(c.object === 'Territory2' && c.action === 'delete'))) {
		if (outcome?.status !== 'failed') continue;
		result.push({
			row: 0,
			key: change.label,
			territory: '',
			status: 'failed',
			changes: [outcome],
			errorCode: outcome.errorCode,
			message: `${change.object} ${change.label}: ${outcome.message ?? 'failed'}`,
		});
	}
	return result;
}

/** The indexes once each, in order (a change lists its row once, but a territory of two rows may hold it twice). */
function uniqueIndexes(indexes: number[]): number[] {
	// Short lists (nearly every row) are checked in place; a long one (a territory of thousands of accounts) by a set.
	if (indexes.length <= 32 && indexes.every((i, k) => indexes.indexOf(i) === k)) return indexes;
	return [...new Set(indexes)];
}
