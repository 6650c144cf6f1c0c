/**
 * Dead exports in lib/: exported names that no file of the project imports. Run with
 * `npx ts-node --transpile-only scripts/dead-exports.ts`; prints one `file: name` a line, exits 1 when any.
 *
 * The compiler resolves every import (tests, nodes, bench, scripts and demo count as importers). A re-export
 * in a door (a layer's index.ts, lib/plan/rules/index.ts) is not a use by itself: it is alive only when someone
 * imports the name through it. Everything lib/index.ts exports is the public API (index.js) and alive.
 * `import * as x` and `import('…')` keep every export of their module alive (the names are not followed).
 * A type that the signature of a used export names stays exported: a caller may need to write it down.
 */
import { resolve } from 'path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');

/** Exports kept although nothing imports them, each for a reason. */
const KEPT: Record<string, string> = {
	'lib/salesforce/users.ts: USER_REFERENCE_KINDS': 'the one written list of user reference kinds, which plan/types.ts, sync/match.ts and publish.ts point to',
	'lib/salesforce/index.ts: USER_REFERENCE_KINDS': 'the same, through the ground floor\'s door',
};

export function deadExports(root: string = ROOT): string[] {
	const publicApi = resolve(root, 'lib/index.ts');
	const config = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
	if (!config) throw new Error('tsconfig.json could not be read');
	const program = ts.createProgram(config.fileNames, config.options);
	const checker = program.getTypeChecker();
	const ours = program.getSourceFiles().filter((f) => !f.isDeclarationFile && f.fileName.startsWith(root) && !f.fileName.includes('node_modules'));
	const used = new Set<ts.Symbol>();
	const wholeModules = new Set<string>();

	/** Marks the alias, every alias it passes through (door entries) and the declaration it ends at. */
	const use = (symbol: ts.Symbol | undefined) => {
		let s = symbol;
		for (let hops = 0; s && hops < 20; hops++) {
			used.add(s);
			if (!(s.flags & ts.SymbolFlags.Alias)) return;
			const next = checker.getImmediateAliasedSymbol(s);
			if (!next || next === s) return;
			s = next;
		}
	};
	const moduleFile = (from: ts.SourceFile, spec: ts.Expression) => {
		if (!ts.isStringLiteral(spec)) return undefined;
		return ts.resolveModuleName(spec.text, from.fileName, config.options, ts.sys).resolvedModule?.resolvedFileName;
	};

	for (const file of ours) {
		const isPublicApi = file.fileName === publicApi;
		const visit = (node: ts.Node) => {
			if (ts.isImportDeclaration(node) && node.importClause) {
				const clause = node.importClause;
				if (clause.name) use(checker.getSymbolAtLocation(clause.name));
				const bindings = clause.namedBindings;
				if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) use(checker.getSymbolAtLocation(el.name));
				if (bindings && ts.isNamespaceImport(bindings)) {
					const target = moduleFile(file, node.moduleSpecifier);
					if (target) wholeModules.add(target);
				}
			} else if (ts.isExportDeclaration(node) && isPublicApi) {
				// The public API: what it exports is used by the package's users.
				if (node.exportClause && ts.isNamedExports(node.exportClause)) for (const el of node.exportClause.elements) use(checker.getSymbolAtLocation(el.name));
				else if (node.moduleSpecifier) {
					const target = moduleFile(file, node.moduleSpecifier);
					if (target) wholeModules.add(target);
				}
			} else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
				const target = moduleFile(file, node.arguments[0]);
				if (target) wholeModules.add(target);
			}
			ts.forEachChild(node, visit);
		};
		visit(file);
	}

	const libFiles = ours.filter((f) => f.fileName.startsWith(resolve(root, 'lib') + '/') && f.fileName !== publicApi && !wholeModules.has(f.fileName));
	const exportsOf = (file: ts.SourceFile) => {
		const moduleSymbol = checker.getSymbolAtLocation(file);
		return moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
	};
	// A type a used export's signature names stays exported: a caller may need to write it down.
	const named = new Set<ts.Symbol>();
	for (const file of libFiles) {
		for (const exported of exportsOf(file)) {
			if (!used.has(exported) || exported.flags & ts.SymbolFlags.Alias) continue;
			const visit = (node: ts.Node) => {
				if (ts.isTypeReferenceNode(node)) {
					const target = checker.getSymbolAtLocation(node.typeName);
					if (target && target !== exported) named.add(target.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(target) : target);
				}
				ts.forEachChild(node, visit);
			};
			for (const d of exported.declarations ?? []) visit(d);
		}
	}
	const dead: string[] = [];
	for (const file of libFiles) {
		const rel = file.fileName.slice(root.length + 1);
		for (const exported of exportsOf(file)) {
			// A door's entry (a re-export) is an alias of its own, alive only when an import passed through it.
			const original = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
			const line = `${rel}: ${exported.name}`;
			if (!used.has(exported) && !named.has(original) && !(line in KEPT)) dead.push(line);
		}
	}
	return dead.sort();
}

if (require.main === module) {
	const dead = deadExports();
	for (const line of dead) console.log(line);
	console.log(`${dead.length} dead export(s)`);
	process.exitCode = dead.length > 0 ? 1 : 0;
}
