import {
	canonicalColumn,
	cellToString,
	formatCriteria,
	formatUsers,
	mapColumns,
	normalizeAccess,
	normalizeOperator,
	parseCriteria,
	parseCriterion,
	parseUsers,
	splitList,
} from '../../lib/plan';

describe('column aliases', () => {
	it.each([
		['territory', 'Territory'],
		['Name', 'Territory'],
		['Territory Name', 'Territory'],
		['KEY', 'Key'],
		['Developer Name', 'Key'],
		['DeveloperName', 'Key'],
		['developer_name', 'Key'],
		['Parent Key', 'Parent'],
		['Parent Territory', 'Parent'],
		['parent-territory', 'Parent'],
		['Postal Codes', 'Postal Codes'],
		['postal_codes', 'Postal Codes'],
		['postal-codes', 'Postal Codes'],
		['PostalCodes', 'Postal Codes'],
		['Zip Codes', 'Postal Codes'],
		['Postal Code', 'Postal Codes'],
		['account access level', 'Account Access'],
		['Opportunity_Access', 'Opportunity Access'],
		['case access', 'Case Access'],
		['Country', 'Countries'],
		['state', 'States'],
		['forecast_manager', 'Forecast Manager'],
		['\uFEFFTerritory', 'Territory'],
	])('%s → %s', (header, column) => {
		expect(canonicalColumn(header)).toBe(column);
	});

	it('knows no Owner column', () => {
		expect(canonicalColumn('Owner')).toBeNull();
	});
});

describe('mapColumns', () => {
	it('reports unknown columns on the header row', () => {
		const m = mapColumns(['Territory', 'Owner', 'Region Code']);
		expect(m.present).toEqual(['Territory']);
		expect(m.issues).toEqual([
			expect.objectContaining({ row: 1, column: 'Owner', code: 'UNKNOWN_COLUMN' }),
			expect.objectContaining({ row: 1, column: 'Region Code', code: 'UNKNOWN_COLUMN' }),
		]);
	});

	it('maps and ignores columns by the column map, and ignores unknown ones on request', () => {
		const m = mapColumns(['Region', 'Owner', 'Notes', 'Name'], { Region: 'Parent', owner: 'users', Notes: null });
		expect(m.issues).toEqual([]);
		expect(m.present).toEqual(['Territory', 'Parent', 'Users']);
		expect(m.columns.get('Owner')).toBe('Users');
		expect(mapColumns(['Territory', 'Whatever'], {}, true).issues).toEqual([]);
	});

	it('reports a map to a column that does not exist, and two headers for one column', () => {
		const m = mapColumns(['Territory', 'X', 'Name'], { X: 'Bogus' });
		expect(m.issues.map((i) => [i.code, i.column])).toEqual([
			['INVALID_COLUMN_MAP', 'X'],
			['UNKNOWN_COLUMN', 'X'],
			['DUPLICATE_COLUMN', 'Name'],
		]);
	});
});

describe('cellToString', () => {
	it('turns any cell into trimmed text', () => {
		expect(cellToString(null)).toBe('');
		expect(cellToString(undefined)).toBe('');
		expect(cellToString(94105)).toBe('94105');
		expect(cellToString(0)).toBe('0');
		expect(cellToString(true)).toBe('true');
		expect(cellToString('  West  ')).toBe('West');
		expect(cellToString(['a', 1, null, 'b'])).toBe('a\n1\nb');
		expect(cellToString(new Date('2024-01-02T00:00:00Z'))).toBe('2024-01-02T00:00:00.000Z');
		expect(cellToString({ a: 1 })).toBe('{"a":1}');
	});
});

describe('splitList', () => {
	it('splits on commas, semicolons and new lines, trims, drops empties and duplicates', () => {
		expect(splitList('940*, 941*;94501\n94502\r\n, ,;94501')).toEqual(['940*', '941*', '94501', '94502']);
		expect(splitList('US, us, CA')).toEqual(['US', 'CA']);
		expect(splitList('')).toEqual([]);
	});
});

describe('parseUsers', () => {
	it('reads users with and without roles, separated by ; , or new lines', () => {
		expect(parseUsers('ana@x.example (Owner); ben@y.example\ncy@z.example (Sales Rep), dee@z.example').users).toEqual([
			{ ref: 'ana@x.example', role: 'Owner' },
			{ ref: 'ben@y.example', role: null },
			{ ref: 'cy@z.example', role: 'Sales Rep' },
			{ ref: 'dee@z.example', role: null },
		]);
	});

	it('keeps a comma inside a role', () => {
		expect(parseUsers('ana@x.example (Sales, West); ben@y.example').users).toEqual([
			{ ref: 'ana@x.example', role: 'Sales, West' },
			{ ref: 'ben@y.example', role: null },
		]);
	});

	it('treats an empty role as none and reports entries that are not users', () => {
		expect(parseUsers('ana@x.example ()').users).toEqual([{ ref: 'ana@x.example', role: null }]);
		const { problems } = parseUsers('(Owner); ana smith');
		expect(problems.map((p) => [p.code, p.value])).toEqual([
			['INVALID_USER', '(Owner)'],
			['INVALID_USER', 'ana smith'],
		]);
	});

	it('round-trips through formatUsers', () => {
		const users = [
			{ ref: 'ana@x.example', role: 'Owner' },
			{ ref: '005000000000001AAA', role: null },
		];
		expect(formatUsers(users)).toBe('ana@x.example (Owner); 005000000000001AAA');
		expect(parseUsers(formatUsers(users)).users).toEqual(users);
	});
});

describe('parseCriteria', () => {
	it('reads Salesforce names, symbols and phrases', () => {
		const { criteria, problems } = parseCriteria(
			'Industry equals Tech, Retail; Account.AnnualRevenue > 1000; NumberOfEmployees<=50\nRating != Cold; Name starts with Acme; Type not equal to Partner; My_Field__c contains x',
		);
		expect(problems).toEqual([]);
		expect(criteria).toEqual([
			{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] },
			{ field: 'AnnualRevenue', operation: 'greaterThan', values: ['1000'] },
			{ field: 'NumberOfEmployees', operation: 'lessOrEqual', values: ['50'] },
			{ field: 'Rating', operation: 'notEqual', values: ['Cold'] },
			{ field: 'Name', operation: 'startsWith', values: ['Acme'] },
			{ field: 'Type', operation: 'notEqual', values: ['Partner'] },
			{ field: 'My_Field__c', operation: 'contains', values: ['x'] },
		]);
	});

	it('accepts a criterion without values (matches a blank field)', () => {
		expect(parseCriterion('BillingCity equals').criterion).toEqual({ field: 'BillingCity', operation: 'equals', values: [] });
	});

	it('names the bad entry', () => {
		const { problems } = parseCriteria('Industry; Bad-Field = 1; Industry resembles Tech; 9Lives = 1');
		expect(problems.map((p) => [p.code, p.value])).toEqual([
			['INVALID_CRITERION', 'Industry'],
			['INVALID_FIELD', 'Bad-Field = 1'],
			['UNKNOWN_OPERATOR', 'Industry resembles Tech'],
			['INVALID_FIELD', '9Lives = 1'],
		]);
		expect(problems[2].message).toContain('resembles');
	});

	it('round-trips through formatCriteria', () => {
		const criteria = [
			{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] },
			{ field: 'AnnualRevenue', operation: 'greaterThan', values: ['1000'] },
			{ field: 'BillingCity', operation: 'notEqual', values: [] },
		];
		expect(formatCriteria(criteria)).toBe('Industry equals Tech,Retail; AnnualRevenue greaterThan 1000; BillingCity notEqual');
		expect(parseCriteria(formatCriteria(criteria)).criteria).toEqual(criteria);
	});

	it('normalizes every operator spelling of RULE_OPERATORS', () => {
		expect(normalizeOperator('EQUALS')).toBe('equals');
		expect(normalizeOperator('startsWith')).toBe('startsWith');
		expect(normalizeOperator('<>')).toBe('notEqual');
		expect(normalizeOperator('greater or equal')).toBe('greaterOrEqual');
		expect(normalizeOperator('like')).toBeNull();
	});
});

describe('normalizeAccess', () => {
	it('accepts API values and labels, in any case', () => {
		expect(normalizeAccess('account', 'Read Only')).toBe('Read');
		expect(normalizeAccess('account', 'read/write')).toBe('Edit');
		expect(normalizeAccess('account', 'OWNER')).toBe('All');
		expect(normalizeAccess('account', 'None')).toBeNull();
		expect(normalizeAccess('opportunity', 'Private')).toBe('None');
		expect(normalizeAccess('case', 'Edit')).toBe('Edit');
		expect(normalizeAccess('case', 'All')).toBeNull();
	});
});
