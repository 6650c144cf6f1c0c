/**
 * Errors the org layer raises. Every message that may carry text from a request or a response goes
 * through `redact` first, so that passwords, tokens, keys and client secrets never reach a caller.
 */

import { CodedError } from '../coded-error';

export class OrgError extends CodedError {
	constructor(
		/** Salesforce error code (INVALID_SESSION_ID, invalid_grant, …) or one of ours. */
		code: string,
		message: string,
		/** The HTTP status of Salesforce's answer, when the failure was one (401, 403, 503, …). */
		public readonly status?: number,
		/** The fields Salesforce's error names (its `fields` list), when it names any. */
		public readonly fields?: readonly string[],
	) {
		super(code, message);
		this.name = 'OrgError';
	}

	/** Salesforce's error code, under the name Salesforce's REST error bodies give it. */
	get errorCode(): string {
		return this.code;
	}
}

/** The fields a Salesforce error body names (jsforce keeps the body as `data`). */
export function fieldsOf(err: unknown): string[] | undefined {
	const fields = (err as { data?: { fields?: unknown } } | null)?.data?.fields;
	return Array.isArray(fields) && fields.every((f) => typeof f === 'string') && fields.length ? fields : undefined;
}

/**
 * Replaces every occurrence of each secret with "[redacted]": as it is, URL-encoded, and form-encoded
 * (the token request body encodes a space as "+" and escapes !'()* too).
 */
export function redact(text: string, secrets: readonly (string | undefined | null)[]): string {
	let out = text;
	for (const secret of secrets) {
		// Very short values would blank out ordinary words; no real secret is that short.
		if (!secret || secret.length < 4) continue;
		const formEncoded = new URLSearchParams({ v: secret }).toString().slice(2);
		for (const form of new Set([secret, encodeURIComponent(secret), formEncoded])) {
			out = out.split(form).join('[redacted]');
		}
	}
	return out;
}

/** The Salesforce error code of anything jsforce or fetch threw (errorCode, name or a socket code). */
export function errorCodeOf(err: unknown): string {
	if (err && typeof err === 'object') {
		const e = err as { errorCode?: unknown; code?: unknown; name?: unknown; data?: unknown };
		if (typeof e.errorCode === 'string' && e.errorCode) return e.errorCode;
		if (typeof e.code === 'string' && e.code) return e.code;
		if (typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
	}
	return 'UNKNOWN_ERROR';
}

export function messageOf(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

/** HTTP status jsforce attaches to HttpApiError (ERROR_HTTP_503 style codes or data.status). */
export function statusOf(err: unknown): number | undefined {
	const code = errorCodeOf(err);
	const m = /^ERROR_HTTP_(\d{3})$/.exec(code);
	if (m) return Number(m[1]);
	return undefined;
}
