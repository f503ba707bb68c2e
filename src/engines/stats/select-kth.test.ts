import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { quantileSorted } from './quantile-sorted.ts';
import { quantileLinearUnsorted, selectKth } from './select-kth.ts';

test('selects the k-th smallest value', () => {
  assert.equal(selectKth(Float64Array.from([5, 1, 4, 2, 3]), 0), 1);
  assert.equal(selectKth(Float64Array.from([5, 1, 4, 2, 3]), 2), 3);
  assert.equal(selectKth(Float64Array.from([5, 1, 4, 2, 3]), 4), 5);
  assert.equal(selectKth(Float64Array.from([2, 2, 2, 1]), 1), 2);
  assert.throws(() => selectKth(Float64Array.from([1]), 1), /invalid k: 1/);
});

test('agrees with sorting, for any data (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 60 }),
      fc.nat(),
      (data, pick) => {
        const k = pick % data.length;
        const sorted = [...data].sort((a, b) => a - b);
        assert.equal(selectKth(Float64Array.from(data), k), sorted[k]);
      },
    ),
  );
});

test('type 7 quantile without sorting equals quantileSorted (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 1, max: 4, noNaN: true }), { minLength: 1, maxLength: 80 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (data, probability) => {
        const sorted = Float64Array.from(data).sort();
        assert.equal(
          quantileLinearUnsorted(Float64Array.from(data), probability),
          quantileSorted(sorted, probability),
        );
      },
    ),
  );
});
