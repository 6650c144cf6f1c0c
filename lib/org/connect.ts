/**
 * Opening a session with the org for every auth flow of ConnectionSettings, and OrgConnection: the one
 * road to the org, which counts the API calls it makes and re-authenticates when a session expires.
 *
 * All flows use the OAuth 2.0 token endpoint (the SOAP login jsforce's `conn.login` uses is retired).
 */
import { createSign } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import type { ApiUsage, ConnectionOptions, ConnectionSettings } from '../api-types';
import { API_VERSION } from '../salesforce';
import { OrgError, messageOf, redact } from './errors';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce accepts JWT assertions that expire within 3 minutes. */
const JWT_LIFETIME_SECONDS = 180;
/**
 * jsforce retries a request after every successful refresh; an org that keeps answering 401 would loop.
 * More than this many refreshes without a successful response in between is treated as a failure.
 */
const MAX_REFRESHES_IN_A_ROW = 2;

export interface TokenResult {
	accessToken: string;
	instanceUrl: string;
	/** Identity URL …/id/{orgId}/{userId}, when the flow returns one. */
	identityUrl: string | null;
	refreshToken: string | null;
	/** For the JWT flow: the `aud` the org accepted (renewals send the same one). */
	jwtAudience?: string;
}

/** Knobs for retries of transient failures; tests shorten the delays. */
export interface OrgTuning {
	/** Tries per request for transient failures (the first try included). Default 3. */
	maxTries?: number;
	/** First backoff delay; doubled per retry. Default 1000 ms. */
	retryDelayMs?: number;
	/** Per-request timeout. Default 120 s: a composite of 1,000 records takes seconds, not minutes. */
	timeoutMs?: number;
}

interface HttpResponseLike {
	statusCode?: number;
	headers?: Record<string, string | undefined>;
}

type JsforceTransport = {
	httpRequest: (req: unknown, opts?: unknown) => Promise<HttpResponseLike>;
};

/** The secrets of a settings object, to scrub from any message. */
export function secretsOf(settings: ConnectionSettings): string[] {
	const s = settings as Partial<Record<string, unknown>>;
	return ['password', 'securityToken', 'clientSecret', 'privateKey', 'refreshToken', 'accessToken']
		.map((k) => s[k])
		.filter((v): v is string => typeof v === 'string' && v.length > 0)
		.flatMap((v) => (s.securityToken && v === s.password ? [v, `${v}${String(s.securityToken)}`] : [v]));
}

function normaliseUrl(url: string | undefined, what: string): string {
	const trimmed = (url ?? '').trim().replace(/\/+$/, '');
	if (!/^https?:\/\/[^\s/]+/i.test(trimmed)) {
		throw new OrgError('INVALID_SETTINGS', `${what} must be an http(s) URL, got ${JSON.stringify(url ?? '')}`);
	}
	return trimmed;
}

function describeWho(settings: ConnectionSettings): string {
	switch (settings.authType) {
		case 'password':
		case 'jwt':
			return `for user ${settings.username} at ${settings.loginUrl}`;
		case 'clientCredentials':
		case 'refreshToken':
			return `for connected app ${settings.clientId} at ${settings.loginUrl}`;
		case 'accessToken':
			return `at ${settings.instanceUrl}`;
	}
}

const PRODUCTION_LOGIN = 'https://login.salesforce.com';
const SANDBOX_LOGIN = 'https://test.salesforce.com';

/** The login URL's host name, lower-cased, without a trailing dot (null when it does not parse). */
function hostOf(loginUrl: string): string | null {
	try {
		return new URL(loginUrl).hostname.toLowerCase().replace(/\.$/, '');
	} catch {
		return null;
	}
}

/**
 * Sandbox login hosts as the Salesforce CLI recognised them (forcedotcom/sfdx-core v3
 * src/util/sfdcUrl.ts `isSandboxUrl`): test.salesforce.com, enhanced-domain sandboxes
 * (name--sandbox.sandbox.my.salesforce.com, .sandbox.my.salesforce.mil), legacy sandbox My Domains
 * (name--sandbox.my.salesforce.com), CS instances (cs42.salesforce.com, x.cs42.my.salesforce.com,
 * cs42.force.com) and Falcon sandboxes (usa2s.sfdc-xyz.salesforce.com / .force.com).
 */
const SANDBOX_HOSTS = [
	/^test\.salesforce\.com$/,
	/\.sandbox\.my\.salesforce\.(com|mil)$/,
	/--[\w-]+\.my\.salesforce\.com$/,
	/(^|\.)cs\d+(\.my)?\.salesforce\.com$/,
	/(^|\.)cs\d+\.force\.com$/,
	/(^|\.)[a-z]{3}\d+s\.sfdc-[^.]+\.(salesforce|force)\.com$/,
];
/**
 * Salesforce-internal and local development hosts, for which the CLI used the login URL's own origin as
 * the audience (sfdx-core v3 `getJwtAudienceUrl` with `isInternalUrl` / `isLocalUrl`).
 */
const INTERNAL_HOST_PARTS = ['.vpod.', 'stm.salesforce.com', 'stm.force.com', '.blitz.salesforce.com', '.stm.salesforce.ms', '.pc-rnd.force.com', '.pc-rnd.salesforce.com', '.crm.dev', 'localhost.sfdcdev.', '.internal.'];
/**
 * Salesforce-owned domains: sfdx-core `isSalesforceDomain` (after Help article 000003652), plus .salesforce.mil
 * (Government Cloud Plus) and .site.com (Experience Cloud sites).
 */
const SALESFORCE_DOMAINS = ['.salesforce.com', '.force.com', '.cloudforce.com', '.salesforceliveagent.com', '.crmforce.mil', '.salesforce.mil', '.sfcrmproducts.cn', '.site.com'];

/**
 * The `aud` values to try for a JWT bearer assertion, best first. An explicit audience is the only one.
 * Otherwise, like the Salesforce CLI (sfdx-core src/util/sfdcUrl.ts `getJwtAudienceUrl`, src/org/authInfo.ts
 * `authJwt` with `getLoginAudienceCombos`), the audience is not the My Domain token endpoint but:
 * - https://test.salesforce.com for sandbox login hosts (SANDBOX_HOSTS), https://login.salesforce.com for
 *   every other Salesforce host, including production My Domains (Help, OAuth 2.0 JWT Bearer Flow for
 *   Server-to-Server Integration: aud is https://login.salesforce.com or https://test.salesforce.com);
 * - https://gs1.salesforce.com for gs1 hosts (the CLI's special case);
 * - the login URL itself for Experience Cloud sites (a login URL with a path: "https://site.force.com/customers
 *   if implementing for an Experience Cloud site", same Help page);
 * - the login URL's origin for internal and local hosts and for hosts that are not Salesforce's (a local
 *   emulator such as the sandbox org, a proxy): the CLI v3 did so for internal/local hosts, and the current
 *   CLI tries the login URL as audience first for every host.
 * Since the URL alone cannot always tell a sandbox (the CLI gave up deciding by URL and retries), the other
 * public login host follows as a fallback, tried only when Salesforce answers "audience is invalid".
 */
export function jwtAudiences(loginUrl: string, audience?: string): string[] {
	const explicit = (audience ?? '').trim().replace(/\/+$/, '');
	if (explicit) return [explicit];
	const url = loginUrl.trim().replace(/\/+$/, '');
	const host = hostOf(url) ?? '';
	// normaliseUrl has refused what does not parse; the fallbacks keep the text as it is.
	const parsed = URL.canParse(url) ? new URL(url) : null;
	const origin = parsed?.origin ?? url;
	const hasPath = (parsed?.pathname ?? '/').replace(/\/+$/, '') !== '';
	const isSalesforce = SALESFORCE_DOMAINS.some((d) => host.endsWith(d));
	const isSandbox = SANDBOX_HOSTS.some((re) => re.test(host));
	let first: string;
	if (/^gs1\./.test(host) || host.endsWith('gs1.my.salesforce.com')) first = 'https://gs1.salesforce.com';
	else if (isSandbox) first = SANDBOX_LOGIN;
	else if (hasPath && isSalesforce) first = url;
	else if (!isSalesforce || INTERNAL_HOST_PARTS.some((p) => origin.includes(p))) first = origin;
	else first = PRODUCTION_LOGIN;
	const fallbacks = isSandbox ? [SANDBOX_LOGIN, PRODUCTION_LOGIN] : [PRODUCTION_LOGIN, SANDBOX_LOGIN];
	return [...new Set([first, ...fallbacks])];
}

/** An RS256-signed JWT bearer assertion (iss = client id, sub = username, aud = the audience, or the best one for the login URL). */
export function buildJwtAssertion(
	settings: { clientId: string; username: string; privateKey: string; audience?: string; loginUrl: string },
	nowSeconds = Math.floor(Date.now() / 1000),
): string {
	const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
	const header = enc({ alg: 'RS256', typ: 'JWT' });
	const claims = enc({
		iss: settings.clientId,
		sub: settings.username,
		aud: jwtAudiences(settings.loginUrl, settings.audience)[0],
		exp: nowSeconds + JWT_LIFETIME_SECONDS,
	});
	let signature: string;
	try {
		// Keys pasted into a form often carry literal "\n" sequences instead of line breaks.
		const pem = settings.privateKey.includes('\\n') ? settings.privateKey.replace(/\\n/g, '\n') : settings.privateKey;
		signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(pem, 'base64url');
	} catch {
		throw new OrgError('INVALID_PRIVATE_KEY', 'The JWT private key could not be read: expected an RSA private key in PEM format');
	}
	return `${header}.${claims}.${signature}`;
}

/**
 * The client-credentials flow is not supported at the public login hosts: it needs the org's My Domain
 * (Salesforce knowledge article 000886201; the session runs as the connected app's run-as user).
 * Refused before any request, so that the user learns what to change instead of a bare invalid_grant.
 */
function checkClientCredentialsLoginUrl(loginUrl: string): void {
	const host = hostOf(loginUrl);
	if (host !== 'login.salesforce.com' && host !== 'test.salesforce.com') return;
	throw new OrgError(
		'INVALID_SETTINGS',
		`The client credentials flow does not work with ${host}: use your org's My Domain URL as the login URL, ` +
			'e.g. https://yourdomain.my.salesforce.com (for a sandbox https://yourdomain--sandboxname.sandbox.my.salesforce.com). ' +
			'It is shown in Setup → My Domain.',
	);
}

/**
 * Orgs created in Summer '23 or later block the OAuth username-password flow (Help: "Block Authorization
 * Flows to Improve Security"). Salesforce's token endpoint then answers as it does to a wrong password,
 * 400 invalid_grant "authentication failure" ("Username-Password Flow Disabled" shows only in the user's
 * Login History; vdesabou/kafka-docker-playground#4178, jsforce/jsforce#1506), and some report
 * unsupported_grant_type "grant type not supported" (omniphx/forrest#352): both get the way out.
 */
const PASSWORD_FLOW_WAY_OUT =
	'use the JWT bearer or client credentials flow instead (recommended for scheduled workflows), ' +
	'or have an admin allow it in Setup → OAuth and OpenID Connect Settings → Allow OAuth Username-Password Flows';

function passwordFlowHint(code: string, description: string): string | null {
	if (code === 'unsupported_grant_type') return `The org does not accept the OAuth username-password flow: ${PASSWORD_FLOW_WAY_OUT}.`;
	if (code === 'invalid_grant' && /authentication failure/i.test(description)) {
		return (
			'Check the username, password and security token. If they are right, the org blocks the OAuth ' +
			"username-password flow (the default for orgs created in Summer '23 or later; the user's Login History " +
			`then shows "Username-Password Flow Disabled"): ${PASSWORD_FLOW_WAY_OUT}.`
		);
	}
	return null;
}

/**
 * A refused refresh token (400 invalid_grant "expired access/refresh token") does not come back: the user
 * revoked the app's access, an admin's refresh token policy expired it, or, with Refresh Token Rotation, it
 * was used once already (Help: OAuth 2.0 Refresh Token Flow for Renewed Sessions). Only a new authorization
 * (the web server flow) gives a new one.
 */
function refreshTokenHint(code: string): string | null {
	if (code !== 'invalid_grant') return null;
	return (
		'The refresh token is no longer valid (access revoked, expired by the connected app\'s refresh token policy, ' +
		'or already used once with Refresh Token Rotation): authorize the app again to get a new one ' +
		'(in n8n: open the OAuth2 credential and reconnect it)'
	);
}

/** One POST to the token endpoint; errors come back as OrgErrors with secrets removed. */
async function postTokenRequest(
	settings: Exclude<ConnectionSettings, { authType: 'accessToken' }>,
	loginUrl: string,
	params: Record<string, string>,
): Promise<Partial<Record<string, unknown>>> {
	const secrets = [...secretsOf(settings), params.assertion, params.refresh_token];
	// jsforce's OAuth2 adds client_id / client_secret itself when it knows them; params carry them already.
	const oauth2 = new OAuth2({ loginUrl });
	try {
		return (await oauth2.requestToken(params as { grant_type: string })) as unknown as Partial<Record<string, unknown>>;
	} catch (err) {
		const e = err as { name?: string; code?: unknown; message?: string };
		if (e.name === 'FetchError' || e.name === 'AbortError' || typeof e.code === 'string') {
			throw new OrgError(
				'CONNECTION_FAILED',
				redact(`Could not reach Salesforce ${describeWho(settings)}: ${networkReason(err)}`, secrets),
			);
		}
		const code = e.name && e.name !== 'Error' ? e.name : 'AUTH_FAILED';
		const status = /^ERROR_HTTP_(\d{3})$/.exec(code);
		// A non-JSON error page comes back whole as the description: keep the start only.
		const description = (e.message || 'no description').slice(0, 200);
		const hint =
			settings.authType === 'password' ? passwordFlowHint(code, description) : settings.authType === 'refreshToken' ? refreshTokenHint(code) : null;
		throw new OrgError(
			code,
			redact(`Salesforce rejected the credentials (${code}: ${description}) ${describeWho(settings)}${hint ? `. ${hint}` : ''}`, secrets),
			status ? Number(status[1]) : 400,
		);
	}
}

/**
 * The JWT bearer grant, trying each audience of jwtAudiences while Salesforce answers "audience is
 * invalid" (as the CLI retries login/audience pairs). Returns the token response and the audience it took.
 */
async function jwtGrant(
	settings: Extract<ConnectionSettings, { authType: 'jwt' }>,
	loginUrl: string,
): Promise<{ body: Partial<Record<string, unknown>>; audience: string }> {
	const audiences = jwtAudiences(loginUrl, settings.audience);
	let lastError: OrgError | undefined;
	for (const audience of audiences) {
		try {
			const assertion = buildJwtAssertion({ ...settings, loginUrl, audience });
			return { body: await postTokenRequest(settings, loginUrl, { grant_type: JWT_GRANT, assertion }), audience };
		} catch (err) {
			if (!(err instanceof OrgError && err.code === 'invalid_grant' && /audience/i.test(err.message))) throw err;
			lastError = err;
		}
	}
	const tried = audiences.join(', ');
	throw new OrgError(
		'invalid_grant',
		`${(lastError as OrgError).message} (JWT audience tried: ${tried}); set the credential's JWT Audience to the value the org expects`,
		400,
	);
}

/** One token request for the flow; errors come back with secrets removed. */
export async function requestToken(settings: ConnectionSettings, currentRefreshToken?: string): Promise<TokenResult> {
	if (settings.authType === 'accessToken') {
		throw new OrgError(
			'INVALID_SESSION_ID',
			`The access token ${describeWho(settings)} has expired or is invalid; supply a new one (an access token cannot be renewed)`,
			401,
		);
	}
	const loginUrl = normaliseUrl(settings.loginUrl, 'loginUrl');
	const params: Record<string, string> = {};
	let body: Partial<Record<string, unknown>>;
	let audience: string | undefined;
	switch (settings.authType) {
		case 'password':
			if (!settings.clientId) {
				throw new OrgError(
					'INVALID_SETTINGS',
					'Password login needs the client id (and secret) of a connected app: it uses the OAuth username-password flow, SOAP login is retired',
				);
			}
			Object.assign(params, {
				grant_type: 'password',
				username: settings.username,
				password: `${settings.password}${settings.securityToken ?? ''}`,
				client_id: settings.clientId,
			});
			if (settings.clientSecret) params.client_secret = settings.clientSecret;
			body = await postTokenRequest(settings, loginUrl, params);
			break;
		case 'clientCredentials':
			checkClientCredentialsLoginUrl(loginUrl);
			Object.assign(params, { grant_type: 'client_credentials', client_id: settings.clientId, client_secret: settings.clientSecret });
			body = await postTokenRequest(settings, loginUrl, params);
			break;
		case 'jwt':
			({ body, audience } = await jwtGrant(settings, loginUrl));
			break;
		case 'refreshToken':
			Object.assign(params, {
				grant_type: 'refresh_token',
				refresh_token: currentRefreshToken ?? settings.refreshToken,
				client_id: settings.clientId,
			});
			if (settings.clientSecret) params.client_secret = settings.clientSecret;
			body = await postTokenRequest(settings, loginUrl, params);
			break;
	}
	if (typeof body.access_token !== 'string') {
		throw new OrgError('AUTH_FAILED', `Salesforce answered the login ${describeWho(settings)} without an access token`);
	}
	return {
		accessToken: body.access_token,
		instanceUrl: normaliseUrl(typeof body.instance_url === 'string' ? body.instance_url : undefined, 'instance_url'),
		identityUrl: typeof body.id === 'string' ? body.id : null,
		refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
		...(audience ? { jwtAudience: audience } : {}),
	};
}

/**
 * A logged-in org: the jsforce Connection plus call accounting. Every HTTP request jsforce makes to the
 * org (REST, composite, Bulk 2.0) goes through the one transport this class wraps.
 */
export class OrgConnection {
	private callCount = 0;
	private lastUsage: { used: number; limit: number } | null = null;
	private refreshesInARow = 0;
	/** HTTP status of the last response (jsforce drops it from errors whose body names a code). */
	lastStatus: number | null = null;
	/**
	 * The org's clock at the last response: its Date header (RFC 9110, to the second), as Salesforce writes
	 * datetimes ("2026-12-02T03:00:01.000+0000"). The guard compares it with the CreatedDate of records
	 * another writer made (lib/org/guard.ts); null when no response carried one.
	 */
	lastResponseDate: string | null = null;
	/**
	 * Why the last session renewal failed. jsforce reports it as a plain "Unable to refresh session due
	 * to: …" error on the request that needed it; toOrgError (http.ts) puts this one back in its place.
	 */
	renewalFailure: OrgError | null = null;
	readonly tuning: Required<OrgTuning>;

	constructor(
		readonly conn: Connection,
		readonly apiVersion: string,
		/** Identity of the session's user, when known. */
		readonly userId: string | null,
		readonly orgId: string | null,
		tuning: OrgTuning = {},
		private readonly secrets: readonly string[] = [],
	) {
		this.tuning = { maxTries: 3, retryDelayMs: 1000, timeoutMs: 120_000, ...tuning };
		const transport = (conn as unknown as { _transport: JsforceTransport })._transport;
		const send = transport.httpRequest.bind(transport);
		transport.httpRequest = (req, opts) => {
			this.callCount++;
			this.lastStatus = null;
			const pending = send(req, opts);
			pending.then(
				(res) => this.noteResponse(res),
				() => undefined,
			);
			return pending;
		};
	}

	/** Requests this connection sent to the org (token requests excluded: they are not API calls). */
	get calls(): number {
		return this.callCount;
	}

	usage(): ApiUsage {
		const usage = this.lastUsage ?? this.conn.limitInfo?.apiUsage ?? null;
		return {
			calls: this.callCount,
			used: usage ? usage.used : null,
			limit: usage ? usage.limit : null,
			remaining: usage ? usage.limit - usage.used : null,
		};
	}

	/** `/services/data/vNN.N` */
	get basePath(): string {
		return `/services/data/v${this.apiVersion}`;
	}

	/** Removes the connection's secrets from a message. */
	redact(text: string): string {
		return redact(text, [...this.secrets, this.conn.accessToken, this.conn.refreshToken]);
	}

	/** Called by the refresh function; throws when the org keeps refusing fresh sessions. */
	noteRefresh(): void {
		this.refreshesInARow++;
		if (this.refreshesInARow > MAX_REFRESHES_IN_A_ROW) {
			this.refreshesInARow = 0;
			throw new OrgError('INVALID_SESSION_ID', 'Salesforce refused the session again right after it was renewed', 401);
		}
	}

	private noteResponse(res: HttpResponseLike): void {
		if (res?.statusCode !== undefined) this.lastStatus = res.statusCode;
		const date = res?.headers?.date ? new Date(res.headers.date) : null;
		if (date && !Number.isNaN(date.getTime())) this.lastResponseDate = date.toISOString().replace('Z', '+0000');
		if (res?.statusCode !== undefined && res.statusCode !== 401) this.refreshesInARow = 0;
		const header = res?.headers?.['sforce-limit-info'];
		const m = typeof header === 'string' ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
		if (m) this.lastUsage = { used: Number(m[1]), limit: Number(m[2]) };
	}
}

function parseIdentity(identityUrl: string | null): { userId: string | null; orgId: string | null } {
	if (!identityUrl) return { userId: null, orgId: null };
	const [orgId, userId] = identityUrl.split('/').slice(-2);
	return { userId: userId || null, orgId: orgId || null };
}

/**
 * Socket error codes in words. n8n replaces any error message that contains ECONNREFUSED, ETIMEDOUT and
 * the like with a generic "the service refused the connection", which would hide the URL we name.
 */
const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	ETIMEDOUT: 'the connection timed out',
	ECONNRESET: 'the connection was reset',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	CERT_HAS_EXPIRED: "the server's certificate has expired",
};

function networkReason(err: unknown): string {
	const code = String((err as { code?: unknown }).code ?? '');
	const byCode = NETWORK_REASONS[code];
	if (byCode) return byCode;
	const message = messageOf(err);
	const named = Object.keys(NETWORK_REASONS).find((c) => message.includes(c));
	return named ? NETWORK_REASONS[named] : message;
}

/** A failed renewal as the run's error: the flow's own OrgError, or the caller's renew error in words. */
function renewalError(err: unknown, secrets: readonly string[]): OrgError {
	if (err instanceof OrgError) return err;
	return new OrgError('INVALID_SESSION_ID', redact(`The Salesforce session expired and could not be renewed: ${messageOf(err)}`, secrets), 401);
}

/** A new access token from the caller's own refresh (ConnectionSettings' `renew`), checked like a token response. */
async function renewAccessToken(renew: () => Promise<{ accessToken: string; instanceUrl?: string }>, currentInstanceUrl: string): Promise<TokenResult> {
	const fresh = await renew();
	if (!fresh || typeof fresh.accessToken !== 'string' || !fresh.accessToken) {
		throw new OrgError('INVALID_SESSION_ID', 'The session expired and renewing it gave no access token', 401);
	}
	return { accessToken: fresh.accessToken, instanceUrl: normaliseUrl(fresh.instanceUrl ?? currentInstanceUrl, 'instanceUrl'), identityUrl: null, refreshToken: null };
}

/**
 * Opens a session for any auth flow. The connection renews its session on 401 INVALID_SESSION_ID by
 * running the same flow again (or the refresh-token grant); an access token is renewed by the caller's
 * `renew` when it gives one, otherwise it cannot be renewed and fails with a clear message instead.
 */
export async function connect(options: ConnectionOptions, tuning?: OrgTuning): Promise<OrgConnection> {
	const settings = options.connection;
	if (!settings || typeof settings !== 'object') throw new OrgError('INVALID_SETTINGS', 'No connection settings given');
	const apiVersion = (options.apiVersion ?? API_VERSION).trim().replace(/^v/i, '').replace(/^(\d+)$/, '$1.0');
	if (!/^\d+\.\d$/.test(apiVersion)) {
		throw new OrgError('INVALID_SETTINGS', `apiVersion must look like "${API_VERSION}", got ${JSON.stringify(options.apiVersion)}`);
	}
	// Grows with every renewed token, so that no message ever shows one.
	const secrets = secretsOf(settings);

	let token: TokenResult;
	if (settings.authType === 'accessToken') {
		if (!settings.accessToken) throw new OrgError('INVALID_SETTINGS', 'accessToken is empty');
		token = {
			accessToken: settings.accessToken,
			instanceUrl: normaliseUrl(settings.instanceUrl, 'instanceUrl'),
			identityUrl: settings.identityUrl || null,
			refreshToken: null,
		};
	} else if (['password', 'clientCredentials', 'jwt', 'refreshToken'].includes(settings.authType)) {
		token = await requestToken(settings);
	} else {
		throw new OrgError('INVALID_SETTINGS', `Unknown authType ${JSON.stringify((settings as { authType?: unknown }).authType)}`);
	}
	// Refresh tokens may rotate: keep the newest for the next renewal.
	let refreshToken = settings.authType === 'refreshToken' ? (token.refreshToken ?? settings.refreshToken) : undefined;
	// A JWT renewal sends the audience the org took, instead of trying the others again.
	const renewal: ConnectionSettings = settings.authType === 'jwt' && token.jwtAudience ? { ...settings, audience: token.jwtAudience } : settings;

	const conn = new Connection({
		instanceUrl: token.instanceUrl,
		accessToken: token.accessToken,
		version: apiVersion,
		refreshFn: (c, callback) => {
			(async () => {
				// Runs only after a 401, long after `org` below exists.
				org.noteRefresh();
				const fresh = settings.authType === 'accessToken' && settings.renew ? await renewAccessToken(settings.renew, c.instanceUrl) : await requestToken(renewal, refreshToken);
				if (fresh.refreshToken) refreshToken = fresh.refreshToken;
				secrets.push(...[fresh.accessToken, fresh.refreshToken].filter((v): v is string => !!v));
				c.instanceUrl = fresh.instanceUrl;
				return fresh.accessToken;
			})().then(
				(accessToken) => {
					org.renewalFailure = null;
					callback(null, accessToken);
				},
				(err: unknown) => {
					org.renewalFailure = renewalError(err, secrets);
					callback(org.renewalFailure);
				},
			);
		},
	});
	const { userId, orgId } = parseIdentity(token.identityUrl);
	const org = new OrgConnection(conn, apiVersion, userId, orgId, tuning, secrets);
	return org;
}
