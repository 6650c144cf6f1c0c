/**
 * The import rules of docs/architecture.md, enforced: every import of every source file (static,
 * `import type`, re-exports, dynamic `import()` and `require()`) is read with TypeScript's own
 * pre-processor and checked against the table below, so the layering holds without anyone remembering it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { builtinModules } from 'module';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');

/** One edge of the module graph: `from` (a repo-relative file) imports `spec` (as written). */
interface ImportEdge {
	from: string;
	spec: string;
	/** Repo-relative target for a relative import (without extension), else null (a package). */
	target: string | null;
}

interface Room {
	/** Repo-relative folder (or file prefix) this room owns; the longest matching prefix wins. */
	path: string;
	/** Rooms (paths) this room may import besides itself. */
	mayImport: string[];
	/** Packages this room may import (Node's built-ins are allowed everywhere except where `noBuiltins`). */
	packages: string[];
}

/**
 * Who may import whom. The engine (lib/) never imports n8n; the sandbox never imports the engine (it stands
 * in for Salesforce: shared code would let a bug agree with itself); the diff (lib/sync) never imports the
 * transport (lib/org), so it stays pure; the ground floor (lib/salesforce) imports nothing of ours.
 */
const ROOMS: Room[] = [
	{ path: 'lib/salesforce', mayImport: [], packages: [] },
	// The engine's one error shape and its catalogue of issue codes, used by every layer.
	{ path: 'lib/coded-error', mayImport: [], packages: [] },
	{ path: 'lib/issue-codes', mayImport: [], packages: [] },
	{ path: 'lib/plan', mayImport: ['lib/salesforce', 'lib/coded-error', 'lib/issue-codes'], packages: ['papaparse'] },
	{ path: 'lib/sync', mayImport: ['lib/plan', 'lib/salesforce', 'lib/coded-error', 'lib/issue-codes'], packages: [] },
	{ path: 'lib/org', mayImport: ['lib/plan', 'lib/sync', 'lib/salesforce', 'lib/api-types', 'lib/coded-error', 'lib/issue-codes'], packages: ['jsforce', 'fflate'] },
	{ path: 'lib/report', mayImport: ['lib/plan', 'lib/sync', 'lib/salesforce', 'lib/api-types'], packages: [] },
	// The public API's modules (publish, import, models, options, api-types, index) compose the floors below.
	{ path: 'lib', mayImport: ['lib'], packages: [] },
	{ path: 'nodes', mayImport: ['nodes', 'lib/index', 'lib/api-types'], packages: ['n8n-workflow'] },
	{ path: 'credentials', mayImport: ['credentials'], packages: ['n8n-workflow'] },
	{ path: 'sandbox', mayImport: ['sandbox'], packages: [] },
];

/** What no room of the shipped code or the sandbox may ever import, whatever the table says. */
const FORBIDDEN_PACKAGES: { room: string; pattern: RegExp; why: string }[] = [
	{ room: 'lib', pattern: /^(n8n-|@n8n\/)/, why: 'the engine knows no n8n' },
	{ room: 'sandbox', pattern: /^(n8n-|@n8n\/|jsforce$)/, why: 'the sandbox is a Salesforce, not a client' },
];

function roomOf(file: string): Room | undefined {
	const owners = ROOMS.filter((r) => file === r.path || file.startsWith(`${r.path}/`) || file.startsWith(`${r.path}.`));
	return owners.sort((a, b) => b.path.length - a.path.length)[0];
}

function isUnder(target: string, path: string): boolean {
	return target === path || target.startsWith(`${path}/`);
}

function packageName(spec: string): string {
	const parts = spec.split('/');
	return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);

/** The rule an edge breaks, in words, or null. Pure, so the test can show it catches a violation. */
function violation(edge: ImportEdge): string | null {
	const room = roomOf(edge.from);
	if (!room) return null;
	if (edge.target === null) {
		const name = packageName(edge.spec.replace(/^node:/, ''));
		const forbidden = FORBIDDEN_PACKAGES.find((f) => isUnder(edge.from, f.room) && f.pattern.test(name));
		if (forbidden) return `${edge.from} imports ${edge.spec}: ${forbidden.why}`;
		if (BUILTINS.has(name)) return null;
		// The sandbox is a program of its own: any declared package but the forbidden ones.
		if (room.path === 'sandbox') return null;
		return room.packages.includes(name) ? null : `${edge.from} imports package ${edge.spec}, which ${room.path} may not use`;
	}
	const own = isUnder(edge.target, room.path) || edge.target.startsWith(`${room.path}.`);
	if (own && room.path !== 'lib') return null;
	const targetRoom = roomOf(edge.target);
	if (room.path === 'lib') {
		// The public API files may import every lib floor, nothing outside lib/.
		return isUnder(edge.target, 'lib') ? null : `${edge.from} imports ${edge.target}: lib/ imports nothing outside lib/`;
	}
	if (room.mayImport.some((allowed) => isUnder(edge.target as string, allowed))) return null;
	return `${edge.from} imports ${edge.target} (${targetRoom?.path ?? 'outside the rooms'}): ${room.path} may import only ${[room.path, ...room.mayImport].join(', ')}`;
}

/**
 * The layers' doors: a file outside a layer reaches it only through its `index.ts` (what the layer offers,
 * by name) or its `types.ts` (the types it hands over), never an implementation file. Tests may reach in.
 */
const LAYERS = ['lib/plan', 'lib/sync', 'lib/org', 'lib/report', 'lib/salesforce'];

/** The door rule an edge breaks, in words, or null. */
function doorViolation(edge: ImportEdge): string | null {
	if (edge.target === null) return null;
	const layer = LAYERS.find((l) => isUnder(edge.target as string, l));
	if (!layer || isUnder(edge.from, layer)) return null;
	if (edge.target === `${layer}/index` || edge.target === `${layer}/types`) return null;
	return `${edge.from} imports ${edge.target}: outside ${layer}, import it through ${layer} (its index.ts) or ${layer}/types`;
}

/** `export * from` (and `export type * from`): a door that does not say what it lets through. */
function starExports(file: string, text: string): string[] {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
	return source.statements
		.filter((s): s is ts.ExportDeclaration => ts.isExportDeclaration(s) && s.exportClause === undefined)
		.map((s) => `${file}: ${s.getText(source)}`);
}

function sourceFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(join(ROOT, dir))) {
		const rel = join(dir, name);
		if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
		else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
	}
	return out;
}

/** Every import a file makes, as TypeScript reads them (comments and strings are not imports). */
function importsOf(file: string, text: string): ImportEdge[] {
	const info = ts.preProcessFile(text, true, true);
	return info.importedFiles.map(({ fileName: spec }) => {
		if (!spec.startsWith('.')) return { from: file, spec, target: null };
		const path = resolve(ROOT, dirname(file), spec);
		// A folder import is its index.ts: the room's door.
		const door = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index') : path;
		const target = relative(ROOT, door).replace(/\\/g, '/').replace(/\.(ts|js)$/, '');
		return { from: file, spec, target };
	});
}

/**
 * The import cycles among the modules under `room` (repo-relative, without extensions), one per
 * strongly connected component, each as the shortest path from its first module back to itself:
 * ['a', 'b', 'a']. Type-only imports count: a circle of types still ties the modules' changes together.
 */
function importCycles(edges: ImportEdge[], room: string): string[][] {
	const graph = new Map<string, Set<string>>();
	const node = (file: string) => file.replace(/\.(ts|js|mjs)$/, '');
	for (const e of edges) {
		if (!isUnder(e.from, room) || e.target === null || !isUnder(e.target, room)) continue;
		const from = node(e.from);
		if (!graph.has(from)) graph.set(from, new Set());
		graph.get(from)!.add(e.target);
	}
	// Tarjan's strongly connected components.
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const components: string[][] = [];
	const visit = (v: string): void => {
		index.set(v, index.size);
		low.set(v, index.get(v)!);
		stack.push(v);
		onStack.add(v);
		for (const w of graph.get(v) ?? []) {
			if (!index.has(w)) {
				visit(w);
				low.set(v, Math.min(low.get(v)!, low.get(w)!));
			} else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
		}
		if (low.get(v) !== index.get(v)) return;
		const component: string[] = [];
		let w: string;
		do {
			w = stack.pop()!;
			onStack.delete(w);
			component.push(w);
		} while (w !== v);
		if (component.length > 1 || graph.get(v)?.has(v)) components.push(component.sort());
	};
	for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
	// For each component, the shortest way round from its first module (breadth first, inside the component).
	return components.map((component) => {
		const start = component[0];
		const inside = new Set(component);
		const cameFrom = new Map<string, string>();
		const queue = [start];
		while (queue.length) {
			const v = queue.shift()!;
			for (const w of graph.get(v) ?? []) {
				if (!inside.has(w)) continue;
				if (w === start) {
					const path = [start];
					for (let at = v; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
					return [...path, start];
				}
				if (!cameFrom.has(w)) {
					cameFrom.set(w, v);
					queue.push(w);
				}
			}
		}
		return component;
	});
}

const FILES = ['lib', 'nodes', 'credentials', 'sandbox'].flatMap((dir) => sourceFiles(dir));
const EDGES = FILES.flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')));

describe('the import rules (docs/architecture.md)', () => {
	it('reads the imports of every source file', () => {
		// A reader that found nothing would pass every rule: the graph must be the real one.
		expect(FILES.length).toBeGreaterThan(80);
		expect(EDGES.some((e) => e.from === 'lib/org/connect.ts' && e.spec === 'jsforce')).toBe(true);
		expect(EDGES.some((e) => e.from.startsWith('sandbox/') && e.target?.startsWith('sandbox/'))).toBe(true);
	});

	it('holds for every import', () => {
		expect(EDGES.map(violation).filter(Boolean)).toEqual([]);
	});

	it('catches what it is there to catch', () => {
		const edge = (from: string, spec: string): ImportEdge => importsOf(from, `import x from '${spec}';`)[0];
		expect(violation(edge('lib/sync/diff.ts', '../org/apply'))).toMatch(/lib\/sync may import only/);
		expect(violation(edge('lib/plan/parse.ts', '../sync/types'))).toMatch(/lib\/plan may import only/);
		expect(violation(edge('lib/salesforce/limits.ts', '../plan/types'))).toMatch(/lib\/salesforce may import only/);
		expect(violation(edge('lib/publish.ts', 'n8n-workflow'))).toMatch(/the engine knows no n8n/);
		expect(violation(edge('lib/org/apply.ts', 'n8n-core'))).toMatch(/the engine knows no n8n/);
		expect(violation(edge('sandbox/server.ts', '../lib/plan/keys'))).toMatch(/sandbox may import only sandbox/);
		expect(violation(edge('sandbox/http/auth.ts', 'jsforce'))).toMatch(/not a client/);
		expect(violation(edge('lib/publish.ts', '../nodes/shared/errors'))).toMatch(/nothing outside lib/);
		expect(violation(edge('nodes/shared/methods.ts', '../../lib/org/connect'))).toMatch(/nodes may import only/);
		expect(violation(edge('lib/sync/diff.ts', 'jsforce'))).toMatch(/lib\/sync may not use/);
		expect(violation(edge('lib/coded-error.ts', './plan/types'))).toMatch(/lib\/coded-error may import only/);
		// Type-only and dynamic imports count too.
		expect(importsOf('lib/sync/diff.ts', "import type { A } from '../org/apply'; const m = import('../org/x');").map((e) => e.target)).toEqual([
			'lib/org/apply',
			'lib/org/x',
		]);
		// Allowed edges stay allowed.
		expect(violation(edge('lib/org/apply.ts', '../sync/types'))).toBeNull();
		expect(violation(edge('nodes/shared/methods.ts', '../../lib'))).toBeNull();
	});
});

describe('the layers\' doors (docs/architecture.md)', () => {
	it('every layer has an index.ts and a types.ts', () => {
		for (const layer of LAYERS) {
			expect([layer, existsSync(join(ROOT, layer, 'index.ts')), existsSync(join(ROOT, layer, 'types.ts'))]).toEqual([layer, true, true]);
		}
	});

	it('files outside a layer import it only through its index.ts or types.ts', () => {
		expect(EDGES.map(doorViolation).filter(Boolean)).toEqual([]);
	});

	it('lib/org/index.ts is the door the public API goes through', () => {
		const through = EDGES.filter((e) => e.target === 'lib/org/index').map((e) => e.from);
		// plan-publish.ts reaches the org through publish.ts's preparePublish.
		expect(through).toEqual(expect.arrayContaining(['lib/publish.ts', 'lib/apply-review.ts', 'lib/import.ts', 'lib/models.ts', 'lib/options.ts']));
	});

	it('no file of lib/ re-exports with export *', () => {
		const stars = FILES.filter((f) => f.startsWith('lib/')).flatMap((f) => starExports(f, readFileSync(join(ROOT, f), 'utf8')));
		expect(stars).toEqual([]);
	});

	it('catches what it is there to catch', () => {
		const edge = (from: string, spec: string): ImportEdge => importsOf(from, `import x from '${spec}';`)[0];
		expect(doorViolation(edge('lib/publish.ts', './org/snapshot'))).toMatch(/through lib\/org/);
		expect(doorViolation(edge('lib/sync/diff.ts', '../plan/keys'))).toMatch(/through lib\/plan/);
		expect(doorViolation(edge('lib/report/html.ts', '../sync/describe'))).toMatch(/through lib\/sync/);
		expect(doorViolation(edge('lib/sync/diff.ts', '../plan/rules'))).toMatch(/through lib\/plan/);
		expect(doorViolation(edge('lib/publish.ts', './org'))).toBeNull();
		expect(doorViolation(edge('lib/sync/diff.ts', '../plan/types'))).toBeNull();
		expect(doorViolation(edge('lib/org/snapshot.ts', './soql'))).toBeNull();
		expect(starExports('lib/x.ts', "export * from './a';\nexport type * from './b';\nexport { c } from './c';")).toHaveLength(2);
	});
});

describe('the sandbox has no import cycle', () => {
	it('holds for every module under sandbox/', () => {
		expect(importCycles(EDGES, 'sandbox')).toEqual([]);
	});

	it('finds the circle the store and the rules once made, through a folder door and type-only imports', () => {
		// The tree before the store received its rules: store.ts imported RULES, every rule file the store's types.
		const before = [
			...importsOf('sandbox/store.ts', "import { RULES } from './rules'; import type { SRecord } from './contracts';"),
			...importsOf('sandbox/rules/index.ts', "import type { RuleBook } from '../store'; import { territoryRules } from './territories';"),
			...importsOf('sandbox/rules/territories.ts', "import type { ObjectRules } from '../store'; import { integrity } from './common';"),
			...importsOf('sandbox/rules/common.ts', "import type { OrgStore } from '../store';"),
		];
		expect(importCycles(before, 'sandbox')).toEqual([
			['sandbox/rules/common', 'sandbox/store', 'sandbox/rules/index', 'sandbox/rules/territories', 'sandbox/rules/common'],
		]);
		// A module importing itself is a cycle too; a chain is not.
		expect(importCycles(importsOf('sandbox/a.ts', "import './a';"), 'sandbox')).toEqual([['sandbox/a', 'sandbox/a']]);
		expect(importCycles([...importsOf('sandbox/a.ts', "import './b';"), ...importsOf('sandbox/b.ts', "import './c';")], 'sandbox')).toEqual([]);
	});
});
