/**
 * The pinned real n8n (and the Node 24 it needs), installed once by scripts/install-n8n.sh into a
 * cache folder outside the repository (default ~/.cache/n8n-territory-e2e, N8N_E2E_CACHE).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { runChecked } from './process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The n8n version every real-n8n run uses (README: tested versions). */
export const N8N_VERSION = process.env.N8N_E2E_VERSION ?? '2.41.1';

export interface N8nInstall {
	cache: string;
	/** Folder of the Node 24 binary n8n runs on. */
	nodeBinDir: string;
	/** n8n's bin script, run as `<nodeBinDir>/node <n8nBin> ...`. */
	n8nBin: string;
	version: string;
}

/**
 * Installs on first use (minutes; progress lines go to `log`), then returns at once. Several runs at
 * the same time share one install: the script takes a lock.
 */
export async function ensureN8n(log: (line: string) => void): Promise<N8nInstall> {
	const { stdout } = await runChecked('installing n8n (scripts/install-n8n.sh)', 'bash', [path.join(REPO_ROOT, 'scripts', 'install-n8n.sh')], {
		env: { ...process.env, N8N_E2E_VERSION: N8N_VERSION },
		timeoutSeconds: 1800,
		onStderrLine: (line) => {
			if (line.trim()) log(line);
		},
	});
	const cache = stdout.trim().split('\n').pop() as string;
	const nodeBinDir = readFileSync(path.join(cache, 'node-bin-dir'), 'utf8').trim();
	const n8nDir = path.join(cache, 'n8n', 'node_modules', 'n8n');
	const { version } = JSON.parse(readFileSync(path.join(n8nDir, 'package.json'), 'utf8')) as { version: string };
	return { cache, nodeBinDir, n8nBin: path.join(n8nDir, 'bin', 'n8n'), version };
}
