import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * One credential for every server-to-server auth flow jsforce supports without a browser.
 * Tested by the nodes (`testedBy`), since a token must be obtained before any request can be made.
 */
export class SalesforceTerritoryApi implements ICredentialType {
	name = 'salesforceTerritoryApi';

	displayName = 'Salesforce Territory Planning API';

	icon: Icon = { light: 'file:salesforceTerritory.svg', dark: 'file:salesforceTerritory.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-territory-planning/n8n-nodes-territory-planning#salesforce-set-up';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'JWT Bearer (Connected App Certificate)',
					value: 'jwt',
					description: 'Recommended for scheduled automation: no password is stored',
				},
				{
					name: 'Client Credentials',
					value: 'clientCredentials',
					description: "Runs as the connected app's run-as user; needs the org's My Domain URL as the login URL",
				},
				{ name: 'Username and Password', value: 'password' },
			],
			default: 'jwt',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Sandbox', value: 'sandbox' },
				{ name: 'Custom Login URL (My Domain)', value: 'custom' },
			],
			default: 'production',
		},
		{
			// Salesforce knowledge article 000886201: client credentials are not supported at login/test.salesforce.com.
			displayName:
				"Client credentials do not work with login.salesforce.com or test.salesforce.com: choose Custom Login URL (My Domain) and enter your org's My Domain URL (Setup → My Domain)",
			name: 'clientCredentialsNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { authType: ['clientCredentials'], environment: ['production', 'sandbox'] } },
		},
		{
			displayName: 'Login URL',
			name: 'loginUrl',
			type: 'string',
			default: '',
			placeholder: 'https://acme.my.salesforce.com',
			description:
				"The org's My Domain URL, e.g. https://yourdomain.my.salesforce.com (a sandbox: https://yourdomain--sandboxname.sandbox.my.salesforce.com). Client credentials need it: login.salesforce.com and test.salesforce.com do not support that flow. Find it in Setup → My Domain.",
			required: true,
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Client ID (Consumer Key)',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret (Consumer Secret)',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['clientCredentials', 'password'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authType: ['jwt', 'password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['password'] } },
		},
		{
			displayName: 'Security Token',
			name: 'securityToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Appended to the password when the org requires it',
			displayOptions: { show: { authType: ['password'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			description: 'PEM private key whose certificate is uploaded to the Connected App',
			displayOptions: { show: { authType: ['jwt'] } },
		},
		{
			displayName: 'JWT Audience',
			name: 'audience',
			type: 'string',
			default: '',
			placeholder: 'https://login.salesforce.com',
			description:
				'The "aud" of the JWT assertion. Leave empty for the usual value: https://test.salesforce.com for sandboxes, https://login.salesforce.com otherwise (also with a My Domain login URL).',
			displayOptions: { show: { authType: ['jwt'] } },
		},
	];
}
