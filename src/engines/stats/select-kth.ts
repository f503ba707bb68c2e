/**
 * Selection ("quickselect", Hoare 1961): rearranges `values` in place so that `values[k]` is the
 * value that would be at index `k` if the array were sorted ascending, every value before it is
 * no greater and every value after it no smaller. Median-of-three pivots; expected `O(n)`, far
 * cheaper than a full sort when only a few order statistics are wanted (a bootstrap's
 * percentiles).
 *
 * @param values numbers, none missing; rearranged
 * @param k the 0-based order statistic wanted
 * @returns `values[k]` after selection
 * @throws `invalid k: <k>` when `k` is outside the array
 * @example
 * selectKth(Float64Array.from([5, 1, 4, 2, 3]), 1); // => 2
 */
export function selectKth(values: Float64Array, k: number): number {
  if (!Number.isInteger(k) || k < 0 || k >= values.length) throw new Error(`invalid k: ${k}`);
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const middle = (left + right) >> 1;
    if (values[middle] < values[left]) swap(values, middle, left);
    if (values[right] < values[left]) swap(values, right, left);
    if (values[right] < values[middle]) swap(values, right, middle);
    const pivot = values[middle];
    let low = left;
    let high = right;
    while (low <= high) {
      while (values[low] < pivot) low++;
      while (values[high] > pivot) high--;
      if (low <= high) {
        swap(values, low, high);
        low++;
        high--;
      }
    }
    if (k <= high) right = high;
    else if (k >= low) left = low;
    else return values[k];
  }
  return values[k];
}

/**
 * Sample quantile by R's type 7 (linear interpolation between order statistics, as
 * `quantileSorted(…, 'linear')`) without sorting: two selections, expected `O(n)`.
 * Rearranges `values`.
 *
 * @example
 * quantileLinearUnsorted(Float64Array.from([4, 1, 3, 2]), 0.5); // => 2.5
 */
export function quantileLinearUnsorted(values: Float64Array, probability: number): number {
  if (!(probability >= 0 && probability <= 1)) throw new Error(`invalid probability: ${probability}`);
  const count = values.length;
  if (count === 0) return Number.NaN;
  const position = (count - 1) * probability;
  const below = Math.floor(position);
  const lower = selectKth(values, below);
  const fraction = position - below;
  if (fraction === 0 || below + 1 >= count) return lower;
  let next = values[below + 1];
  for (let index = below + 2; index < count; index++) if (values[index] < next) next = values[index];
  return lower + fraction * (next - lower);
}

function swap(values: Float64Array, first: number, second: number): void {
  const held = values[first];
  values[first] = values[second];
  values[second] = held;
}
