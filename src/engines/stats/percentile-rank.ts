/**
 * Percent rank: where a rank sits between the best and the worst of `size` ranked items, as a
 * fraction from 0 (rank 1) to 1 (rank `size`): `(rank − 1) / (size − 1)`. This is SQL's
 * `PERCENT_RANK()` and pandas' `rank(method="min", pct=True)` rescaled to start at 0. With ties
 * ranked by the competition ("min") method, every member of a tied group gets the percent rank
 * of the best place in the group. A single item has percent rank 0.
 *
 * @param rank a competition rank from 1 to `size`
 * @param size how many items were ranked
 * @returns a number from 0 to 1
 * @throws `invalid size: <size>` or `invalid rank: <rank>` for ranks outside 1..size
 * @example
 * percentRank(1, 61); // => 0
 * percentRank(61, 61); // => 1
 * percentRank(16, 61); // => 0.25
 */
export function percentRank(rank: number, size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new Error(`invalid size: ${size}`);
  if (!Number.isInteger(rank) || rank < 1 || rank > size) throw new Error(`invalid rank: ${rank}`);
  return size === 1 ? 0 : (rank - 1) / (size - 1);
}
