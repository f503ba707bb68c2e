/**
 * Standard competition ranking ("1224" ranking): items are ordered by `compare`, the first gets
 * rank 1, items that compare equal share the lowest rank of their group, and the rank after a
 * group of `k` tied items skips `k − 1` places. This is SQL's `RANK()`, R's
 * `rank(ties.method = "min")` and pandas' `rank(method="min")`.
 *
 * Runs in `O(n log n)`. The input is not changed.
 *
 * @param items what to rank
 * @param compare negative when `a` ranks before (better than) `b`, zero for a tie
 * @returns one rank per item, in the input order
 * @example
 * competitionRanks([30, 10, 20, 10], (a, b) => a - b); // => [4, 1, 3, 1]
 */
export function competitionRanks<T>(items: readonly T[], compare: (a: T, b: T) => number): number[] {
  const order = items.map((_, index) => index);
  order.sort((left, right) => compare(items[left], items[right]));
  const ranks = new Array<number>(items.length);
  for (let position = 0; position < order.length; position++) {
    const index = order[position];
    if (position > 0 && compare(items[order[position - 1]], items[index]) === 0) {
      ranks[index] = ranks[order[position - 1]];
    } else {
      ranks[index] = position + 1;
    }
  }
  return ranks;
}
