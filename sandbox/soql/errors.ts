/**
 * SOQL errors in the shape Salesforce returns them. Salesforce prefixes most SOQL errors with the
 * offending line, a caret under the token and "ERROR at Row:r:Column:c"; clients show that text as
 * is, so the sandbox reproduces it to keep error handling honest.
 */
import { SalesforceError } from '../contracts';

const FIELD_HINT =
	"If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";
const RELATIONSHIP_HINT =
	"If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.";
const OBJECT_HINT =
	"If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.";

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Position of `token` as a whole word (case-insensitive), or -1. */
function findToken(soql: string, token: string): number {
	const match = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(token)}(?![A-Za-z0-9_])`, 'i').exec(soql);
	return match ? match.index : -1;
}

/** Prefixes `message` with the query line and a caret under `token`, as Salesforce does. */
export function locate(soql: string, token: string | undefined, message: string): string {
	const pos = token === undefined ? -1 : token === '' ? soql.length : findToken(soql, token);
	if (pos < 0) return message;
	const lineStart = soql.lastIndexOf('\n', pos - 1) + 1;
	const nextBreak = soql.indexOf('\n', pos);
	const lineEnd = nextBreak < 0 ? soql.length : nextBreak;
	const row = soql.slice(0, pos).split('\n').length;
	const column = pos - lineStart + 1;
	return `\n${soql.slice(lineStart, lineEnd)}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${message}`;
}

export function malformedQuery(soql: string, message: string, token?: string): SalesforceError {
	return new SalesforceError(400, 'MALFORMED_QUERY', locate(soql, token, message));
}

/** A feature of SOQL the sandbox does not implement: say so plainly rather than answer wrongly. */
export function unsupported(soql: string, feature: string): SalesforceError {
	return new SalesforceError(400, 'MALFORMED_QUERY', `The sandbox org does not support ${feature} in SOQL: ${soql}`);
}

export function invalidType(soql: string, objectName: string): SalesforceError {
	return new SalesforceError(
		400,
		'INVALID_TYPE',
		locate(soql, objectName, `sObject type '${objectName}' is not supported. ${OBJECT_HINT}`),
	);
}

export function notQueryable(soql: string, objectName: string): SalesforceError {
	return new SalesforceError(400, 'INVALID_TYPE', locate(soql, objectName, `entity type ${objectName} does not support query`));
}

export function noSuchColumn(soql: string, token: string, field: string, entity: string): SalesforceError {
	return new SalesforceError(
		400,
		'INVALID_FIELD',
		locate(soql, token, `No such column '${field}' on entity '${entity}'. ${FIELD_HINT}`),
	);
}

export function unknownRelationship(soql: string, token: string, relationship: string): SalesforceError {
	return new SalesforceError(
		400,
		'INVALID_FIELD',
		locate(soql, token, `Didn't understand relationship '${relationship}' in field path. ${RELATIONSHIP_HINT}`),
	);
}

export function unknownChildRelationship(soql: string, relationship: string): SalesforceError {
	return new SalesforceError(
		400,
		'INVALID_TYPE',
		locate(soql, relationship, `Didn't understand relationship '${relationship}' in FROM part of query call. ${RELATIONSHIP_HINT}`),
	);
}

export function invalidField(soql: string, token: string, message: string): SalesforceError {
	return new SalesforceError(400, 'INVALID_FIELD', locate(soql, token, message));
}

export function invalidFilterOperator(soql: string, token: string, message: string): SalesforceError {
	return new SalesforceError(400, 'INVALID_QUERY_FILTER_OPERATOR', locate(soql, token, message));
}

/** Turns a soql-parser-js (chevrotain) failure into Salesforce's "unexpected token" wording. */
export function fromParseError(soql: string, error: unknown): SalesforceError {
	const text = error instanceof Error ? error.message : String(error);
	const lexical = /unexpected character: ->(.)<- at offset: (\d+)/.exec(text);
	if (lexical) {
		return malformedQuery(soql, `line 1:${lexical[2]} no viable alternative at character '${lexical[1]}'`);
	}
	const found = /found:? (?:--> )?'([^']*)'/.exec(text);
	if (!found) return malformedQuery(soql, `unexpected token: ${text.split('\n')[0]}`);
	const token = found[1];
	return token === ''
		? malformedQuery(soql, 'unexpected token: <EOF>', '')
		: malformedQuery(soql, `unexpected token: '${token}'`, token);
}
