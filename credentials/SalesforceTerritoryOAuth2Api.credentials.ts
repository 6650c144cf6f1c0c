import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/** The login host the user signs in at; a My Domain URL loses its trailing slash. */
const LOGIN_HOST =
	'($self["environment"] === "custom" ? ($self["loginUrl"].endsWith("/") ? $self["loginUrl"].slice(0, -1) : $self["loginUrl"]) : $self["environment"] === "sandbox" ? "https://test.salesforce.com" : "https://login.salesforce.com")';

/**
 * "Connect my account": the OAuth 2.0 web server flow (authorization code with PKCE) run by n8n itself,
 * which stores the token response (access_token, refresh_token, instance_url) as `oauthTokenData` and
 * refreshes it when the org answers 401. The package's own type: n8n's lint rule `no-credential-reuse`
 * forbids a community node to use n8n's `salesforceOAuth2Api`.
 *
 * Salesforce (Help: OAuth 2.0 Web Server Flow for Web App Integration): the browser goes to
 * {login host}/services/oauth2/authorize, the code is exchanged at {login host}/services/oauth2/token,
 * and the answer's `instance_url` is where API calls go. PKCE (code_challenge / code_verifier) is what
 * Salesforce recommends for the flow and what External Client Apps can require; an app that does not
 * require it still accepts it. The client id and secret go in an HTTP Basic header, which the token
 * endpoint accepts (REST API guide, refresh token flow). Scopes: `api` for the REST API, `refresh_token`
 * for a refresh token (Help: OAuth Tokens and Scopes).
 */
export class SalesforceTerritoryOAuth2Api implements ICredentialType {
	name = 'salesforceTerritoryOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Salesforce Territory Planning OAuth2 API';

	icon: Icon = { light: 'file:salesforceTerritory.svg', dark: 'file:salesforceTerritory.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-territory-planning/n8n-nodes-territory-planning#oauth2-connect-my-account';

	properties: INodeProperties[] = [
		{
			displayName:
				'In Salesforce, create an External Client App (Setup → External Client App Manager → New External Client App) or a Connected App with OAuth enabled, scopes "Manage user data via APIs (api)" and "Perform requests at any time (refresh_token, offline_access)", and the OAuth Redirect URL shown here as its Callback URL',
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'Sign in at login.salesforce.com' },
				{ name: 'Sandbox', value: 'sandbox', description: 'Sign in at test.salesforce.com' },
				{ name: 'My Domain (Custom URL)', value: 'custom', description: "Sign in at your org's My Domain login URL" },
			],
			default: 'production',
			description:
				'Where you sign in. A sandbox org signs in at test.salesforce.com; an org that blocks the public login hosts needs its My Domain URL.',
		},
		{
			displayName: 'My Domain URL',
			name: 'loginUrl',
			type: 'string',
			default: '',
			placeholder: 'https://acme.my.salesforce.com',
			description:
				"The org's My Domain login URL, e.g. https://yourdomain.my.salesforce.com (a sandbox: https://yourdomain--sandboxname.sandbox.my.salesforce.com). Find it in Setup → My Domain.",
			required: true,
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Consumer Key (Client ID)',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description:
				"The app's Consumer Key. External Client App: Setup → External Client App Manager → your app → Settings → OAuth Settings → Consumer Key and Secret. Connected App: Setup → App Manager → your app → View → Manage Consumer Details.",
		},
		{
			displayName: 'Consumer Secret (Client Secret)',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The app's Consumer Secret, shown beside the Consumer Key (Consumer Key and Secret, or Manage Consumer Details)",
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${LOGIN_HOST} + "/services/oauth2/authorize" }}`,
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${LOGIN_HOST} + "/services/oauth2/token" }}`,
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'api refresh_token',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];

	// n8n's editor does not offer a Test for OAuth2 credentials (connecting is the test); its API runs this
	// request, which proves the stored token reaches the org (OpenID Connect userinfo, no API call used).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.oauthTokenData.instance_url}}',
			url: '/services/oauth2/userinfo',
		},
	};
}
