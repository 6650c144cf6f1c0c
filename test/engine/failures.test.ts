/**
 * When the org refuses part of a publish: per-row failures mapped to the right rows, the daily API
 * limit, expiring sessions, and secrets kept out of every error and result.
 */
import { importModel, publishPlan } from '../../lib';
import type { PublishResult } from '../../lib';
import { requestToken } from '../../lib/org/connect';
import type { PlanRow } from '../../lib/plan/types';
import { DEMO_USERNAMES as U, SAMPLE_CSV, SAMPLE_ROWS, naturalKeyDuplicates, normalisedPlan, startEngineOrg, writeCount, type EngineOrg } from '../helpers/engine-org';

const PLAN: PlanRow[] = [
	{ Territory: 'West', Key: 'West', Type: 'Region', Users: `${U.anaLopez} (Owner)` }, // 2
	{ Territory: 'Pacific', Key: 'Pacific', Parent: 'West', Type: 'District', Users: U.benCarter }, // 3
	{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'Pacific', Type: 'Territory', 'Postal Codes': '940*', Users: U.carlaNguyen }, // 4
	{ Territory: 'East', Key: 'East', Type: 'Region' }, // 5
	{ Territory: 'New York', Key: 'New_York', Parent: 'East', Type: 'District', States: 'NY', Users: U.davidKim, 'Forecast Manager': U.davidKim }, // 6
	{ Territory: 'Manhattan', Key: 'Manhattan', Parent: 'New_York', Type: 'Territory', 'Postal Codes': '100*' }, // 7
];

async function importedPlan(org: EngineOrg, developerName: string) {
	const imported = await importModel({ connection: org.connection, model: { developerName } });
	return normalisedPlan(imported.rows);
}

describe('a territory the org refuses (its territory limit, which the plan cannot know)', () => {
	let org: EngineOrg;
	beforeAll(async () => {
		org = await startEngineOrg({ territoriesPerModel: 3 });
	});
	afterAll(async () => org?.stop());

	it('fails that row with the org code, skips its dependants with the reason, creates the rest; a re-run converges', async () => {
		const result = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'Limit_Model' } });
		expect(result.issues).toEqual([]);
		const byKey = Object.fromEntries(result.rows.map((r) => [r.key, r]));
		// Territories are created level by level: West and East, then Pacific, then the org is full.
		expect(byKey.West.status).toBe('created');
		expect(byKey.East.status).toBe('created');
		expect(byKey.Pacific.status).toBe('created');
		expect(byKey.New_York).toMatchObject({ status: 'failed', errorCode: 'LIMIT_EXCEEDED' });
		expect(byKey.New_York.message).toMatch(/limit of 3 territories/);
		expect(byKey.Bay_Area).toMatchObject({ status: 'failed', errorCode: 'LIMIT_EXCEEDED' });
		// Manhattan's parent was never created: skipped, saying why, not attempted.
		expect(byKey.Manhattan).toMatchObject({ status: 'skipped', errorCode: 'DEPENDENCY_FAILED' });
		expect(byKey.Manhattan.message).toMatch(/New_York/);
		// What needs New York's record (its user, its rule's link) was skipped for the same reason.
		const nyChanges = byKey.New_York.changes.filter((c) => ['UserTerritory2Association', 'RuleTerritory2Association'].includes(c.object));
		expect(nyChanges.map((c) => c.object).sort()).toEqual(['RuleTerritory2Association', 'UserTerritory2Association']);
		for (const c of nyChanges) expect(c).toMatchObject({ status: 'skipped', errorCode: 'DEPENDENCY_FAILED' });
		expect(result.summary.failed).toBe(2);
		expect(result.summary.stopped).toBeNull();

		const state = org.model('Limit_Model');
		expect(state.parents).toEqual({ West: null, East: null, Pacific: 'West' });
		expect(state.usersByTerritory).toEqual({ West: [`${U.anaLopez} (Owner)`], Pacific: [U.benCarter] });
		// Rules belong to the model and may exist already; none applies to a territory that is missing.
		expect(state.ruleLinks).toEqual([]);

		// Support raises the limit: the same plan completes the model, and then writes nothing.
		org.sandbox.store.settings.territoriesPerModel = 1000;
		const second = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'Limit_Model' } });
		expect(second.summary.failed).toBe(0);
		expect(second.rows.filter((r) => r.status === 'created').map((r) => r.key).sort()).toEqual(['Bay_Area', 'Manhattan', 'New_York']);
		expect(await importedPlan(org, 'Limit_Model')).toEqual(
			normalisedPlan(PLAN.map((r) => ({ ...r, 'Account Access': 'Read', 'Opportunity Access': 'None', 'Case Access': 'None' }))),
		);
		const third = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'Limit_Model' } });
		expect(writeCount(third)).toBe(0);
	});

	/** A tool rule waits for its territory's create, and a tool rule no territory uses is deleted. */
	it('leaves no unused tool rule behind once overwriteAll drops the territory that failed', async () => {
		const rows: PlanRow[] = [
			{ Territory: 'West', Key: 'West', Type: 'Region' },
			{ Territory: 'Bay Area', Key: 'Bay_Area', Type: 'Territory', 'Postal Codes': '940*' },
		];
		org.sandbox.store.settings.territoriesPerModel = 1;
		try {
			const first = await org.publish({ plan: { rows }, model: { developerName: 'Orphan_Model' } });
			expect(first.rows.find((r) => r.key === 'Bay_Area')).toMatchObject({ status: 'failed', errorCode: 'LIMIT_EXCEEDED' });
			expect(first.rows.find((r) => r.key === 'West')?.status).toBe('created');
		} finally {
			org.sandbox.store.settings.territoriesPerModel = 1000;
		}
		// Bay Area's rule waited for its territory: it was skipped, not created.
		expect(org.model('Orphan_Model').rules).toEqual([]);
		// The plan no longer names Bay Area; the model must hold no rule for it.
		const withoutBay = rows.filter((r) => r.Key !== 'Bay_Area');
		const second = await org.publish({ plan: { rows: withoutBay }, model: { developerName: 'Orphan_Model' }, method: 'overwriteAll' });
		expect(second.summary.failed).toBe(0);
		expect(org.model('Orphan_Model').rules.map((r) => r.DeveloperName)).toEqual([]);
	});
});

describe('a model the org will not create (the edition allows 2)', () => {
	let org: EngineOrg;
	beforeAll(async () => {
		org = await startEngineOrg({ edition: 'Enterprise' });
	});
	afterAll(async () => org?.stop());

	it("says why in a row of its own, with Salesforce's code and message, and writes nothing else", async () => {
		for (const developerName of ['Full_1', 'Full_2']) {
			const filler = await org.publish({ plan: { rows: [{ Territory: 'X', Key: 'X', Type: 'Region' }] }, model: { developerName } });
			expect(filler.summary.failed).toBe(0);
		}
		const dump = org.dump();
		const result = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'Full_3' } });
		expect(org.changesSince(dump)).toEqual([]);
		expect(result.summary.model).toMatchObject({ id: null, created: false });
		expect(result.summary.failed).toBe(1);
		const modelRow = result.rows.find((r) => r.key === 'Full_3');
		expect(modelRow).toMatchObject({ row: 0, status: 'failed', errorCode: 'LIMIT_EXCEEDED' });
		expect(modelRow?.message).toMatch(/limit of 2 territory models/);
		for (const r of result.rows.filter((r) => r.row > 0)) expect(r).toMatchObject({ status: 'skipped', errorCode: 'DEPENDENCY_FAILED' });
	});
});

describe('a record the org keeps refusing (UNABLE_TO_LOCK_ROW on every try)', () => {
	let org: EngineOrg;
	beforeAll(async () => {
		org = await startEngineOrg();
	});
	afterAll(async () => org?.stop());

	it('fails the row that needs it with the org code and creates the others', async () => {
		const rows = PLAN.map((r) => ({ ...r, Users: r.Key === 'Pacific' ? U.benCarter : '', 'Forecast Manager': '' }));
		org.sandbox.faults.set({ lockRowRate: 1, objects: ['UserTerritory2Association'] });
		let result: PublishResult;
		try {
			result = await org.publish({ plan: { rows }, model: { developerName: 'Lock_Model' } });
		} finally {
			org.sandbox.faults.clear();
		}
		expect(result.summary.stopped).toBeNull();
		expect(result.summary.failed).toBe(1);
		const pacific = result.rows.find((r) => r.key === 'Pacific')!;
		expect(pacific).toMatchObject({ status: 'failed', errorCode: 'UNABLE_TO_LOCK_ROW' });
		expect(pacific.changes.find((c) => c.object === 'Territory2')?.status).toBe('done');
		expect(result.rows.filter((r) => r.key !== 'Pacific').every((r) => r.status === 'created')).toBe(true);
		const state = org.model('Lock_Model');
		expect(Object.keys(state.parents)).toHaveLength(6);
		expect(state.userLinks).toEqual([]);

		const again = await org.publish({ plan: { rows }, model: { developerName: 'Lock_Model' } });
		expect(again.rows.find((r) => r.key === 'Pacific')).toMatchObject({ status: 'updated' });
		expect(org.model('Lock_Model').usersByTerritory).toEqual({ Pacific: [U.benCarter] });
	});
});

describe('the daily API limit', () => {
	let org: EngineOrg;
	beforeAll(async () => {
		org = await startEngineOrg();
	});
	afterAll(async () => org?.stop());

	it('stops cleanly with REQUEST_LIMIT_EXCEEDED, skipping the rest, and a later run converges', async () => {
		const model = { developerName: 'Api_Limit' };
		const usedBefore = org.sandbox.apiUsage.used;
		await org.publish({ plan: { csv: SAMPLE_CSV }, model, dryRun: true });
		const readCalls = org.sandbox.apiUsage.used - usedBefore;
		// Enough for the reads and one write call with the model's check before it (lib/org/guard.ts): the
		// check before the second write call finds the limit spent.
		org.sandbox.apiUsage.max = org.sandbox.apiUsage.used + readCalls + 2;

		const stopped = await org.publish({ plan: { csv: SAMPLE_CSV }, model });
		expect(stopped.summary.stopped?.code).toBe('REQUEST_LIMIT_EXCEEDED');
		expect(stopped.summary.skipped).toBeGreaterThan(0);
		const skipped = stopped.rows.filter((r) => r.status === 'skipped');
		expect(skipped.length).toBeGreaterThan(0);
		for (const r of skipped) expect(r.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
		const written = org.model('Api_Limit');
		expect(written.id).not.toBeNull();
		// The one write call allowed carries the model, all 208 territories (levels by reference) and their
		// user assignments (referring to them); the rules, which wait for their territory's outcome, and the
		// forecast managers, which wait for their user's assignment, are what is skipped.
		expect(written.territories.length).toBe(208);
		expect(written.userLinks.length).toBeGreaterThan(0);
		expect(written.rules).toHaveLength(0);
		expect(stopped.rows.filter((r) => r.status === 'created').length).toBe(
			written.territories.filter((t) => !stopped.rows.some((r) => r.key === t.DeveloperName && r.status !== 'created')).length,
		);
		expect(stopped.summary.apiUsage.remaining).toBe(0);

		org.sandbox.apiUsage.reset();
		org.sandbox.apiUsage.max = 100_000;
		const resumed = await org.publish({ plan: { csv: SAMPLE_CSV }, model });
		expect(resumed.summary.failed).toBe(0);
		expect(resumed.summary.stopped).toBeNull();
		expect(naturalKeyDuplicates(org.model('Api_Limit'))).toEqual([]);
		expect(await importedPlan(org, 'Api_Limit')).toEqual(normalisedPlan(SAMPLE_ROWS));
		const third = await org.publish({ plan: { csv: SAMPLE_CSV }, model });
		expect(writeCount(third)).toBe(0);
	});

	it('fails before writing anything when the allowance is already spent', async () => {
		org.sandbox.apiUsage.max = org.sandbox.apiUsage.used;
		const dump = org.dump();
		await expect(org.publish({ plan: { rows: PLAN }, model: { developerName: 'Api_None' } })).rejects.toThrow(/REQUEST_LIMIT_EXCEEDED/);
		expect(org.changesSince(dump)).toEqual([]);
		org.sandbox.apiUsage.max = 100_000;
	});
});

describe('session expiry mid-publish', () => {
	let org: EngineOrg;
	beforeAll(async () => {
		org = await startEngineOrg();
	});
	afterAll(async () => org?.stop());

	it.each([2, 3, 4])('is survived when sessions expire after %i calls', async (calls) => {
		const model = { developerName: `Session_${calls}` };
		org.sandbox.requestLog.reset();
		org.sandbox.faults.set({ expireSessionsAfterCalls: calls });
		try {
			const result = await org.publish({ plan: { csv: SAMPLE_CSV }, model });
			expect(result.issues).toEqual([]);
			expect(result.summary.failed).toBe(0);
			expect(result.summary.stopped).toBeNull();
		} finally {
			org.sandbox.faults.clear();
		}
		// It logged in again (token requests are logged as auth).
		expect(org.sandbox.requestLog.count('auth')).toBeGreaterThanOrEqual(2);
		expect(org.sandbox.requestLog.entries.some((e) => e.status === 401)).toBe(true);
		expect(naturalKeyDuplicates(org.model(model.developerName))).toEqual([]);
		expect(await importedPlan(org, model.developerName)).toEqual(normalisedPlan(SAMPLE_ROWS));
		org.dropModel(model.developerName);
	});
});

describe('secrets', () => {
	let org: EngineOrg;
	beforeAll(async () => {
		org = await startEngineOrg({ territoriesPerModel: 2 });
	});
	afterAll(async () => org?.stop());

	const WRONG = 'Wrong-Passw0rd-7c1e9a';
	const secretsIn = (text: string) =>
		[WRONG, org.sandbox.credentials.password, org.sandbox.credentials.clientSecret].filter((s) => text.includes(s));

	function errorText(err: unknown): string {
		const e = err as Error & Record<string, unknown>;
		return [e.message, e.stack, JSON.stringify(e), JSON.stringify(Object.getOwnPropertyNames(e).map((k) => e[k]))].join('\n');
	}

	it('a wrong password fails with a clear error that carries no secret', async () => {
		const connection = { ...org.connection, password: WRONG } as typeof org.connection;
		for (const run of [
			() => publishPlan({ connection, plan: { rows: PLAN }, model: { developerName: 'Secret_Model' } }),
			() => importModel({ connection, model: { developerName: 'Secret_Model' } }),
		]) {
			const err = await run().then(
				() => null,
				(e: unknown) => e,
			);
			expect(err).toBeInstanceOf(Error);
			expect((err as Error).message).toMatch(/authentication failure|rejected/i);
			expect(secretsIn(errorText(err))).toEqual([]);
		}
		expect(org.model('Secret_Model').id).toBeNull();
	});

	it('a wrong password with a security token echoes neither, nor the two joined', async () => {
		const token = 'SecTok-5b2f81d0e4';
		const connection = { ...org.connection, password: WRONG, securityToken: token } as typeof org.connection;
		const err = await publishPlan({ connection, plan: { rows: PLAN }, model: { developerName: 'Secret_Model' } }).then(
			() => null,
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(Error);
		const text = errorText(err);
		expect(secretsIn(text)).toEqual([]);
		expect(text).not.toContain(token);
	});

	it('a wrong client secret fails without echoing either secret', async () => {
		const connection = { ...org.connection, clientSecret: 'not-the-client-secret-42' } as typeof org.connection;
		const err = await publishPlan({ connection, plan: { rows: PLAN }, model: { developerName: 'Secret_Model' } }).then(
			() => null,
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(Error);
		const text = errorText(err);
		expect(secretsIn(text)).toEqual([]);
		expect(text).not.toContain('not-the-client-secret-42');
	});

	it('JWT and refresh-token failures carry neither the key nor the token', async () => {
		const keyBody = org.sandbox.credentials.privateKey.split('\n')[2];
		const jwt = await publishPlan({
			connection: { authType: 'jwt', loginUrl: org.sandbox.loginUrl, clientId: org.sandbox.credentials.clientId, username: U.elenaRossi, privateKey: org.sandbox.credentials.privateKey },
			plan: { rows: PLAN },
			model: { developerName: 'Secret_Model' },
		}).then(
			() => null,
			(e: unknown) => e,
		);
		expect(jwt).toBeInstanceOf(Error);
		expect(errorText(jwt)).not.toContain(keyBody);

		const badToken = `${org.sandbox.issueRefreshToken()}x`;
		const refresh = await importModel({
			connection: { authType: 'refreshToken', loginUrl: org.sandbox.loginUrl, clientId: org.sandbox.credentials.clientId, clientSecret: org.sandbox.credentials.clientSecret, refreshToken: badToken },
			model: { developerName: 'Secret_Model' },
		}).then(
			() => null,
			(e: unknown) => e,
		);
		expect(refresh).toBeInstanceOf(Error);
		expect(errorText(refresh)).not.toContain(badToken);
		expect(secretsIn(errorText(refresh))).toEqual([]);
	});

	it('an access token that expires mid-publish fails clearly, without echoing the token', async () => {
		const token = await requestToken(org.connection);
		const connection = { authType: 'accessToken' as const, instanceUrl: token.instanceUrl, accessToken: token.accessToken };
		const dump = org.dump();
		org.sandbox.faults.set({ expireSessionsAfterCalls: 1 });
		let err: unknown;
		try {
			err = await publishPlan({ connection, plan: { rows: PLAN }, model: { developerName: 'Secret_Token' } }).then(
				() => null,
				(e: unknown) => e,
			);
		} finally {
			org.sandbox.faults.clear();
		}
		expect(err).toBeInstanceOf(Error);
		expect((err as Error).message).toMatch(/expired|invalid/i);
		expect(errorText(err)).not.toContain(token.accessToken);
		// The session ended during the reads: nothing was written.
		expect(org.changesSince(dump)).toEqual([]);
	});

	it('no result, successful or failed, carries a secret or the access token', async () => {
		const results: unknown[] = [];
		const dry: PublishResult = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'Secret_Model' }, dryRun: true });
		results.push(dry);
		// A limit of 2 territories: the real run fails rows with the org's messages.
		const partial = await org.publish({ plan: { rows: PLAN }, model: { developerName: 'Secret_Model' } });
		expect(partial.summary.failed).toBeGreaterThan(0);
		results.push(partial);
		results.push(await org.publish({ plan: { rows: [{ Territory: '', Key: 'x', Users: 'nobody@x.example' }] }, model: { developerName: 'Secret_Model' } }));
		results.push(await importModel({ connection: org.connection, model: { developerName: 'Secret_Model' } }));
		const text = JSON.stringify(results);
		expect(secretsIn(text)).toEqual([]);
		expect(text).not.toMatch(/00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{20,}/); // an access token's shape
	});
});
