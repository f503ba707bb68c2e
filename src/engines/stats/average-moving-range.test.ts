import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageMovingRange } from './average-moving-range.ts';

test('mean of the absolute differences between consecutive values', () => {
  assert.equal(averageMovingRange(Object.freeze([1, 3, 2, 10]), 0, 4), 11 / 3);
});

test('screening drops ranges at or above the limit (strict) or above it (inclusive)', () => {
  const values = Object.freeze([1, 3, 2, 10]);
  assert.equal(averageMovingRange(values, 0, 4, 8), 1.5);
  assert.equal(averageMovingRange(values, 0, 4, 8, true), 11 / 3);
});

test('a NaN limit keeps nothing, as R does when the AMR is undefined', () => {
  assert.ok(Number.isNaN(averageMovingRange(Object.freeze([1, 2, 3]), 0, 3, Number.NaN)));
});

test('ranges never bridge a missing value', () => {
  assert.equal(averageMovingRange(Object.freeze([1, 2, Number.NaN, 10, 14]), 0, 5), 2.5);
  assert.ok(Number.isNaN(averageMovingRange(Object.freeze([1, Number.NaN, 3]), 0, 3)));
});

test('works on a sub-range', () => {
  assert.equal(averageMovingRange(Object.freeze([100, 1, 2, 4, -100]), 1, 4), 1.5);
});

test('an overflowing range gives Infinity rather than being skipped', () => {
  assert.equal(
    averageMovingRange(Object.freeze([Number.MAX_VALUE, -Number.MAX_VALUE]), 0, 2),
    Number.POSITIVE_INFINITY,
  );
});
