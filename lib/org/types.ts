/**
 * The transport's types that other rooms name: what a snapshot is asked to read, what the guard compares,
 * what the org's usernames say about a domain. The connection itself is a class (`OrgConnection`, in
 * connect.ts, through ./index.ts); the records read are lib/sync's types (the diff's side of the contract).
 */
import type { ChangeOutcome } from '../api-types';
import type { Change } from '../sync/types';

/** The org records a plan refers to, for readSnapshot to read beside the model. */
export interface SnapshotRefs {
	/** User references from the plan: Ids, Usernames, Emails or Federation Ids. */
	users: string[];
	/** Account references from the plan: Ids, or values of accountKeyField. */
	accounts: string[];
	/** Account field holding external keys (default: the references are Account Ids). */
	accountKeyField?: string;
}

/**
 * A guarded record: object, DeveloperName, SystemModstamp. Read-only: a later read shares the record of
 * one that did not change (readGuardState's previous state).
 */
export interface GuardRecord {
	readonly object: string;
	readonly developerName: string;
	readonly stamp: string;
	/** CreatedDate: unlike SystemModstamp it never moves, so two runs compare the same values. */
	readonly createdDate: string;
	/** Territory2Model.State (a model activated under a publish is a change too). */
	readonly state?: string;
}

/** How many user or account assignments the model has, and when the latest of them last changed. */
export interface GuardActivity {
	count: number;
	/** MAX(SystemModstamp); '' when the model has none. */
	latest: string;
}

export interface GuardState {
	/** Id (15 characters) → record, for the model and its territories and rules. */
	records: Record<string, GuardRecord>;
	/**
	 * Per assignment object (UserTerritory2Association, ObjectTerritory2Association): their count and latest
	 * change in the model, two aggregates instead of every record (200,000 account assignments would be 100
	 * query pages at every check).
	 */
	activity: Record<string, GuardActivity>;
}

/** What this run has written (or tried to) so far, as the guard needs it. */
export interface OwnWrites {
	changes: readonly Change[];
	outcomes: readonly ChangeOutcome[];
	/** change id → Id of the record it created. */
	created: Readonly<Record<string, string>>;
	/** Ids of the changes sent to the org at least once (their outcome may still be unknown). */
	sent: Pick<ReadonlySet<string>, 'has'>;
	/** The org's clock (OrgConnection.lastResponseDate) when the last write call answered; null before any. */
	lastWriteAt: string | null;
	/** The longest a write call of this run took so far (ms): how long another run's call may take to land. */
	slowestCallMs: number;
}

/** A second pass's claim carried over from its first pass (lib/converge.ts): the Ids it created, and when its last write answered. */
export interface PriorClaim {
	ids: readonly string[];
	until: string | null;
}

/** A change found by the guard that this run did not make. */
export interface ForeignChange {
	/** Id (15 characters) of the record; for assignment activity, the object's name. */
	id: string;
	object: string;
	developerName: string;
	/** 'activity': assignments of the model added, removed or changed that this run's writes do not explain. */
	what: 'created' | 'updated' | 'deleted' | 'state' | 'activity';
	stamp: string | null;
	detail?: string;
}

/** What the org's usernames say about one e-mail domain (lib/org/user-domains.ts). */
export interface DomainFact {
	/** Some Username ends in "@domain". */
	found: boolean;
	/** When none does: the domain as the org's usernames spell it with a sandbox suffix ("acme.com.test"), if any. */
	suffixed?: string;
}
