import type { CombinedFinance, Direction, MetricScoring } from './types.ts';

/**
 * Bespoke (discrete) scoring by thresholds (NOF 2025/26 methodology manual: where a metric is
 * reported in brackets, each bracket maps straight to a score). Thresholds are listed best
 * first; the score is 1 plus the number of thresholds the value falls short of. A value exactly
 * on a threshold meets it.
 *
 * @param value the metric value
 * @param thresholds best first, e.g. `[0, -1, -2]` for planned surplus/deficit (% of income)
 * @param direction which way is better
 * @returns a whole score from 1 to `thresholds.length + 1`
 * @example
 * scoreByThresholds(-0.35, [0, -1, -2], 'higher-is-better'); // => 2
 * scoreByThresholds(-2.52, [0, -1, -2], 'higher-is-better'); // => 4
 */
export function scoreByThresholds(
  value: number,
  thresholds: readonly number[],
  direction: Direction,
): number {
  let score = 1;
  for (const threshold of thresholds) {
    const shortOf = direction === 'higher-is-better' ? value < threshold : value > threshold;
    if (shortOf) score++;
  }
  return score;
}

/**
 * Bespoke scoring of a rating: the rating's label (case and spacing ignored) or its number
 * 1–4 maps to a score. Returns null for a label the map does not hold.
 *
 * @example
 * scoreRating('Good', ratings); // => 2 (the manual's worked example scores CQC safe = Good as 2.00)
 */
export function scoreRating(
  value: number | string,
  ratings: Extract<MetricScoring, { kind: 'rating' }>['ratings'],
): number | null {
  if (typeof value === 'number') return scoreBand(value);
  const wanted = value.trim().toLowerCase().replace(/\s+/g, ' ');
  return ratings.find((rating) => rating.label.toLowerCase() === wanted)?.score ?? null;
}

/** A published band 1–4 is its own score; anything else is null. */
export function scoreBand(value: number | string): number | null {
  const band = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(band) && band >= 1 && band <= 4 ? band : null;
}

/**
 * Combined finance: one score from the planned surplus/deficit score and the year-to-date
 * variance score, looked up in the framework's matrix. NHS England averages this score in place
 * of the two (verified on the 2025/26 data); the rule behind the matrix is inferred.
 *
 * @returns the combined score, or null when either score is not a whole number from 1 to 4
 * @example
 * combinedFinanceScore(1, 3, nof202526CombinedFinance); // => 2
 */
export function combinedFinanceScore(
  plannedScore: number,
  varianceScore: number,
  combined: CombinedFinance,
): number | null {
  const row = combined.matrix[Math.round(plannedScore) - 1];
  const score = row?.[Math.round(varianceScore) - 1];
  return score === undefined ? null : score;
}
