/**
 * The catalogue of issue codes (lib/issue-codes.ts) is the one list: PlanIssue.code is typed by it (an
 * unlisted code does not compile), every listed code is still raised by the engine, and the plan format's
 * table is the catalogue.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { ENGINE_ERROR_CODES, ISSUE_CODES } from '../lib/issue-codes';

const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') && !path.endsWith('issue-codes.ts') ? [path] : [];
	});
}

const ENGINE = sources(join(ROOT, 'lib'))
	.map((file) => readFileSync(file, 'utf8'))
	.join('\n');

describe('the issue-code catalogue', () => {
	it('lists no code that the engine no longer raises', () => {
		const unused = [...Object.keys(ISSUE_CODES), ...Object.keys(ENGINE_ERROR_CODES)].filter((code) => !ENGINE.includes(`'${code}'`));
		expect(unused).toEqual([]);
	});

	it('is the table in docs/plan-format.md, code for code and word for word', () => {
		const doc = readFileSync(join(ROOT, 'docs/plan-format.md'), 'utf8');
		const table = doc.slice(doc.indexOf('## Issue codes'));
		const rows = [...table.matchAll(/^\| `([A-Z0-9_]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);
		expect(rows).toEqual(Object.entries(ISSUE_CODES));
	});
});
