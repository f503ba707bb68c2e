import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combinedFinanceScore, scoreBand, scoreByThresholds, scoreRating } from './discrete-score.ts';
import { nof202526 } from './nof-2025-26.ts';

test('thresholds, best first: planned surplus/deficit (0, −1%, −2%)', () => {
  // Published (value → score) pairs from the 2025/26 data: ≥ 0 → 1; −0.20…−0.99 → 2; −1.12…−1.96 → 3; −2.52…−3.26 → 4.
  const thresholds = [0, -1, -2];
  assert.equal(scoreByThresholds(0, thresholds, 'higher-is-better'), 1);
  assert.equal(scoreByThresholds(1.57, thresholds, 'higher-is-better'), 1);
  assert.equal(scoreByThresholds(-0.2, thresholds, 'higher-is-better'), 2);
  assert.equal(scoreByThresholds(-0.99, thresholds, 'higher-is-better'), 2);
  assert.equal(scoreByThresholds(-1.12, thresholds, 'higher-is-better'), 3);
  assert.equal(scoreByThresholds(-1.96, thresholds, 'higher-is-better'), 3);
  assert.equal(scoreByThresholds(-2.52, thresholds, 'higher-is-better'), 4);
  assert.equal(scoreByThresholds(5, [1, 3, 5], 'lower-is-better'), 3);
});

test('ratings and bands map straight to scores', () => {
  const ratings = nof202526.metrics.find((metric) => metric.id === 'OF0067')?.scoring;
  assert.ok(ratings?.kind === 'rating');
  assert.equal(scoreRating('Good', ratings.ratings), 2);
  assert.equal(scoreRating(' requires  improvement', ratings.ratings), 3);
  assert.equal(scoreRating('Excellent', ratings.ratings), null);
  assert.equal(scoreRating(4, ratings.ratings), 4);
  assert.equal(scoreBand(2), 2);
  assert.equal(scoreBand(2.5), null);
  assert.equal(scoreBand('3'), 3);
});

test('combined finance looks up the matrix', () => {
  const combined = nof202526.combinedFinance;
  // Observed in the 2025/26 data: (1,3) → 2, (3,1) → 2, (3,4) → 4.
  assert.equal(combinedFinanceScore(1, 3, combined), 2);
  assert.equal(combinedFinanceScore(3, 1, combined), 2);
  assert.equal(combinedFinanceScore(3, 4, combined), 4);
  assert.equal(combinedFinanceScore(0, 1, combined), null);
});
