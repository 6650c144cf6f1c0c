import { Connection } from 'jsforce';
import { SalesforceError, startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';

/** API version every test talks (jsforce defaults to 50.0, which the engine never uses). */
export const TEST_API_VERSION = '62.0';

export interface TestSandbox {
	sandbox: Sandbox;
	/** A jsforce Connection logged in with the OAuth 2.0 password flow (it re-logs in by itself on expiry). */
	connect(overrides?: { version?: string; username?: string }): Promise<Connection>;
	stop(): Promise<void>;
}

/**
 * Starts a sandbox org on a free loopback port. Typical jest use:
 *   let t: TestSandbox; beforeAll(async () => { t = await startTestSandbox(); }); afterAll(() => t.stop());
 * Defaults to the 'empty' seed (fast); pass { seed: 'demo' } for the demo org.
 */
export async function startTestSandbox(opts: SandboxOptions = {}): Promise<TestSandbox> {
	const sandbox = await startSandbox({ seed: 'empty', ...opts });
	return {
		sandbox,
		async connect(overrides = {}) {
			const { loginUrl, credentials } = sandbox;
			const conn = new Connection({
				loginUrl,
				version: overrides.version ?? TEST_API_VERSION,
				oauth2: { loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
			});
			await conn.login(overrides.username ?? credentials.username, credentials.password);
			return conn;
		},
		stop: () => sandbox.stop(),
	};
}

/** A Salesforce error as jsforce reports it: the code, the message and the fields it names. */
export interface ApiError {
	errorCode: string;
	message: string;
	fields?: string[];
}

/** The Salesforce error a jsforce call failed with (a failure that carries no errorCode is rethrown). */
export async function failure(call: PromiseLike<unknown>): Promise<ApiError> {
	try {
		await call;
	} catch (e) {
		const err = e as { errorCode?: string; message: string; data?: { fields?: string[] } };
		if (!err.errorCode) throw e;
		return { errorCode: err.errorCode, message: err.message, fields: err.data?.fields };
	}
	throw new Error('expected the call to fail');
}

/** The SalesforceError a call into the sandbox's own code (the store, its rules, SOQL) throws; any other error is rethrown. */
export function sandboxError(call: () => unknown, what = 'the call'): SalesforceError {
	try {
		call();
	} catch (e) {
		if (e instanceof SalesforceError) return e;
		throw e;
	}
	throw new Error(`expected ${what} to fail with a SalesforceError`);
}

/** Creates a record through the REST API and returns its Id (a refused create fails the test with Salesforce's answer). */
export async function createRecord(conn: Connection, type: string, record: Record<string, unknown>): Promise<string> {
	const result = await conn.sobject(type).create(record);
	if (!result.success) throw new Error(`create ${type} failed: ${JSON.stringify(result)}`);
	return result.id as string;
}
