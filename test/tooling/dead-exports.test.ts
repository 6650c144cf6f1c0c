/**
 * scripts/dead-exports.ts on a small project of its own: what it calls dead (an export nobody imports, a
 * door entry nobody imports through) and what it keeps (the public API, a type a used signature names).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { deadExports } from '../../scripts/dead-exports';

let root: string;

function write(files: Record<string, string>): void {
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
}

beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), 'dead-exports-'));
	write({
		'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', types: [] }, include: ['lib/**/*.ts', 'test/**/*.ts'] }),
		'lib/index.ts': "export { api } from './a';\nexport { viaDoor } from './door';\n",
		'lib/a.ts': 'export interface Options { n: number }\nexport function api(o: Options): number { return o.n; }\nexport function unused(): number { return 1; }\nexport const local = 2;\nexport const twice = local * 2;\n',
		'lib/door/index.ts': "export { viaDoor, onlyTested } from './impl';\nexport { nobody } from './impl';\n",
		'lib/door/impl.ts': 'export const viaDoor = 1;\nexport const onlyTested = 2;\nexport const nobody = 3;\n',
		'test/x.test.ts': "import { onlyTested } from '../lib/door';\nimport { twice } from '../lib/a';\nexport const seen = onlyTested + twice;\n",
	});
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('lists exports nobody imports, and door entries nobody imports through', () => {
	expect(deadExports(root)).toEqual(['lib/a.ts: local', 'lib/a.ts: unused', 'lib/door/impl.ts: nobody', 'lib/door/index.ts: nobody']);
});
