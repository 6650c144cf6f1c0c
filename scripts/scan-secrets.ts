/**
 * The real-n8n runs' secret scan (the last suite of scripts/test-real-n8n.sh):
 *
 *   TP_SECRET_LEDGER_DIR=DIR ts-node --transpile-only scripts/scan-secrets.ts FOLDER...
 *
 * reads the secrets every session recorded in DIR (secrets-*.json: the sandbox orgs' passwords, client
 * secrets and private keys; a `privateKeyPath` is read as the key) and searches for them, and for the
 * shapes of session ids, JWT assertions and PEM private keys, every file below DIR (n8n's database rows
 * with the execution data, server and worker logs, files folders), below each FOLDER (the suites' logs)
 * and below out/; an n8n sqlite database left there (test/e2e/run.sh copies its own) is searched row by row,
 * read with n8n's sqlite3 from the cached install (N8N_E2E_CACHE). Prints the count of findings and where they are (never the values), then
 * "N passed, N failed": it passes with 0 findings, and fails when no secret was recorded (a scan of
 * nothing proves nothing).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { filesBelow, SecretLedger } from './n8n/secret-scan';
import { databaseRows, LEDGER_VARIABLE } from './n8n/secret-ledger';

const SECRET_FIELDS = ['password', 'securityToken', 'clientSecret', 'privateKey', 'refreshToken', 'accessToken'];

async function main(): Promise<number> {
	const ledgerDir = process.env[LEDGER_VARIABLE];
	if (!ledgerDir || !existsSync(ledgerDir)) {
		console.log(`secret scan: no ledger (${LEDGER_VARIABLE} unset or missing): nothing was recorded`);
		return 1;
	}
	const ledger = new SecretLedger();
	const recorded = readdirSync(ledgerDir).filter((name) => /^secrets-.*\.json$/.test(name));
	for (const file of recorded) {
		const secrets = JSON.parse(readFileSync(path.join(ledgerDir, file), 'utf8')) as Record<string, string>;
		for (const field of SECRET_FIELDS) ledger.add(field, secrets[field]);
		if (secrets.privateKeyPath && existsSync(secrets.privateKeyPath)) ledger.add('privateKey', readFileSync(secrets.privateKeyPath, 'utf8'));
	}
	const folders = [ledgerDir, ...process.argv.slice(2), path.join(__dirname, '..', 'out')];
	let files = 0;
	let bytes = 0;
	for (const folder of folders) {
		for (const file of filesBelow(folder)) {
			// The ledger's own secrets files, and this suite's log while it is written, are not outputs.
			if (/[/\\]secrets-[^/\\]*\.json$/.test(file) || /[/\\]secret-scan\.log$/.test(file)) continue;
			const content = readFileSync(file);
			files++;
			bytes += content.length;
			ledger.scanText(path.relative(process.cwd(), file), content.toString('utf8'));
			if (file.endsWith('.sqlite')) ledger.scanText(`${path.relative(process.cwd(), file)} (rows)`, await databaseRows(cachedInstall(), file));
		}
	}
	const orgs = recorded.length;
	console.log(`secret scan: ${files} files (${Math.round(bytes / 1024)} kB) searched for ${ledger.secrets.length} secret forms of ${orgs} sandbox orgs and 3 secret shapes: ${ledger.findings.length} findings`);
	for (const finding of ledger.findings) console.log(`  ${finding.secret} in ${finding.where}`);
	const ok = orgs > 0 && files > 0 && ledger.findings.length === 0;
	console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
	return ok ? 0 : 1;
}

/** The pinned n8n's install (scripts/install-n8n.sh), for its Node and sqlite3. */
function cachedInstall(): { cache: string; nodeBinDir: string } {
	const cache = process.env.N8N_E2E_CACHE ?? path.join(homedir(), '.cache', 'n8n-territory-e2e');
	return { cache, nodeBinDir: readFileSync(path.join(cache, 'node-bin-dir'), 'utf8').trim() };
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.log(`secret scan failed: ${error instanceof Error ? error.message : String(error)}`);
		console.log('0 passed, 1 failed');
		process.exitCode = 1;
	},
);
