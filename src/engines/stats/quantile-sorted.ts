/** How a quantile between two order statistics is chosen; the names follow Hyndman and Fan (1996). */
export type QuantileMethod = 'linear' | 'weibull' | 'inverted-cdf';

/**
 * Sample quantile of data that is already sorted ascending.
 *
 * - `linear` (the default) is Hyndman and Fan's type 7, the default of R's `quantile()`,
 *   numpy's `percentile` and Excel's `PERCENTILE.INC`: position `h = (n − 1)p` (0-based), with
 *   linear interpolation between the neighbouring order statistics.
 * - `weibull` is type 6 (Minitab, SPSS, Excel's `PERCENTILE.EXC`): position `h = (n + 1)p − 1`,
 *   clamped to the data.
 * - `inverted-cdf` is type 1: the smallest value whose empirical cumulative share is at least
 *   `p`; no interpolation.
 *
 * Runs in `O(1)`. Sort first (`Float64Array.from(values).sort()`), which is `O(n log n)`.
 *
 * @param sorted values in ascending order, none missing
 * @param probability from 0 to 1
 * @param method see above
 * @returns the quantile, or `NaN` for empty data
 * @throws `invalid probability: <p>` or `invalid method: <method>`
 * @example
 * quantileSorted([1, 2, 3, 4], 0.5); // => 2.5
 * quantileSorted([1, 2, 3, 4], 0.25, 'inverted-cdf'); // => 1
 */
export function quantileSorted(
  sorted: ArrayLike<number>,
  probability: number,
  method: QuantileMethod = 'linear',
): number {
  if (!(probability >= 0 && probability <= 1)) throw new Error(`invalid probability: ${probability}`);
  const count = sorted.length;
  if (count === 0) return Number.NaN;
  if (method === 'inverted-cdf') {
    const position = Math.max(1, Math.ceil(count * probability - 1e-12));
    return sorted[position - 1];
  }
  let position: number;
  if (method === 'linear') position = (count - 1) * probability;
  else if (method === 'weibull') position = (count + 1) * probability - 1;
  else throw new Error(`invalid method: ${method}`);
  if (position <= 0) return sorted[0];
  if (position >= count - 1) return sorted[count - 1];
  const below = Math.floor(position);
  const fraction = position - below;
  const lower = sorted[below];
  return fraction === 0 ? lower : lower + fraction * (sorted[below + 1] - lower);
}
