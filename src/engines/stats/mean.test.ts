import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean } from './mean.ts';

test('mean of plain values', () => {
  assert.equal(mean(Object.freeze([0, 10])), 5);
  assert.equal(mean(Object.freeze([1, 2, 3, 4])), 2.5);
});

test('mean skips missing values and returns NaN when nothing is left', () => {
  assert.equal(mean(Object.freeze([1, Number.NaN, 5])), 3);
  assert.ok(Number.isNaN(mean(Object.freeze([Number.NaN]))));
  assert.ok(Number.isNaN(mean(Object.freeze([]))));
});

test('mean over a range', () => {
  assert.equal(mean(Object.freeze([100, 1, 2, 3, 100]), 1, 4), 2);
});

test('mean corrects the rounding of the plain sum', () => {
  // 0.1 + 0.2 + 0.3 summed left to right gives 0.6000000000000001; the corrected mean is 0.2,
  // as R's mean() returns.
  assert.equal(mean(Object.freeze([0.1, 0.2, 0.3])), 0.2);
});
