import assert from 'node:assert/strict';
import { test } from 'node:test';
import { improvementExclusion } from './who-has-improved.ts';

test('an improvement on settled limits with varying, credible data counts', () => {
  assert.equal(
    improvementExclusion({
      improving: true,
      settledLimits: true,
      values: [30, 28, 31, 29, 22, 20, 19, 18, 17],
    }),
    null,
  );
});

test('trial limits, a flat or all-zero series and a one-step drop to zero never count', () => {
  const values = [649, 445, 485, 617, 692, 503, 666, 441, 446, 701, 538, 873, 0];
  assert.equal(improvementExclusion({ improving: true, settledLimits: false, values }), 'trial_limits');
  assert.equal(
    improvementExclusion({ improving: true, settledLimits: true, values: [0, 0, 0, 0] }),
    'flat_or_all_zero',
  );
  assert.equal(
    improvementExclusion({ improving: true, settledLimits: true, values: [7, 7, 7] }),
    'flat_or_all_zero',
  );
  assert.equal(improvementExclusion({ improving: true, settledLimits: true, values }), 'drop_to_zero');
  // A gradual fall to zero is a real improvement.
  assert.equal(
    improvementExclusion({
      improving: true,
      settledLimits: true,
      values: [40, 38, 41, 39, 30, 20, 12, 6, 3, 1, 0],
    }),
    null,
  );
  assert.equal(
    improvementExclusion({ improving: false, settledLimits: true, values: [1, 2, 3] }),
    'no_improvement',
  );
});
