/**
 * What a person does next, in words, in one place: after a run (the summary's `next`), after a stop
 * (withNextStep), after a row that failed with a passing fault (retryLater).
 *
 * After a stop: what happened, what is in the org now, and what to do next. Publishing the same plan
 * again is always safe (the diff starts from what the org holds, and creates whose answer was lost are
 * looked up before they are sent again), so every stop says so.
 *
 * After a run: publishing writes the model's records only; it never runs assignment rules nor activates
 * the model, which an admin does in Setup.
 * Setup paths from Salesforce Help: "Run Assignment Rules for a Territory" (sales.tm2_run_assignment_rules:
 * open the model's hierarchy, Run Rules) and "Activate a Territory Model" (sales.tm2_activate_territory_model:
 * open the model, View Hierarchy, Activate; Planning models only, and one Active model at a time); both
 * start at Setup → Quick Find "Territory Models" (sales.tm2_manage_rules_model_level).
 */
import { isTransient, LIMIT_CODE } from './retry';

const SETUP = 'Setup → Quick Find "Territory Models" → Territory Models';

export interface NextStepContext {
	dryRun: boolean;
	/** The run had problems and wrote nothing. */
	refused: boolean;
	/** Stopped part-way (CANCELLED, MODEL_CHANGED, a hard failure). */
	stoppedCode: string | null;
	changes: number;
	modelDeveloperName: string;
	/** The model's state before the run (null: created by it). */
	modelState: string | null;
	/** This run came from a reviewed change set (applyChangeSet). */
	reviewed?: boolean;
}

export function nextStep(c: NextStepContext): string {
	const model = c.modelDeveloperName || 'the model';
	if (c.refused) return 'Nothing was written: fix the problems listed in issues, then run again (a dry run first).';
	if (c.stoppedCode === 'MODEL_CHANGED') {
		return `Stopped: another publish changed ${model} while this one ran. What was written is listed above; run this plan again (a dry run first) once the other publish is done: it completes without duplicates.`;
	}
	// A reviewed change set cannot be applied twice: its own writes changed what it was reviewed against.
	if (c.stoppedCode && c.reviewed) return `Stopped before the end (${c.stoppedCode}): what was written is listed above. Run the dry run again and approve its new review (the rest of the plan); applying this review again is refused, as the org has changed since.`;
	if (c.stoppedCode) return `Stopped before the end (${c.stoppedCode}): what was written is listed above. Publishing the same plan again completes it without duplicates.`;
	if (c.dryRun) {
		if (c.changes === 0) return `Nothing was written (dry run). ${model} already matches the plan: there is nothing to publish.`;
		return `Nothing was written (dry run). Review the ${c.changes} changes; to write them, run with Mode "Write to Salesforce", or approve this dry run and pass its review to Mode "Apply a Reviewed Change Set" (applyChangeSet), which writes exactly these changes or refuses if the org changed meanwhile.`;
	}
	if (c.changes === 0) return `Already up to date: ${model} matches the plan, nothing was written.`;
	const rules = `In ${SETUP}, open ${model} (View Hierarchy) and click Run Rules to assign accounts by the new rules`;
	if (c.modelState === 'Active') return `Written to ${model} (Active). Publishing does not run assignment rules: ${rules.charAt(0).toLowerCase()}${rules.slice(1)}.`;
	return `Written to ${model} (Planning). Publishing neither runs assignment rules nor activates the model: ${rules.charAt(0).toLowerCase()}${rules.slice(1)} (in Planning this previews the assignments), then click Activate when the model is ready (Planning models only; one model is Active at a time).`;
}

const RUN_AGAIN = 'Publish the same plan again';

/** The stop's message with the next step after it (once: a message that already has one is kept). */
export function withNextStep<T extends { code: string; message: string }>(stop: T): T {
	// The stop may already say it (a cancel does): never twice, whatever the case.
	if (/publish(ing)? the same plan again/i.test(stop.message)) return stop;
	const kept = 'What was written before the stop stays in the org.';
	let next: string;
	if (stop.code === LIMIT_CODE) {
		// Salesforce Help, "System Overview: API Usage" (setup_system_overview_api): limits apply to all API
		// calls of the org in 24 hours, and "calls are blocked until usage for the preceding 24 hours drops
		// below the limit". The same code also answers too many long-running requests at once (Salesforce
		// Developer Limits and Allocations Quick Reference, "API Request Limits and Allocations").
		next = `Salesforce refused further API requests: the org's API allowance for the last 24 hours is used up, or too many long requests are running at once. ${kept} ${RUN_AGAIN} once the org has API requests to spare (Setup → System Overview shows the usage): it finishes the model without duplicates.`;
	} else if (isTransient(stop.code)) {
		next = `Salesforce did not answer or kept refusing for a while. ${kept} ${RUN_AGAIN} when it answers again: it looks up what this run may have written before sending anything twice, and finishes the model without duplicates.`;
	} else {
		next = `${kept} Fix the cause, then ${RUN_AGAIN.toLowerCase()}: it continues from what the org holds, without duplicates.`;
	}
	// The rest of the stop (the HTTP status the nodes report) stays as it was.
	return { ...stop, message: `${stop.message.replace(/\s+$/, '')}${/[.!?]$/.test(stop.message.trim()) ? '' : '.'} ${next}` };
}

/** A row that failed with a passing fault after every try: the same advice, in a sentence. */
export function retryLater(message: string): string {
	return `${message}. ${RUN_AGAIN} to try it again; what went through is not written twice.`;
}
