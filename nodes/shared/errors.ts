import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type JsonObject } from 'n8n-workflow';

/** What the engine's OrgError (lib/org/errors.ts) carries; read by shape, as lib's classes may come from another copy. */
interface SalesforceFailure {
	code: string;
	message: string;
	status?: number;
	fields?: readonly string[];
}

/** A Salesforce API answer that stopped the whole run: an error with Salesforce's code and an HTTP status. */
function salesforceFailure(error: unknown): SalesforceFailure | null {
	const e = error as Partial<SalesforceFailure> & { name?: string };
	if (!e || e.name !== 'OrgError' || typeof e.code !== 'string' || typeof e.status !== 'number') return null;
	return { code: e.code, message: String(e.message), status: e.status, fields: Array.isArray(e.fields) ? e.fields : undefined };
}

/**
 * Salesforce's answer as n8n users expect it (NodeApiError: the HTTP status, Salesforce's error code and
 * the fields it names). The engine's messages are already free of secrets (OrgError messages go through
 * redact), and nothing else of the request is passed on.
 */
function toNodeApiError(ctx: IExecuteFunctions, f: SalesforceFailure): NodeApiError {
	const response: JsonObject = { errorCode: f.code, message: f.message, httpCode: String(f.status), ...(f.fields ? { fields: [...f.fields] } : {}) };
	return new NodeApiError(ctx.getNode(), response, {
		message: f.message,
		httpCode: String(f.status),
		description: [`Salesforce error code: ${f.code}`, `HTTP status: ${f.status}`, ...(f.fields?.length ? [`Fields: ${f.fields.join(', ')}`] : [])].join('\n'),
	});
}

/**
 * An engine call failed as a whole (no connection, rejected credentials, unknown model). With
 * "Continue On Fail" the workflow goes on with one item carrying the message; otherwise the node stops:
 * a Salesforce API failure as a NodeApiError, anything else (options, a review, a stop) as a NodeOperationError.
 */
export function engineFailure(ctx: IExecuteFunctions, error: unknown): INodeExecutionData[][] {
	const api = salesforceFailure(error);
	if (ctx.continueOnFail()) {
		const extra = api ? { errorCode: api.code, httpCode: String(api.status), ...(api.fields ? { fields: [...api.fields] } : {}) } : {};
		return [[{ json: { error: (error as Error).message, ...extra }, pairedItem: { item: 0 } }]];
	}
	if (api) throw toNodeApiError(ctx, api);
	throw new NodeOperationError(ctx.getNode(), error as Error);
}

/**
 * A publish stopped part-way by a Salesforce answer (its HTTP status known): a NodeApiError with the
 * status and code, and what was written in the description. null when the stop was not such an answer.
 */
export function stoppedByApi(
	ctx: IExecuteFunctions,
	stopped: { code: string; message: string; status?: number } | null,
	description: string,
): NodeApiError | null {
	if (!stopped?.status) return null;
	const error = toNodeApiError(ctx, { code: stopped.code, message: `The publish stopped early (${stopped.code}): ${stopped.message}`, status: stopped.status });
	error.description = `${error.description ?? ''}\n${description}`;
	return error;
}
