import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanFromCompensatedSum } from './mean-from-compensated-sum.ts';

test('divides a compensated sum with one rounding', () => {
  // 0.1 + 0.2 + 0.3 by two-sum: the running double is 0.6000000000000001 and its error
  // −8.326672684688674e-17; the exact mean of the three doubles rounds to 0.2.
  assert.equal(meanFromCompensatedSum(0.6000000000000001, -8.326672684688674e-17, 3), 0.2);
});

test('19 / 6 is the correctly rounded double, as R gives', () => {
  // R: mean(c(1, 6, 1, 8, 0, 3)) prints 3.1666666666666665 (py-sample3 in the conformance cases).
  assert.equal(meanFromCompensatedSum(19, 0, 6), 3.1666666666666665);
});

test('no values gives NaN; an overflowed sum is passed through', () => {
  assert.ok(Number.isNaN(meanFromCompensatedSum(0, 0, 0)));
  assert.equal(meanFromCompensatedSum(Number.POSITIVE_INFINITY, Number.NaN, 2), Number.POSITIVE_INFINITY);
});

test('huge quotients skip the correction instead of overflowing', () => {
  assert.equal(meanFromCompensatedSum(Number.MAX_VALUE, 0, 1), Number.MAX_VALUE);
});
