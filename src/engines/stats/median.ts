/**
 * Median of the values, skipping missing values (`NaN`): the middle value once sorted, or the
 * mean of the two middle values when there is an even number of them (quantile type 7 at 0.5,
 * R's `median()`). The input is not changed. Runs in `O(n log n)`.
 *
 * @param values numbers; `NaN` marks a missing value
 * @returns the median, or `NaN` when there are no values
 * @example
 * median([3, NaN, 1, 2, 10]); // => 2.5
 */
export function median(values: ArrayLike<number>): number {
  const present: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (!Number.isNaN(value)) present.push(value);
  }
  if (present.length === 0) return Number.NaN;
  present.sort((a, b) => a - b);
  const middle = present.length >> 1;
  if (present.length % 2 === 1) return present[middle];
  return present[middle - 1] / 2 + present[middle] / 2;
}
