import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roundHalfUp } from './round-half-up.ts';

test('rounds halves up', () => {
  assert.equal(roundHalfUp(2.555, 2), 2.56);
  assert.equal(roundHalfUp(1.005, 2), 1.01);
  assert.equal(roundHalfUp(2.554, 2), 2.55);
  assert.equal(roundHalfUp(2.5, 0), 3);
});

test('absorbs floating-point error in sums of 2 d.p. numbers', () => {
  // 20.44 / 8 is exactly 2.555, but the float division of a float sum gives 2.5549999999999997.
  const scores = [2.27, 3.04, 2.0, 3.8, 3.0, 1.56, 3.6, 1.17];
  const average = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  assert.equal(roundHalfUp(average, 2), 2.56);
});

test('negative numbers round symmetrically and zero has no sign', () => {
  assert.equal(roundHalfUp(-1.005, 2), -1.01);
  assert.equal(roundHalfUp(-0.001, 2), 0);
  assert.ok(Object.is(roundHalfUp(-0.001, 2), 0));
});

test('decimals must be a small whole number', () => {
  assert.throws(() => roundHalfUp(1, -1), /invalid decimals: -1/);
});
