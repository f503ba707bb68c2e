/** Veltkamp's splitting constant, 2²⁷ + 1: splits a double into two halves of 26 bits. */
const splitter = 134217729;

/**
 * The mean `(sum + compensation) / count`, rounded once rather than twice.
 *
 * `sum + compensation` is a compensated (Kahan–Babuška) sum: `sum` is the running double and
 * `compensation` the rounding error it has collected. Dividing the rounded total would round a
 * second time; instead the quotient is corrected by the exact remainder, found with Dekker's
 * exact product. The result is the correctly rounded mean in all but rare ties, which is what
 * R's `mean()` returns with its long-double accumulator. That matters for XmR charts: a value
 * equal to the mean breaks a run, so the mean must come out bit for bit.
 *
 * @param sum compensated sum, main part
 * @param compensation compensated sum, accumulated error
 * @param count number of summed values
 * @returns the mean, `NaN` when `count` is 0, or the plain quotient if the sum overflowed
 * @example
 * meanFromCompensatedSum(0.6000000000000001, -1.1102230246251565e-16, 3); // => 0.2
 */
export function meanFromCompensatedSum(sum: number, compensation: number, count: number): number {
  if (count === 0) return Number.NaN;
  const quotient = (sum + compensation) / count;
  if (!Number.isFinite(quotient)) return quotient;
  const product = quotient * count;
  const scaled = splitter * quotient;
  const high = scaled - (scaled - quotient);
  const low = quotient - high;
  const productError = high * count - product + low * count;
  const remainder = sum - product - productError + compensation;
  const corrected = quotient + remainder / count;
  return Number.isFinite(corrected) ? corrected : quotient;
}
