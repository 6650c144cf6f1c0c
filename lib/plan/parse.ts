/**
 * parsePlan: rows (items, a sheet, a CSV file) → a validated TerritoryPlan, every problem at once.
 *
 * Long form: rows with the same Key are one territory; rows without a Key are one territory when they
 * share Territory name and Parent (as written), and join a keyed territory with that name and Parent
 * (so a sheet may give the Key on the first row only). In a merge, list columns are united (order kept,
 * duplicates dropped), an empty single-valued cell says nothing, and two different non-empty values are
 * a CONFLICTING_VALUE; a row with a Key may leave the name empty. The same Key with two different names is a
 * DUPLICATE_KEY (the later row is left out).
 * Parent is looked up by Key first (case-insensitive), then by Territory name (exact, then
 * case-insensitive); a name shared by several territories is AMBIGUOUS_PARENT.
 * Keys are generated as lib/plan/keys.ts describes.
 */
import type { IssueCode } from '../issue-codes';
import type { Criterion, PlanColumn, PlanIssue, PlanRow, PlanTerritory, PlanUser, TerritoryPlan } from './types';
import { LIMITS, territoryLimitAdvice } from '../salesforce';
import { collectHeaders, mapColumns, rowNumberOf } from './columns';
import {
	type AccessKind,
	type CellProblem,
	cellToString,
	mergeCriteria,
	mergeUsers,
	normalizeAccess,
	parseCriteria,
	parseUsers,
	splitList,
	uniqueInOrder,
} from './cells';
import { assignKeys, developerNameProblem } from './keys';
import { packRules } from './rules';

export interface ParsePlanOptions {
	/** Source header → canonical column (or an alias of one); null = ignore the column. */
	columnMap?: Record<string, string | null>;
	/** Leave columns that are not plan columns alone instead of reporting them. */
	ignoreUnknownColumns?: boolean;
	/** Territories a model may hold; LIMITS.territoriesPerModel unless Salesforce support raised it for the org. */
	maxTerritories?: number;
}

/** What one row says, before long-form rows are merged. */
interface RowData {
	row: number;
	name: string;
	key: string | null;
	parent: string;
	type: string;
	description: string;
	accountAccess: string;
	opportunityAccess: string;
	caseAccess: string;
	forecastManager: string;
	postalCodes: string[];
	countries: string[];
	states: string[];
	criteria: Criterion[];
	users: PlanUser[];
	accounts: string[];
}

type SingleField = 'parent' | 'type' | 'description' | 'accountAccess' | 'opportunityAccess' | 'caseAccess' | 'forecastManager';
const SINGLE_FIELDS: [SingleField, PlanColumn][] = [
	['parent', 'Parent'],
	['type', 'Type'],
	['description', 'Description'],
	['accountAccess', 'Account Access'],
	['opportunityAccess', 'Opportunity Access'],
	['caseAccess', 'Case Access'],
	['forecastManager', 'Forecast Manager'],
];
const ACCESS_COLUMNS: [SingleField & ('accountAccess' | 'opportunityAccess' | 'caseAccess'), PlanColumn, AccessKind][] = [
	['accountAccess', 'Account Access', 'account'],
	['opportunityAccess', 'Opportunity Access', 'opportunity'],
	['caseAccess', 'Case Access', 'case'],
];

function issue(row: number, column: string | null, value: string | null, code: IssueCode, message: string): PlanIssue {
	const where = row > 0 ? `Row ${row}${column ? `, ${column}` : ''}: ` : '';
	return { row, column, value, code, message: `${where}${message}` };
}

function readRow(cells: (c: PlanColumn) => string, row: number, issues: PlanIssue[]): RowData {
	const problem = (column: PlanColumn) => (p: CellProblem) => issues.push(issue(row, column, p.value, p.code, p.message));
	const name = cells('Territory');
	const keyText = cells('Key');
	if (name.length > LIMITS.nameLength) {
		issues.push(issue(row, 'Territory', name, 'NAME_TOO_LONG', `the name is ${name.length} characters; Salesforce allows ${LIMITS.nameLength}.`));
	}
	if (keyText !== '') {
		const why = developerNameProblem(keyText);
		if (why) {
			issues.push(
				issue(row, 'Key', keyText, 'INVALID_KEY', `"${keyText}" is not a valid DeveloperName: it ${why}. Keys use letters, digits and single underscores, start with a letter and have at most ${LIMITS.developerNameLength} characters.`),
			);
		}
	}
	const description = cells('Description');
	// The column is Territory2.Description (1,000 characters); models and types allow 255, not this one.
	if (description.length > LIMITS.territoryDescriptionLength) {
		issues.push(
			issue(row, 'Description', description.slice(0, 40), 'DESCRIPTION_TOO_LONG', `the description is ${description.length} characters; Salesforce allows ${LIMITS.territoryDescriptionLength} for a territory.`),
		);
	}
	const data: RowData = {
		row,
		name,
		key: keyText === '' ? null : keyText,
		parent: cells('Parent'),
		type: cells('Type'),
		description,
		accountAccess: '',
		opportunityAccess: '',
		caseAccess: '',
		forecastManager: cells('Forecast Manager'),
		postalCodes: [],
		countries: splitList(cells('Countries')),
		states: splitList(cells('States')),
		criteria: [],
		users: [],
		accounts: splitList(cells('Accounts')),
	};
	for (const [field, column, kind] of ACCESS_COLUMNS) {
		const text = cells(column);
		if (text === '') continue;
		const value = normalizeAccess(kind, text);
		if (value === null) {
			const allowed = kind === 'account' ? 'Read, Edit, All (or Read Only, Read/Write, Owner)' : 'None, Read, Edit (or Private, Read Only, Read/Write)';
			issues.push(issue(row, column, text, 'INVALID_ACCESS', `"${text}" is not an access level; use ${allowed}.`));
		} else data[field] = value;
	}
	for (const code of splitList(cells('Postal Codes'))) {
		if (/\*(?!\**$)/.test(code) || /^\*+$/.test(code)) {
			issues.push(issue(row, 'Postal Codes', code, 'INVALID_POSTAL_CODE', `"${code}": a "*" may only end a postal code prefix, as in 940*.`));
		} else data.postalCodes.push(code.replace(/\*+$/, '*'));
	}
	const criteria = parseCriteria(cells('Criteria'));
	data.criteria = criteria.criteria;
	criteria.problems.forEach(problem('Criteria'));
	const usersText = cells('Users');
	// "ana@x ()" reads as no role, which would clear a role the org holds: most likely a template whose role
	// came out empty, so it is asked about rather than guessed.
	// The user is what precedes each "()" back to a separator, scanned back from the "()" (a pattern that
	// tried every start took seconds on a 100,000-character cell, long enough for the org's session to fail).
	for (const m of usersText.matchAll(/\(\s*\)/g)) {
		let start = m.index;
		while (start > 0 && !';,\r\n()'.includes(usersText[start - 1])) start--;
		const user = usersText.slice(start, m.index).trim();
		if (user === '') continue; // no user before it: parseUsers reports the entry (INVALID_USER)
		const entry = usersText.slice(start, m.index + m[0].length).trim();
		issues.push(issue(row, 'Users', entry, 'EMPTY_ROLE', `"${entry}" has an empty role in parentheses; write "${user}" for no role, or the role between the parentheses.`));
	}
	const users = parseUsers(usersText);
	users.problems.forEach(problem('Users'));
	mergeUsers(data.users, users.users).forEach(problem('Users'));
	return data;
}

function mergeRow(into: RowData, more: RowData, issues: PlanIssue[]): void {
	for (const [field, column] of SINGLE_FIELDS) {
		const a = into[field];
		const b = more[field];
		if (b === '' || a === b) continue;
		if (a === '') into[field] = b;
		else {
			issues.push(
				issue(more.row, column, b, 'CONFLICTING_VALUE', `"${b}" disagrees with "${a}" on row ${into.row} for the same territory; rows of one territory may repeat a value or leave it empty.`),
			);
		}
	}
	into.postalCodes = uniqueInOrder([...into.postalCodes, ...more.postalCodes]);
	into.countries = uniqueInOrder([...into.countries, ...more.countries]);
	into.states = uniqueInOrder([...into.states, ...more.states]);
	into.accounts = uniqueInOrder([...into.accounts, ...more.accounts]);
	mergeCriteria(into.criteria, more.criteria);
	for (const p of mergeUsers(into.users, more.users)) issues.push(issue(more.row, 'Users', p.value, p.code, p.message));
}

/** What a stage of parsePlan hands on: its value, and the problems it found (kept in stage order). */
interface Stage<T> {
	value: T;
	issues: PlanIssue[];
}

/** The plan's columns as the rows name them: source header ↔ canonical column. */
interface Table {
	mapping: ReturnType<typeof mapColumns>;
	headerOf: Map<PlanColumn, string>;
}

/** The rows of one territory, merged (long form). */
interface Group {
	data: RowData;
	rows: number[];
}

/**
 * Where each group hangs: `parents[i]` is the index of group i's parent, null at the top; a Parent that
 * names no territory of the plan is kept in `orgParentKeys[i]` (perhaps an org territory's key).
 */
interface Hierarchy {
	parents: (number | null)[];
	orgParentKeys: (string | null)[];
}

/**
 * parsePlan as named stages, each taking what the one before returned: rows → their shape → the
 * columns → territories (groups of rows) → their parents → keys → PlanTerritory values → rules and the
 * model's size. Every stage returns its problems beside its value, so that all of them are reported at once.
 */
export function parsePlan(rows: PlanRow[], options: ParsePlanOptions = {}): TerritoryPlan {
	const issues: PlanIssue[] = [];
	const take = <T>(stage: Stage<T>): T => {
		issues.push(...stage.issues);
		return stage.value;
	};
	issues.push(...checkRowShapes(rows));
	const table = take(readColumns(rows, options));
	const groups = take(groupRows(rows, table));
	issues.push(...checkNames(groups, table), ...checkKeyCase(groups));
	const hierarchy = take(resolveParents(groups));
	const parents = take(breakCycles(groups, hierarchy.parents));
	const keys = assignKeys(groups.map((g, i) => ({ path: pathOf(groups, parents, i), explicitKey: g.data.key })));
	issues.push(...checkDuplicateTerritories(groups, parents, keys));
	const territories = take(buildTerritories(groups, { parents, orgParentKeys: hierarchy.orgParentKeys }, keys, table.headerOf.has('Users')));
	issues.push(...checkRules(territories), ...checkTerritoryCount(territories, options.maxTerritories ?? LIMITS.territoriesPerModel));
	return { territories, columns: table.mapping.present, issues };
}

/** Rows that are not objects of cells (null, a string, a list): an upstream mistake, reported and skipped. */
function checkRowShapes(rows: PlanRow[]): PlanIssue[] {
	const issues: PlanIssue[] = [];
	rows.forEach((source, index) => {
		if (isRowObject(source)) return;
		const what = source === null ? 'null' : Array.isArray(source) ? 'a list' : `a ${typeof source}`;
		issues.push(issue(index + 2, null, null, 'INVALID_ROW', `the row is ${what}, not a row of named cells; nothing of it was read.`));
	});
	return issues;
}

/** The headers of the rows mapped to plan columns (options.columnMap, aliases); a plan needs a Territory column. */
function readColumns(rows: PlanRow[], options: ParsePlanOptions): Stage<Table> {
	const mapping = mapColumns(collectHeaders(rows.filter(isRowObject)), options.columnMap, options.ignoreUnknownColumns ?? false);
	const issues = [...mapping.issues];
	const headerOf = new Map<PlanColumn, string>();
	for (const [header, column] of mapping.columns) headerOf.set(column, header);
	if (!headerOf.has('Territory') && rows.some(isRowObject)) {
		issues.push(issue(1, 'Territory', null, 'MISSING_COLUMN', 'The plan has no Territory column (the territory names); map one of its columns to Territory.'));
	}
	return { value: { mapping, headerOf }, issues };
}

/**
 * Every row read, and rows of one territory merged: the same Key, or (without a Key) the same name and
 * Parent as written; a keyless row with the name and parent of one keyed territory adds to it.
 */
function groupRows(rows: PlanRow[], { mapping, headerOf }: Table): Stage<Group[]> {
	const issues: PlanIssue[] = [];
	const groups: Group[] = [];
	const groupOf = new Map<string, number>();
	/** Name + parent as written → the keyed territory with them (null when several). */
	const keyedByName = new Map<string, number | null>();
	rows.forEach((source, index) => {
		if (!isRowObject(source)) return;
		const row = rowNumberOf(source, index);
		for (const [header, column] of mapping.columns) {
			const what = unreadableCell(source[header]);
			if (what !== null) issues.push(issue(row, column, String(source[header]), 'INVALID_CELL', `the cell holds ${what}, not a value; write the value as text.`));
		}
		if (Object.values(source).every((v) => cellToString(v) === '')) return;
		const cells = (c: PlanColumn) => {
			const header = headerOf.get(c);
			return header === undefined ? '' : cellToString(source[header]);
		};
		const data = readRow(cells, row, issues);
		const identity = data.key !== null ? `k\u0000${data.key}` : data.name !== '' ? `n\u0000${data.name}\u0000${data.parent}` : null;
		let existing = identity === null ? undefined : groupOf.get(identity);
		// A keyless row with the name and parent of one keyed territory adds to it (Key on the first row only).
		if (existing === undefined && data.key === null && identity !== null) existing = keyedByName.get(identity) ?? undefined;
		if (existing === undefined) {
			if (identity !== null) groupOf.set(identity, groups.length);
			if (data.key !== null && data.name !== '') {
				const byName = `n\u0000${data.name}\u0000${data.parent}`;
				keyedByName.set(byName, keyedByName.has(byName) ? null : groups.length);
			}
			groups.push({ data, rows: [row] });
			return;
		}
		const group = groups[existing];
		// A long-form row may leave the name empty: its Key says which territory it adds to.
		if (group.data.name === '') group.data.name = data.name;
		else if (data.name !== '' && data.name !== group.data.name) {
			issues.push(
				issue(row, 'Key', data.key, 'DUPLICATE_KEY', `Key "${data.key}" is already the key of "${group.data.name}" (row ${group.data.row}); each territory needs its own key.`),
			);
			return;
		}
		group.rows.push(row);
		mergeRow(group.data, data, issues);
	});
	return { value: groups, issues };
}

/** A territory without a name (only asked when the plan has a Territory column: else MISSING_COLUMN said it). */
function checkNames(groups: Group[], { headerOf }: Table): PlanIssue[] {
	if (!headerOf.has('Territory')) return [];
	return groups.filter((g) => g.data.name === '').map((g) => issue(g.data.row, 'Territory', null, 'MISSING_NAME', 'the territory has no name.'));
}

/** Keys that differ only in case: Salesforce treats them as one DeveloperName. */
function checkKeyCase(groups: Group[]): PlanIssue[] {
	const issues: PlanIssue[] = [];
	const firstOfKey = new Map<string, Group>();
	for (const g of groups) {
		if (g.data.key === null) continue;
		const other = firstOfKey.get(g.data.key.toLowerCase());
		if (other) {
			issues.push(
				issue(g.data.row, 'Key', g.data.key, 'KEY_CASE_COLLISION', `Key "${g.data.key}" differs from "${other.data.key}" (row ${other.data.row}) only in case; Salesforce treats them as the same DeveloperName.`),
			);
		} else firstOfKey.set(g.data.key.toLowerCase(), g);
	}
	return issues;
}

/** Parent lookups: by Key (case-insensitive), then by name (exact, then case-insensitive). */
function resolveParents(groups: Group[]): Stage<Hierarchy> {
	const issues: PlanIssue[] = [];
	const parents = groups.map((): number | null => null);
	const orgParentKeys = groups.map((): string | null => null);
	const byKey = new Map<string, number[]>();
	const byName = new Map<string, number[]>();
	const byNameCi = new Map<string, number[]>();
	const add = (m: Map<string, number[]>, k: string, i: number) => {
		const list = m.get(k);
		if (list) list.push(i);
		else m.set(k, [i]);
	};
	groups.forEach((g, i) => {
		if (g.data.key !== null) add(byKey, g.data.key.toLowerCase(), i);
		if (g.data.name !== '') {
			add(byName, g.data.name, i);
			add(byNameCi, g.data.name.toLowerCase(), i);
		}
	});
	groups.forEach((g, at) => {
		const ref = g.data.parent;
		if (ref === '') return;
		const keyed = byKey.get(ref.toLowerCase());
		if (keyed) {
			parents[at] = keyed.find((i) => groups[i].data.key === ref) ?? keyed[0];
			return;
		}
		const named = byName.get(ref) ?? byNameCi.get(ref.toLowerCase()) ?? [];
		if (named.length === 1) parents[at] = named[0];
		else if (named.length > 1) {
			const rows = named.map((i) => groups[i].data.row).join(', ');
			issues.push(issue(g.data.row, 'Parent', ref, 'AMBIGUOUS_PARENT', `"${ref}" is the name of several territories (rows ${rows}); give the parent's Key instead.`));
		} else {
			// It may be a territory that exists only in the org: the plan keeps the reference as a key, and
			// publish drops this issue when the org's snapshot has that key in scope (diff is the judge there).
			issues.push(issue(g.data.row, 'Parent', ref, 'UNKNOWN_PARENT', `no territory of the plan has the Key or name "${ref}".`));
			orgParentKeys[at] = ref;
		}
	});
	return { value: { parents, orgParentKeys }, issues };
}

/** Reports every territory on a parent cycle and cuts the cycle there, so that paths stay finite. */
function breakCycles(groups: Group[], resolved: readonly (number | null)[]): Stage<(number | null)[]> {
	const issues: PlanIssue[] = [];
	const parents = [...resolved];
	const state = new Array<number>(groups.length).fill(0); // 0 new, 1 on the current walk, 2 done
	for (let start = 0; start < groups.length; start++) {
		const walk: number[] = [];
		let i: number | null = start;
		while (i !== null && state[i] === 0) {
			state[i] = 1;
			walk.push(i);
			i = parents[i];
		}
		if (i !== null && state[i] === 1) {
			const cycle = walk.slice(walk.indexOf(i));
			const names = cycle.map((c) => `"${groups[c].data.name}"`).join(' → ');
			for (const c of [...cycle].sort((a, b) => groups[a].data.row - groups[b].data.row)) {
				issues.push(issue(groups[c].data.row, 'Parent', groups[c].data.parent, 'PARENT_CYCLE', `territories ${names} are each other's ancestors; a hierarchy cannot loop.`));
			}
			parents[cycle[0]] = null;
		}
		for (const w of walk) state[w] = 2;
	}
	return { value: parents, issues };
}

function pathOf(groups: Group[], parents: readonly (number | null)[], i: number): string[] {
	const path: string[] = [];
	for (let g: number | null = i; g !== null; g = parents[g]) path.unshift(groups[g].data.name);
	return path;
}

/** Keyless territories of one name under one parent, written differently (so they did not merge). */
function checkDuplicateTerritories(groups: Group[], parents: readonly (number | null)[], keys: readonly string[]): PlanIssue[] {
	const issues: PlanIssue[] = [];
	const seenKeyless = new Map<string, Group>();
	groups.forEach((g, i) => {
		if (g.data.key !== null || g.data.name === '') return;
		const parent = parents[i];
		const id = `${g.data.name}\u0000${parent === null ? '' : keys[parent]}`;
		const other = seenKeyless.get(id);
		if (other) {
			issues.push(
				issue(g.data.row, 'Territory', g.data.name, 'DUPLICATE_TERRITORY', `"${g.data.name}" appears twice under the same parent (rows ${other.data.row} and ${g.data.row}) with the parent written differently; write the Parent the same way, or give each a Key.`),
			);
		} else seenKeyless.set(id, g);
	});
	return issues;
}

/** The groups as PlanTerritory values; a Forecast Manager must be one of the territory's Users (when the plan manages them). */
function buildTerritories(groups: Group[], { parents, orgParentKeys }: Hierarchy, keys: readonly string[], usersManaged: boolean): Stage<PlanTerritory[]> {
	const issues: PlanIssue[] = [];
	const territories = groups.map((g, i): PlanTerritory => {
		const d = g.data;
		let forecastManager: string | null = d.forecastManager === '' ? null : d.forecastManager;
		if (forecastManager !== null && usersManaged) {
			const user = d.users.find((u) => u.ref.toLowerCase() === forecastManager!.toLowerCase());
			if (user) forecastManager = user.ref;
			else {
				issues.push(
					issue(d.row, 'Forecast Manager', forecastManager, 'FORECAST_MANAGER_NOT_USER', `"${forecastManager}" is not among the territory's Users; Salesforce requires the forecast manager to be assigned to the territory.`),
				);
			}
		}
		const parent = parents[i];
		return {
			row: d.row,
			rows: g.rows,
			name: d.name,
			key: keys[i],
			keyGenerated: d.key === null,
			parentKey: parent === null ? orgParentKeys[i] : keys[parent],
			type: d.type || null,
			description: d.description || null,
			accountAccess: d.accountAccess || null,
			opportunityAccess: d.opportunityAccess || null,
			caseAccess: d.caseAccess || null,
			postalCodes: exactList(d.postalCodes),
			countries: exactList(d.countries),
			states: exactList(d.states),
			criteria: exactList(d.criteria),
			users: exactList(d.users),
			forecastManager,
			accounts: exactList(d.accounts),
		};
	});
	return { value: territories, issues };
}

/**
 * A list in an array of its own length. Rows are read into lists grown by push, which reserve 17 slots
 * (184 bytes for one postal code or user); the plan keeps six lists per territory for the whole publish.
 */
function exactList<T>(list: T[]): T[] {
	return list.length === 0 ? [] : list.slice();
}

/** Each territory's rules packed (what cannot be packed is a problem), and no rule name used by two territories. */
function checkRules(territories: PlanTerritory[]): PlanIssue[] {
	const issues: PlanIssue[] = [];
	const ruleOwner = new Map<string, PlanTerritory>();
	for (const t of territories) {
		const packed = packRules(t);
		issues.push(...packed.issues.map((p) => ({ ...p, message: p.message.startsWith('Row ') ? p.message : `Row ${p.row}: ${p.message}` })));
		for (const r of packed.rules) {
			const other = ruleOwner.get(r.developerName.toLowerCase());
			if (other && other !== t) {
				issues.push(
					issue(t.row, 'Key', t.key, 'RULE_NAME_COLLISION', `the rule name ${r.developerName} of "${t.name}" is also a rule name of "${other.name}" (row ${other.row}); change one of the keys.`),
				);
			} else ruleOwner.set(r.developerName.toLowerCase(), t);
		}
	}
	return issues;
}

function checkTerritoryCount(territories: PlanTerritory[], max: number): PlanIssue[] {
	if (territories.length <= max) return [];
	return [issue(0, null, String(territories.length), 'TOO_MANY_TERRITORIES', `The plan has ${territories.length} territories; a model holds at most ${territoryLimitAdvice(max)}`)];
}

/** A row is an object of cells; anything else (null, a string, an array) is an upstream mistake. */
function isRowObject(row: unknown): row is PlanRow {
	return typeof row === 'object' && row !== null && !Array.isArray(row);
}

/**
 * Cells that hold no usable text although they are not empty: an invalid Date (what a spreadsheet
 * reader gives for a date it cannot read) or a non-finite number. Read as empty, they would silently
 * drop the value, or the whole row when it is the only cell.
 */
function unreadableCell(value: unknown): string | null {
	if (value instanceof Date && Number.isNaN(value.getTime())) return 'an invalid date';
	if (typeof value === 'number' && !Number.isFinite(value)) return `the number ${value}`;
	// A formula that failed, as a sheet saved as CSV (or read by a sheet node) writes it: never a name.
	if (typeof value === 'string' && SPREADSHEET_ERROR.test(value.trim())) return `the spreadsheet error ${value.trim()} (a formula that failed)`;
	// Nested JSON from an upstream node: its text would be published as a name or a list.
	if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)) return 'an object';
	return null;
}

/** Excel's and Google Sheets' error values (Excel: "How to correct a #… error"). */
const SPREADSHEET_ERROR = /^#(?:REF!|N\/A|NAME\?|VALUE!|DIV\/0!|NUM!|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|GETTING_DATA|UNKNOWN!|ERROR!)$/i;
