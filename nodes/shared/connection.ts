import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { ConnectionSettings } from '../../lib/api-types';

const LOGIN_URLS: Record<string, string> = {
	production: 'https://login.salesforce.com',
	sandbox: 'https://test.salesforce.com',
};

/** The credential's fields → the engine's connection settings (the only place that knows both shapes). */
export function toConnectionSettings(credentials: ICredentialDataDecryptedObject): ConnectionSettings {
	const text = (name: string): string => String(credentials[name] ?? '').trim();
	const environment = text('environment') || 'production';
	const loginUrl = (environment === 'custom' ? text('loginUrl') : LOGIN_URLS[environment]).replace(/\/+$/, '');
	if (!loginUrl) throw new Error('The credential has no Login URL: set one or choose Production or Sandbox');
	const authType = text('authType') || 'jwt';
	switch (authType) {
		case 'password':
			return {
				authType: 'password',
				loginUrl,
				username: text('username'),
				password: String(credentials.password ?? ''),
				securityToken: String(credentials.securityToken ?? ''),
				clientId: text('clientId') || undefined,
				clientSecret: String(credentials.clientSecret ?? '') || undefined,
			};
		case 'clientCredentials':
			return { authType: 'clientCredentials', loginUrl, clientId: text('clientId'), clientSecret: String(credentials.clientSecret ?? '') };
		case 'jwt':
			return {
				authType: 'jwt',
				loginUrl,
				clientId: text('clientId'),
				username: text('username'),
				// A key pasted into a one-line field arrives with literal "\n": the engine restores the PEM's
				// line breaks (lib/org/connect.ts), for scripts as for the node.
				privateKey: String(credentials.privateKey ?? ''),
				// Empty: the engine picks the audience from the login URL (lib/org/connect.ts jwtAudiences).
				audience: text('audience') || undefined,
			};
		default:
			throw new Error(`Unknown authentication type '${authType}' in the credential`);
	}
}

/** What n8n stores after "Connect my account": Salesforce's token response (Help: OAuth 2.0 Web Server Flow). */
interface OAuthTokenData {
	access_token?: unknown;
	instance_url?: unknown;
	/** The identity URL …/id/{orgId}/{userId}: who connected. */
	id?: unknown;
}

/**
 * The OAuth2 credential → an access-token connection that starts with the stored token (no login request)
 * and renews it through `refresh` (n8n's own refresh, which persists what Salesforce returns).
 */
export function toOAuth2ConnectionSettings(credentials: ICredentialDataDecryptedObject, refresh: () => Promise<unknown>): ConnectionSettings {
	const token = (credentials.oauthTokenData ?? {}) as OAuthTokenData;
	if (typeof token.access_token !== 'string' || !token.access_token || typeof token.instance_url !== 'string' || !token.instance_url) {
		throw new Error('The OAuth2 credential is not connected: open it and click "Connect my account" (or "Reconnect")');
	}
	return {
		authType: 'accessToken',
		accessToken: token.access_token,
		// API calls go to the token response's instance_url, not to the login host.
		instanceUrl: token.instance_url,
		...(typeof token.id === 'string' && token.id ? { identityUrl: token.id } : {}),
		renew: async () => {
			const fresh = ((await refresh()) ?? {}) as OAuthTokenData;
			return {
				accessToken: typeof fresh.access_token === 'string' ? fresh.access_token : '',
				instanceUrl: typeof fresh.instance_url === 'string' && fresh.instance_url ? fresh.instance_url : undefined,
			};
		},
	};
}
