// n8n's lint rules for community nodes (both the classic eslint-plugin-n8n-nodes-base rule sets and
// @n8n/eslint-plugin-community-nodes) on the n8n-facing code; TypeScript parsing everywhere else.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const tsParser = require('@typescript-eslint/parser');
const n8nNodesBase = require('eslint-plugin-n8n-nodes-base');
const { n8nCommunityNodesPlugin, configs: communityConfigs } = require('@n8n/eslint-plugin-community-nodes');

const community = communityConfigs.recommendedWithoutN8nCloudSupport;

module.exports = [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'out/**', 'tmp/**', '**/*.js', '!index.js'] },
	// Everything in TypeScript: ESLint's and typescript-eslint's recommended rules.
	...tseslint.config({
		files: ['**/*.ts'],
		extends: [js.configs.recommended, ...tseslint.configs.recommended],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		rules: {
			// Parameters named with a leading underscore are deliberately unused (interface conformance).
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	}),
	{
		// The parser n8n's own tooling gives package.json (@n8n/node-cli's ESLint config and
		// @n8n/scan-community-package): the package.json rules of both plugins walk the TSESTree object
		// literal it produces; with jsonc-eslint-parser's JSON AST none of them ever fired.
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// That rule is for n8n's own docs slugs; a community credential links to its README
			// (checked by @n8n/community-nodes/credential-documentation-url).
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// n8n 1.x+ and the current starter declare connections with NodeConnectionTypes.Main; these
			// two older rules still ask for the string 'main'.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin },
		rules: {
			...community.rules,
			// jsforce and papaparse are runtime dependencies on purpose: this is a self-hosted
			// community package (not verified for n8n Cloud), as the README states.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
];
