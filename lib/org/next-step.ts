/**
 * What a user reads when a publish stops early: what happened, what is in the org now, and what to do
 * next. Publishing the same plan again is always safe (the diff starts from what the org holds, and
 * creates whose answer was lost are looked up before they are sent again), so every stop says so.
 */
import { isTransient, LIMIT_CODE } from './retry';

export const RUN_AGAIN = 'Publish the same plan again';

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
