import { createHash, createHmac, generateKeyPairSync, randomBytes, timingSafeEqual, verify } from 'node:crypto';

/**
 * OAuth 2.0 as the sandbox org answers it: the web server flow's authorize endpoint, the token endpoint
 * for the authorization-code, password, client-credentials, JWT-bearer and refresh-token grants, token
 * revocation, and the access tokens that guard the REST API.
 */

export interface OrgCredentials {
	password: string;
	clientId: string;
	clientSecret: string;
	privateKeyPem: string;
	publicKeyPem: string;
}

export interface AuthUser {
	Id: string;
	Username: string;
	IsActive?: unknown;
	Name?: unknown;
	Email?: unknown;
	[field: string]: unknown;
}

/** What auth needs from the org: its users. */
export interface UserDirectory {
	findUserByUsername(username: string): AuthUser | undefined;
	findUserById(id: string): AuthUser | undefined;
	/** The user client-credentials sessions run as. */
	integrationUserId(): string;
}

interface Session {
	userId: string;
	issuedAt: number;
	expiresAt: number;
	/** The refresh token this session came from (revoking it ends the session too). */
	refreshToken?: string;
}

/** An authorization code of the web server flow, waiting for its one exchange. */
interface PendingCode {
	userId: string;
	redirectUri: string;
	scope: string;
	codeChallenge: string | null;
	expiresAt: number;
}

/** The answer of `GET /services/oauth2/authorize`: a redirect to the client's callback, or an error page. */
export type AuthorizeResult = { status: 302; location: string } | { status: 400; page: string };

export interface TokenResponse {
	access_token: string;
	instance_url: string;
	id: string;
	token_type: 'Bearer';
	issued_at: string;
	signature: string;
	scope?: string;
	refresh_token?: string;
}

export interface OAuthError {
	status: number;
	body: { error: string; error_description: string };
}

/**
 * How the org answers password grants when Setup → OAuth and OpenID Connect Settings → "Allow OAuth
 * Username-Password Flows" is off (the default for orgs created in Summer '23 or later; Help: "Block
 * Authorization Flows to Improve Security"). Salesforce documents no wire answer: what users report is
 * 400 invalid_grant "authentication failure", the same as a wrong password, with "Username-Password Flow
 * Disabled" only in the user's Login History (vdesabou/kafka-docker-playground#4178, jsforce/jsforce#1506).
 * `true` plays that; 'unsupported_grant_type' plays the 400 unsupported_grant_type "grant type not
 * supported" also reported for refused password grants (omniphx/forrest#352), so clients are tested both ways.
 */
export type PasswordFlowBlock = boolean | 'unsupported_grant_type';

/** Org settings that decide which grants and assertions the token endpoint accepts (changeable at run time). */
export interface AuthPolicy {
	blockPasswordFlow: PasswordFlowBlock;
	/**
	 * The `aud` values a JWT assertion may name; null: the org's login URL and the two public login hosts
	 * (Help: OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration names https://login.salesforce.com
	 * and https://test.salesforce.com). A list plays an org that accepts only those (e.g. a sandbox org
	 * that takes only https://test.salesforce.com).
	 */
	jwtAudiences: string[] | null;
	/**
	 * Callback URLs of the connected app (exact match, as Salesforce compares redirect_uri). null: any
	 * http(s) URL on localhost or 127.0.0.1, so that a local n8n's callback works without set-up.
	 */
	callbackUrls: string[] | null;
	/**
	 * Who approves the web server flow's authorize request (the sandbox has no login page): the user named by
	 * `login_hint` when given, else this username (default: the integration user); false plays a user who
	 * clicks Deny (redirect with error=access_denied).
	 */
	oauthApprover: string | false | null;
	/**
	 * Refresh Token Rotation (Help: "OAuth 2.0 Refresh Token Flow for Renewed Sessions"; an External Client
	 * App's "Enable Refresh Token Rotation"): each refresh returns a new refresh token and invalidates the
	 * one used; reusing a rotated-out token revokes the current one and its sessions. Default false.
	 */
	rotateRefreshTokens: boolean;
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** How long an authorization code may wait for its exchange (the sandbox's choice; Salesforce's codes are short-lived). */
const CODE_TTL_MS = 15 * 60 * 1000;
/** Audiences a JWT assertion may name besides the sandbox itself (what real orgs accept). */
const KNOWN_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

function randomToken(chars: number): string {
	// Base64url without padding: the shape (not the length) of a Salesforce session id body.
	return randomBytes(Math.ceil((chars * 3) / 4)).toString('base64url').slice(0, chars);
}

function randomAlnum(chars: number): string {
	const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	const bytes = randomBytes(chars);
	let out = '';
	for (const b of bytes) out += alphabet[b % alphabet.length];
	return out;
}

/** Fresh credentials for a new org: an RSA key pair for JWT, a connected app and a password. */
export function generateCredentials(): OrgCredentials {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', {
		modulusLength: 2048,
		privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		publicKeyEncoding: { type: 'spki', format: 'pem' },
	});
	return {
		password: `Sandbox-${randomAlnum(12)}`,
		clientId: `3MVG9sandbox.${randomAlnum(40)}`,
		clientSecret: randomAlnum(64).toUpperCase(),
		privateKeyPem: privateKey,
		publicKeyPem: publicKey,
	};
}

function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

function oauthError(error: string, description: string, status = 400): OAuthError {
	return { status, body: { error, error_description: description } };
}

const AUTH_FAILURE = () => oauthError('invalid_grant', 'authentication failure');

/** client_id and client_secret sent as HTTP Basic (REST API guide, refresh token flow: "Salesforce supports the HTTP Basic authentication scheme"). */
function basicClient(authorization: string | undefined): { id: string; secret: string } | null {
	const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
	if (!match) return null;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return null;
	// RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
	const part = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
	return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
}

function isLocalCallback(uri: string): boolean {
	try {
		const url = new URL(uri);
		return /^https?:$/.test(url.protocol) && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
	} catch {
		return false;
	}
}

/** The callback URL with the answer's parameters added (state echoed as given). */
function callback(redirectUri: string, params: Record<string, string | null>): AuthorizeResult {
	const url = new URL(redirectUri);
	for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
	return { status: 302, location: url.toString() };
}

/** Scopes that let the token response carry a refresh token (Help: OAuth Tokens and Scopes, refresh_token / offline_access). */
const REFRESH_SCOPES = ['refresh_token', 'offline_access'];

export class AuthService {
	private sessions = new Map<string, Session>();
	private refreshTokens = new Map<string, string>();
	/** Refresh tokens rotated out (Refresh Token Rotation) → the token that replaced them. */
	private rotatedOut = new Map<string, string>();
	private codes = new Map<string, PendingCode>();
	/** The org's auth settings; tests and the sandbox's setters change them between requests. */
	readonly policy: AuthPolicy;

	constructor(
		readonly credentials: OrgCredentials,
		private readonly orgId: string,
		private readonly users: UserDirectory,
		private readonly urls: { loginUrl: () => string; instanceUrl: () => string },
		private readonly tokenTtlSeconds: number,
		private readonly now: () => number = Date.now,
		policy: Partial<AuthPolicy> = {},
	) {
		this.policy = {
			blockPasswordFlow: policy.blockPasswordFlow ?? false,
			jwtAudiences: policy.jwtAudiences ?? null,
			callbackUrls: policy.callbackUrls ?? null,
			oauthApprover: policy.oauthApprover ?? null,
			rotateRefreshTokens: policy.rotateRefreshTokens ?? false,
		};
	}

	/** A refresh token for a user, as the web-server flow would have issued (tests use it for the refresh grant). */
	issueRefreshToken(username: string): string {
		const user = this.activeUser(username);
		if (!user) throw new Error(`No active user ${username} in the sandbox org`);
		return this.newRefreshToken(user.Id);
	}

	/**
	 * `POST /services/oauth2/revoke` with `token` (Mobile SDK guide, Revoking OAuth Tokens): a refresh token
	 * is revoked with every access token issued from it; an access token is invalidated. 200 on success,
	 * otherwise 400 with invalid_token ("Token was invalid").
	 */
	revoke(token: string): { status: 200 } | OAuthError {
		if (this.refreshTokens.delete(token)) {
			for (const [access, session] of this.sessions) if (session.refreshToken === token) this.sessions.delete(access);
			return { status: 200 };
		}
		if (this.sessions.delete(token)) return { status: 200 };
		return oauthError('invalid_token', 'Token was invalid');
	}

	/**
	 * `GET /services/oauth2/authorize` of the web server flow (Help: OAuth 2.0 Web Server Flow for Web App
	 * Integration): response_type=code, client_id, redirect_uri (a callback URL of the app), optional state,
	 * scope, login_hint and PKCE's code_challenge. The sandbox has no login page: policy.oauthApprover
	 * approves at once and the browser goes back to redirect_uri with code and state. A wrong client or
	 * callback gets an error page (never a redirect to an unchecked URL), as Salesforce does.
	 */
	authorize(query: URLSearchParams): AuthorizeResult {
		const clientId = query.get('client_id') ?? '';
		const redirectUri = query.get('redirect_uri') ?? '';
		const state = query.get('state');
		if (!clientId || !safeEqual(clientId, this.credentials.clientId)) return { status: 400, page: 'error=invalid_client_id&error_description=client identifier invalid' };
		const allowed = this.policy.callbackUrls ? this.policy.callbackUrls.includes(redirectUri) : isLocalCallback(redirectUri);
		if (!allowed) return { status: 400, page: 'error=redirect_uri_mismatch&error_description=redirect_uri must match configuration' };
		if (query.get('response_type') !== 'code') {
			return callback(redirectUri, { error: 'unsupported_response_type', error_description: 'response type not supported', state });
		}
		const approver = this.policy.oauthApprover;
		if (approver === false) return callback(redirectUri, { error: 'access_denied', error_description: 'end-user denied authorization', state });
		const user = this.activeUser(query.get('login_hint') || approver || this.users.findUserById(this.users.integrationUserId())?.Username || null);
		if (!user) return callback(redirectUri, { error: 'access_denied', error_description: 'end-user denied authorization', state });
		const code = `aPr${randomToken(60)}`;
		this.codes.set(code, {
			userId: user.Id,
			redirectUri,
			scope: query.get('scope') ?? '',
			codeChallenge: query.get('code_challenge'),
			expiresAt: this.now() + CODE_TTL_MS,
		});
		return callback(redirectUri, { code, state });
	}

	/** Invalidates every access token issued so far (refresh tokens stay valid). */
	expireAllSessions(): void {
		this.sessions.clear();
	}

	/** The user behind a valid, unexpired bearer token. */
	authenticate(authorization: string | undefined): { userId: string } | undefined {
		const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? '');
		if (!match) return undefined;
		const session = this.sessions.get(match[1]);
		if (!session) return undefined;
		if (session.expiresAt <= this.now()) {
			this.sessions.delete(match[1]);
			return undefined;
		}
		return { userId: session.userId };
	}

	/** `POST /services/oauth2/token`; the client may authenticate with HTTP Basic instead of form fields. */
	token(form: URLSearchParams, authorization?: string): { status: 200; body: TokenResponse } | OAuthError {
		const basic = basicClient(authorization);
		if (basic) {
			if (!form.has('client_id')) form.set('client_id', basic.id);
			if (!form.has('client_secret')) form.set('client_secret', basic.secret);
		}
		const grant = form.get('grant_type');
		switch (grant) {
			case 'authorization_code':
				return this.authorizationCodeGrant(form);
			case 'password':
				return this.passwordGrant(form);
			case 'client_credentials':
				return this.clientCredentialsGrant(form);
			case JWT_GRANT:
				return this.jwtGrant(form);
			case 'refresh_token':
				return this.refreshGrant(form);
			default:
				return oauthError('unsupported_grant_type', 'grant type not supported');
		}
	}

	identity(userId: string): Record<string, unknown> | undefined {
		const user = this.users.findUserById(userId);
		if (!user) return undefined;
		const base = this.urls.instanceUrl();
		const v = '{version}';
		return {
			id: `${this.urls.loginUrl()}/id/${this.orgId}/${user.Id}`,
			asserted_user: true,
			user_id: user.Id,
			organization_id: this.orgId,
			username: user.Username,
			nick_name: String(user.Username).split('@')[0],
			display_name: user.Name ?? user.Username,
			email: user.Email ?? null,
			active: user.IsActive !== false,
			user_type: 'STANDARD',
			language: 'en_US',
			locale: 'en_US',
			utcOffset: 0,
			urls: {
				rest: `${base}/services/data/v${v}/`,
				sobjects: `${base}/services/data/v${v}/sobjects/`,
				query: `${base}/services/data/v${v}/query/`,
				limits: `${base}/services/data/v${v}/limits/`,
				profile: `${base}/${user.Id}`,
			},
			is_app_installed: true,
		};
	}

	/** OpenID Connect userinfo, keyed the way Salesforce keys it. */
	userInfo(userId: string): Record<string, unknown> | undefined {
		const user = this.users.findUserById(userId);
		if (!user) return undefined;
		return {
			sub: `${this.urls.loginUrl()}/id/${this.orgId}/${user.Id}`,
			user_id: user.Id,
			organization_id: this.orgId,
			preferred_username: user.Username,
			name: user.Name ?? user.Username,
			email: user.Email ?? null,
			active: user.IsActive !== false,
		};
	}

	private activeUser(username: string | null): AuthUser | undefined {
		if (!username) return undefined;
		const user = this.users.findUserByUsername(username);
		return user && user.IsActive !== false ? user : undefined;
	}

	/** Checks client_id (and client_secret when required or given). */
	private checkClient(form: URLSearchParams, secretRequired: boolean): OAuthError | undefined {
		const clientId = form.get('client_id');
		const secret = form.get('client_secret');
		if (clientId === null && !secretRequired) return undefined;
		if (clientId === null || !safeEqual(clientId, this.credentials.clientId)) {
			return oauthError('invalid_client_id', 'client identifier invalid');
		}
		if (secret === null ? secretRequired : !safeEqual(secret, this.credentials.clientSecret)) {
			return oauthError('invalid_client', 'invalid client credentials');
		}
		return undefined;
	}

	private passwordGrant(form: URLSearchParams) {
		const clientError = this.checkClient(form, false);
		if (clientError) return clientError;
		const block = this.policy.blockPasswordFlow;
		if (block === 'unsupported_grant_type') return oauthError('unsupported_grant_type', 'grant type not supported');
		// Blocked: refused whatever the password, in the words of a wrong password (see PasswordFlowBlock).
		if (block) return AUTH_FAILURE();
		const user = this.activeUser(form.get('username'));
		const password = form.get('password') ?? '';
		// A security token may be appended to the password; the sandbox's token is empty.
		if (!user || !safeEqual(password, this.credentials.password)) return AUTH_FAILURE();
		return this.issue(user.Id);
	}

	private clientCredentialsGrant(form: URLSearchParams) {
		const clientError = this.checkClient(form, true);
		if (clientError) return clientError;
		const user = this.users.findUserById(this.users.integrationUserId());
		if (!user) return oauthError('invalid_grant', 'no client credentials user enabled');
		return this.issue(user.Id);
	}

	/**
	 * The web server flow's code exchange: client id and secret (the app requires the secret), the same
	 * redirect_uri as the authorize request, a code used once; with PKCE the code_verifier's S256 hash must
	 * be the code_challenge (Help, web server flow: a challenge without verifier is invalid_grant). The
	 * answer carries a refresh token when the scope asked for one.
	 */
	private authorizationCodeGrant(form: URLSearchParams) {
		const clientError = this.checkClient(form, true);
		if (clientError) return clientError;
		const code = form.get('code') ?? '';
		const pending = this.codes.get(code);
		// Single use: the first exchange consumes it, whatever its outcome.
		this.codes.delete(code);
		if (!pending) return oauthError('invalid_grant', 'invalid authorization code');
		if (pending.expiresAt <= this.now()) return oauthError('invalid_grant', 'expired authorization code');
		if (form.get('redirect_uri') !== pending.redirectUri) return oauthError('redirect_uri_mismatch', 'redirect_uri must match configuration');
		if (pending.codeChallenge !== null) {
			const verifier = form.get('code_verifier');
			if (verifier === null) return oauthError('invalid_grant', 'invalid code verifier');
			if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) return oauthError('invalid_request', 'invalid code verifier');
		}
		const scopes = pending.scope.split(/[\s,]+/).filter(Boolean);
		const refreshToken = scopes.some((s) => REFRESH_SCOPES.includes(s)) ? this.newRefreshToken(pending.userId) : undefined;
		return this.issue(pending.userId, { refreshToken, scope: scopes.length ? scopes.join(' ') : 'api' });
	}

	private newRefreshToken(userId: string): string {
		const token = `5Aep${randomToken(80)}`;
		this.refreshTokens.set(token, userId);
		return token;
	}

	private refreshGrant(form: URLSearchParams) {
		const clientError = this.checkClient(form, false);
		if (clientError) return clientError;
		if (form.get('client_id') === null) return oauthError('invalid_client_id', 'client identifier invalid');
		const presented = form.get('refresh_token') ?? '';
		if (this.rotatedOut.has(presented)) {
			// A rotated-out token came back: the current token of its chain is revoked with its sessions
			// (Help, OAuth 2.0 Refresh Token Flow for Renewed Sessions).
			let current = presented;
			while (this.rotatedOut.has(current)) current = this.rotatedOut.get(current) as string;
			this.revoke(current);
			return oauthError('invalid_grant', 'expired access/refresh token');
		}
		const userId = this.refreshTokens.get(presented);
		if (!userId) return oauthError('invalid_grant', 'expired access/refresh token');
		const user = this.users.findUserById(userId);
		if (!user || user.IsActive === false) return oauthError('invalid_grant', 'inactive user');
		if (!this.policy.rotateRefreshTokens) return this.issue(userId, { from: presented });
		this.refreshTokens.delete(presented);
		const next = this.newRefreshToken(userId);
		this.rotatedOut.set(presented, next);
		return this.issue(userId, { refreshToken: next, from: next });
	}

	private jwtGrant(form: URLSearchParams) {
		const assertion = form.get('assertion') ?? '';
		const parts = assertion.split('.');
		if (parts.length !== 3) return oauthError('invalid_grant', 'invalid assertion');
		let header: Record<string, unknown>;
		let claims: Record<string, unknown>;
		try {
			header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
			claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		} catch {
			return oauthError('invalid_grant', 'invalid assertion');
		}
		if (header.alg !== 'RS256') return oauthError('invalid_grant', 'invalid assertion');
		const signed = verify(
			'RSA-SHA256',
			Buffer.from(`${parts[0]}.${parts[1]}`),
			this.credentials.publicKeyPem,
			Buffer.from(parts[2], 'base64url'),
		);
		if (!signed) return oauthError('invalid_grant', 'invalid assertion');
		if (typeof claims.iss !== 'string' || !safeEqual(claims.iss, this.credentials.clientId)) {
			return oauthError('invalid_client_id', 'client identifier invalid');
		}
		// Compared as exact, case-sensitive strings (RFC 7519 §4.1.3: aud is a string or an array of them);
		// "https://login.salesforce.com/" is not "https://login.salesforce.com". Salesforce's answer to a
		// wrong one is 400 invalid_grant "audience is invalid" (the Salesforce CLI looks for "audience" in it).
		const audiences = this.policy.jwtAudiences ?? [this.urls.loginUrl(), ...KNOWN_AUDIENCES];
		const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
		if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) {
			return oauthError('invalid_grant', 'audience is invalid');
		}
		if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now()) {
			return oauthError('invalid_grant', 'expired authorization code');
		}
		const user = this.activeUser(typeof claims.sub === 'string' ? claims.sub : null);
		if (!user) return oauthError('invalid_grant', 'user hasn\'t approved this consumer');
		return this.issue(user.Id);
	}

	/**
	 * A new session. Like Salesforce, the password, client-credentials and JWT grants return no refresh
	 * token; the authorization-code grant (and a rotating refresh) passes the one to return.
	 */
	private issue(userId: string, extra: { refreshToken?: string; scope?: string; from?: string } = {}): { status: 200; body: TokenResponse } {
		const issuedAt = this.now();
		const accessToken = `${this.orgId}!${randomToken(96)}`;
		const from = extra.from ?? extra.refreshToken;
		this.sessions.set(accessToken, { userId, issuedAt, expiresAt: issuedAt + this.tokenTtlSeconds * 1000, ...(from ? { refreshToken: from } : {}) });
		const id = `${this.urls.loginUrl()}/id/${this.orgId}/${userId}`;
		const signature = createHmac('sha256', this.credentials.clientSecret)
			.update(id + String(issuedAt))
			.digest('base64');
		const body: TokenResponse = {
			access_token: accessToken,
			instance_url: this.urls.instanceUrl(),
			id,
			token_type: 'Bearer',
			issued_at: String(issuedAt),
			signature,
			scope: extra.scope ?? 'api',
			...(extra.refreshToken ? { refresh_token: extra.refreshToken } : {}),
		};
		return { status: 200, body };
	}
}
