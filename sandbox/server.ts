import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { storeForUser } from './access';
import { Bulk2Jobs } from './bulk2';
import { AuthService, generateCredentials, type AuthUser, type OrgCredentials, type UserDirectory } from './auth';
import {
	SalesforceError,
	selectFrom,
	type QuerySource,
	type RouteRequest,
	type RouteResponse,
	type SaveResult,
	type StoreSettings,
	type WriteSource,
} from './contracts';
import type { RestContext } from './http/context';
import { CrashError, FaultController } from './http/faults';
import { QueryCursors } from './http/query';
import { RequestInfo, RequestLog, type EndpointKind } from './http/request-log';
import { errorResponse, notFound } from './http/respond';
import { routeData } from './http/rest';
import { findRoute, type RouteTable } from './http/route-table';
import { DEFAULT_LATEST_VERSION, refuseVersion, versionList } from './http/versions';
import { runWrite, type WriteOp } from './http/writes';
import { MetadataJobs } from './metadata/jobs';
import { serveMetadataSoap, soapFault, type Admission } from './metadata/soap';
import { orgToJSON, loadState, saveState } from './persist';
import { EDITIONS, PRIVATE_SHARING, SHARING_LEVELS } from './schema';
import { seedDemo, seedEmpty, seedPlanner, upgradeOrg, INTEGRATION_USERNAME } from './seed';
import { accountsMatchingRule } from './rules/matching';
import { createOrgStore, loadOrgStore } from './org';
import type { OrgStore } from './store';
import type { Sandbox, SandboxOptions } from './types';

const DEFAULT_MAX_REQUEST_BYTES = 50 * 1024 * 1024;
/** Bulk API 2.0 accepts uploads of up to 150 MB per job. */
const BULK_UPLOAD_MAX_BYTES = 150 * 1024 * 1024;

/**
 * The store as Bulk API 2.0 sees it. Jobs run inside the request that closes or polls them, so their
 * writes go through the same fault and counting path as REST writes of that request, and their reads
 * see what that request's user sees.
 */
function bulkSource(store: OrgStore, current: () => RestContext | undefined, log: RequestLog): QuerySource & WriteSource {
	const reader = (): QuerySource => current()?.store ?? store;
	const write = (op: WriteOp, type: string | undefined, records: Record<string, unknown>[], externalIdField?: string): SaveResult[] => {
		const ctx = current();
		if (ctx) return runWrite(ctx, { op, type, externalIdField, records, allOrNone: false, kind: 'bulk2', perRecordLocks: true });
		const results =
			op === 'create'
				? store.create(type as string, records, false)
				: op === 'update'
					? store.update(type as string, records, false)
					: op === 'upsert'
						? store.upsert(type as string, externalIdField as string, records, false)
						: store.remove(records.map((r) => String(r.Id)), false);
		log.addBackgroundWrites(results.filter((r) => r.success).length);
		return results;
	};
	return {
		describe: (type) => reader().describe(type),
		records: (type) => reader().records(type),
		get: (id) => reader().get(id),
		select: (type, field, value, ignoreCase) => selectFrom(reader(), type, field, value, ignoreCase),
		create: (type, records) => write('create', type, records),
		update: (type, records) => write('update', type, records),
		upsert: (type, field, records) => write('upsert', type, records, field),
		remove: (ids) => write('remove', undefined, ids.map((Id) => ({ Id }))),
	};
}

function userDirectory(store: OrgStore): UserDirectory {
	return {
		findUserByUsername: (username) => store.select('User', 'Username', username, true)[0] as AuthUser | undefined,
		findUserById: (id) => {
			const hit = store.get(id);
			return hit && hit.type === 'User' ? (hit.record as AuthUser) : undefined;
		},
		integrationUserId: () => store.currentUserId,
	};
}

function newStore(options: SandboxOptions): OrgStore {
	const settings: Partial<StoreSettings> = {};
	if (options.edition !== undefined) {
		if (!EDITIONS.includes(options.edition)) throw new Error(`Unknown edition ${options.edition}; use one of ${EDITIONS.join(', ')}`);
		settings.edition = options.edition as StoreSettings['edition'];
	}
	if (options.territoriesPerModel !== undefined) settings.territoriesPerModel = options.territoriesPerModel;
	if (options.ruleItemFieldForm !== undefined) settings.ruleItemFieldForm = options.ruleItemFieldForm;
	if (options.stateCountryPicklists !== undefined) settings.stateCountryPicklists = options.stateCountryPicklists;
	if (options.sharing) {
		const sharing = { ...PRIVATE_SHARING, ...options.sharing };
		for (const level of Object.values(sharing)) {
			if (!SHARING_LEVELS.includes(level)) throw new Error(`Unknown sharing level ${level}; use one of ${SHARING_LEVELS.join(', ')}`);
		}
		settings.sharing = sharing;
	}
	const store = createOrgStore(settings);
	seedEmpty(store);
	if ((options.seed ?? 'demo') === 'demo') seedDemo(store, options.seedOptions ?? {});
	// Last, so that every Id the seeds above give stays as it was before the planner existed.
	seedPlanner(store);
	return store;
}

function readBody(req: IncomingMessage, limit: number): Promise<{ body: string; tooLarge: boolean }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			// Keep reading past the limit (so the client sees the 413, not a reset) but keep nothing.
			if (size <= limit) chunks.push(chunk);
		});
		req.on('end', () => resolve({ body: size > limit ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge: size > limit }));
		req.on('error', reject);
	});
}

/**
 * Collapses repeated slashes in the path (not in the query string): the Salesforce CLI joins its
 * instance URL and paths into `//services/data/...`, which Salesforce serves. Done before URL parsing,
 * where a leading `//` would otherwise be read as a host name.
 */
function normalisePath(rawUrl: string): string {
	const q = rawUrl.indexOf('?');
	const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
	return path.replace(/\/{2,}/g, '/') + (q === -1 ? '' : rawUrl.slice(q));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The endpoint kind and object of a data request, known before it runs (for 503 faults). */
function classify(path: string): { kind: EndpointKind; type?: string } {
	const s = path.split('/').filter(Boolean);
	switch (s[0]) {
		case 'sobjects':
			return { kind: s.length <= 1 || s[2] === 'describe' ? 'describe' : 'sobject', type: s[1] };
		case 'composite':
			return s[1] === 'sobjects' ? { kind: 'collections', type: s[2] } : { kind: 'composite' };
		case 'query':
		case 'queryAll':
			return { kind: 'query' };
		case 'jobs':
			return { kind: 'bulk2' };
		case 'limits':
			return { kind: 'limits' };
		default:
			return { kind: s.length ? 'other' : 'versions' };
	}
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const state = options.statePath ? loadState(options.statePath) : undefined;
	const store = state ? loadOrgStore(state.org) : newStore(options);
	if (state) upgradeOrg(store);
	store.datetimePrecision = options.datetimePrecision ?? 'second';
	if (options.ruleLinksViaRest === false) store.setObjectAccess('RuleTerritory2Association', { createable: false, deletable: false });
	const creds: OrgCredentials = state?.credentials ?? generateCredentials();
	const orgId = store.records('Organization')[0]?.Id ?? '';
	if (!orgId || !store.currentUserId) throw new Error('The sandbox org has no Organization record or integration user');
	const integrationUser = store.get(store.currentUserId)?.record;
	const username = String(integrationUser?.Username ?? INTEGRATION_USERNAME);

	const latest = options.apiVersionLatest ?? DEFAULT_LATEST_VERSION;
	const latestNumber = Number(latest);
	const maxBody = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
	const usage = { used: state?.apiUsed ?? 0, max: options.dailyApiLimit ?? 100_000 };
	const faults = new FaultController();
	const requestLog = new RequestLog();
	const queries = new QueryCursors();
	let currentCtx: RestContext | undefined;
	const bulk2 = new Bulk2Jobs(bulkSource(store, () => currentCtx, requestLog));
	let baseUrl = '';
	const auth = new AuthService(creds, orgId, userDirectory(store), { loginUrl: () => baseUrl, instanceUrl: () => baseUrl }, options.tokenTtlSeconds ?? 7200, Date.now, {
		blockPasswordFlow: options.blockPasswordFlow,
		jwtAudiences: options.jwtAudiences,
		callbackUrls: options.oauthCallbackUrls,
		oauthApprover: options.oauthApprover,
		rotateRefreshTokens: options.rotateRefreshTokens,
	});

	const keyDir = mkdtempSync(join(tmpdir(), 'territory-sandbox-'));
	const privateKeyPath = join(keyDir, 'jwt-private-key.pem');
	writeFileSync(privateKeyPath, creds.privateKeyPem, { mode: 0o600 });

	const limitHeader = () => ({ 'Sforce-Limit-Info': `api-usage=${usage.used}/${usage.max}` });
	/** The Metadata API's retrieve and deploy jobs (in memory: a restarted org has none running). */
	const metadataJobs = new MetadataJobs();

	/** One request as the routes see it. */
	interface Served {
		method: string;
		/** The URL's path without a trailing slash ('/' for the root), what the route table matches. */
		path: string;
		url: URL;
		headers: IncomingMessage['headers'];
		body: string;
		info: RequestInfo;
		flags: { apiCall: boolean };
	}
	type Answer = RouteResponse | 'crash';

	/** The identity URL (`/id/{orgId}/{userId}`, the user in the path) or userinfo (the session's user). */
	function identity(req: Served, pathUserId?: string): Answer {
		const session = auth.authenticate(req.headers.authorization);
		if (!session) return { status: 403, body: 'Bad_OAuth_Token', headers: { 'Content-Type': 'text/plain' } };
		const body = pathUserId ? auth.identity(pathUserId) : auth.userInfo(session.userId);
		return body ? { status: 200, body } : notFound();
	}

	/**
	 * Every endpoint the org serves, first match wins; a path no row matches is 404 NOT_FOUND. The REST
	 * resources under `/services/data/vNN.0` are routed further by http/rest.ts.
	 */
	const routes: RouteTable<Served, Answer> = [
		{
			methods: ['POST'],
			path: /^\/services\/oauth2\/token$/,
			kind: 'auth',
			handle: (_, req) => {
				const result = auth.token(new URLSearchParams(req.body), req.headers.authorization);
				return { status: result.status, body: result.body };
			},
		},
		{
			methods: '*',
			path: /^\/services\/oauth2\/token$/,
			kind: 'auth',
			handle: () => ({ status: 400, body: { error: 'invalid_request', error_description: 'must use HTTP POST' } }),
		},
		{
			methods: '*',
			path: /^\/services\/oauth2\/authorize$/,
			kind: 'auth',
			handle: (_, req) => {
				const answer = auth.authorize(req.url.searchParams);
				return answer.status === 302 ? { status: 302, headers: { Location: answer.location } } : { status: 400, body: answer.page };
			},
		},
		{
			methods: '*',
			path: /^\/services\/oauth2\/revoke$/,
			kind: 'auth',
			handle: (_, req) => {
				const token = (req.method === 'POST' ? new URLSearchParams(req.body) : req.url.searchParams).get('token') ?? '';
				const result = auth.revoke(token);
				return result.status === 200 ? { status: 200, body: '' } : result;
			},
		},
		{ methods: '*', path: /^\/id\/[A-Za-z0-9]{15,18}\/([A-Za-z0-9]{15,18})$/, kind: 'identity', handle: ([userId], req) => identity(req, userId) },
		{ methods: '*', path: /^\/services\/oauth2\/userinfo$/, kind: 'identity', handle: (_, req) => identity(req) },
		{ methods: '*', path: /^\/services\/data$/, kind: 'versions', handle: () => ({ status: 200, body: versionList(latestNumber) }) },
		{
			methods: '*',
			path: /^\/services\/Soap\/m\/(\d+)\.0$/,
			kind: 'metadata',
			handle: ([number], req) => refuseVersion(Number(number), latestNumber) ?? serveMetadata(req),
		},
		{
			methods: '*',
			path: /^\/services\/data\/(v(\d+)\.0)(\/.*)?$/,
			handle: ([version, number, rest], req) => serveData(req, version!, Number(number), rest ?? '/'),
		},
	];

	/** Serves one request; 'crash' means: cut the connection (or 500) as a crashed org would. */
	function dispatch(req: Served): Answer {
		const hit = findRoute(routes, req.method, req.path);
		if (!hit) return notFound();
		if (hit.route.kind) req.info.kind = hit.route.kind;
		return hit.route.handle(hit.params, req);
	}

	/** A REST, Composite, query or Bulk 2.0 call under `/services/data/vNN.0`: counted, authenticated and faulted. */
	function serveData({ method, path, url, headers, body, info, flags }: Served, version: string, versionNumber: number, restPath: string): Answer {
		const { kind, type } = classify(restPath);
		info.kind = kind;
		const refused = refuseVersion(versionNumber, latestNumber);
		if (refused) return refused;

		if (faults.noteApiCall()) auth.expireAllSessions();
		const session = auth.authenticate(headers.authorization);
		if (!session) return errorResponse(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
		if (usage.used >= usage.max) return errorResponse(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
		usage.used++;
		flags.apiCall = true;
		if (faults.unavailable(kind, type)) {
			return errorResponse(503, 'SERVER_UNAVAILABLE', 'Service temporarily unavailable. Please try again later.');
		}

		const view = storeForUser(store, session.userId);
		const ctx: RestContext = {
			store: view,
			userId: session.userId,
			objectTypes: () => view.describeGlobal(),
			faults,
			info,
			queries,
			usage,
			bulk2,
			latestVersion: latest,
			failedReference: options.failedReference,
		};
		const req: RouteRequest = { method, path: restPath, query: url.searchParams, headers, body, version };
		try {
			currentCtx = ctx;
			return routeData(ctx, req);
		} catch (err) {
			if (err instanceof CrashError) return 'crash';
			if (err instanceof SalesforceError) return { status: err.status, body: [err.toJSON()] };
			// An unexpected bug in the sandbox: answer as Salesforce does, and keep serving.
			process.stderr.write(`[sandbox] ${method} ${path}: ${err instanceof Error ? err.stack : String(err)}\n`);
			return errorResponse(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred in the sandbox org.');
		} finally {
			currentCtx = undefined;
		}
	}

	/** The Metadata API's SOAP calls: counted, authenticated and faulted like REST calls (sandbox/metadata/). */
	function serveMetadata({ method, body, info, flags }: Served): Answer {
		const admit = (sessionId: string | null): Admission => {
			if (faults.noteApiCall()) auth.expireAllSessions();
			const session = sessionId ? auth.authenticate(`Bearer ${sessionId}`) : undefined;
			if (!session) {
				return { ok: false, status: 500, code: 'INVALID_SESSION_ID', message: 'Invalid Session ID found in SessionHeader: Illegal Session' };
			}
			if (usage.used >= usage.max) return { ok: false, status: 500, code: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' };
			usage.used++;
			flags.apiCall = true;
			if (faults.unavailable('metadata', 'Territory2')) {
				return { ok: false, status: 503, code: 'SERVER_UNAVAILABLE', message: 'Service temporarily unavailable. Please try again later.' };
			}
			return { ok: true, userId: session.userId };
		};
		try {
			return serveMetadataSoap({ store, faults, info, usage, admit, jobs: metadataJobs }, method, body);
		} catch (err) {
			if (err instanceof CrashError) return 'crash';
			process.stderr.write(`[sandbox] ${method} Metadata API: ${err instanceof Error ? err.stack : String(err)}\n`);
			return soapFault('UNKNOWN_EXCEPTION', 'An unexpected error occurred in the sandbox org.');
		}
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		// HEAD is routed as GET; node drops the body of a HEAD response by itself.
		const rawMethod = (req.method ?? 'GET').toUpperCase();
		const method = rawMethod === 'HEAD' ? 'GET' : rawMethod;
		const url = new URL(normalisePath(req.url ?? '/'), 'http://127.0.0.1');
		const info = new RequestInfo();
		const flags = { apiCall: false };
		const isBulkUpload = /^\/services\/data\/v\d+\.0\/jobs\//.test(url.pathname) && options.maxRequestBytes === undefined;
		const { body, tooLarge } = await readBody(req, isBulkUpload ? BULK_UPLOAD_MAX_BYTES : maxBody);
		let response: RouteResponse | 'crash';
		const serveStart = performance.now();
		if (tooLarge) {
			response = errorResponse(413, 'REQUEST_ENTITY_TOO_LARGE', `The request body exceeds the maximum size of ${maxBody} bytes.`);
		} else {
			response = dispatch({ method, path: url.pathname.replace(/\/+$/, '') || '/', url, headers: req.headers, body, info, flags });
		}
		const serveMs = performance.now() - serveStart;
		const model = options.latency ?? {};
		// A Bulk 2.0 job's records add no per-record wait: Salesforce writes them outside any request (the
		// sandbox runs the job inside the request that closes or polls it; README, the latency model).
		const perRecord = (model.perRecordMs ?? 0) * (info.recordsWritten - info.jobRecordsWritten);
		const delay = (options.latencyMs ?? 0) + faults.latencyMs + (model.perRequestMs ?? 0) + perRecord;
		if (delay > 0) await sleep(delay);

		const logEntry = (status: number) =>
			requestLog.add({
				method,
				path: url.pathname,
				kind: info.kind,
				objects: [...info.objects],
				status,
				write: info.write,
				recordsWritten: info.recordsWritten,
				recordsRead: info.recordsRead,
				apiCall: flags.apiCall,
				...(info.operation ? { operation: info.operation } : {}),
				serveMs,
				waitMs: Math.max(0, delay),
			});
		if (response === 'crash') {
			logEntry(faults.stopMode === 'destroy' ? 0 : 500);
			if (faults.stopMode === 'destroy') {
				req.socket.destroy();
				return;
			}
			const message = 'An unexpected error occurred. The sandbox org stopped accepting writes.';
			// A SOAP client gets a SOAP fault, as the Metadata API answers every error.
			response = info.kind === 'metadata' ? soapFault('UNKNOWN_EXCEPTION', message) : errorResponse(500, 'UNKNOWN_EXCEPTION', message);
		} else {
			logEntry(response.status);
		}
		const headers: Record<string, string> = { ...(url.pathname.startsWith('/services/data/') ? limitHeader() : {}) };
		let payload = '';
		if (response.status !== 204 && response.body !== undefined) {
			if (typeof response.body === 'string') {
				payload = response.body;
				headers['Content-Type'] = 'text/plain; charset=UTF-8';
			} else {
				payload = JSON.stringify(response.body);
				headers['Content-Type'] = 'application/json;charset=UTF-8';
			}
		}
		Object.assign(headers, response.headers ?? {});
		res.writeHead(response.status, headers);
		res.end(payload);
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((err) => {
			process.stderr.write(`[sandbox] request failed: ${err instanceof Error ? err.message : String(err)}\n`);
			if (!res.headersSent) {
				res.writeHead(500, { 'Content-Type': 'application/json;charset=UTF-8' });
				res.end(JSON.stringify([{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred in the sandbox org.' }]));
			} else {
				res.destroy();
			}
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		// Loopback only: the sandbox must never be reachable from other machines.
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const save = (path = options.statePath) => {
		if (!path) throw new Error('No path to save the sandbox org to (start it with statePath or pass one)');
		saveState(path, { format: 'territory-sandbox-state', version: 1, credentials: creds, org: orgToJSON(store), apiUsed: usage.used });
	};
	let stopped = false;

	return {
		url: baseUrl,
		loginUrl: baseUrl,
		orgId,
		credentials: {
			username,
			password: creds.password,
			securityToken: '',
			clientId: creds.clientId,
			clientSecret: creds.clientSecret,
			privateKey: creds.privateKeyPem,
			privateKeyPath,
			publicKey: creds.publicKeyPem,
		},
		store,
		faults,
		requestLog,
		apiUsage: {
			get used() {
				return usage.used;
			},
			set used(n: number) {
				usage.used = n;
			},
			get max() {
				return usage.max;
			},
			set max(n: number) {
				usage.max = n;
			},
			reset: () => {
				usage.used = 0;
			},
		},
		passwordLogin: (name = username) => ({
			authType: 'password',
			loginUrl: baseUrl,
			username: name,
			password: creds.password,
			clientId: creds.clientId,
			clientSecret: creds.clientSecret,
		}),
		issueRefreshToken: (name = username) => auth.issueRefreshToken(name),
		accountsMatchingRule: (ruleId) => accountsMatchingRule(store, ruleId),
		expireAllSessions: () => auth.expireAllSessions(),
		revokeToken: (token) => auth.revoke(token).status === 200,
		setRefreshTokenRotation: (on) => {
			auth.policy.rotateRefreshTokens = on;
		},
		setPasswordFlowBlocked: (block) => {
			auth.policy.blockPasswordFlow = block;
		},
		save,
		stop: async () => {
			if (stopped) return;
			stopped = true;
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			if (options.statePath) save();
			rmSync(keyDir, { recursive: true, force: true });
		},
	};
}
