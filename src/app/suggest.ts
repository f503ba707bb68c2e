/** Levenshtein edit distance between two short strings (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (left[i - 1] === right[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[right.length];
}

/** Up to `limit` candidates closest to `wanted`: substring matches first, then by edit distance. */
export function closest(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const lower = wanted.toLowerCase();
  return candidates
    .map((candidate) => ({
      candidate,
      score: candidate.toLowerCase().includes(lower) ? 0 : editDistance(wanted, candidate),
    }))
    .filter((entry) => entry.score <= Math.max(2, Math.floor(wanted.length / 2)))
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/**
 * Levenshtein edit distance between two strings as `editDistance` computes it, but only up to
 * `max` (`boundedEditDistance`): returns `max + 1` as soon as the distance must exceed `max`, so a
 * search can compare a word against many cheaply (the strings are compared as given; lower-case
 * them first). Runs in O(length × (2·max + 1)).
 *
 * @example boundedEditDistance('addenbrooks', 'addenbrookes', 2) // 1
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const outside = max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => (index <= max ? index : outside));
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(outside);
    current[0] = i <= max ? i : outside;
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    let best = current[0];
    for (let j = from; j <= to; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
        outside,
      );
      if (current[j] < best) best = current[j];
    }
    if (best > max) return outside;
    previous = current;
  }
  return Math.min(previous[b.length], outside);
}
