import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentRank } from './percentile-rank.ts';

test('percent rank runs from 0 for the best to 1 for the worst', () => {
  assert.equal(percentRank(1, 61), 0);
  assert.equal(percentRank(61, 61), 1);
  assert.equal(percentRank(31, 61), 0.5);
});

test('a single ranked item has percent rank 0', () => {
  assert.equal(percentRank(1, 1), 0);
});

test('ranks outside 1..size are programmer errors', () => {
  assert.throws(() => percentRank(0, 5), /invalid rank: 0/);
  assert.throws(() => percentRank(6, 5), /invalid rank: 6/);
  assert.throws(() => percentRank(1, 0), /invalid size: 0/);
});
