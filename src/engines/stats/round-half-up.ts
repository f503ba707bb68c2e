/**
 * Rounds to a number of decimal places, with halves going up (away from zero for positive
 * numbers): 2.555 → 2.56, the way a spreadsheet's ROUND() and most published statistics round.
 *
 * Binary floating point cannot hold most decimals exactly, so a sum such as
 * 1.05 + 2.27 + 3.04 + 3.8 + … may land a hair below a true half (2.5549999999999997). Values
 * within 1e-9 of a unit in the last kept place of a half are therefore treated as that half.
 * This tolerance is far below anything a 2 d.p. statistic can express and far above
 * accumulated rounding error.
 *
 * @param value the number to round
 * @param decimals decimal places to keep (0 to 10)
 * @throws `invalid decimals: <decimals>`
 * @example
 * roundHalfUp(2.555, 2); // => 2.56
 * roundHalfUp(2.5549999999999997, 2); // => 2.56
 * roundHalfUp(2.554, 2); // => 2.55
 */
export function roundHalfUp(value: number, decimals: number): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 10)
    throw new Error(`invalid decimals: ${decimals}`);
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** decimals;
  const scaled = value * scale;
  const magnitude = Math.floor(Math.abs(scaled) + 0.5 + 1e-9);
  const rounded = (scaled < 0 ? -magnitude : magnitude) / scale;
  return rounded === 0 ? 0 : rounded;
}
