import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantileSorted } from './quantile-sorted.ts';

const data = Object.freeze([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

test('type 7 (linear) matches R quantile() defaults', () => {
  // R: quantile(1:10, c(0.25, 0.5, 0.75, 0.025, 0.975)) gives 3.25 5.5 7.75 1.225 9.775
  assert.equal(quantileSorted(data, 0.25), 3.25);
  assert.equal(quantileSorted(data, 0.5), 5.5);
  assert.equal(quantileSorted(data, 0.75), 7.75);
  assert.ok(Math.abs(quantileSorted(data, 0.025) - 1.225) < 1e-12);
  assert.ok(Math.abs(quantileSorted(data, 0.975) - 9.775) < 1e-12);
});

test('type 6 (weibull) matches R quantile(type = 6)', () => {
  // R: quantile(1:10, c(0.25, 0.5, 0.75), type = 6) gives 2.75 5.5 8.25
  assert.equal(quantileSorted(data, 0.25, 'weibull'), 2.75);
  assert.equal(quantileSorted(data, 0.5, 'weibull'), 5.5);
  assert.equal(quantileSorted(data, 0.75, 'weibull'), 8.25);
});

test('type 1 (inverted cdf) matches R quantile(type = 1)', () => {
  // R: quantile(1:10, c(0.25, 0.5, 0.75), type = 1) gives 3 5 8
  assert.equal(quantileSorted(data, 0.25, 'inverted-cdf'), 3);
  assert.equal(quantileSorted(data, 0.5, 'inverted-cdf'), 5);
  assert.equal(quantileSorted(data, 0.75, 'inverted-cdf'), 8);
});

test('ends and empty data', () => {
  assert.equal(quantileSorted(data, 0), 1);
  assert.equal(quantileSorted(data, 1), 10);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  assert.throws(() => quantileSorted(data, 1.5), /invalid probability: 1.5/);
});
