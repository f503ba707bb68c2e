import { type QuantileMethod, quantileSorted } from '../stats/quantile-sorted.ts';
import type { CutPoints, Segment } from './types.ts';

/**
 * Step 3: the segment an average metric score falls in, given three cut points (NOF 2025/26
 * methodology manual: the lowest-scoring quartile is segment 1, the highest segment 4; 2026/27:
 * defined thresholds). An average exactly on a cut point goes to the better segment by default;
 * NHS England has not said which way it goes (option `onCutPoint`).
 *
 * Pass the average as published, rounded to 2 d.p.
 *
 * @example
 * segmentFromAverage(2.21, [2.065, 2.3, 2.585]); // => 2
 * segmentFromAverage(2.3, [2.065, 2.3, 2.585], 'worse-segment'); // => 3
 */
export function segmentFromAverage(
  average: number,
  cutPoints: CutPoints,
  onCutPoint: 'better-segment' | 'worse-segment' = 'better-segment',
): Segment {
  let segment = 1;
  for (const cutPoint of cutPoints) {
    if (onCutPoint === 'better-segment' ? average > cutPoint : average >= cutPoint) segment++;
  }
  return segment as Segment;
}

/**
 * Quartile cut points of a population's average scores: the 25th, 50th and 75th percentiles
 * (NOF 2025/26: the raw scores "are plotted and evenly quartiled"; the percentile definition is
 * not published, so it is the `quartileMethod` option, R type 7 by default). Returns null for
 * an empty population.
 *
 * @example
 * quartileCutPoints([1.5, 2.0, 2.5, 3.0, 3.5]); // => [2, 2.5, 3]
 */
export function quartileCutPoints(
  averages: readonly number[],
  method: QuantileMethod = 'linear',
): CutPoints | null {
  if (averages.length === 0) return null;
  const sorted = Float64Array.from(averages).sort();
  return [
    quantileSorted(sorted, 0.25, method),
    quantileSorted(sorted, 0.5, method),
    quantileSorted(sorted, 0.75, method),
  ];
}

/** The distance from an average to each cut point (positive when the average is above it, on the worse side). */
export function distancesToCutPoints(
  average: number,
  cutPoints: CutPoints,
): readonly [number, number, number] {
  return [average - cutPoints[0], average - cutPoints[1], average - cutPoints[2]];
}
