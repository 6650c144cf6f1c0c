/**
 * A sandbox org that can be restarted from its state file in the middle of a publish: at the k-th write
 * request it is stopped at once (the open connections are cut, so the answer of that write is lost; the
 * org is saved to the file), and a new server started from the file on the same port, where the
 * publish's retries must find it. Sessions do not survive the restart (tokens live in memory), so the
 * publisher also has to log in again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConnectionSettings } from '../../lib';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import type { CheckedOrg } from './checks';
import { ACCOUNTS } from './plans';

export class RestartableOrg implements CheckedOrg {
	/** Restarts so far, and how long the org was away each time (ms). */
	readonly downtimes: number[] = [];
	private restarting: Promise<void> = Promise.resolve();

	private constructor(
		public sandbox: Sandbox,
		readonly connection: ConnectionSettings,
		private readonly options: SandboxOptions & { port: number; statePath: string },
		private readonly dir: string,
	) {}

	static async start(): Promise<RestartableOrg> {
		const dir = mkdtempSync(path.join(tmpdir(), 'tp-restart-'));
		const options = { seed: 'demo' as const, edition: 'Unlimited', seedOptions: { accounts: ACCOUNTS }, statePath: path.join(dir, 'org.json') };
		const sandbox = await startSandbox({ port: 0, ...options });
		const port = Number(new URL(sandbox.url).port);
		return new RestartableOrg(sandbox, sandbox.passwordLogin(), { ...options, port }, dir);
	}

	/**
	 * Arms a restart right after the k-th write request from now is served (before its answer leaves);
	 * resolves once the new server is up.
	 */
	restartAfterWrite(k: number): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			let writes = 0;
			const dispose = this.sandbox.requestLog.onEntry((entry) => {
				if (!entry.write || ++writes < k) return;
				dispose();
				const old = this.sandbox;
				const stoppedAt = Date.now();
				// stop() cuts the connections now (the answer being written is lost) and then saves the org.
				this.restarting = old.stop().then(async () => {
					this.sandbox = await startSandbox(this.options);
					this.downtimes.push(Date.now() - stoppedAt);
				});
				this.restarting.then(resolve, reject);
			});
		});
	}

	async stop(): Promise<void> {
		await this.restarting;
		await this.sandbox.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}
