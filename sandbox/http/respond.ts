import { SalesforceError, type RouteResponse } from '../contracts';

/** A REST error body as Salesforce sends it: a JSON array of `{message, errorCode, fields?}`. */
export function errorResponse(status: number, errorCode: string, message: string, fields?: string[]): RouteResponse {
	return { status, body: [new SalesforceError(status, errorCode, message, fields ?? []).toJSON()] };
}

export function fromError(err: SalesforceError): RouteResponse {
	return { status: err.status, body: [err.toJSON()] };
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';

export function notFound(): RouteResponse {
	return errorResponse(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
}

export function methodNotAllowed(method: string, allowed: string[]): RouteResponse {
	return {
		status: 405,
		headers: { Allow: allowed.join(', ') },
		body: [
			{
				message: `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`,
				errorCode: 'METHOD_NOT_ALLOWED',
			},
		],
	};
}

/** Parses a JSON request body the way the REST API does: anything unparseable is JSON_PARSER_ERROR. */
export function parseJsonBody(body: string): unknown {
	if (!body.trim()) throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The request body is empty. Provide a JSON body.');
	try {
		return JSON.parse(body);
	} catch (err) {
		const detail = err instanceof Error ? err.message : String(err);
		throw new SalesforceError(400, 'JSON_PARSER_ERROR', `Unexpected character in the request body: ${detail}`);
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
