import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median } from './median.ts';

test('median of odd and even counts', () => {
  assert.equal(median(Object.freeze([3, 1, 2])), 2);
  assert.equal(median(Object.freeze([3, 1, 2, 10])), 2.5);
});

test('median skips missing values and does not reorder the input', () => {
  const values = Object.freeze([5, Number.NaN, 1]);
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, Number.NaN, 1]);
  assert.ok(Number.isNaN(median(Object.freeze([Number.NaN]))));
});

test('median of huge values does not overflow', () => {
  assert.equal(median(Object.freeze([Number.MAX_VALUE, Number.MAX_VALUE])), Number.MAX_VALUE);
});
