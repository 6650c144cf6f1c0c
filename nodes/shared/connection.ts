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
