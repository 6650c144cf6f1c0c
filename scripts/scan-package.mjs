#!/usr/bin/env node
/**
 * n8n's static scanner for community packages (@n8n/scan-community-package, pinned in devDependencies)
 * on a packed tarball, offline.
 *
 *   node scripts/scan-package.mjs TARBALL            (npm run scan: builds and packs first)
 *   node scripts/scan-package.mjs --report TARBALL   counts per leg and rule, no expectations
 *                                                    (npm run scan:bundled: the bundling experiment)
 *
 * The scanner's CLI (`npx @n8n/scan-community-package NAME`) only scans a package published on the npm
 * registry: it fetches the registry metadata, requires an npm provenance attestation and downloads the
 * attested GitHub source. None of that exists for a local tarball (or offline), so this script runs the
 * scanner's own two legs with its own ESLint configuration (buildScanConfig) and file patterns: the
 * source checkout (this repository: package.json, nodes/, credentials/) and the unpacked tarball
 * (compiled .js and the published package.json).
 *
 * Findings the README explains ("n8n's scanner") are listed in EXPLAINED; the script prints every
 * finding and exits 1 when one is not explained, or when an explained one no longer occurs (so the
 * README is updated with the code). The last line is "N passed, N failed".
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import glob from 'fast-glob';
import { buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The scanner's tarball leg: compiled JavaScript and the published manifest. */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/**
 * What the scanner reports and why it stays (README, "n8n's scanner"): `leg rule file` → reason.
 * A package with runtime dependencies (jsforce, papaparse, fflate) that talks HTTP and reads files cannot pass
 * the n8n Cloud rules; it is a self-hosted community package.
 */
const EXPLAINED = {
	'source @n8n/community-nodes/no-runtime-dependencies package.json': 'jsforce, papaparse and fflate are runtime dependencies',
	'source @n8n/community-nodes/node-usable-as-tool nodes/PublishTerritoryModel/PublishTerritoryModel.node.ts':
		'Publish rewrites a whole territory model: deliberately not offered to AI agents (Import is)',
	'tarball @n8n/community-nodes/no-runtime-dependencies package.json': 'jsforce, papaparse and fflate are runtime dependencies',
	'tarball @n8n/community-nodes/no-restricted-imports dist/lib/org/connect.js': "require('jsforce'): the Salesforce client",
	'tarball @n8n/community-nodes/no-restricted-imports dist/lib/plan/csv.js': "require('papaparse'), and fs/stream for the API's csvFile option",
	'tarball @n8n/community-nodes/no-restricted-imports dist/lib/org/metadata-links.js': "require('fflate'): the zip files of the Metadata API's retrieve and deploy (rule links)",
	'tarball @n8n/community-nodes/no-restricted-globals dist/lib/org/retry.js': 'setTimeout: back-off between retries, the one retry policy (lib/ never imports n8n-workflow)',
	'tarball @n8n/community-nodes/no-restricted-globals dist/lib/org/metadata-links.js': "setTimeout/clearTimeout: a time limit on Metadata API calls (jsforce's SOAP calls take none)",
	'source n8n-nodes-base/node-param-default-wrong-for-options nodes/PublishTerritoryModel/params/columns.ts':
		'Column Names lists the plan columns from PLAN_COLUMNS, which the rule cannot read statically; its default Territory is one of them',
};

async function lint(cwd, patterns) {
	const eslint = new ESLint({ cwd, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = glob.sync(patterns, { cwd, absolute: true, ignore: ['node_modules/**', '**/node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	return { files: files.length, results };
}

function findings(leg, cwd, results) {
	const out = [];
	for (const result of results) {
		for (const message of result.messages) {
			if (message.severity < 2) continue; // the scanner fails on errors only
			out.push({ key: `${leg} ${message.ruleId} ${path.relative(cwd, result.filePath)}`, text: `${path.relative(cwd, result.filePath)}:${message.line} ${message.message}` });
		}
	}
	return out;
}

async function main() {
	const args = process.argv.slice(2);
	const report = args[0] === '--report';
	const tarball = report ? args[1] : args[0];
	if (!tarball) throw new Error('Usage: node scripts/scan-package.mjs [--report] TARBALL (or npm run scan)');
	const unpacked = mkdtempSync(path.join(tmpdir(), 'scan-package-'));
	try {
		execFileSync('tar', ['-xzf', path.resolve(tarball), '-C', unpacked, '--strip-components=1']);
		const manifest = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
		const source = await lint(ROOT, SOURCE_FILE_PATTERNS);
		const packed = await lint(unpacked, TARBALL_FILE_PATTERNS);
		const all = [...findings('source', ROOT, source.results), ...findings('tarball', unpacked, packed.results)];
		console.log(`scanned ${manifest.name}@${manifest.version}: ${source.files} source files, ${packed.files} packed files; runtime dependencies: ${Object.keys(manifest.dependencies ?? {}).join(', ') || 'none'}`);
		if (report) {
			const counts = {};
			for (const finding of all) {
				const rule = finding.key.split(' ').slice(0, 2).join(' ');
				counts[rule] = (counts[rule] ?? 0) + 1;
			}
			for (const [rule, count] of Object.entries(counts).sort((a, b) => b[1] - a[1])) console.log(`${String(count).padStart(5)}  ${rule}`);
			console.log(`${all.length} error(s) in all: the scanner ${all.length ? 'rejects' : 'accepts'} this package`);
			return;
		}
		let passed = 0;
		let failed = 0;
		const seen = new Set();
		for (const finding of all) {
			seen.add(finding.key);
			const reason = EXPLAINED[finding.key];
			if (reason) {
				passed += 1;
				console.log(`ok     explained: ${finding.text} (${reason})`);
			} else {
				failed += 1;
				console.log(`FAILED not explained in the README: ${finding.key}: ${finding.text}`);
			}
		}
		for (const key of Object.keys(EXPLAINED)) {
			if (seen.has(key)) continue;
			failed += 1;
			console.log(`FAILED no longer reported, update EXPLAINED and the README: ${key}`);
		}
		console.log(`${passed} passed, ${failed} failed`);
		process.exitCode = failed ? 1 : 0;
	} finally {
		rmSync(unpacked, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
