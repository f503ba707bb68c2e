import { meanFromCompensatedSum } from './mean-from-compensated-sum.ts';

/**
 * Arithmetic mean of the values in `values[start..end)`, skipping missing values (`NaN`).
 *
 * The sum is compensated (Knuth's two-sum, which needs no branch) and divided with a single
 * rounding, so the result is the correctly rounded mean, as R's `mean()` gives with its
 * long-double accumulator and correction pass. A value that equals the mean in exact
 * arithmetic is then found equal to it here too. Runs in `O(n)`, one pass.
 *
 * @param values numbers; `NaN` marks a missing value
 * @param start first index (inclusive), default 0
 * @param end last index (exclusive), default `values.length`
 * @returns the mean, `NaN` when the range holds no values, ±`Infinity` if the sum overflows
 * @example
 * mean([1, 2, NaN, 6]); // => 3
 * mean([0.1, 0.2, 0.3]); // => 0.2 (a plain sum divided by 3 gives 0.20000000000000004)
 */
export function mean(values: ArrayLike<number>, start = 0, end = values.length): number {
  let sum = 0;
  let compensation = 0;
  let count = 0;
  for (let index = start; index < end; index++) {
    const value = values[index];
    if (Number.isNaN(value)) continue;
    const total = sum + value;
    const rounded = total - sum;
    compensation += sum - (total - rounded) + (value - rounded);
    sum = total;
    count++;
  }
  return meanFromCompensatedSum(sum, compensation, count);
}
