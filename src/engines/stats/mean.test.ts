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

test('mean is correctly rounded, like R', () => {
  // Summed left to right 0.1 + 0.2 + 0.3 is 0.6000000000000001, and / 3 gives 0.20000000000000004;
  // R's mean() gives 0.2.
  assert.equal(mean(Object.freeze([0.1, 0.2, 0.3])), 0.2);
  // R: mean(c(1, 6, 1, 8, 0, 3)) is 3.1666666666666665.
  assert.equal(mean(Object.freeze([1, 6, 1, 8, 0, 3])), 3.1666666666666665);
});

test('mean of values whose sum overflows is infinite, not a wrong finite number', () => {
  assert.equal(mean(Object.freeze([Number.MAX_VALUE, Number.MAX_VALUE])), Number.POSITIVE_INFINITY);
});

test('the mean of equal values is that value, even near the largest double', () => {
  for (const value of [3.5208870491613055e301, Number.MAX_VALUE / 64, 0.1, -7.3]) {
    assert.equal(mean(Array(20).fill(value)), value);
  }
});
