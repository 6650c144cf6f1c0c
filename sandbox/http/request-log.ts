/** What kind of endpoint a request hit, for counting API calls the way a Salesforce admin would. */
export type EndpointKind =
	| 'auth'
	| 'identity'
	| 'versions'
	| 'describe'
	| 'sobject'
	| 'collections'
	| 'composite'
	| 'query'
	| 'limits'
	| 'bulk2'
	/** The Metadata API's SOAP endpoint (`/services/Soap/m/{version}`). */
	| 'metadata'
	| 'other';

export interface RequestLogEntry {
	method: string;
	path: string;
	kind: EndpointKind;
	/** Object types the request touched (for composite: every subrequest's). */
	objects: string[];
	status: number;
	/** True when the request asked to change data (even if every record failed). */
	write: boolean;
	/** Records created, updated or deleted successfully. */
	recordsWritten: number;
	/** Records returned by query pages (composite subrequests included). */
	recordsRead?: number;
	/** True when the request counted against the daily API allowance. */
	apiCall: boolean;
	/** For SOAP calls (kind metadata): the operation, e.g. retrieve, checkDeployStatus. */
	operation?: string;
	/** Milliseconds the sandbox spent serving the request (its own CPU, before the latency model's wait). */
	serveMs?: number;
	/** Milliseconds the response waited after it was served (latencyMs, faults and the latency model). */
	waitMs?: number;
}

/** Per-request facts the handlers fill in while serving it. */
export class RequestInfo {
	kind: EndpointKind = 'other';
	readonly objects = new Set<string>();
	write = false;
	recordsWritten = 0;
	/**
	 * Of recordsWritten, those a Bulk API 2.0 job wrote while this request ran it (the sandbox runs a job
	 * inside the request that closes or polls it): a job's records are written outside any request on
	 * Salesforce, so the latency model charges them no per-record wait (server.ts).
	 */
	jobRecordsWritten = 0;
	recordsRead = 0;
	/** The SOAP operation, for Metadata API calls. */
	operation: string | undefined;

	touch(type: string | undefined): void {
		if (type) this.objects.add(type);
	}
}

/**
 * Told of each request once it has been served, before its answer is sent: what a test needs to act at
 * an exact point of a run (kill the client after its k-th write landed, restart the org).
 */
export type RequestLogListener = (entry: RequestLogEntry, index: number) => void;

/** Every request the sandbox served, so tests and benchmarks can count API calls and writes. */
export class RequestLog {
	private list: RequestLogEntry[] = [];
	private readonly listeners = new Set<RequestLogListener>();
	/** Records written outside a request's lifetime (Bulk API 2.0 jobs run after their upload call). */
	private backgroundWrites = 0;

	addBackgroundWrites(records: number): void {
		this.backgroundWrites += records;
	}

	add(entry: RequestLogEntry): void {
		this.list.push(entry);
		for (const listener of [...this.listeners]) listener(entry, this.list.length - 1);
	}

	/** Calls `listener` for every request served from now on (synchronously, before the answer goes out); returns the unsubscribe. */
	onEntry(listener: RequestLogListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	get entries(): readonly RequestLogEntry[] {
		return this.list;
	}

	/** Requests that counted against the API allowance (auth and identity calls do not). */
	get apiCalls(): number {
		return this.list.filter((e) => e.apiCall).length;
	}

	/** Number of requests of one kind (or all requests). */
	count(kind?: EndpointKind): number {
		return kind ? this.list.filter((e) => e.kind === kind).length : this.list.length;
	}

	byKind(): Partial<Record<EndpointKind, number>> {
		const out: Partial<Record<EndpointKind, number>> = {};
		for (const e of this.list) out[e.kind] = (out[e.kind] ?? 0) + 1;
		return out;
	}

	/** Requests per object type touched. */
	byObject(): Record<string, number> {
		const out: Record<string, number> = {};
		for (const e of this.list) for (const o of e.objects) out[o] = (out[o] ?? 0) + 1;
		return out;
	}

	get writeCalls(): number {
		return this.list.filter((e) => e.write).length;
	}

	get recordsWritten(): number {
		return this.list.reduce((sum, e) => sum + e.recordsWritten, this.backgroundWrites);
	}

	/** Records the org returned through query pages. */
	get recordsRead(): number {
		return this.list.reduce((sum, e) => sum + (e.recordsRead ?? 0), 0);
	}

	reset(): void {
		this.list = [];
		this.backgroundWrites = 0;
	}
}
