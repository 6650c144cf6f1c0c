/**
 * A small in-memory QuerySource for unit tests of the SOQL engine: territory types, a model,
 * a three-level territory tree, users and user assignments.
 */
import type { FieldMeta, FieldType, ObjectMeta, QuerySource, SRecord } from '../../sandbox/contracts';

function field(name: string, type: FieldType, extra: Partial<FieldMeta> = {}): FieldMeta {
	return {
		name,
		label: name,
		type,
		length: type === 'string' ? 80 : 0,
		createable: true,
		updateable: true,
		nillable: true,
		filterable: true,
		...extra,
	};
}

function reference(name: string, to: string, relationshipName: string): FieldMeta {
	return field(name, 'reference', { referenceTo: [to], relationshipName });
}

function object(name: string, keyPrefix: string, fields: FieldMeta[], childRelationships: ObjectMeta['childRelationships'] = []): ObjectMeta {
	return {
		name,
		label: name,
		keyPrefix,
		fields: [field('Id', 'id', { system: true }), field('IsDeleted', 'boolean', { system: true }), ...fields],
		childRelationships,
		createable: true,
		updateable: true,
		deletable: true,
		queryable: true,
	};
}

export const OBJECTS: ObjectMeta[] = [
	object('Territory2Type', '0M5', [field('DeveloperName', 'string'), field('MasterLabel', 'string'), field('Priority', 'int')]),
	object('Territory2Model', '0MC', [field('Name', 'string'), field('DeveloperName', 'string'), field('State', 'picklist')]),
	object(
		'Territory2',
		'0MI',
		[
			field('Name', 'string'),
			field('DeveloperName', 'string'),
			field('Description', 'textarea', { filterable: false }),
			reference('Territory2TypeId', 'Territory2Type', 'Territory2Type'),
			reference('Territory2ModelId', 'Territory2Model', 'Territory2Model'),
			reference('ParentTerritory2Id', 'Territory2', 'ParentTerritory2'),
			field('AccountAccessLevel', 'picklist'),
			field('CreatedDate', 'datetime'),
			field('StartDate', 'date'),
			field('Score', 'double'),
		],
		[
			{ relationshipName: 'UserTerritory2Associations', childSObject: 'UserTerritory2Association', field: 'Territory2Id' },
			{ relationshipName: 'ChildTerritories', childSObject: 'Territory2', field: 'ParentTerritory2Id' },
		],
	),
	object('User', '005', [field('Username', 'string'), field('IsActive', 'boolean'), field('LastName', 'string')]),
	object('UserTerritory2Association', '0R0', [
		reference('UserId', 'User', 'User'),
		reference('Territory2Id', 'Territory2', 'Territory2'),
		field('RoleInTerritory2', 'picklist'),
	]),
	object('Secret', '0ZZ', [field('Name', 'string')]),
];
OBJECTS[OBJECTS.length - 1].queryable = false;

/** 18-character Id from a prefix and a serial number (checksum characters are arbitrary but fixed). */
export function id(prefix: string, n: number): string {
	return `${prefix}${String(n).padStart(12, '0')}AAA`;
}

export const TYPE_REGION = id('0M5', 1);
export const TYPE_AREA = id('0M5', 2);
export const MODEL = id('0MC', 1);
export const T_EMEA = id('0MI', 1);
export const T_FRANCE = id('0MI', 2);
export const T_PARIS = id('0MI', 3);
export const T_SPAIN = id('0MI', 4);
export const T_AMER = id('0MI', 5);
export const U_ANNA = id('005', 1);
export const U_BOB = id('005', 2);
export const U_CARL = id('005', 3);

export function fixtureRecords(): Record<string, SRecord[]> {
	return {
		Territory2Type: [
			{ Id: TYPE_REGION, DeveloperName: 'Region', MasterLabel: 'Region', Priority: 1 },
			{ Id: TYPE_AREA, DeveloperName: 'Area', MasterLabel: 'Area', Priority: 2 },
		],
		Territory2Model: [{ Id: MODEL, Name: 'FY27', DeveloperName: 'FY27', State: 'Planning' }],
		Territory2: [
			{ Id: T_EMEA, Name: 'EMEA', DeveloperName: 'EMEA', Territory2TypeId: TYPE_REGION, Territory2ModelId: MODEL, ParentTerritory2Id: null, AccountAccessLevel: 'Read', CreatedDate: '2026-01-05T10:00:00.000+0000', StartDate: '2026-01-01', Score: 1.5 },
			{ Id: T_FRANCE, Name: 'France', DeveloperName: 'France', Territory2TypeId: TYPE_AREA, Territory2ModelId: MODEL, ParentTerritory2Id: T_EMEA, AccountAccessLevel: 'Edit', CreatedDate: '2026-02-05T10:00:00.000+0000', StartDate: '2026-02-01', Score: 3 },
			{ Id: T_PARIS, Name: "Paris l'Ouest", DeveloperName: 'Paris_West', Territory2TypeId: TYPE_AREA, Territory2ModelId: MODEL, ParentTerritory2Id: T_FRANCE, AccountAccessLevel: null, CreatedDate: '2026-03-05T10:00:00.000+0000', StartDate: null, Score: null },
			{ Id: T_SPAIN, Name: 'Spain_100%', DeveloperName: 'Spain', Territory2TypeId: TYPE_AREA, Territory2ModelId: MODEL, ParentTerritory2Id: T_EMEA, AccountAccessLevel: 'All', CreatedDate: '2026-04-05T10:00:00.000+0000', StartDate: '2026-04-01', Score: 2 },
			{ Id: T_AMER, Name: 'AMER', DeveloperName: 'AMER', Territory2TypeId: TYPE_REGION, Territory2ModelId: MODEL, ParentTerritory2Id: null, AccountAccessLevel: 'Read', CreatedDate: '2026-05-05T10:00:00.000+0000', StartDate: '2026-05-01', Score: 0, IsDeleted: false },
			{ Id: id('0MI', 6), Name: 'Gone', DeveloperName: 'Gone', Territory2TypeId: TYPE_AREA, Territory2ModelId: MODEL, ParentTerritory2Id: T_EMEA, IsDeleted: true },
		],
		User: [
			{ Id: U_ANNA, Username: 'anna@example.com', IsActive: true, LastName: 'Anders' },
			{ Id: U_BOB, Username: 'bob@example.com', IsActive: false, LastName: 'Baker' },
			{ Id: U_CARL, Username: 'carl@example.com', IsActive: true, LastName: 'Clark' },
		],
		UserTerritory2Association: [
			{ Id: id('0R0', 1), UserId: U_ANNA, Territory2Id: T_FRANCE, RoleInTerritory2: 'Owner' },
			{ Id: id('0R0', 2), UserId: U_BOB, Territory2Id: T_FRANCE, RoleInTerritory2: 'Sales Rep' },
			{ Id: id('0R0', 3), UserId: U_ANNA, Territory2Id: T_SPAIN, RoleInTerritory2: 'Sales Rep' },
		],
		Secret: [],
	};
}

export class FixtureSource implements QuerySource {
	constructor(readonly data: Record<string, SRecord[]> = fixtureRecords()) {}

	describe(type: string): ObjectMeta | undefined {
		return OBJECTS.find((o) => o.name.toLowerCase() === type.toLowerCase());
	}

	records(type: string): readonly SRecord[] {
		const meta = this.describe(type);
		return meta ? this.data[meta.name] ?? [] : [];
	}

	private index?: Map<string, { type: string; record: SRecord }>;

	get(recordId: string): { type: string; record: SRecord } | undefined {
		if (!this.index) {
			this.index = new Map();
			for (const [type, list] of Object.entries(this.data)) for (const record of list) this.index.set(record.Id.slice(0, 15), { type, record });
		}
		return this.index.get(recordId.slice(0, 15));
	}
}
