/**
 * The package as n8n and npm see it: the manifest's n8n section names node and credential files that
 * the build produces from our sources, with the class and type names n8n derives from them.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** dist/x/Y.node.js → x/Y.node.ts */
/** The file exists and is (a link to) the one copy of the icons, nodes/shared/icons/. */
const oneCopy = (file: string) => existsSync(file) && path.dirname(realpathSync(file)) === path.join(root, 'nodes/shared/icons');
const sourceOf = (distPath: string) => path.join(root, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

describe('package.json', () => {
	it('is an n8n community node package', () => {
		expect(pkg.name).toBe('n8n-nodes-territory-planning');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
		expect(pkg.peerDependencies).toHaveProperty('n8n-workflow');
		expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'index.js']));
	});

	it('pins a jsforce that runs on Node 20', () => {
		expect(pkg.dependencies.jsforce).toBe('3.10.16');
		const jsforce = JSON.parse(readFileSync(path.join(root, 'node_modules/jsforce/package.json'), 'utf8'));
		expect(jsforce.version).toBe('3.10.16');
		expect(jsforce.engines.node).toBe('>=18');
	});

	it.each(pkg.n8n.nodes as string[])('builds node %s from a source whose class n8n can find', async (distPath) => {
		const source = sourceOf(distPath);
		expect(existsSync(source)).toBe(true);
		// n8n instantiates the export named like the file.
		const className = path.basename(distPath, '.node.js');
		const NodeClass = (await import(source))[className];
		const description = new NodeClass().description;
		expect(description.name).toBe(className.charAt(0).toLowerCase() + className.slice(1));
		// The Authentication parameter selects between the two credential types of this package.
		expect(description.credentials).toEqual([
			expect.objectContaining({ name: 'salesforceTerritoryApi', testedBy: expect.any(String) }),
			expect.objectContaining({ name: 'salesforceTerritoryOAuth2Api' }),
		]);
		// Icons beside the node's file, as n8n resolves `file:` icons, each a link to the one copy in
		// nodes/shared/icons/ (gulp copies that copy into each dist folder); the codex file sits next to the source.
		const dir = path.dirname(source);
		for (const icon of [description.icon.light, description.icon.dark]) expect(oneCopy(path.join(dir, icon.replace(/^file:/, '')))).toBe(true);
		const codex = JSON.parse(readFileSync(path.join(dir, `${className}.node.json`), 'utf8'));
		expect(codex.node).toBe(`${pkg.name}.${description.name}`);
	});

	it.each(pkg.n8n.credentials as string[])('builds credential %s from a source whose class n8n can find', async (distPath) => {
		const source = sourceOf(distPath);
		const className = path.basename(distPath, '.credentials.js');
		const credential = new (await import(source))[className]();
		expect(credential.name).toBe(className.charAt(0).toLowerCase() + className.slice(1));
		const secretFields = credential.properties.filter((p: { name: string }) =>
			['clientSecret', 'password', 'securityToken', 'privateKey'].includes(p.name),
		);
		expect(secretFields.every((p: { typeOptions?: { password?: boolean } }) => p.typeOptions?.password)).toBe(true);
		for (const icon of [credential.icon.light, credential.icon.dark]) expect(oneCopy(path.join(path.dirname(source), icon.replace(/^file:/, '')))).toBe(true);
	});

	it('has one copy of the icons: nodes/shared/icons/, and no other svg in the source', () => {
		const svgs = (dir: string): string[] =>
			readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
				e.isDirectory() ? svgs(path.join(dir, e.name)) : e.name.endsWith('.svg') && !e.isSymbolicLink() ? [path.join(dir, e.name)] : [],
			);
		expect([...svgs('nodes'), ...svgs('credentials')].sort()).toEqual(['nodes/shared/icons/salesforceTerritory.dark.svg', 'nodes/shared/icons/salesforceTerritory.svg']);
	});

	it('index.js exposes the engine built from lib/index.ts', async () => {
		expect(readFileSync(path.join(root, 'index.js'), 'utf8')).toMatch(/require\('\.\/dist\/lib\/index\.js'\)/);
		const api = await import(path.join(root, 'lib/index.ts'));
		expect(typeof api.publishPlan).toBe('function');
		expect(typeof api.importModel).toBe('function');
	});
});
