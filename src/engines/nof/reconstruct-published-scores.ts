import type { RankedScoring } from './ranked-score.ts';
import { rankedBookends } from './ranked-score.ts';

export interface ReconstructedScores {
  /** The smallest ranked-set size for which every published score is a rounded percent-rank score. */
  readonly rankedSetSize: number;
  /** Per input score: the competition rank it implies, or null for a fixed score (meets a standard, fails a floor). */
  readonly ranks: readonly (number | null)[];
  /** Per input score: the unrounded score. */
  readonly scores: readonly number[];
}

/**
 * Recovers unrounded scores of a ranked metric from NHS England's published 2 d.p. scores.
 *
 * A ranked score is `best + (worst − best) × (r − 1) / (M − 1)` for a whole rank `r` in a ranked
 * set of size `M`. When the set is wider than the organisations held (a metric ranked over all
 * trusts in England), `M` is unknown; but for most `M` some published score is not the 2 d.p.
 * rounding of any such value. The smallest `M` (at least the number of ranked scores held) for
 * which every published score is, with a single `r` each, identifies the set size and so the
 * unrounded scores. On the 2025/26 data this gives `M` = 205 for sickness absence in every
 * quarter, the number of trusts in England (inferred method; Tend option
 * `publishedScorePrecision`).
 *
 * Runs in `O(M_max × distinct scores)`. Returns null when fewer than `minimumScores` ranked
 * scores are held (too few to pin `M` down), when no size up to `maximumSize` fits, or when a
 * score fits more than one rank.
 *
 * @param publishedScores the published scores of every organisation held, 2 d.p.
 * @param scoring the metric's ranking case, which fixes the bookends and the fixed scores
 * @example
 * reconstructUnroundedScores([1, 1.75, 2.5, 3.25, 4], { kind: 'ranked', case: 'no-standard' }, 3)?.rankedSetSize; // => 5
 */
export function reconstructUnroundedScores(
  publishedScores: readonly number[],
  scoring: RankedScoring,
  minimumScores = 10,
  maximumSize = 1000,
): ReconstructedScores | null {
  const { best, worst } = rankedBookends(scoring);
  const span = worst - best;
  const bestCents = Math.round(best * 100);
  const cents = publishedScores.map((score) => Math.round(score * 100));
  const isFixed = (value: number) =>
    (scoring.case === 'standard' && value === 100) || (scoring.case === 'floor' && value === 400);
  const rankedCents = cents.filter((value) => !isFixed(value));
  if (rankedCents.length < minimumScores) return null;
  const distinct = [...new Set(rankedCents)];
  if (distinct.some((value) => value < bestCents || value > Math.round(worst * 100))) return null;

  for (let size = Math.max(2, rankedCents.length); size <= maximumSize; size++) {
    const steps = size - 1;
    const rankOf = new Map<number, number>();
    let fits = true;
    for (const value of distinct) {
      const offset = value - bestCents;
      // Rounded half up, 100 × span × k / steps is floor((200 × span × k + steps) / (2 × steps)).
      const approximate = (offset * steps) / (100 * span);
      let found: number | null = null;
      let count = 0;
      for (
        let k = Math.max(0, Math.floor(approximate) - 1);
        k <= Math.min(steps, Math.ceil(approximate) + 1);
        k++
      ) {
        if (Math.floor((200 * span * k + steps) / (2 * steps)) === offset) {
          found = k;
          count++;
        }
      }
      if (count === 0) {
        fits = false;
        break;
      }
      if (count > 1) return null;
      rankOf.set(value, (found as number) + 1);
    }
    if (!fits) continue;
    const ranks = cents.map((value) => (isFixed(value) ? null : (rankOf.get(value) as number)));
    const scores = cents.map((value, index) => {
      const rank = ranks[index];
      return rank === null ? value / 100 : best + (span * (rank - 1)) / steps;
    });
    return { rankedSetSize: size, ranks, scores };
  }
  return null;
}
