import type { FieldMeta, FieldType, ObjectMeta } from '../contracts';

/** REST describe shapes built from the store's ObjectMeta (only the keys clients commonly read, plus a few constants). */

const SOAP_TYPES: Record<FieldType, string> = {
	id: 'tns:ID',
	reference: 'tns:ID',
	string: 'xsd:string',
	textarea: 'xsd:string',
	email: 'xsd:string',
	picklist: 'xsd:string',
	boolean: 'xsd:boolean',
	int: 'xsd:int',
	double: 'xsd:double',
	datetime: 'xsd:dateTime',
	date: 'xsd:date',
	address: 'urn:address',
	location: 'urn:location',
};

function objectUrls(version: string, name: string): Record<string, string> {
	const base = `/services/data/${version}/sobjects/${name}`;
	return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function plural(label: string): string {
	return /s$/.test(label) ? `${label}es` : /y$/.test(label) ? `${label.slice(0, -1)}ies` : `${label}s`;
}

export function describeGlobalEntry(meta: ObjectMeta, version: string): Record<string, unknown> {
	return {
		name: meta.name,
		label: meta.label,
		labelPlural: plural(meta.label),
		keyPrefix: meta.keyPrefix,
		custom: meta.name.endsWith('__c'),
		createable: meta.createable,
		updateable: meta.updateable,
		deletable: meta.deletable,
		queryable: meta.queryable,
		retrieveable: true,
		searchable: false,
		layoutable: false,
		urls: objectUrls(version, meta.name),
	};
}

function describeField(field: FieldMeta): Record<string, unknown> {
	const text = ['string', 'textarea', 'email', 'picklist', 'id', 'reference'].includes(field.type);
	return {
		name: field.name,
		label: field.label,
		type: field.type,
		soapType: SOAP_TYPES[field.type],
		length: field.length,
		byteLength: text ? field.length * 3 : 0,
		precision: 0,
		scale: 0,
		digits: 0,
		createable: field.createable,
		updateable: field.updateable,
		nillable: field.nillable,
		filterable: field.filterable,
		sortable: field.type !== 'textarea',
		groupable: field.type !== 'textarea' && field.type !== 'double',
		custom: field.name.endsWith('__c'),
		calculated: false,
		defaultedOnCreate: field.system === true || field.type === 'boolean',
		externalId: field.externalId === true,
		idLookup: field.type === 'id' || field.externalId === true,
		unique: field.type === 'id',
		nameField: field.name === 'Name',
		picklistValues: (field.picklistValues ?? []).map((value) => ({
			active: true,
			defaultValue: false,
			label: value,
			validFor: null,
			value,
		})),
		restrictedPicklist: field.restrictedPicklist === true,
		referenceTo: field.referenceTo ?? [],
		relationshipName: field.relationshipName ?? null,
	};
}

export function describeObject(meta: ObjectMeta, version: string): Record<string, unknown> {
	return {
		...describeGlobalEntry(meta, version),
		fields: meta.fields.map(describeField),
		childRelationships: meta.childRelationships.map((c) => ({
			childSObject: c.childSObject,
			field: c.field,
			relationshipName: c.relationshipName,
			cascadeDelete: false,
		})),
		recordTypeInfos: [],
	};
}
