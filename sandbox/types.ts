/**
 * The sandbox's public types: what startSandbox (server.ts) takes and gives. The door is index.ts; the
 * seams between the sandbox's own modules are in contracts.ts.
 */
import type { PasswordFlowBlock } from './auth';
import type { SharingDefaults } from './contracts';
import type { FaultController } from './http/faults';
import type { RequestLog } from './http/request-log';
import type { OrgStore } from './store';

export interface SandboxOptions {
	/** TCP port on 127.0.0.1; 0 (default) picks a free one. */
	port?: number;
	/** Data for a new org (ignored when statePath holds a saved org). Default 'demo'. */
	seed?: 'demo' | 'empty';
	seedOptions?: { activeModel?: boolean; accounts?: number; users?: number };
	/** Load the org from this file when it exists; stop() saves it back. */
	statePath?: string;
	/** Delay added to every response (ms). */
	latencyMs?: number;
	/** Access-token lifetime. Default 7,200 (2 hours). */
	tokenTtlSeconds?: number;
	/** Daily API request allowance. Default 100,000. */
	dailyApiLimit?: number;
	edition?: string;
	territoriesPerModel?: number;
	/** ObjectTerritory2AssignmentRuleItem.Field's picklist form: 'qualified' (default, `Account.X`) or 'bare' (`X`). */
	ruleItemFieldForm?: 'qualified' | 'bare';
	/** State and Country/Territory Picklists on (Account gets BillingStateCode / BillingCountryCode). */
	stateCountryPicklists?: boolean;
	/** Organization-wide defaults for accounts, opportunities and cases (default Private: 'None'). */
	sharing?: Partial<SharingDefaults>;
	/** Highest API version served, e.g. "66.0" (default; Spring '26). */
	apiVersionLatest?: string;
	/** Largest request body accepted (bytes); larger ones get 413. Default 50 MB. */
	maxRequestBytes?: number;
	/**
	 * Plays an org whose "Allow OAuth Username-Password Flows" is off (new orgs since Summer '23): password
	 * grants get 400 invalid_grant "authentication failure" (true), or 400 unsupported_grant_type "grant type
	 * not supported" ('unsupported_grant_type'). Other grants are unaffected. Default false.
	 */
	blockPasswordFlow?: PasswordFlowBlock;
	/** The only `aud` values JWT assertions may name. Default: the login URL, https://login.salesforce.com, https://test.salesforce.com. */
	jwtAudiences?: string[];
	/** The connected app's callback URLs for the web server flow (exact match). Default: any http(s) URL on localhost or 127.0.0.1. */
	oauthCallbackUrls?: string[];
	/**
	 * Who approves a web server flow authorize request (there is no login page): the `login_hint` user when
	 * given, else this username (default: the integration user); false plays a user who clicks Deny.
	 */
	oauthApprover?: string | false;
	/** Refresh Token Rotation: every refresh returns a new refresh token and invalidates the old one. Default false. */
	rotateRefreshTokens?: boolean;
	/**
	 * Whether RuleTerritory2Association may be created and deleted through REST (default true). The Object
	 * Reference lists only describeSObjects, getDeleted, getUpdated, query and retrieve for it: with false,
	 * describe says createable/deletable false, REST, Composite and Bulk 2.0 writes of it are refused, and
	 * the links are written through the Metadata API's Territory2 ruleAssociations instead.
	 */
	ruleLinksViaRest?: boolean;
	/**
	 * A Composite reference to a record that failed inside an sObject Collections result (`@{ref[3].id}`,
	 * whose id is null): 'halt' (default) answers the referring subrequest PROCESSING_HALTED without running
	 * it; 'null' runs it with null in the reference's place. Undocumented either way (sandbox/README.md).
	 */
	failedReference?: 'halt' | 'null';
	/**
	 * How finely system datetimes (CreatedDate, LastModifiedDate, SystemModstamp) are kept: 'second' (default:
	 * ".000" milliseconds, as Salesforce is widely reported to store them; its Object Reference does not say)
	 * or 'millisecond'. Two records created within one second tie on CreatedDate at 'second'.
	 */
	datetimePrecision?: 'second' | 'millisecond';
	/**
	 * The latency model: every response waits perRequestMs plus perRecordMs per record the request wrote
	 * (a timer: the store's work stays synchronous and concurrent requests wait concurrently).
	 */
	latency?: { perRequestMs?: number; perRecordMs?: number };
}

export interface SandboxCredentials {
	username: string;
	password: string;
	/** The sandbox has no security token: logins need only the password. */
	securityToken: '';
	clientId: string;
	clientSecret: string;
	/** PEM of the private key whose public half verifies JWT-bearer assertions. */
	privateKey: string;
	/** The same key in a file (mode 0600), for CLI users and n8n credentials that take a path. */
	privateKeyPath: string;
	/** PEM of the public key (the sandbox issues no X.509 certificate). */
	publicKey: string;
}

export interface ApiUsage {
	used: number;
	max: number;
	/** Starts a new day: the allowance is full again. */
	reset(): void;
}

export interface Sandbox {
	/** Instance URL (also the login URL: one server plays both). */
	url: string;
	loginUrl: string;
	orgId: string;
	credentials: SandboxCredentials;
	store: OrgStore;
	faults: FaultController;
	requestLog: RequestLog;
	apiUsage: ApiUsage;
	/**
	 * What a client needs for the OAuth password flow against this org (the demo, benchmarks and tests
	 * use it), as the integration user or as another active user (every user shares the one password).
	 */
	passwordLogin(username?: string): { authType: 'password'; loginUrl: string; username: string; password: string; clientId: string; clientSecret: string };
	/** A refresh token for a user (default: the integration user), as a web-server OAuth flow would issue. */
	issueRefreshToken(username?: string): string;
	/** Ids of the accounts an assignment rule would assign if an admin ran the rules (sandbox/rules/matching.ts). */
	accountsMatchingRule(ruleId: string): string[];
	/** Invalidates every access token issued so far. */
	expireAllSessions(): void;
	/** Revokes a refresh token (with its sessions) or an access token, as `POST /services/oauth2/revoke` does; false when unknown. */
	revokeToken(token: string): boolean;
	/** Turns Refresh Token Rotation on or off, as the rotateRefreshTokens option does. */
	setRefreshTokenRotation(on: boolean): void;
	/** Blocks (or allows again) the OAuth username-password flow, as the blockPasswordFlow option does. */
	setPasswordFlowBlocked(block: PasswordFlowBlock): void;
	/** Writes the org to a file (default: statePath) atomically. */
	save(path?: string): void;
	/** Closes the server (and saves to statePath when given). */
	stop(): Promise<void>;
}
