/**
 * The reviewed change set (api-types ReviewedChangeSet): built by planPublish, checked whole by
 * applyChangeSet before anything is read or written. It travels through workflows as JSON (an n8n item,
 * an approval step, a file), so it carries a checksum over its content in a canonical form: a review
 * edited or garbled on the way is refused with REVIEW_INVALID. The checksum catches accidents, not an
 * adversary (anyone can recompute it); what is applied is still only ever this change set.
 */
import { createHash } from 'node:crypto';
import type { ReviewedChangeSet } from './api-types';
import { hashOf } from './sync';

export const REVIEW_FORMAT = 'n8n-nodes-territory-planning/reviewed-change-set' as const;
export const REVIEW_VERSION = 1;

class ReviewError extends Error {
	readonly code = 'REVIEW_INVALID';
	constructor(message: string) {
		super(`review: ${message}`);
		this.name = 'ReviewError';
	}
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.keys(value as object)
			.filter((k) => (value as Record<string, unknown>)[k] !== undefined)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

function checksumOf(review: Omit<ReviewedChangeSet, 'checksum'> & { checksum?: string }): string {
	const { checksum: _ignored, ...content } = review;
	return createHash('sha256').update(canonical(content)).digest('hex');
}

export function sealReview(review: Omit<ReviewedChangeSet, 'checksum'>): ReviewedChangeSet {
	return { ...review, checksum: checksumOf(review) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws a ReviewError saying what is wrong with a review that did not come whole from planPublish. */
export function checkReview(value: unknown): asserts value is ReviewedChangeSet {
	if (typeof value === 'string') {
		throw new ReviewError('expected the review object, got a text: pass the dry run item\'s review field itself (in an expression: {{ $json.review }}), not its JSON text.');
	}
	if (!isObject(value)) throw new ReviewError('expected the review object a dry run returned.');
	if (value.format !== REVIEW_FORMAT) throw new ReviewError(`not a reviewed change set (format should be "${REVIEW_FORMAT}").`);
	if (value.version !== REVIEW_VERSION) throw new ReviewError(`format version ${String(value.version)} is not the one this package applies (${REVIEW_VERSION}): run the dry run again with this version.`);
	const cs = value.changeSet as Record<string, unknown> | undefined;
	const fp = value.fingerprint as Record<string, unknown> | undefined;
	if (!isObject(cs) || !Array.isArray(cs.changes) || !isObject(fp) || !isObject(fp.entries) || typeof fp.hash !== 'string' || !isObject(value.apply) || !Array.isArray(value.rows) || !isObject(value.model)) {
		throw new ReviewError('parts are missing (changeSet, fingerprint, apply, rows or model): pass the whole review the dry run returned.');
	}
	if (typeof value.checksum !== 'string' || value.checksum !== checksumOf(value as unknown as ReviewedChangeSet)) {
		throw new ReviewError('its content was changed after the dry run (the checksum does not match): nothing was written. Run the dry run again and apply its review unchanged.');
	}
	if (hashOf(fp.entries as never) !== fp.hash) throw new ReviewError('its fingerprint does not match its entries: nothing was written.');
}
