/**
 * What every benchmark scenario shares: a fresh sandbox org per measurement (so no run sees another's
 * records), connection settings, a wall clock, and the naive baseline (one REST call per record).
 *
 * API calls are counted by the sandbox (`requestLog.apiCalls`: what the org would charge against the
 * daily allowance; logins excluded), never by the code under test.
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Connection } from 'jsforce';
import type { ConnectionSettings } from '../lib';
import { isRecordRef } from '../lib/org/apply';
import type { ChangeSet } from '../lib/sync/types';
import { startSandbox, type Sandbox } from '../sandbox';
import { API_VERSION } from '../lib/salesforce';

export interface Org {
	sandbox: Sandbox;
	connection: ConnectionSettings;
}

/** A fresh demo org (50 users, 2,000 accounts, 3 territory types) with the given per-request latency. */
export async function freshOrg(latencyMs: number, options: { edition?: string } = {}): Promise<Org> {
	const sandbox = await startSandbox({ port: 0, seed: 'demo', edition: options.edition });
	sandbox.faults.set({ latencyMs });
	return { sandbox, connection: sandbox.passwordLogin() };
}

/** Runs fn against a fresh org and always stops the org. */
export async function withOrg<T>(latencyMs: number, fn: (org: Org) => Promise<T>, options: { edition?: string } = {}): Promise<T> {
	const org = await freshOrg(latencyMs, options);
	try {
		return await fn(org);
	} finally {
		await org.sandbox.stop();
	}
}

export interface Measured<T> {
	value: T;
	ms: number;
	/** API calls the org counted while fn ran. */
	calls: number;
	/** Records the org wrote while fn ran (Bulk 2.0 included). */
	records: number;
	/** API calls that asked to write (Composite, Collections, Bulk 2.0 uploads, single-record writes). */
	writeCalls: number;
	byKind: Partial<Record<string, number>>;
}

/** Times fn and counts what the org saw during it (the request log is reset first). */
export async function measure<T>(org: Org, fn: () => Promise<T>): Promise<Measured<T>> {
	const log = org.sandbox.requestLog;
	log.reset();
	const started = performance.now();
	const value = await fn();
	const ms = performance.now() - started;
	return { value, ms, calls: log.apiCalls, records: log.recordsWritten, writeCalls: log.writeCalls, byKind: log.byKind() };
}

/** A plain jsforce Connection logged in through the OAuth password flow, as a script would open one. */
export async function scriptConnection(org: Org): Promise<Connection> {
	const { loginUrl, credentials } = org.sandbox;
	const conn = new Connection({
		loginUrl,
		version: API_VERSION,
		oauth2: { loginUrl, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
	});
	await conn.login(credentials.username, credentials.password);
	return conn;
}

/**
 * The baseline: the same change set written the way a hand-written jsforce script would, one REST call
 * per record (`conn.sobject(T).create(rec)`, `.update`, `.destroy`), in the same order, Ids of created
 * records fed to later ones. It makes no reads: that favours the baseline.
 */
export async function naiveReplay(conn: Connection, cs: ChangeSet): Promise<{ failed: number }> {
	const created = new Map<string, string>();
	let failed = 0;
	for (const change of cs.changes) {
		const record: Record<string, unknown> = {};
		for (const [field, value] of Object.entries(change.fields)) {
			record[field] = isRecordRef(value) ? created.get(value.$ref) : value;
		}
		const target = change.recordId ?? (change.recordRef ? created.get(change.recordRef) : undefined);
		const sobject = conn.sobject(change.object);
		const result =
			change.action === 'create'
				? await sobject.create(record)
				: change.action === 'update'
					? await sobject.update({ Id: target as string, ...record })
					: await sobject.destroy(target as string);
		if (!result.success) failed++;
		else if (change.action === 'create' && result.id) created.set(change.id, result.id);
	}
	return { failed };
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function machine(): { cpu: string; cores: number; memoryGb: number; node: string; platform: string } {
	const list = cpus();
	return {
		cpu: list[0]?.model.trim() ?? 'unknown',
		cores: list.length,
		memoryGb: Math.round(totalmem() / 2 ** 30),
		node: process.version,
		platform: `${process.platform} ${process.arch}`,
	};
}

/** Fails the benchmark loudly: a number measured on a broken run is worse than no number. */
export function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(`Benchmark sanity check failed: ${message}`);
}
