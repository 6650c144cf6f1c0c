/**
 * The lint configuration applies n8n's package.json rules (@n8n/eslint-plugin-community-nodes, beside
 * eslint-plugin-n8n-nodes-base's community rules) to package.json parsed as n8n's node-cli and scanner
 * parse it. With jsonc-eslint-parser none of them ever fired.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { spawnSync } from 'node:child_process';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Lints a package.json text with `eslint --stdin` as `npm run lint` does (the plugins are ESM: not in jest's VM). */
function rulesReported(pkg: Record<string, unknown>): string[] {
	const result = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', 'package.json', '--format', 'json'], {
		cwd: root,
		input: JSON.stringify(pkg, null, 2),
		encoding: 'utf8',
	});
	const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
	return report.messages.map((m) => m.ruleId ?? m.message);
}

describe('package.json lint', () => {
	jest.setTimeout(60_000);

	it('reports a missing homepage and an author without e-mail', async () => {
		const { homepage: _homepage, ...withoutHomepage } = manifest;
		const broken = { ...withoutHomepage, author: { name: manifest.author.name } };
		const rules = rulesReported(broken);
		expect(rules).toEqual(
			expect.arrayContaining([
				'@n8n/community-nodes/require-homepage',
				'@n8n/community-nodes/valid-author',
			]),
		);
	});

	it('passes on the package.json as shipped (repository, homepage, author e-mail, LICENSE listed)', async () => {
		expect(rulesReported(manifest)).toEqual([]);
		expect(manifest.repository.url).toMatch(/^git\+https:\/\//);
		expect(manifest.files).toContain('LICENSE');
		expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
	});
});
