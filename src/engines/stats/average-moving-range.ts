import { meanFromCompensatedSum } from './mean-from-compensated-sum.ts';

/**
 * Average moving range (AMR) of `values[start..end)`: the mean of `|x[i] − x[i−1]|` over the
 * consecutive pairs that both have a value (`NaN` is missing), so no range bridges a gap.
 * The XmR chart's estimate of short-term variation (Making Data Count; NHSRplotthedots 0.2.2).
 *
 * With `screeningLimit`, only ranges below it (or at most it, when `inclusive`) count: the
 * screening step that keeps one freak jump from widening the limits. A `NaN` limit keeps no
 * range. The mean is compensated and correctly rounded (see `mean`). Runs in `O(n)`.
 *
 * @param values numbers in time order; `NaN` marks a missing value
 * @param start first index (inclusive)
 * @param end last index (exclusive)
 * @param screeningLimit ranges at or above this are left out (default: none)
 * @param inclusive keep ranges equal to the limit
 * @returns the AMR, or `NaN` when no range counts
 * @example
 * averageMovingRange([1, 3, 2, 10], 0, 4); // => 3.6666666666666665 (ranges 2, 1, 8)
 * averageMovingRange([1, 3, 2, 10], 0, 4, 3.267 * 3.6666666666666665); // => 1.5 (8 is screened out)
 */
export function averageMovingRange(
  values: ArrayLike<number>,
  start: number,
  end: number,
  screeningLimit?: number,
  inclusive = false,
): number {
  const screened = screeningLimit !== undefined;
  const limit = screeningLimit ?? 0;
  let sum = 0;
  let compensation = 0;
  let count = 0;
  for (let index = start + 1; index < end; index++) {
    const range = Math.abs(values[index] - values[index - 1]);
    if (Number.isNaN(range)) continue;
    if (screened && !(inclusive ? range <= limit : range < limit)) continue;
    const total = sum + range;
    const rounded = total - sum;
    compensation += sum - (total - rounded) + (range - rounded);
    sum = total;
    count++;
  }
  return meanFromCompensatedSum(sum, compensation, count);
}
