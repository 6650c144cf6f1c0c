import type { ObjectMeta, QuerySource, RouteRequest, RouteResponse, SRecord, WriteSource } from '../contracts';
import type { FaultController } from './faults';
import type { QueryCursors } from './query';
import type { RequestInfo } from './request-log';

/** What the REST routes need from the org's store (OrgStore satisfies it). */
export interface RestStore extends QuerySource, WriteSource {
	/** Runs fn atomically: a throw rolls every change back. */
	transaction<T>(fn: () => T): T;
}

export interface ApiUsageView {
	used: number;
	max: number;
}

export interface RestContext {
	/** The org as the session's user sees it (sandbox/access.ts: storeForUser). */
	store: RestStore;
	/** The session's user. */
	userId: string;
	/** Every object type the org knows, for describe global. */
	objectTypes(): readonly ObjectMeta[];
	faults: FaultController;
	info: RequestInfo;
	queries: QueryCursors;
	usage: ApiUsageView;
	/** Bulk API 2.0 jobs, when the module is present. */
	bulk2?: { handle(req: RouteRequest): RouteResponse | undefined };
	/** Latest API version served, e.g. "66.0". */
	latestVersion: string;
	/**
	 * What a Composite reference to a record that failed inside an sObject Collections answer (`@{b0[3].id}`
	 * where record 3 has success false and id null) does: 'halt' (default) fails the referring subrequest
	 * with PROCESSING_HALTED, 'null' substitutes null. Salesforce's documentation does not say.
	 */
	failedReference?: 'halt' | 'null';
	/** True while serving a composite subrequest (no nesting, no bulk jobs). */
	inComposite?: boolean;
}

export type { SRecord };
