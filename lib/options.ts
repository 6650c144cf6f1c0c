/**
 * The public API's options, checked before anything else happens (no file read, no call to the org):
 * scripts call publishPlan and importModel from plain JavaScript, where nothing stops a bare array as
 * `plan`, a connection without authType, `dryrun: true` for `dryRun: true` (which would otherwise
 * publish for real) or `dryRun: "false"` (truthy). Each mistake is an OptionError (code INVALID_OPTION)
 * that names the option, says what is expected, and suggests the known name closest to an unknown one.
 * Secrets are never echoed: a connection's fields are named, their values never shown.
 */
import type { ApplyReviewOptions, ImportOptions, PublishOptions } from './api-types';
import { CodedError } from './coded-error';
import { assertSoqlName } from './org';
import { didYouMean } from './plan';

export class OptionError extends CodedError {
	constructor(
		/** The option, as a path: "plan", "plan.rows", "connection.authType", "dryRun". */
		public readonly option: string,
		message: string,
	) {
		super('INVALID_OPTION', `${option}: ${message}`);
		this.name = 'OptionError';
	}
}

type Check = (value: unknown, option: string) => void;

/** What a value is, in words, for "got …" (never the value itself: it may be a secret). */
function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return value === '' ? 'an empty text' : 'a text';
	return `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const boolean: Check = (value, option) => {
	if (typeof value !== 'boolean') throw new OptionError(option, `expected true or false, got ${kindOf(value)}${typeof value === 'string' ? ` ("${value.slice(0, 20)}")` : ''}.`);
};
const text: Check = (value, option) => {
	if (typeof value !== 'string') throw new OptionError(option, `expected a text, got ${kindOf(value)}.`);
};
const textOrNull: Check = (value, option) => {
	if (value !== null && typeof value !== 'string') throw new OptionError(option, `expected a text (a territory key) or null, got ${kindOf(value)}.`);
};
/** A whole number of at least 1 (a limit such as maxTerritoriesPerModel). */
const countOf = (what: string): Check => (value, option) => {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		throw new OptionError(option, `expected a whole number of at least 1 (${what}), got ${typeof value === 'number' ? value : kindOf(value)}.`);
	}
};
/** A whole number of at least 0 (maxDeletes: 0 allows no delete at all). */
const atLeastZero: Check = (value, option) => {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
		throw new OptionError(option, `expected a whole number of at least 0, got ${typeof value === 'number' ? value : kindOf(value)}.`);
	}
};
/** An AbortSignal (or anything shaped like one: a polyfill's, n8n's). */
const abortSignal: Check = (value, option) => {
	const s = value as { aborted?: unknown; addEventListener?: unknown } | null;
	if (!s || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
		throw new OptionError(option, `expected an AbortSignal (e.g. new AbortController().signal), got ${kindOf(value)}.`);
	}
};
const fn: Check = (value, option) => {
	if (typeof value !== 'function') throw new OptionError(option, `expected a function, got ${kindOf(value)}.`);
};
const oneOf =
	(allowed: readonly string[]): Check =>
	(value, option) => {
		if (typeof value === 'string' && allowed.includes(value)) return;
		const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
		throw new OptionError(option, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${typeof value === 'string' ? `"${value.slice(0, 40)}"` : kindOf(value)}${hint}.`);
	};

const apiVersion: Check = (value, option) => {
	// The format ("62.0", "v62.0", "62") is connect's to judge; a number would crash its trim.
	if (typeof value !== 'string') throw new OptionError(option, `expected a text such as "62.0", got ${kindOf(value)}.`);
};

const accountKeyField: Check = (value, option) => {
	text(value, option);
	try {
		// The field goes into SOQL as a name (names cannot be quoted): only an API name is accepted.
		assertSoqlName(value as string, 'account key field');
	} catch {
		throw new OptionError(option, `expected an Account field API name such as External_Key__c, got "${(value as string).slice(0, 40)}".`);
	}
};

const columnMap: Check = (value, option) => {
	if (!isObject(value)) throw new OptionError(option, `expected an object { "source header": "Plan Column" or null }, got ${kindOf(value)}.`);
	for (const [header, target] of Object.entries(value)) {
		if (target !== null && typeof target !== 'string') {
			throw new OptionError(`${option}["${header.slice(0, 40)}"]`, `expected a plan column name or null (ignore the column), got ${kindOf(target)}.`);
		}
	}
};

/** Keys of an object against what is allowed; an unknown key is named with the closest known one. */
function knownKeys(value: Record<string, unknown>, allowed: readonly string[], prefix: string, context: string): void {
	for (const key of Object.keys(value)) {
		if (allowed.includes(key) || value[key] === undefined) continue;
		const option = prefix ? `${prefix}.${key}` : key;
		throw new OptionError(option, `${context} has no option "${key}"${didYouMean(key, allowed)}; it takes ${allowed.join(', ')}.`);
	}
}

function checkAll(value: Record<string, unknown>, checks: Record<string, Check>, prefix: string): void {
	for (const [key, check] of Object.entries(checks)) {
		if (value[key] !== undefined) check(value[key], prefix ? `${prefix}.${key}` : key);
	}
}

const model: Check = (value, option) => {
	if (typeof value === 'string') {
		throw new OptionError(option, `expected an object, e.g. { developerName: "${value.slice(0, 80)}" } (or { id: "0MI…" }), got a text.`);
	}
	if (!isObject(value)) throw new OptionError(option, `expected an object { developerName, name } or { id }, got ${kindOf(value)}.`);
	knownKeys(value, ['developerName', 'id', 'name'], option, 'model');
	checkAll(value, { developerName: text, id: text, name: text }, option);
};

/** Fields each auth flow needs (api-types ConnectionSettings), then the optional ones. */
const AUTH_FLOWS: Record<string, { required: string[]; optional: string[] }> = {
	password: { required: ['loginUrl', 'username', 'password'], optional: ['securityToken', 'clientId', 'clientSecret'] },
	clientCredentials: { required: ['loginUrl', 'clientId', 'clientSecret'], optional: [] },
	jwt: { required: ['loginUrl', 'clientId', 'username', 'privateKey'], optional: ['audience'] },
	refreshToken: { required: ['loginUrl', 'clientId', 'refreshToken'], optional: ['clientSecret', 'instanceUrl'] },
	accessToken: { required: ['instanceUrl', 'accessToken'], optional: ['identityUrl'] },
};

const connection: Check = (value, option) => {
	if (!isObject(value)) throw new OptionError(option, `expected an object { authType, … } with the org's login settings, got ${kindOf(value)}.`);
	const flows = Object.keys(AUTH_FLOWS);
	if (value.authType === undefined) throw new OptionError(`${option}.authType`, `missing: say how to log in, one of ${flows.map((f) => `"${f}"`).join(', ')}.`);
	oneOf(flows)(value.authType, `${option}.authType`);
	const flow = AUTH_FLOWS[value.authType as string];
	for (const field of flow.required) {
		if (value[field] === undefined || value[field] === null) {
			throw new OptionError(`${option}.${field}`, `missing: authType "${String(value.authType)}" needs ${flow.required.join(', ')}.`);
		}
	}
	if (value.authType === 'accessToken' && value.renew !== undefined && typeof value.renew !== 'function') {
		throw new OptionError(`${option}.renew`, `expected a function that returns a new access token, got ${kindOf(value.renew)}.`);
	}
	// Named, never shown: these fields hold passwords, keys and tokens.
	for (const field of [...flow.required, ...flow.optional]) {
		if (value[field] !== undefined && value[field] !== null && typeof value[field] !== 'string') {
			throw new OptionError(`${option}.${field}`, `expected a text, got ${kindOf(value[field])}.`);
		}
	}
};

const PLAN_SOURCES = ['rows', 'csv', 'csvFile'];

const plan: Check = (value, option) => {
	const expected = '{ rows: [...] } (items), { csv: text } or { csvFile: path }';
	if (Array.isArray(value)) throw new OptionError(option, `expected ${expected}, got a list: to publish rows, pass { rows: [...] }.`);
	if (typeof value === 'string') throw new OptionError(option, `expected ${expected}, got a text: pass { csv: text } for CSV text or { csvFile: path } for a file.`);
	if (!isObject(value)) throw new OptionError(option, `expected ${expected}, got ${kindOf(value)}.`);
	knownKeys(value, PLAN_SOURCES, option, 'plan');
	const given = PLAN_SOURCES.filter((s) => value[s] !== undefined);
	if (given.length !== 1) {
		throw new OptionError(option, given.length === 0 ? `expected one of rows, csv or csvFile: ${expected}.` : `expected one of rows, csv or csvFile, got ${given.join(' and ')}.`);
	}
	if (value.rows !== undefined && !Array.isArray(value.rows)) throw new OptionError(`${option}.rows`, `expected a list of rows (objects of cells), got ${kindOf(value.rows)}.`);
	if (value.csv !== undefined) text(value.csv, `${option}.csv`);
	if (value.csvFile !== undefined && (typeof value.csvFile !== 'string' || value.csvFile.trim() === '')) {
		throw new OptionError(`${option}.csvFile`, `expected the path of a CSV file, got ${kindOf(value.csvFile)}.`);
	}
};

const METHODS = ['add', 'overwriteMatching', 'overwriteAll'];

const COMMON: Record<string, Check> = { connection, apiVersion, model, scopeRootKey: textOrNull, accountKeyField, onProgress: fn };

const PUBLISH: Record<string, Check> = {
	...COMMON,
	plan,
	method: oneOf(METHODS),
	dryRun: boolean,
	checkOrg: boolean,
	deleteMissing: boolean,
	touchHandMadeRules: boolean,
	createMissingTypes: boolean,
	allowActiveModel: boolean,
	manageAccounts: boolean,
	columnMap,
	ignoreUnknownColumns: boolean,
	ruleLinkPath: oneOf(['auto', 'rest', 'metadata']),
	maxTerritoriesPerModel: countOf("the org's territories-per-model limit; Salesforce's default is 1,000"),
	ifModelMissing: oneOf(['create', 'stop']),
	maxDeletes: atLeastZero,
	signal: abortSignal,
};

/** applyChangeSet's review is checked whole by lib/review.ts (REVIEW_INVALID, saying what is wrong with it). */
const review: Check = () => undefined;

const APPLY: Record<string, Check> = { connection, apiVersion, review, onProgress: fn, signal: abortSignal };

const IMPORT: Record<string, Check> = { ...COMMON, includeAccounts: boolean };

function checkOptions(options: unknown, checks: Record<string, Check>, required: string[], call: string): void {
	if (!isObject(options)) throw new OptionError('options', `${call} expects an object of options ({ connection, ${required.filter((r) => r !== 'connection').join(', ')}, … }), got ${kindOf(options)}.`);
	const allowed = Object.keys(checks);
	for (const key of Object.keys(options)) {
		if (allowed.includes(key) || options[key] === undefined) continue;
		const other = call === 'importModel' && key in PUBLISH ? ` "${key}" is a publishPlan option;` : '';
		throw new OptionError(key, `${call} has no option "${key}"${didYouMean(key, allowed)};${other} it takes ${allowed.join(', ')}.`);
	}
	for (const key of required) {
		if (options[key] === undefined || options[key] === null) {
			const what =
				key === 'model'
					? '{ developerName } (or { id }) of the territory model'
					: key === 'plan'
						? '{ rows }, { csv } or { csvFile }'
						: key === 'review'
							? "the review a dry run returned (planPublish's result.review)"
							: '{ authType, … }: how to reach the org';
			throw new OptionError(key, `missing: ${call} needs ${key}: ${what}.`);
		}
	}
	checkAll(options, checks, '');
}

/** Throws an OptionError for the first option that is missing, unknown or of the wrong type. */
export function checkPublishOptions(options: unknown): asserts options is PublishOptions {
	checkOptions(options, PUBLISH, ['connection', 'plan', 'model'], 'publishPlan');
}

/** Throws an OptionError for the first option that is missing, unknown or of the wrong type. */
export function checkImportOptions(options: unknown): asserts options is ImportOptions {
	checkOptions(options, IMPORT, ['connection', 'model'], 'importModel');
}

/** Throws an OptionError for the first option that is missing, unknown or of the wrong type. */
export function checkApplyOptions(options: unknown): asserts options is ApplyReviewOptions {
	checkOptions(options, APPLY, ['connection', 'review'], 'applyChangeSet');
}
