#!/usr/bin/env node
/**
 * The bundling experiment of issue 8 (README: "Bundling jsforce and papaparse"), reproducible:
 * takes the packed tarball, bundles each file n8n or a script loads (the node and credential files
 * named in package.json's n8n section, and dist/lib/index.js) with esbuild so jsforce and papaparse
 * are inlined (n8n-workflow stays external: n8n provides it), deletes the modules that are now inside
 * the bundles, drops "dependencies" from the manifest and packs the result.
 *
 *   npm run scan:bundled    (build, pack, this script, then the scanner in --report mode)
 *   node scripts/bundle-package.mjs IN.tgz OUT.tgz
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir) {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? walk(full) : [full];
	});
}

async function main() {
	const [input, output] = process.argv.slice(2);
	if (!input || !output) throw new Error('Usage: node scripts/bundle-package.mjs IN.tgz OUT.tgz');
	const work = mkdtempSync(path.join(tmpdir(), 'bundle-package-'));
	const pkgDir = path.join(work, 'package');
	try {
		execFileSync('mkdir', ['-p', pkgDir]);
		execFileSync('tar', ['-xzf', path.resolve(input), '-C', pkgDir, '--strip-components=1']);
		const manifestPath = path.join(pkgDir, 'package.json');
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
		const entries = [...manifest.n8n.nodes, ...manifest.n8n.credentials, 'dist/lib/index.js'].map((file) => path.join(pkgDir, file));
		for (const entry of entries) {
			await build({
				entryPoints: [entry],
				outfile: entry,
				allowOverwrite: true,
				bundle: true,
				platform: 'node',
				target: 'node20',
				format: 'cjs',
				external: ['n8n-workflow'],
				// jsforce and papaparse come from this repository's lockfile-pinned node_modules.
				nodePaths: [path.join(ROOT, 'node_modules')],
				logLevel: 'warning',
			});
			console.log(`bundled ${path.relative(pkgDir, entry)}: ${Math.round(statSync(entry).size / 1024)} kB`);
		}
		const keep = new Set(entries);
		for (const file of walk(path.join(pkgDir, 'dist'))) {
			if ((file.endsWith('.js') || file.endsWith('.d.ts')) && !keep.has(file)) unlinkSync(file);
		}
		delete manifest.dependencies;
		writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
		execFileSync('tar', ['-czf', path.resolve(output), '-C', work, 'package']);
		console.log(`wrote ${output}: ${Math.round(statSync(output).size / 1024)} kB packed (no runtime dependencies)`);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
