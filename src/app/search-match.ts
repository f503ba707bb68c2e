import { boundedEditDistance } from './suggest.ts';

/**
 * Matching what a person types against names, forgivingly: case, accents, apostrophes and
 * punctuation ignored ("Guys" finds "Guy's"), the names people use as well as registered ones,
 * and each word allowed a typo or two ("Adenbrookes"). Pure; the candidates are a small set (every
 * organisation and metric, a few hundred), so this runs in the app rather than needing PostgreSQL's
 * pg_trgm, which the embedded store does not load.
 */

/** Something search can find: its key (an ODS code, a metric id) and every name it goes by. */
export interface SearchCandidate<T> {
  key: string;
  /** The registered name first, then other names (aliases); the key is matched on its own. */
  names: readonly string[];
  item: T;
}

/** Lower case, accents and apostrophes removed, anything else not a letter or digit a space. */
export function normaliseForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Words that say nothing about which organisation is meant, ignored when others are given. */
const commonWords = new Set(['nhs', 'trust', 'foundation', 'the', 'and', 'of', 'for', 'ft', 'hospitals']);

/** How many typos a word of this length may hold: none up to 3 letters, 1 up to 5, else 2. */
function typosAllowed(length: number): number {
  return length <= 3 ? 0 : length <= 5 ? 1 : 2;
}

/**
 * How well `words` (a normalised query, split) fit a name's words: each query word must equal,
 * begin (3 letters or more) or be within its typo allowance of some word of the name; the result
 * is the sum of the typos, or null when a word fits nowhere.
 */
function wordsDistance(words: readonly string[], nameWords: readonly string[]): number | null {
  let total = 0;
  for (const word of words) {
    let best = Number.POSITIVE_INFINITY;
    const allowed = typosAllowed(word.length);
    for (const nameWord of nameWords) {
      if (nameWord === word || (word.length >= 3 && nameWord.startsWith(word))) {
        best = 0;
        break;
      }
      if (allowed === 0) continue;
      const distance = boundedEditDistance(word, nameWord, allowed);
      if (distance < best) best = distance;
    }
    if (best > allowed) return null;
    total += best;
  }
  return total;
}

/**
 * How a candidate matches `query` (lower is better), or null when it does not: 0 its key exactly;
 * 1 one of its names exactly (ignoring case and punctuation); 2 a name starting with the query;
 * 3 a name or the key containing it; 4 and over, every word of the query within a typo or two of a
 * word of one name (4 + the typos).
 */
export function matchScore(query: string, candidate: SearchCandidate<unknown>): number | null {
  const wanted = normaliseForSearch(query);
  if (!wanted) return null;
  if (candidate.key.toLowerCase() === query.trim().toLowerCase()) return 0;
  const compact = wanted.replace(/ /g, '');
  const names = candidate.names.map(normaliseForSearch);
  if (names.some((name) => name === wanted || name.replace(/ /g, '') === compact)) return 1;
  if (names.some((name) => name.startsWith(wanted))) return 2;
  if (
    names.some((name) => name.includes(wanted)) ||
    candidate.key.toLowerCase().includes(query.trim().toLowerCase())
  )
    return 3;
  const allWords = wanted.split(' ');
  const words = allWords.some((word) => !commonWords.has(word))
    ? allWords.filter((word) => !commonWords.has(word))
    : allWords;
  let best: number | null = null;
  for (const name of names) {
    const distance = wordsDistance(words, name.split(' '));
    if (distance !== null && (best === null || distance < best)) best = distance;
  }
  return best === null ? null : 4 + best;
}

/**
 * The candidates that match `query`, best first (then by first name, then key), at most `limit`
 * (`findMatches`); matches that need a typo forgiven only when none match as typed.
 *
 * @example findMatches('GSTT', candidates, 5) // Guy's and St Thomas' first, by its alias
 */
export function findMatches<T>(query: string, candidates: readonly SearchCandidate<T>[], limit: number): T[] {
  const scored: { score: number; candidate: SearchCandidate<T> }[] = [];
  for (const candidate of candidates) {
    const score = matchScore(query, candidate);
    if (score !== null) scored.push({ score, candidate });
  }
  // Typo matches only when nothing matches as typed: "Kent" should not also offer every "rent".
  const asTyped = scored.some((entry) => entry.score < 4);
  if (asTyped) scored.splice(0, scored.length, ...scored.filter((entry) => entry.score < 4));
  scored.sort(
    (a, b) =>
      a.score - b.score ||
      (a.candidate.names[0] ?? '').localeCompare(b.candidate.names[0] ?? '') ||
      a.candidate.key.localeCompare(b.candidate.key),
  );
  return scored.slice(0, limit).map((entry) => entry.candidate.item);
}
