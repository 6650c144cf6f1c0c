/** "Did you mean …": the known name closest to a misspelt one (an option, a column header). */

/**
 * Edit distance (insertions, deletions, substitutions, and two neighbours swapped: "Wset" for "West" is
 * one slip of the fingers), case-insensitive.
 */
function distance(a: string, b: string): number {
	const x = a.toLowerCase();
	const y = b.toLowerCase();
	let before: number[] = [];
	let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
	for (let i = 1; i <= x.length; i++) {
		const current = [i];
		for (let j = 1; j <= y.length; j++) {
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
			if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
		}
		before = previous;
		previous = current;
	}
	return previous[y.length];
}

/**
 * The closest of `known` to `name`, or null when none is close: the same letters in another case, or at
 * most two edits away (one for names of four characters or fewer, so that short words are not matched
 * at random), or a known name that contains it. Long inputs are never compared (a 100,000-character cell is not a typo).
 */
export function closestName(name: string, known: readonly string[]): string | null {
	if (name.length > 100) return null;
	let best: { name: string; d: number } | null = null;
	for (const candidate of known) {
		const allowed = Math.min(name.length, candidate.length) <= 4 ? 1 : 2;
		// Lengths further apart than the allowed edits cannot be close: skipped without the O(n·m) distance,
		// so that hundreds of unknown names against thousands of known ones stay cheap.
		const d = Math.abs(name.length - candidate.length) > allowed ? Infinity : distance(name, candidate);
		// "file" for "csvFile": a known name that holds the whole of a longer-than-three-letter one.
		const inside = name.length > 3 && candidate.toLowerCase().includes(name.toLowerCase()) ? 3 : Infinity;
		const score = Math.min(d <= allowed ? d : Infinity, inside);
		if (score !== Infinity && (!best || score < best.d)) best = { name: candidate, d: score };
	}
	return best?.name ?? null;
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
	const close = closestName(name, known);
	return close === null ? '' : ` (did you mean "${close}"?)`;
}
