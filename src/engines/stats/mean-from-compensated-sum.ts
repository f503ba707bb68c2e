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
 * @returns the mean, `NaN` when `count` is 0, ±`Infinity` if the sum overflowed
 * @example
 * meanFromCompensatedSum(0.6000000000000001, -8.326672684688674e-17, 3); // => 0.2
 */
export function meanFromCompensatedSum(sum: number, compensation: number, count: number): number {
  if (count === 0) return Number.NaN;
  // An overflowed sum has a NaN compensation (∞ − ∞); report the overflow as ±Infinity.
  if (!Number.isFinite(sum)) return sum / count;
  const quotient = (sum + compensation) / count;
  if (!Number.isFinite(quotient)) return quotient;
  const product = quotient * count;
  // Split the quotient into two 26-bit halves; above 2⁹⁹⁶ the splitter would overflow, so split
  // a copy scaled down by 2²⁸ (exact) and scale the high half back.
  const large = Math.abs(quotient) > 2 ** 996;
  const reduced = large ? quotient * 2 ** -28 : quotient;
  const scaled = splitter * reduced;
  const high = large ? (scaled - (scaled - reduced)) * 2 ** 28 : scaled - (scaled - reduced);
  const low = quotient - high;
  const productError = high * count - product + low * count;
  const remainder = sum - product - productError + compensation;
  const corrected = quotient + remainder / count;
  return Number.isFinite(corrected) ? corrected : quotient;
}
