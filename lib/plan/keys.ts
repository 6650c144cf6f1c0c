/**
 * Keys: Territory2.DeveloperName values generated from names when the plan has no Key.
 *
 * Stability choice (the key is the territory's identity in the org, so a changed key means delete +
 * create): a generated key comes from the territory's OWN name, not from its path. So moving a
 * territory, renaming its parent, adding, removing or reordering other rows leave its key alone.
 * Only when two territories of the plan would get the same key (case-insensitively, or a key some
 * other row states explicitly) do the colliding ones get a suffix: a short hash of their full path of
 * names. The hash depends on the path, never on row order, so the result is the same whatever order
 * the rows come in. The one edit that changes an existing generated key is adding a territory with
 * the same name (or renaming one to it): use the Key column (Import always writes it) to pin keys.
 */
import { LIMITS } from '../salesforce';

const DEVELOPER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Salesforce DeveloperName rules: letters, digits, underscores; starts with a letter; no trailing or double underscore; ≤ 80. */
export function isValidDeveloperName(s: string): boolean {
	return (
		s.length > 0 &&
		s.length <= LIMITS.developerNameLength &&
		DEVELOPER_NAME.test(s) &&
		!s.endsWith('_') &&
		!s.includes('__')
	);
}

/** Why a DeveloperName is invalid, or null when it is valid. */
export function developerNameProblem(s: string): string | null {
	if (s.length === 0) return 'is empty';
	if (s.length > LIMITS.developerNameLength) return `is longer than ${LIMITS.developerNameLength} characters`;
	if (!/^[A-Za-z]/.test(s)) return 'must start with a letter';
	if (!/^[A-Za-z0-9_]*$/.test(s)) return 'may contain only letters, digits and underscores';
	if (s.endsWith('_')) return 'must not end with an underscore';
	if (s.includes('__')) return 'must not contain two underscores in a row';
	return null;
}

/**
 * A short, stable hash (cyrb53) in base 36: same input, same output, on every run and platform.
 * Six characters give about 2 billion values, enough to keep suffixes apart in a 1,000-territory model.
 */
export function stableHash(s: string, length = 6): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
	return n.toString(36).padStart(length, '0').slice(-length);
}

// Letters that NFKD does not decompose into a Latin base letter.
const LATIN_EXTRA: Record<string, string> = {
	ß: 'ss', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L',
	þ: 'th', Þ: 'Th', ð: 'd', Ð: 'D', ı: 'i', ħ: 'h', Ħ: 'H', ŀ: 'l', Ŀ: 'L',
};

// Lower-case Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian) and Greek, after NFKD.
const SCRIPT_TABLE: Record<string, string> = {
	а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: 'zh', з: 'z', и: 'i', к: 'k', л: 'l', м: 'm',
	н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch',
	ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', і: 'i', є: 'ye', ґ: 'g',
	ђ: 'dj', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', џ: 'dz', ѕ: 'dz',
	α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm',
	ν: 'n', ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps',
	ω: 'o',
};
// Letters whose NFKD form would lose what distinguishes them (й is not и, ё is not е, ї is not і).
const BEFORE_NFKD: Record<string, string> = { й: 'y', Й: 'Y', ё: 'yo', Ё: 'Yo', ї: 'yi', Ї: 'Yi', ў: 'u', Ў: 'U' };

function mapLetter(ch: string): string | null {
	if (/^[A-Za-z0-9]$/.test(ch)) return ch;
	const extra = LATIN_EXTRA[ch];
	if (extra !== undefined) return extra;
	const lower = ch.toLowerCase();
	const mapped = SCRIPT_TABLE[lower];
	if (mapped === undefined) return null;
	return lower !== ch && mapped.length > 0 ? mapped[0].toUpperCase() + mapped.slice(1) : mapped;
}

/**
 * Latin transliteration: accents dropped (NFKD), Greek and Cyrillic by table; runs of letters of other
 * scripts (CJK, Arabic, …) become a short hash of the run, so that different names stay different.
 * Everything else (spaces, punctuation) becomes a separator "_".
 */
export function transliterate(name: string): string {
	const pre = Array.from(name.normalize('NFC'), (ch) => BEFORE_NFKD[ch] ?? ch).join('');
	const chars = Array.from(pre.normalize('NFKD').replace(/\p{M}/gu, ''));
	let out = '';
	let foreign = '';
	const flush = () => {
		if (foreign) out += `_${stableHash(foreign)}_`;
		foreign = '';
	};
	for (const ch of chars) {
		const mapped = mapLetter(ch);
		if (mapped !== null) {
			flush();
			out += mapped;
		} else if (/[\p{L}\p{N}]/u.test(ch)) {
			foreign += ch;
		} else {
			flush();
			out += '_';
		}
	}
	flush();
	return out;
}

/** Appends `_suffix`, shortening the base so that the result stays ≤ 80 and valid. */
export function withSuffix(base: string, suffix: string, max: number = LIMITS.developerNameLength): string {
	const room = max - suffix.length - 1;
	const head = base.slice(0, room).replace(/_+$/, '');
	return `${head}_${suffix}`;
}

/** A valid DeveloperName for one name (not yet made unique). */
export function developerNameFromName(name: string): string {
	let s = transliterate(name.trim()).replace(/_+/g, '_').replace(/^_+|_+$/g, '');
	if (s === '') return `T_${stableHash(name)}`;
	if (!/^[A-Za-z]/.test(s)) s = `T_${s}`;
	if (s.length > LIMITS.developerNameLength) s = withSuffix(s, stableHash(name));
	return s;
}

/** The full path of names as one string for hashing (a separator no name contains). */
function pathId(path: readonly string[]): string {
	return path.map((p) => p.trim()).join('\u0000');
}

/**
 * The key generated for a territory from its path of names (root first, itself last).
 * `disambiguate` adds a hash of the full path (used when the own-name key collides).
 */
export function generateKey(path: readonly string[], disambiguate = false): string {
	const base = developerNameFromName(path[path.length - 1] ?? '');
	return disambiguate ? withSuffix(base, stableHash(pathId(path))) : base;
}

export interface KeyRequest {
	/** Path of names, root first, the territory's own name last. */
	path: readonly string[];
	/** The Key the plan states, or null to generate one. */
	explicitKey: string | null;
}

/**
 * Keys for every territory of a plan: explicit keys as given, generated ones unique (case-insensitively)
 * among all. Independent of the order of `requests` except for territories with identical paths
 * (which are duplicates the parser reports anyway).
 */
export function assignKeys(requests: readonly KeyRequest[]): string[] {
	const keys: string[] = requests.map((r) => r.explicitKey ?? '');
	const taken = new Set(requests.filter((r) => r.explicitKey !== null).map((r) => r.explicitKey!.toLowerCase()));
	const generated = requests.map((r, i) => ({ i, path: r.path })).filter(({ i }) => requests[i].explicitKey === null);
	const baseCount = new Map<string, number>();
	const bases = new Map<number, string>();
	for (const g of generated) {
		const base = generateKey(g.path);
		bases.set(g.i, base);
		baseCount.set(base.toLowerCase(), (baseCount.get(base.toLowerCase()) ?? 0) + 1);
	}
	const needHash: typeof generated = [];
	for (const g of generated) {
		const base = bases.get(g.i)!;
		if (baseCount.get(base.toLowerCase()) === 1 && !taken.has(base.toLowerCase())) {
			keys[g.i] = base;
			taken.add(base.toLowerCase());
		} else {
			needHash.push(g);
		}
	}
	// Sorted by path so that a second-round clash (a hash collision, or identical paths) resolves the same way every run.
	needHash.sort((a, b) => (pathId(a.path) < pathId(b.path) ? -1 : pathId(a.path) > pathId(b.path) ? 1 : a.i - b.i));
	for (const g of needHash) {
		let key = generateKey(g.path, true);
		for (let n = 2; taken.has(key.toLowerCase()); n++) {
			key = withSuffix(bases.get(g.i)!, stableHash(`${pathId(g.path)}\u0001${n}`));
		}
		keys[g.i] = key;
		taken.add(key.toLowerCase());
	}
	return keys;
}
