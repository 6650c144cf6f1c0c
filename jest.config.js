/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// Type errors are caught by `npm run typecheck`; transpiling only keeps jest fast on 2 cores.
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 30000,
	// jsforce reads proxy variables at load time: the suite talks to loopback only.
	setupFiles: ['<rootDir>/test/setup-env.js'],
};
