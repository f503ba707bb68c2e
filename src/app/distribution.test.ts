import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distributionOf } from './distribution.ts';

describe('distributionOf', () => {
  it('gives quartiles by linear interpolation between order statistics', () => {
    // Sorted: 70, 80, 85, 90, 95, 99. Positions (n − 1)p: 1.25, 2.5, 3.75.
    // Lower quartile 80 + 0.25 × 5 = 81.25; median (85 + 90) / 2 = 87.5; upper 90 + 0.75 × 5 = 93.75.
    assert.deepEqual(distributionOf([95, 70, 90, null, 85, 99, 80]), {
      count: 6,
      min: 70,
      lowerQuartile: 81.25,
      median: 87.5,
      upperQuartile: 93.75,
      max: 99,
    });
  });

  it('handles an odd count, where the median is the middle value', () => {
    // Sorted: 1, 2, 3, 4, 10. Positions 1, 2, 3: exact order statistics.
    assert.deepEqual(distributionOf([10, 1, 3, 2, 4]), {
      count: 5,
      min: 1,
      lowerQuartile: 2,
      median: 3,
      upperQuartile: 4,
      max: 10,
    });
  });

  it('gives one value as every statistic, and null when nothing is left', () => {
    assert.deepEqual(distributionOf([42]), {
      count: 1,
      min: 42,
      lowerQuartile: 42,
      median: 42,
      upperQuartile: 42,
      max: 42,
    });
    assert.equal(distributionOf([]), null);
    assert.equal(distributionOf([null, Number.NaN]), null);
  });
});
