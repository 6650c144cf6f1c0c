/**
 * What `npm run demo`, `npm run workflow` and the browser test share: the package built and packed,
 * the pinned n8n installed (once), a fresh sandbox org, a throwaway n8n user folder with the package
 * installed and the sandbox credential imported under its fixed id and name.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// jsforce (in the sandbox's process, none here) and fetch must not send loopback traffic to a proxy.
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) delete process.env[name];

import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import { ensureN8n, REPO_ROOT, type N8nInstall } from './install';
import { N8nInstance } from './instance';
import { ledgerName, recordN8nOutputs, recordSandboxSecrets } from './secret-ledger';
import { buildAndPack } from './pack';
import { PLAN_FILE, sandboxCredential } from './workflows';

export interface SessionOptions {
	/** Progress lines (stderr for the workflow runner, so stdout stays JSON). */
	log: (line: string) => void;
	/** The editor's port (default: a free one). */
	port?: number;
	/** The folder file nodes may use (default: a temp folder); it gets `plan.csv`. */
	filesDir?: string;
	/** The plan file workflows read as /home/node/.n8n-files/plan.csv (default: demo/sample-plan.csv). */
	planFile?: string;
	/** Sandbox org options over the default (a free port, the demo seed). */
	sandbox?: SandboxOptions;
	/** Keep the temp folder after stop() (post-mortem). */
	keep?: boolean;
	/** More environment for every n8n process of the session (e.g. queue mode's). */
	n8nEnv?: NodeJS.ProcessEnv;
}

export interface Session {
	sandbox: Sandbox;
	n8n: N8nInstance;
	install: N8nInstall;
	workDir: string;
	tarball: string;
	/** Stops n8n and the sandbox org and removes the temp folder; safe to call twice. */
	stop(): Promise<void>;
}

export async function startSession(options: SessionOptions): Promise<Session> {
	const { log } = options;
	const workDir = mkdtempSync(path.join(tmpdir(), 'n8n-territory-'));
	let sandbox: Sandbox | undefined;
	let n8n: N8nInstance | undefined;
	let install: N8nInstall | undefined;
	let stopped = false;
	// The real-n8n runs' secret scan (scripts/n8n/secret-ledger.ts): nothing without TP_SECRET_LEDGER_DIR.
	const ledger = ledgerName('session');
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		await n8n?.stop();
		if (n8n && install) await recordN8nOutputs(ledger, n8n, install).catch((e: unknown) => log(`recording outputs for the secret scan failed: ${String(e)}`));
		await sandbox?.stop();
		if (!options.keep) rmSync(workDir, { recursive: true, force: true });
		else log(`work folder kept: ${workDir}`);
	};
	try {
		log('building and packing the package; installing n8n on first use (several minutes, once)');
		// Both take a while and do not depend on each other.
		// Both settle before a failure is thrown: stopping while the other still writes into workDir (or
		// installs) would leave it running after the session is gone.
		const [packed, installed] = await Promise.allSettled([buildAndPack(path.join(workDir, 'pack')), ensureN8n(log)]);
		if (packed.status === 'rejected') throw packed.reason;
		if (installed.status === 'rejected') throw installed.reason;
		const tarball = packed.value;
		install = installed.value;
		log(`n8n ${install.version} (Node in ${install.nodeBinDir})`);

		sandbox = await startSandbox({ port: 0, seed: 'demo', ...options.sandbox });
		recordSandboxSecrets(ledger, sandbox);
		log(`sandbox org at ${sandbox.loginUrl} (demo seed: users and accounts${options.sandbox?.seedOptions?.activeModel ? ', an Active model' : ''})`);

		n8n = await N8nInstance.create({ install, workDir, port: options.port, filesDir: options.filesDir, env: options.n8nEnv });
		const dependencies = await n8n.installPackage(tarball);
		log(`installed ${path.basename(tarball)} into ${n8n.userFolder}/.n8n/nodes (runtime dependencies: ${dependencies.join(', ') || 'none'})`);
		copyFileSync(options.planFile ?? path.join(REPO_ROOT, 'demo', 'sample-plan.csv'), path.join(n8n.filesDir, PLAN_FILE));
		await n8n.importCredentials([sandboxCredential(sandbox)]);
		return { sandbox, n8n, install, workDir, tarball, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
