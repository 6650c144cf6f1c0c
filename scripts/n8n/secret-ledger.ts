/**
 * What the real-n8n runs leave for their secret scan (scripts/scan-secrets.ts). When TP_SECRET_LEDGER_DIR
 * is set (scripts/test-real-n8n.sh sets it), each session records the secrets of its sandbox org
 * (`secrets-<name>.json`, mode 0600) when it starts, and when it stops, before its work folder goes: every
 * row of every table of n8n's database as text (executions and their run data, workflows, settings;
 * `n8n export:entities` would encrypt its output, so the rows are read with n8n's own sqlite3), the
 * server's log and the files folder, under `<name>/`. Without the variable nothing is written.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Sandbox } from '../../sandbox';
import type { N8nInstall } from './install';
import type { N8nInstance } from './instance';
import { run } from './process';

export const LEDGER_VARIABLE = 'TP_SECRET_LEDGER_DIR';

export function ledgerDir(): string | undefined {
	return process.env[LEDGER_VARIABLE] || undefined;
}

/** A name unique among the sessions of one run. */
export function ledgerName(kind: string): string {
	return `${kind}-${process.pid}-${Date.now().toString(36)}`;
}

/** The secrets a run must never show, as scripts/scan-secrets.ts reads them. */
export function recordSecrets(name: string, secrets: Record<string, string>): void {
	const dir = ledgerDir();
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, `secrets-${name}.json`), JSON.stringify(secrets), { mode: 0o600 });
}

export function recordSandboxSecrets(name: string, sandbox: Sandbox): void {
	const { password, clientSecret, privateKey } = sandbox.credentials;
	recordSecrets(name, { password, clientSecret, privateKey });
}

/** Prints every row of every table of an sqlite database as JSON lines (run by n8n's Node, with its sqlite3). */
const DUMP_DATABASE = `
const sqlite3 = require(process.argv[1]);
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY);
const all = (sql) => new Promise((resolve, reject) => db.all(sql, (e, rows) => (e ? reject(e) : resolve(rows))));
(async () => {
	for (const { name } of await all("SELECT name FROM sqlite_master WHERE type = 'table'")) {
		for (const row of await all('SELECT * FROM "' + name.replace(/"/g, '""') + '"')) process.stdout.write(name + ' ' + JSON.stringify(row) + '\\n');
	}
	db.close();
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

/** Every row of an n8n sqlite database as text (table name, then the row as JSON, a line each). */
export async function databaseRows(install: Pick<N8nInstall, 'cache' | 'nodeBinDir'>, database: string): Promise<string> {
	const sqlite3 = path.join(install.cache, 'n8n', 'node_modules', 'sqlite3');
	const dumped = await run(path.join(install.nodeBinDir, 'node'), ['-e', DUMP_DATABASE, sqlite3, database], { timeoutSeconds: 120 });
	if (dumped.code !== 0) throw new Error(`reading ${database} failed (exit ${dumped.code}): ${dumped.stderr.slice(0, 300)}`);
	return dumped.stdout;
}

/** n8n's stored data (executions included), its server log and its files folder, for the scan. Call it once n8n stopped. */
export async function recordN8nOutputs(name: string, n8n: N8nInstance, install: N8nInstall, extraLogs: Record<string, string> = {}): Promise<void> {
	const dir = ledgerDir();
	if (!dir) return;
	const target = path.join(dir, name);
	mkdirSync(target, { recursive: true });
	const database = path.join(n8n.userFolder, '.n8n', 'database.sqlite');
	if (existsSync(database)) writeFileSync(path.join(target, 'database-rows.txt'), await databaseRows(install, database));
	writeFileSync(path.join(target, 'server.log'), n8n.log);
	for (const [file, text] of Object.entries(extraLogs)) writeFileSync(path.join(target, file), text);
	cpSync(n8n.filesDir, path.join(target, 'files'), { recursive: true });
}
