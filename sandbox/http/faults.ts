import type { EndpointKind } from './request-log';
import { prng } from '../random';

/** Failures the sandbox can inject, to exercise retries, refreshes and crash recovery. */
export interface FaultSettings {
	/** Added delay before every response (ms). */
	latencyMs?: number;
	/** Seed of the PRNG behind the rates, so a failing run can be replayed. Default 1. */
	seed?: number;
	/** Share (0..1) of writes refused with UNABLE_TO_LOCK_ROW: per record in collections, per request otherwise. */
	lockRowRate?: number;
	/** Share (0..1) of requests answered 503 SERVER_UNAVAILABLE. */
	unavailableRate?: number;
	/** Endpoint kinds the rates apply to. Default: sobject, collections, composite, query, bulk2, metadata. */
	endpoints?: EndpointKind[];
	/** Object types the rates apply to (case-insensitive). Default: all. */
	objects?: string[];
	/** After this many API calls, every session issued so far becomes invalid (once). */
	expireSessionsAfterCalls?: number;
	/** Every this many API calls, every session issued so far becomes invalid (again and again). */
	expireSessionsEveryCalls?: number;
	/** After this many records written, the org "crashes": the request that crosses the line is cut, later writes fail. */
	stopAfterRecordsWritten?: number;
	/** How a crashed write fails: a 500 error or a destroyed connection. Default 'destroy'. */
	stopMode?: 'error500' | 'destroy';
}

const DEFAULT_ENDPOINTS: EndpointKind[] = ['sobject', 'collections', 'composite', 'query', 'bulk2', 'metadata'];

/** What the faults did since the org started (across set() calls): the figures of a reliability run. */
export interface InjectedFaults {
	/** UNABLE_TO_LOCK_ROW refusals: one per record in collections and Bulk 2.0, per request or deploy component otherwise. */
	lockRow: number;
	/** Requests answered 503 SERVER_UNAVAILABLE. */
	unavailable: number;
	/** Times every session was invalidated (expireSessionsAfterCalls, expireSessionsEveryCalls). */
	sessionsExpired: number;
}

export class FaultController {
	private current: FaultSettings = {};
	private random = prng(1);
	private callsSinceSet = 0;
	private writtenSinceSet = 0;
	private sessionExpiryFired = false;
	private readonly counts: InjectedFaults = { lockRow: 0, unavailable: 0, sessionsExpired: 0 };

	/** Replaces the active faults (an empty object clears them) and restarts their counters. */
	set(settings: FaultSettings): void {
		for (const rate of [settings.lockRowRate, settings.unavailableRate]) {
			if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new Error(`Fault rates must be between 0 and 1, got ${rate}`);
		}
		const every = settings.expireSessionsEveryCalls;
		if (every !== undefined && !(Number.isInteger(every) && every >= 1)) {
			throw new Error(`expireSessionsEveryCalls must be a whole number of at least 1, got ${every}`);
		}
		this.current = { ...settings };
		this.random = prng(settings.seed ?? 1);
		this.callsSinceSet = 0;
		this.writtenSinceSet = 0;
		this.sessionExpiryFired = false;
	}

	clear(): void {
		this.set({});
	}

	get settings(): Readonly<FaultSettings> {
		return this.current;
	}

	/** Faults injected since the org started (a copy). */
	get injected(): InjectedFaults {
		return { ...this.counts };
	}

	get latencyMs(): number {
		return this.current.latencyMs ?? 0;
	}

	private applies(kind: EndpointKind, type: string | undefined): boolean {
		if (!(this.current.endpoints ?? DEFAULT_ENDPOINTS).includes(kind)) return false;
		const objects = this.current.objects;
		if (!objects || !objects.length) return true;
		return type !== undefined && objects.some((o) => o.toLowerCase() === type.toLowerCase());
	}

	/** Draws whether this request (or, in collections, this record) hits a lock. */
	lockRow(kind: EndpointKind, type: string | undefined): boolean {
		const rate = this.current.lockRowRate ?? 0;
		const hit = rate > 0 && this.applies(kind, type) && this.random() < rate;
		if (hit) this.counts.lockRow++;
		return hit;
	}

	unavailable(kind: EndpointKind, type: string | undefined): boolean {
		const rate = this.current.unavailableRate ?? 0;
		const hit = rate > 0 && this.applies(kind, type) && this.random() < rate;
		if (hit) this.counts.unavailable++;
		return hit;
	}

	/** Counts an API call; true when sessions must be expired now. */
	noteApiCall(): boolean {
		this.callsSinceSet++;
		const every = this.current.expireSessionsEveryCalls;
		// Call N+1, 2N+1, …: each session serves N calls, then the next call finds it expired.
		const repeat = every !== undefined && this.callsSinceSet > every && (this.callsSinceSet - 1) % every === 0;
		const limit = this.current.expireSessionsAfterCalls;
		const once = limit !== undefined && !this.sessionExpiryFired && this.callsSinceSet > limit;
		if (once) this.sessionExpiryFired = true;
		if (repeat || once) this.counts.sessionsExpired++;
		return repeat || once;
	}

	/** How many more records may be written before the crash (Infinity without a stop fault). */
	get writeAllowance(): number {
		const stop = this.current.stopAfterRecordsWritten;
		return stop === undefined ? Infinity : Math.max(0, stop - this.writtenSinceSet);
	}

	get crashed(): boolean {
		return this.writeAllowance === 0 && this.current.stopAfterRecordsWritten !== undefined;
	}

	get stopMode(): 'error500' | 'destroy' {
		return this.current.stopMode ?? 'destroy';
	}

	noteWritten(records: number): void {
		this.writtenSinceSet += records;
	}

	/**
	 * The crash happens now, within an atomic write that would cross the line and so writes nothing (a
	 * Metadata API deploy): the allowance is spent, and later writes fail as after any other crash.
	 */
	crashNow(): void {
		const stop = this.current.stopAfterRecordsWritten;
		if (stop !== undefined) this.writtenSinceSet = Math.max(this.writtenSinceSet, stop);
	}
}

/** Thrown inside a handler when the simulated crash must cut the request short. */
export class CrashError extends Error {
	constructor() {
		super('The sandbox org stopped accepting writes (stopAfterRecordsWritten fault)');
		this.name = 'CrashError';
	}
}
