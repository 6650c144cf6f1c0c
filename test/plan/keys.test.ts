import {
	assignKeys,
	developerNameFromName,
	developerNameProblem,
	generateKey,
	isValidDeveloperName,
	parsePlan,
	stableHash,
	transliterate,
} from '../../lib/plan';

describe('isValidDeveloperName', () => {
	it.each([
		['West', true],
		['Bay_Area_2', true],
		['a'.repeat(80), true],
		['a'.repeat(81), false],
		['2West', false],
		['_West', false],
		['West_', false],
		['Bay__Area', false],
		['Bay Area', false],
		['Bay-Area', false],
		['Zürich', false],
		['', false],
	])('%s → %s', (name, valid) => {
		expect(isValidDeveloperName(name)).toBe(valid);
		expect(developerNameProblem(name) === null).toBe(valid);
	});
});

describe('developerNameFromName', () => {
	it('transliterates accents, Greek and Cyrillic', () => {
		expect(developerNameFromName('Zürich Nord')).toBe('Zurich_Nord');
		expect(developerNameFromName('Île-de-France')).toBe('Ile_de_France');
		expect(developerNameFromName('Straße Ærø')).toBe('Strasse_AEro');
		expect(developerNameFromName('Москва')).toBe('Moskva');
		expect(developerNameFromName('Санкт-Петербург')).toBe('Sankt_Peterburg');
		expect(developerNameFromName('Київ')).toBe('Kiyiv');
		expect(developerNameFromName('Αθήνα')).toBe('Athina');
		expect(developerNameFromName('Θεσσαλονίκη')).toBe('Thessaloniki');
	});

	it('hashes scripts without a table, keeping different names apart', () => {
		const tokyo = developerNameFromName('東京');
		const osaka = developerNameFromName('大阪');
		expect(isValidDeveloperName(tokyo)).toBe(true);
		expect(isValidDeveloperName(osaka)).toBe(true);
		expect(tokyo).not.toBe(osaka);
		expect(developerNameFromName('東京 West')).toMatch(/^(T_)?[0-9a-z]{6}_West$/);
		expect(developerNameFromName('東京')).toBe(tokyo);
	});

	it('makes names that start with a digit or hold only punctuation valid', () => {
		expect(developerNameFromName('2024 West')).toBe('T_2024_West');
		expect(developerNameFromName('  --- ')).toMatch(/^T_[0-9a-z]{6}$/);
		expect(developerNameFromName('A & B / C')).toBe('A_B_C');
	});

	it('truncates long names to 80 with a stable hash, valid and distinct', () => {
		const long1 = `${'North America '.repeat(8)}One`;
		const long2 = `${'North America '.repeat(8)}Two`;
		const k1 = developerNameFromName(long1);
		const k2 = developerNameFromName(long2);
		expect(k1.length).toBeLessThanOrEqual(80);
		expect(isValidDeveloperName(k1)).toBe(true);
		expect(isValidDeveloperName(k2)).toBe(true);
		expect(k1).not.toBe(k2);
		expect(k1).toBe(developerNameFromName(long1));
		expect(k1.endsWith(`_${stableHash(long1)}`)).toBe(true);
	});

	it('is valid for many odd names', () => {
		const names = ['a', '_', '__x__', 'x'.repeat(200), 'Ünïcödé—dash', 'ﬁeld ligature', '١٢٣ arabic digits', '😀 emoji', 'a__b', 'ЁЖ', 'Ω'];
		for (const n of names) expect(isValidDeveloperName(developerNameFromName(n))).toBe(true);
	});
});

describe('transliterate and stableHash', () => {
	it('is deterministic', () => {
		expect(stableHash('Bay Area')).toBe(stableHash('Bay Area'));
		expect(stableHash('Bay Area')).not.toBe(stableHash('Bay area'));
		expect(stableHash('x')).toMatch(/^[0-9a-z]{6}$/);
		expect(transliterate('Ça va')).toBe('Ca_va');
	});
});

describe('assignKeys', () => {
	const req = (path: string[], explicitKey: string | null = null) => ({ path, explicitKey });

	it("uses the territory's own name when it is unique", () => {
		expect(assignKeys([req(['West']), req(['West', 'Bay Area'])])).toEqual(['West', 'Bay_Area']);
	});

	it('disambiguates colliding names by a hash of the full path, not by order', () => {
		const a = req(['West', 'Central']);
		const b = req(['East', 'Central']);
		const keys = assignKeys([a, b]);
		expect(keys[0]).toBe(generateKey(['West', 'Central'], true));
		expect(keys[1]).toBe(generateKey(['East', 'Central'], true));
		expect(keys[0]).not.toBe(keys[1]);
		expect(assignKeys([b, a])).toEqual([keys[1], keys[0]]);
	});

	it('treats keys that differ only in case as colliding', () => {
		const keys = assignKeys([req(['North', 'Metro']), req(['South', 'METRO'])]);
		expect(keys[0].toLowerCase()).not.toBe(keys[1].toLowerCase());
		expect(keys[0]).toMatch(/^Metro_[0-9a-z]{6}$/);
	});

	it('never takes a key another row states explicitly', () => {
		const keys = assignKeys([req(['X'], 'West'), req(['West'])]);
		expect(keys[0]).toBe('West');
		expect(keys[1]).toMatch(/^West_[0-9a-z]{6}$/);
	});

	it('keeps colliding keys unique even when the paths are identical', () => {
		const keys = assignKeys([req(['A', 'B']), req(['A', 'B']), req(['A', 'B'])]);
		expect(new Set(keys.map((k) => k.toLowerCase())).size).toBe(3);
		keys.forEach((k) => expect(isValidDeveloperName(k)).toBe(true));
	});

	it('keeps long colliding names within 80 characters', () => {
		const name = 'Very long territory name '.repeat(5);
		const keys = assignKeys([req(['A', name]), req(['B', name])]);
		keys.forEach((k) => {
			expect(k.length).toBeLessThanOrEqual(80);
			expect(isValidDeveloperName(k)).toBe(true);
		});
		expect(keys[0]).not.toBe(keys[1]);
	});
});

describe('generated keys in a plan are stable', () => {
	const base: { Territory: string; Parent?: string }[] = [
		{ Territory: 'West' },
		{ Territory: 'Bay Area', Parent: 'West' },
		{ Territory: 'Central', Parent: 'West' },
		{ Territory: 'East' },
		{ Territory: 'Central', Parent: 'East' },
		{ Territory: 'Zürich', Parent: 'East' },
	];
	const keysByPath = (rows: { Territory: string; Parent?: string }[]) => {
		const plan = parsePlan(rows);
		expect(plan.issues).toEqual([]);
		const byKey = new Map(plan.territories.map((t) => [t.key, t]));
		const path = (k: string | null): string => {
			const t = k ? byKey.get(k) : undefined;
			return t ? `${path(t.parentKey)}/${t.name}` : '';
		};
		return new Map(plan.territories.map((t) => [path(t.key), t.key]));
	};

	it('when rows are reordered', () => {
		const before = keysByPath(base);
		const after = keysByPath([...base].reverse());
		expect(after).toEqual(before);
		expect(before.get('/West/Central')).not.toBe(before.get('/East/Central'));
		expect(before.get('/East/Zürich')).toBe('Zurich');
	});

	it('when unrelated rows are added or removed', () => {
		const before = keysByPath(base);
		const added = keysByPath([...base, { Territory: 'South' }, { Territory: 'Texas', Parent: 'South' }]);
		const removed = keysByPath(base.filter((r) => r.Territory !== 'Bay Area'));
		for (const [path, key] of removed) expect(before.get(path)).toBe(key);
		for (const [path, key] of before) expect(added.get(path)).toBe(key);
	});

	it('when a territory moves to another parent (own-name keys)', () => {
		const before = keysByPath(base);
		const moved = keysByPath(base.map((r) => (r.Territory === 'Bay Area' ? { ...r, Parent: 'East' } : r)));
		expect(moved.get('/East/Bay Area')).toBe(before.get('/West/Bay Area'));
	});

	it('across runs (same input, same keys)', () => {
		expect(keysByPath(base)).toEqual(keysByPath(base.map((r) => ({ ...r }))));
	});
});
