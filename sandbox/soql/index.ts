/**
 * The sandbox org's SOQL engine. It answers the subset of SOQL that the node and its tests use,
 * shaped as the REST API answers, and refuses everything else with a clear MALFORMED_QUERY rather
 * than a wrong answer.
 *
 * Supported:
 * - SELECT lists of fields, parent paths of any depth (`Territory2Type.DeveloperName`,
 *   `ParentTerritory2.Territory2Type.Priority`), one level of child subqueries
 *   (`(SELECT Id FROM UserTerritory2Associations WHERE ... ORDER BY ... LIMIT n)`), `COUNT()` alone,
 *   and aggregate functions `COUNT(field)`, `MAX(field)`, `MIN(field)` without GROUP BY (one
 *   AggregateResult row; each function's key is its alias, or `expr`i for the i-th one without an
 *   alias, counted from 0: SOQL and SOSL Reference, "Using Aliases with GROUP BY"; MAX and MIN of no
 *   rows are null).
 * - FROM one object, optionally aliased (`FROM Territory2 t` with `t.Name`).
 * - WHERE with = != <> < > <= >= IN, NOT IN, LIKE (% and _, case-insensitive, \% \_ literal),
 *   AND, OR, NOT, parentheses (AND/OR not mixed without parentheses, as in SOQL), null, booleans,
 *   numbers, date and datetime literals, TODAY / YESTERDAY / TOMORROW / LAST_N_DAYS:n /
 *   NEXT_N_DAYS:n (UTC), string escapes (\' \" \\ \n \r \t \b \f), and semi/anti-joins
 *   `Id IN (SELECT UserId FROM ...)`. Text compares case-insensitively; Ids compare on their
 *   15-character form, so 15- and 18-character Ids both match. `!=` and NOT IN include nulls.
 * - ORDER BY several fields or parent paths, ASC/DESC, NULLS FIRST/LAST (default: nulls first
 *   ascending, last descending), LIMIT, OFFSET (at most 2,000, NUMBER_OUTSIDE_VALID_RANGE above).
 * - Records with `IsDeleted = true` are hidden unless `includeDeleted` (queryAll).
 * Not supported (MALFORMED_QUERY naming the feature): GROUP BY, HAVING, TYPEOF, functions other
 * than COUNT, MAX and MIN, INCLUDES/EXCLUDES, other relative date literals, FOR VIEW/UPDATE, WITH, USING SCOPE.
 * Unconfirmed choices: selecting a field twice is refused ("duplicate field selected").
 */
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { SalesforceError, type ObjectMeta, type QuerySource, type SRecord } from '../contracts';
import {
	fromParseError,
	invalidField,
	invalidType,
	malformedQuery,
	notQueryable,
	unknownChildRelationship,
	unsupported,
} from './errors';
import { type ResolvedPath, followHops, readPath, resolvePath } from './paths';
import { categoryOf, idKey, isNullish, orderValues } from './values';
import { type Predicate, type RawQuery, compileWhere } from './where';

/** Salesforce refuses larger OFFSETs. */
const MAX_OFFSET = 2000;

export interface QueryOptions {
	/** API version of the request, "vNN.N" or "NN.N", used in record URLs. */
	version: string;
	includeDeleted?: boolean;
}

export interface QueryResult {
	totalSize: number;
	records: Record<string, unknown>[];
}

/** A plain query result plus the flat column paths, for Bulk API 2.0 CSV output. */
export interface FlatQueryResult extends QueryResult {
	object: string;
	/** One entry per selected field, canonical segments, e.g. ["Territory2Type", "DeveloperName"]. */
	columns: string[][];
}

interface Aggregate {
	fn: 'COUNT' | 'MAX' | 'MIN';
	path: ResolvedPath;
	key: string;
}

const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set(['COUNT', 'MAX', 'MIN']);

/** Field types MAX and MIN take. */
const ORDERED_TYPES: ReadonlySet<string> = new Set(['int', 'double', 'date', 'datetime', 'string', 'email', 'picklist']);

type SelectItem =
	| { kind: 'field'; path: ResolvedPath }
	| { kind: 'child'; relationshipName: string; field: string; plan: Plan };

interface SortKey {
	path: ResolvedPath;
	descending: boolean;
	nullsFirst: boolean;
}

interface Plan {
	meta: ObjectMeta;
	items: SelectItem[];
	/** COUNT() alone: the number of rows, no records. */
	count?: { kind: 'rows' };
	/** Aggregate functions of fields (no GROUP BY): one AggregateResult row. */
	aggregates?: Aggregate[];
	predicate: Predicate;
	sort: SortKey[];
	limit?: number;
	offset?: number;
}

interface Context {
	soql: string;
	source: QuerySource;
	version: string;
	includeDeleted: boolean;
}

// Parser output is loosely typed; these are the members the engine reads.
interface RawField {
	type: string;
	field?: string;
	relationships?: string[];
	objectPrefix?: string;
	functionName?: string;
	parameters?: unknown[];
	alias?: string;
	rawValue?: string;
	subquery?: RawQuery & { relationshipName: string };
}
interface RawOrderBy {
	field?: string;
	fn?: unknown;
	order?: string;
	nulls?: string;
}

function parse(soql: string): RawQuery {
	try {
		return parseQuery(soql) as unknown as RawQuery;
	} catch (error) {
		throw fromParseError(soql, error);
	}
}

function compilePlan(ctx: Context, query: RawQuery, meta: ObjectMeta, isSubquery: boolean): Plan {
	const { soql, source } = ctx;
	for (const clause of ['groupBy', 'having', 'for', 'update', 'withDataCategory', 'usingScope', 'withSecurityEnforced', 'withAccessLevel']) {
		if (query[clause] !== undefined && query[clause] !== false) throw unsupported(soql, clause);
	}
	const alias = query.sObjectAlias as string | undefined;
	const fields = (query.fields ?? []) as RawField[];
	const items: SelectItem[] = [];
	let count: Plan['count'];
	const aggregates: Aggregate[] = [];
	const seen = new Set<string>();
	for (const raw of fields) {
		if (raw.type === 'Field' || raw.type === 'FieldRelationship') {
			const text = raw.type === 'Field' ? (raw.field as string) : (raw.rawValue ?? [...(raw.relationships ?? []), raw.field].join('.'));
			const path = resolvePath(soql, source, meta, text, alias);
			const key = path.segments.join('.').toLowerCase();
			if (seen.has(key)) throw malformedQuery(soql, `duplicate field selected: ${path.segments.join('.')}`, text);
			seen.add(key);
			items.push({ kind: 'field', path });
		} else if (raw.type === 'FieldSubquery' && raw.subquery) {
			if (isSubquery) throw malformedQuery(soql, 'Nesting of semi join sub-selects is not supported', '(');
			items.push(compileChild(ctx, raw.subquery, meta));
		} else if (raw.type === 'FieldFunctionExpression' && AGGREGATE_FUNCTIONS.has(raw.functionName?.toUpperCase() ?? '')) {
			const fn = raw.functionName!.toUpperCase() as Aggregate['fn'];
			const params = raw.parameters ?? [];
			if (params.length === 0 && fn === 'COUNT') {
				count = { kind: 'rows' };
			} else if (params.length === 1 && typeof params[0] === 'string') {
				const key = raw.alias ?? `expr${aggregates.filter((a) => a.key.startsWith('expr')).length}`;
				const path = resolvePath(soql, source, meta, params[0], alias);
				// MAX and MIN order values: numbers, dates, datetimes and text, not Ids, booleans or long text.
				if (fn !== 'COUNT' && !ORDERED_TYPES.has(path.field.type)) {
					throw invalidField(soql, params[0], `field ${path.field.name} does not support aggregate operator ${fn}`);
				}
				aggregates.push({ fn, path, key });
			} else {
				throw unsupported(soql, `nested functions in ${fn}`);
			}
		} else {
			throw unsupported(soql, raw.rawValue ?? raw.functionName ?? raw.type);
		}
	}
	if (count && fields.length > 1) throw malformedQuery(soql, 'COUNT() can only be used alone', 'COUNT');
	if (aggregates.length && items.length) throw malformedQuery(soql, 'field must be grouped or aggregated', items[0].kind === 'field' ? items[0].path.segments.join('.') : 'SELECT');
	if (!count && !aggregates.length && items.length === 0) throw malformedQuery(soql, "unexpected token: 'FROM'", 'FROM');

	const predicate = compileWhere(query.where, {
		soql,
		source,
		meta,
		alias,
		semiJoin: (inner) => semiJoinValues(ctx, inner),
	});
	const orderBy = (query.orderBy === undefined ? [] : Array.isArray(query.orderBy) ? query.orderBy : [query.orderBy]) as RawOrderBy[];
	const sort = orderBy.map((o): SortKey => {
		if (o.field === undefined) throw unsupported(soql, 'functions in ORDER BY');
		const descending = o.order?.toUpperCase() === 'DESC';
		const nulls = o.nulls?.toUpperCase();
		return {
			path: resolvePath(soql, source, meta, o.field, alias),
			descending,
			nullsFirst: nulls ? nulls === 'FIRST' : !descending,
		};
	});
	const offset = query.offset as number | undefined;
	if (offset !== undefined && offset > MAX_OFFSET) {
		throw new SalesforceError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
	}
	return {
		meta,
		items,
		count,
		...(aggregates.length ? { aggregates } : {}),
		predicate,
		sort,
		limit: query.limit as number | undefined,
		offset,
	};
}

function compileChild(ctx: Context, subquery: RawQuery & { relationshipName: string }, parent: ObjectMeta): SelectItem {
	const name = subquery.relationshipName.toLowerCase();
	const relation = parent.childRelationships.find((c) => c.relationshipName.toLowerCase() === name);
	const childMeta = relation ? ctx.source.describe(relation.childSObject) : undefined;
	if (!relation || !childMeta) throw unknownChildRelationship(ctx.soql, subquery.relationshipName);
	const plan = compilePlan(ctx, subquery, childMeta, true);
	if (plan.count || plan.aggregates) throw unsupported(ctx.soql, 'aggregate functions in a child subquery');
	const field = childMeta.fields.find((f) => f.name.toLowerCase() === relation.field.toLowerCase())?.name ?? relation.field;
	return { kind: 'child', relationshipName: relation.relationshipName, field, plan };
}

function resolveObject(ctx: Context, name: string | undefined): ObjectMeta {
	if (!name) throw malformedQuery(ctx.soql, 'unexpected token: <EOF>', '');
	const meta = ctx.source.describe(name);
	if (!meta) throw invalidType(ctx.soql, name);
	if (!meta.queryable) throw notQueryable(ctx.soql, meta.name);
	return meta;
}

function semiJoinValues(ctx: Context, inner: RawQuery): unknown[] {
	const meta = resolveObject(ctx, inner.sObject);
	const plan = compilePlan(ctx, inner, meta, true);
	const only = plan.items[0];
	if (plan.count || plan.aggregates || plan.items.length !== 1 || only.kind !== 'field') {
		throw malformedQuery(ctx.soql, 'The selected field in a semi join must be a single Id or reference field', inner.sObject);
	}
	if (categoryOf(only.path.field.type) !== 'id') {
		throw malformedQuery(ctx.soql, `Field '${only.path.field.name}' cannot be used in a semi join`, only.path.field.name);
	}
	return select(ctx, plan, visible(ctx, meta)).map((r) => readPath(ctx.source, r, only.path));
}

function visible(ctx: Context, meta: ObjectMeta): readonly SRecord[] {
	const all = ctx.source.records(meta.name);
	return ctx.includeDeleted ? all : all.filter((r) => r.IsDeleted !== true);
}

/** Filters, sorts and pages records (without shaping them). */
function select(ctx: Context, plan: Plan, records: readonly SRecord[]): SRecord[] {
	let rows = records.filter(plan.predicate);
	if (plan.sort.length) rows = sortRecords(ctx, plan.sort, rows);
	const offset = plan.offset ?? 0;
	const end = plan.limit === undefined ? undefined : offset + plan.limit;
	return offset || end !== undefined ? rows.slice(offset, end) : rows;
}

function sortRecords(ctx: Context, keys: SortKey[], rows: SRecord[]): SRecord[] {
	const decorated = rows.map((record, index) => ({ record, index, values: keys.map((k) => readPath(ctx.source, record, k.path)) }));
	decorated.sort((a, b) => {
		for (let i = 0; i < keys.length; i++) {
			const key = keys[i];
			const x = a.values[i];
			const y = b.values[i];
			const xNull = isNullish(x);
			const yNull = isNullish(y);
			if (xNull || yNull) {
				if (xNull && yNull) continue;
				return xNull === key.nullsFirst ? -1 : 1;
			}
			const order = orderValues(categoryOf(key.path.field.type), x, y);
			if (order !== 0) return key.descending ? -order : order;
		}
		return a.index - b.index;
	});
	return decorated.map((d) => d.record);
}

function attributes(ctx: Context, type: string, id: string): { type: string; url: string } {
	return { type, url: `/services/data/${ctx.version}/sobjects/${type}/${id}` };
}

/** Writes one selected path into `out`, nesting parents as the REST API does (null when empty). */
function writePath(ctx: Context, out: Record<string, unknown>, record: SRecord, path: ResolvedPath): void {
	let target: Record<string, unknown> | undefined = out;
	const owner = followHops(ctx.source, record, path.hops, (hop, parent) => {
		if (!target) return;
		const key = hop.relationshipName;
		if (!parent) {
			if (!(key in target)) target[key] = null;
			target = undefined;
			return;
		}
		const existing = target[key];
		if (existing === null || typeof existing !== 'object') {
			target[key] = { attributes: attributes(ctx, parent.type, parent.record.Id) };
		}
		target = target[key] as Record<string, unknown>;
	});
	if (owner && target) {
		const value = owner[path.field.name];
		target[path.field.name] = value === undefined ? null : value;
	}
}

function shape(ctx: Context, plan: Plan, record: SRecord, children: ChildIndex): Record<string, unknown> {
	const out: Record<string, unknown> = { attributes: attributes(ctx, plan.meta.name, record.Id) };
	for (const item of plan.items) {
		if (item.kind === 'field') {
			writePath(ctx, out, record, item.path);
			continue;
		}
		const related = children.of(item, record.Id);
		const rows = select(ctx, item.plan, related);
		out[item.relationshipName] = rows.length
			? { totalSize: rows.length, done: true, records: rows.map((r) => shape(ctx, item.plan, r, children)) }
			: null;
	}
	return out;
}

/** Child records grouped by parent Id, built once per subquery per query. */
class ChildIndex {
	private readonly byItem = new Map<SelectItem, Map<string, SRecord[]>>();

	constructor(private readonly ctx: Context) {}

	of(item: Extract<SelectItem, { kind: 'child' }>, parentId: string): SRecord[] {
		let index = this.byItem.get(item);
		if (!index) {
			index = new Map();
			for (const child of visible(this.ctx, item.plan.meta)) {
				const parent = child[item.field];
				if (isNullish(parent)) continue;
				const key = idKey(String(parent));
				const list = index.get(key);
				if (list) list.push(child);
				else index.set(key, [child]);
			}
			this.byItem.set(item, index);
		}
		return index.get(idKey(parentId)) ?? [];
	}
}

function run(soql: string, source: QuerySource, options: QueryOptions): { ctx: Context; plan: Plan; result: QueryResult } {
	const ctx: Context = {
		soql,
		source,
		version: options.version.startsWith('v') ? options.version : `v${options.version}`,
		includeDeleted: options.includeDeleted ?? false,
	};
	const query = parse(soql);
	const meta = resolveObject(ctx, query.sObject);
	const plan = compilePlan(ctx, query, meta, false);
	const records = visible(ctx, meta);
	if (plan.count?.kind === 'rows') {
		return { ctx, plan, result: { totalSize: select(ctx, plan, records).length, records: [] } };
	}
	if (plan.aggregates) {
		const selected = select(ctx, plan, records);
		const row: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
		for (const a of plan.aggregates) row[a.key] = aggregate(a, selected.map((r) => readPath(source, r, a.path)).filter((v) => !isNullish(v)));
		return { ctx, plan, result: { totalSize: 1, records: [row] } };
	}
	const children = new ChildIndex(ctx);
	const rows = select(ctx, plan, records).map((r) => shape(ctx, plan, r, children));
	return { ctx, plan, result: { totalSize: rows.length, records: rows } };
}

/** One aggregate function over the non-null values of its field (datetimes in one format compare as text). */
function aggregate(a: Aggregate, values: unknown[]): unknown {
	if (a.fn === 'COUNT') return values.length;
	if (!values.length) return null;
	return values.reduce((best, v) => ((a.fn === 'MAX' ? (v as number) > (best as number) : (v as number) < (best as number)) ? v : best));
}

/** Runs a SOQL query against the store, answering as `GET /query` would (all rows, one page). */
export function executeQuery(soql: string, source: QuerySource, options: QueryOptions): QueryResult {
	return run(soql, source, options).result;
}

/**
 * Runs a query for Bulk API 2.0, which only takes flat field lists: child subqueries and
 * aggregates are refused with `unsupported`.
 */
export function executeFlatQuery(soql: string, source: QuerySource, options: QueryOptions): FlatQueryResult {
	const { plan, result } = run(soql, source, options);
	if (plan.count || plan.aggregates) throw unsupported(soql, 'aggregate functions in Bulk API 2.0 queries');
	const columns = plan.items.map((item) => {
		if (item.kind === 'child') throw unsupported(soql, 'child subqueries in Bulk API 2.0 queries');
		return item.path.segments;
	});
	return { object: plan.meta.name, columns, totalSize: result.totalSize, records: result.records };
}

/** One selected item of a query, as the REST API's column metadata (`columns=true`) describes it. */
export type SelectedColumn =
	| { kind: 'field'; path: ResolvedPath }
	| { kind: 'child'; relationshipName: string; columns: SelectedColumn[] }
	| { kind: 'aggregate'; fn: 'COUNT' | 'MAX' | 'MIN'; key: string; display: string; path: ResolvedPath };

function selectedColumns(plan: Plan): SelectedColumn[] {
	const columns = plan.items.map((item): SelectedColumn =>
		item.kind === 'field'
			? { kind: 'field', path: item.path }
			: { kind: 'child', relationshipName: item.relationshipName, columns: selectedColumns(item.plan) },
	);
	for (const { fn, key, path } of plan.aggregates ?? []) {
		columns.push({ kind: 'aggregate', fn, key, display: `${fn.toLowerCase()}(${path.segments.join('.')})`, path });
	}
	return columns;
}

/** What a query selects, checked like a query (same errors) but without reading any record. */
export function describeQuery(soql: string, source: QuerySource): { object: ObjectMeta; columns: SelectedColumn[] } {
	const ctx: Context = { soql, source, version: 'v0.0', includeDeleted: false };
	const query = parse(soql);
	const meta = resolveObject(ctx, query.sObject);
	return { object: meta, columns: selectedColumns(compilePlan(ctx, query, meta, false)) };
}
