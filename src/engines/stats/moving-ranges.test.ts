import assert from 'node:assert/strict';
import { test } from 'node:test';
import { movingRanges } from './moving-ranges.ts';

test('moving ranges are absolute differences with no range for the first point', () => {
  assert.deepEqual(Array.from(movingRanges(Object.freeze([1, 4, 2]))), [Number.NaN, 3, 2]);
});

test('a missing value removes both of its moving ranges', () => {
  assert.deepEqual(Array.from(movingRanges(Object.freeze([1, Number.NaN, 5, 6]))), [
    Number.NaN,
    Number.NaN,
    Number.NaN,
    1,
  ]);
});

test('empty input gives an empty result', () => {
  assert.equal(movingRanges([]).length, 0);
});
