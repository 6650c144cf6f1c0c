import { idKey, isId, sameId } from '../../lib/salesforce';

describe('Salesforce Ids (lib/salesforce/ids.ts, the one home of Id comparison)', () => {
	const id15 = '0MI5e000000AbCd';
	const id18 = `${id15}EAQ`;

	it('an 18-character Id names the same record as its 15-character form', () => {
		expect(idKey(id18)).toBe(id15);
		expect(sameId(id18, id15)).toBe(true);
		expect(sameId(id15, id18)).toBe(true);
	});

	it('Ids are case-sensitive', () => {
		expect(sameId(id15, id15.toLowerCase())).toBe(false);
	});

	it('no Id equals no Id, and never an Id (a root has no parent, like another root)', () => {
		expect(sameId(null, null)).toBe(true);
		expect(sameId(undefined, '')).toBe(true);
		expect(sameId(null, id15)).toBe(false);
		expect(sameId(id18, undefined)).toBe(false);
	});

	it('tells Ids from names', () => {
		expect(isId(id15)).toBe(true);
		expect(isId(id18)).toBe(true);
		expect(isId('West_Region')).toBe(false);
		expect(isId(`${id15}E`)).toBe(false);
	});
});
