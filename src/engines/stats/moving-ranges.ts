/**
 * Moving ranges of a series: `|x[i] − x[i−1]|`, the point-to-point variation an XmR
 * (individuals) chart is built on. The first entry has no predecessor and is `NaN`; an entry
 * next to a missing value (`NaN`) is `NaN` too, so a moving range never bridges a gap
 * (Making Data Count; NHSRplotthedots 0.2.2). Runs in `O(n)`.
 *
 * @param values numbers in time order; `NaN` marks a missing value
 * @returns a new array of the same length
 * @example
 * movingRanges([1, 4, 2, NaN, 5]); // => Float64Array [NaN, 3, 2, NaN, NaN]
 */
export function movingRanges(values: ArrayLike<number>): Float64Array {
  const ranges = new Float64Array(values.length);
  if (values.length > 0) ranges[0] = Number.NaN;
  for (let index = 1; index < values.length; index++) {
    ranges[index] = Math.abs(values[index] - values[index - 1]);
  }
  return ranges;
}
