/**
 * Static check: every SOQL text the engine builds (lib/, nodes/, credentials/) puts values in only through
 * the escaping helpers of lib/org/soql.ts. A template literal or a string concatenation reads as SOQL when
 * its text has SELECT, FROM or WHERE, or ends in a comparison (`= ${…}`, `IN ${…}`, `LIKE ${…}`); each
 * value it interpolates must then be a call of a helper, or one of the fragments listed below, each built
 * by code this same check covers (or a constant of API names). A new interpolation of anything else fails
 * here, naming the file, the line and the expression.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const SCANNED = ['lib', 'nodes', 'credentials'];

/** Calls that make a value safe in SOQL text: quoting, literals, IN lists, checked API names. */
const HELPERS = new Set(['soqlQuote', 'soqlLiteral', 'inList', 'assertSoqlName']);

/**
 * Interpolations that are SOQL fragments rather than values, with why each is safe. Keys are
 * "file: expression" (the expression's source text).
 */
const FRAGMENTS: Record<string, string> = {
	'lib/org/snapshot.ts: TERRITORY_FIELDS': 'a constant list of field names',
	'lib/org/snapshot.ts: GUARD_FIELDS': 'a constant list of field names (the guard\'s system fields)',
	'lib/org/snapshot.ts: inTarget': 'modelFilter(): soqlQuote of the model Id or DeveloperName (checked here)',
	'lib/org/snapshot.ts: territoryInModel': 'a template with soqlQuote(model.id) (checked here)',
	"lib/org/snapshot.ts: keyField": 'assertSoqlName(refs.accountKeyField) at the top of readSnapshot',
	"lib/org/snapshot.ts: byKey ? `, ${keyField}` : ''": 'keyField: assertSoqlName (above)',
	'lib/org/snapshot.ts: fields': 'a constant SELECT … WHERE prefix, or constant field lists (territoryQuery)',
	'lib/org/snapshot.ts: select': 'a template of keyField (assertSoqlName) and constants',
	"lib/org/snapshot.ts: conditions.join(' OR ')": 'conditions: templates of inList (checked here)',
	'lib/org/snapshot.ts: list': 'inList(keyChunks[i])',
	"lib/org/snapshot.ts: USER_KEY_FIELDS.join(', ')": 'constant User field names (lib/salesforce/users.ts)',
	'lib/org/snapshot.ts: field': 'a field name of USER_KEY_FIELDS (constants)',
	"lib/org/natural-keys.ts: fields.join(', ')": 'NATURAL_KEYS: constant field names',
	'lib/org/natural-keys.ts: f': 'a field name of NATURAL_KEYS',
	'lib/org/natural-keys.ts: object': 'an SObjectName (OBJECTS)',
	"lib/org/natural-keys.ts: conditions.join(' AND ')": 'conditions: templates of inList and EXTRA_FILTER constants (checked here)',
	'lib/org/check.ts: SHARING_FIELDS': 'a constant list of field names',
	'lib/org/check.ts: assignments': 'a template with soqlQuote(uid) (checked here)',
	'lib/org/describe.ts: SHARING_FIELDS': 'a constant list of field names',
	'lib/org/guard.ts: name': 'soqlQuote(target.developerName) (checked here)',
	'lib/org/guard.ts: modelWhere': 'a template with soqlQuote of the model Id or DeveloperName (checked here)',
	'lib/org/guard.ts: inModel': 'a template with soqlQuote of the model Id or DeveloperName (checked here)',
	'lib/org/guard.ts: territoryInModel': 'a template with soqlQuote of the model Id or DeveloperName (checked here)',
	'lib/org/guard.ts: object': 'an assignment object of ASSIGNMENTS (OBJECTS constants)',
	'lib/org/guard.ts: filter': 'a constant condition of ASSIGNMENTS (or nothing)',
};

/** Object names of lib/salesforce's OBJECTS table are constants. */
const CONSTANT = /^OBJECTS\.\w+$/;

const SOQL_TEXT = /\b(SELECT|FROM|WHERE)\b/;
// A fragment of conditions ends in an operator after a space (`Id IN ${…}`): not `?q=${…}` of a URL, nor `<${…}>` of XML.
// SOQL keywords are matched in capitals, as the engine writes them; a template with SELECT, FROM or WHERE is SOQL whatever its case elsewhere.
const COMPARISON_BEFORE_VALUE = /\s(=|!=|<>|<=|>=|<|>|IN|LIKE|INCLUDES|EXCLUDES)(\s+|\s*[('])\s*$/;

interface Finding {
	file: string;
	line: number;
	expression: string;
}

function sourceFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
		else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(full);
	}
	return out;
}

function isHelperCall(node: ts.Expression): boolean {
	let e: ts.Expression = node;
	while (ts.isParenthesizedExpression(e)) e = e.expression;
	if (!ts.isCallExpression(e)) return false;
	const callee = e.expression;
	const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
	return HELPERS.has(name);
}

/** The unsafe interpolations of one file's SOQL texts. */
function unsafeInterpolations(file: string, text: string): Finding[] {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
	const findings: Finding[] = [];
	const check = (expression: ts.Expression) => {
		if (isHelperCall(expression)) return;
		const code = expression.getText(source);
		if (CONSTANT.test(code) || `${file}: ${code}` in FRAGMENTS) return;
		findings.push({ file, line: source.getLineAndCharacterOfPosition(expression.getStart(source)).line + 1, expression: code });
	};
	const visit = (node: ts.Node) => {
		if (ts.isTemplateExpression(node)) {
			const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
			const soql = parts.some((p) => SOQL_TEXT.test(p)) || parts.slice(0, -1).some((p) => COMPARISON_BEFORE_VALUE.test(p));
			if (soql) node.templateSpans.forEach((span) => check(span.expression));
		} else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
			// 'SELECT … WHERE Id = ' + value
			const operands = [node.left, node.right];
			const literalSoql = operands.some((o) => ts.isStringLiteralLike(o) && (SOQL_TEXT.test(o.text) || COMPARISON_BEFORE_VALUE.test(o.text)));
			if (literalSoql) operands.filter((o) => !ts.isStringLiteralLike(o) && !ts.isBinaryExpression(o)).forEach(check);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return findings;
}

describe('SOQL is built only through the escaping helpers', () => {
	const files = SCANNED.flatMap((dir) => sourceFiles(path.join(ROOT, dir))).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));

	it('finds the SOQL of the snapshot reader (the check sees what it must judge)', () => {
		const text = readFileSync(path.join(ROOT, 'lib/org/snapshot.ts'), 'utf8');
		expect(text).toMatch(/SELECT Id, \$\{USER_KEY_FIELDS\.join\(', '\)\}, IsActive, Name FROM User WHERE/);
		expect(files).toContain('lib/org/soql.ts');
	});

	it('no file interpolates a value into SOQL without a helper', () => {
		const findings = files.flatMap((file) => unsafeInterpolations(file, readFileSync(path.join(ROOT, file), 'utf8')));
		expect(findings).toEqual([]);
	});

	it('every listed fragment still exists (the list cannot keep a stale exception)', () => {
		const seen = new Set<string>();
		for (const file of files) {
			const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
			const visit = (node: ts.Node) => {
				if (ts.isTemplateExpression(node)) node.templateSpans.forEach((s) => seen.add(`${file}: ${s.expression.getText(source)}`));
				ts.forEachChild(node, visit);
			};
			visit(source);
		}
		expect(Object.keys(FRAGMENTS).filter((k) => !seen.has(k))).toEqual([]);
	});

	it.each([
		['a value in a template', "const q = `SELECT Id FROM User WHERE Username = ${name}`;", 'name'],
		['a value after IN', 'const q = `Id IN (${ids.join(",")})`;', 'ids.join(",")'],
		['a value concatenated', "const q = 'SELECT Id FROM Account WHERE Name = ' + row.name;", 'row.name'],
		['a quoted value without escaping', "const q = `SELECT Id FROM Account WHERE Name = '${row.name}'`;", 'row.name'],
		['a LIKE pattern', 'const q = `Name LIKE ${pattern}`;', 'pattern'],
	])('flags %s', (_what, code, expression) => {
		expect(unsafeInterpolations('lib/example.ts', code).map((f) => f.expression)).toEqual([expression]);
	});

	it('accepts values through the helpers', () => {
		const code = 'const q = `SELECT Id FROM User WHERE Username = ${soqlQuote(name)} OR Id IN ${inList(ids)} ORDER BY ${assertSoqlName(f)}`;';
		expect(unsafeInterpolations('lib/example.ts', code)).toEqual([]);
	});
});
