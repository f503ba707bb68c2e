import { quantileSorted } from '../engines/stats/quantile-sorted.ts';

/** How one metric's values spread across organisations in one period. */
export interface Distribution {
  count: number;
  min: number;
  lowerQuartile: number;
  median: number;
  upperQuartile: number;
  max: number;
}

/**
 * The spread of a set of values: count, minimum, quartiles (Hyndman and Fan type 7, as R's
 * `quantile()` and Excel's `PERCENTILE.INC`), maximum. Non-finite values are left out; `null` when
 * none remain.
 *
 * @example
 * distributionOf([1, 2, 3, 4]); // => { count: 4, min: 1, lowerQuartile: 1.75, median: 2.5, upperQuartile: 3.25, max: 4 }
 */
export function distributionOf(values: readonly (number | null)[]): Distribution | null {
  const sorted = Float64Array.from(
    values.filter((value): value is number => value !== null && Number.isFinite(value)),
  ).sort();
  if (sorted.length === 0) return null;
  return {
    count: sorted.length,
    min: sorted[0],
    lowerQuartile: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    upperQuartile: quantileSorted(sorted, 0.75),
    max: sorted[sorted.length - 1],
  };
}
