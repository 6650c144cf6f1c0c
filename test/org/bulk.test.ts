import { toCsv } from '../../lib/org/bulk';

describe('toCsv', () => {
	it('quotes commas, quotes and line breaks, and writes null as #N/A', () => {
		expect(toCsv([{ A: 'x,y', B: 'say "hi"' }, { A: null, B: 'two\nlines' }])).toBe('A,B\n"x,y","say ""hi"""\n#N/A,"two\nlines"\n');
	});
});
