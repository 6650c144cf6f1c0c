/** docs/plan-format.md lists the headers accepted without mapping: the same as lib/plan/columns.ts. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COLUMN_SYNONYMS, canonicalColumn } from '../../lib/plan/columns';
import { PLAN_COLUMNS } from '../../lib/plan/types';

function documentedSynonyms(): Map<string, string[]> {
	const doc = readFileSync(path.join(__dirname, '../../docs/plan-format.md'), 'utf8');
	const section = doc.slice(doc.indexOf('### Headers accepted without mapping'));
	const table = section.slice(section.indexOf('| column | also accepted |'), section.indexOf('\n\n', section.indexOf('| column |')));
	const rows = table.split('\n').slice(2);
	return new Map(
		rows.map((line) => {
			const [column, also] = line.split('|').slice(1, 3).map((cell) => cell.trim());
			return [column, also ? also.split(', ') : []];
		}),
	);
}

describe('the documented header synonyms', () => {
	it('are exactly those the code accepts, column by column', () => {
		const documented = documentedSynonyms();
		expect([...documented.keys()]).toEqual([...PLAN_COLUMNS]);
		for (const column of PLAN_COLUMNS) {
			expect(documented.get(column)).toEqual(COLUMN_SYNONYMS[column].filter((s) => s !== column));
		}
	});

	it('each reads as its column', () => {
		for (const [column, synonyms] of documentedSynonyms()) {
			for (const synonym of synonyms) expect([synonym, canonicalColumn(synonym)]).toEqual([synonym, column]);
		}
	});
});
