import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rangeDifference } from './present.ts';

test("Tend's likely range against NHS England's published one, in words", () => {
  assert.equal(rangeDifference([1.2, 1.91], [1.2, 1.89], 2), 'vs published: 0 low, +0.02 high');
  assert.equal(rangeDifference([25, 39], [26, 39], 0), 'vs published: −1 low, 0 high');
  assert.equal(rangeDifference([1, 11], [1, 11], 0), 'same as published');
  // Floating point noise below the shown precision is no difference.
  assert.equal(rangeDifference([1.2 + 1e-12, 1.89], [1.2, 1.89], 2), 'same as published');
  assert.equal(rangeDifference([1, 2], null, 2), '');
  assert.equal(rangeDifference(null, [1, 2], 2), '');
});
