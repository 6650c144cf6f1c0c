/**
 * The Metadata API's asynchronous jobs: retrieve() and deploy() answer an AsyncResult with the job's id,
 * checkRetrieveStatus / checkDeployStatus answer the job's result once it is done (Metadata API Developer
 * Guide: retrieve(), checkRetrieveStatus(), deploy(), checkDeployStatus(), AsyncResult).
 *
 * The sandbox runs a job when it receives it (a deploy's writes are committed, or refused, at once) and
 * plays the queue deterministically: a retrieve is done at its first status check, a deploy at its second
 * (the first answers InProgress), so a client's polling loop is exercised without waiting on a clock.
 */
import { idChecksum } from '../ids';
import type { XmlTree } from './xml';

export type JobKind = 'retrieve' | 'deploy';

/** Key prefixes of the ids Salesforce gives these jobs (09S… for retrieves, 0Af… for deploys). */
const PREFIX: Record<JobKind, string> = { retrieve: '09S', deploy: '0Af' };
/** The status check that finds the job done. */
const DONE_AT_CHECK: Record<JobKind, number> = { retrieve: 1, deploy: 2 };

interface Job {
	kind: JobKind;
	checks: number;
	/** The result once done (its id, done, status, …). */
	result: XmlTree;
	/** What a check before that answers. */
	inProgress: XmlTree;
}

export class MetadataJobs {
	private jobs = new Map<string, Job>();
	private counter = 0;

	/** Registers a job that has run; returns its id. `result(id)` builds the done result, `inProgress(id)` the earlier one. */
	add(kind: JobKind, result: (id: string) => XmlTree, inProgress: (id: string) => XmlTree): string {
		const id15 = `${PREFIX[kind]}5g00000${String(++this.counter).padStart(5, '0')}`;
		const id = id15 + idChecksum(id15);
		this.jobs.set(id, { kind, checks: 0, result: result(id), inProgress: inProgress(id) });
		return id;
	}

	/** One status check of a job of this kind: its answer, or undefined when no such job exists. */
	check(kind: JobKind, id: string): XmlTree | undefined {
		const job = this.jobs.get(id) ?? this.jobs.get(id.slice(0, 15) + idChecksum(id.slice(0, 15)));
		if (!job || job.kind !== kind) return undefined;
		job.checks++;
		return job.checks >= DONE_AT_CHECK[kind] ? job.result : job.inProgress;
	}
}
