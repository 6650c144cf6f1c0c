import type { FieldMeta, FieldType, QuerySource } from '../contracts';
import { describeQuery, type SelectedColumn } from '../soql';
import type { ResolvedPath } from '../soql/paths';

/**
 * `GET /query?q=...&columns=true`: the columns a query would return, and no records. Not in the REST
 * guide, but Salesforce serves it and the Salesforce CLI's `sf data query` asks for it after every
 * query with rows, to lay out its table (salesforcecli/plugin-data, src/commands/data/query.ts
 * retrieveColumns, and the column metadata recorded in its test/test-files/queryFields.exemplars.ts).
 * A parent path `Owner.Name` is one column `Owner` whose joinColumns hold `Name`; a child subquery is
 * an aggregate column whose joinColumns are the subquery's columns; COUNT(field), MAX(field) and
 * MIN(field) are aggregate columns (`expr0` or the alias) displayed as `count(field)`, `max(field)`, `min(field)`.
 */
export interface ColumnMetadata {
	aggregate: boolean;
	apexType: string | null;
	booleanType: boolean;
	columnName: string;
	custom: boolean;
	displayName: string;
	foreignKeyName: string | null;
	insertable: boolean;
	joinColumns: ColumnMetadata[];
	numberType: boolean;
	textType: boolean;
	updatable: boolean;
}

const APEX_TYPES: Record<FieldType, string> = {
	id: 'Id',
	reference: 'Id',
	string: 'String',
	textarea: 'String',
	email: 'String',
	picklist: 'String',
	boolean: 'Boolean',
	int: 'Integer',
	double: 'Double',
	datetime: 'Datetime',
	date: 'Date',
	address: 'Address',
	location: 'Location',
};

const TEXT_TYPES: ReadonlySet<FieldType> = new Set(['string', 'textarea', 'email', 'picklist']);

function column(name: string, overrides: Partial<ColumnMetadata>): ColumnMetadata {
	return {
		aggregate: false,
		apexType: null,
		booleanType: false,
		columnName: name,
		custom: name.endsWith('__c') || name.endsWith('__r'),
		displayName: name,
		foreignKeyName: null,
		insertable: false,
		joinColumns: [],
		numberType: false,
		textType: false,
		updatable: false,
		...overrides,
	};
}

function fieldColumn(field: FieldMeta): ColumnMetadata {
	return column(field.name, {
		apexType: APEX_TYPES[field.type],
		booleanType: field.type === 'boolean',
		numberType: field.type === 'int' || field.type === 'double',
		textType: TEXT_TYPES.has(field.type),
		insertable: field.createable,
		updatable: field.updateable,
	});
}

/** `A.B.Field` → column A, joinColumns [column B, joinColumns [Field]]. */
function pathColumn(path: ResolvedPath): ColumnMetadata {
	let inner = fieldColumn(path.field);
	for (const hop of [...path.hops].reverse()) inner = column(hop.relationshipName, { joinColumns: [inner] });
	return inner;
}

function toMetadata(selected: SelectedColumn): ColumnMetadata {
	switch (selected.kind) {
		case 'field':
			return pathColumn(selected.path);
		case 'child':
			return column(selected.relationshipName, { aggregate: true, joinColumns: selected.columns.map(toMetadata) });
		case 'aggregate': {
			// COUNT is an Integer; MAX and MIN have their field's type.
			const typed = selected.fn === 'COUNT' ? { apexType: 'Integer', numberType: true } : { apexType: APEX_TYPES[selected.path.field.type], numberType: selected.path.field.type === 'int' || selected.path.field.type === 'double', textType: TEXT_TYPES.has(selected.path.field.type) };
			return column(selected.key, { aggregate: true, ...typed, displayName: selected.display });
		}
	}
}

export function queryColumns(soql: string, source: QuerySource): {
	columnMetadata: ColumnMetadata[];
	entityName: string;
	groupBy: boolean;
	idSelected: boolean;
	keyPrefix: string;
} {
	const { object, columns } = describeQuery(soql, source);
	return {
		columnMetadata: columns.map(toMetadata),
		entityName: object.name,
		groupBy: false,
		idSelected: columns.some((c) => c.kind === 'field' && c.path.hops.length === 0 && c.path.field.name === 'Id'),
		keyPrefix: object.keyPrefix,
	};
}
