/**
 * Builds and packs the package from a copy of the sources, so the tarball holds exactly what this
 * build produced and the checkout's own dist/ is left alone (jest and other runs may be using it).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './install';
import { runChecked } from './process';

/** What `npm pack` needs to build: the manifest, build configs and the shipped sources. */
const SOURCES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'gulpfile.js', 'index.js', 'lib', 'nodes', 'credentials', 'README.md', 'LICENSE'];

/** Returns the tarball's path (inside `workDir`). */
export async function buildAndPack(workDir: string): Promise<string> {
	const copy = path.join(workDir, 'pkg');
	mkdirSync(copy, { recursive: true });
	for (const entry of SOURCES) {
		const from = path.join(REPO_ROOT, entry);
		if (existsSync(from)) cpSync(from, path.join(copy, entry), { recursive: true });
	}
	symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
	const options = { cwd: copy, timeoutSeconds: 300 };
	await runChecked('npm run build', 'npm', ['run', 'build'], options);
	await runChecked('npm pack', 'npm', ['pack', '--ignore-scripts', '--pack-destination', workDir], options);
	const tarball = readdirSync(workDir).find((name) => name.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${workDir}`);
	return path.join(workDir, tarball);
}
