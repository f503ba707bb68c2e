import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadOfficialNofRows, quarters2025 } from '../../../test/helpers/nof-official.ts';
import { roundHalfUp } from '../stats/round-half-up.ts';
import { reconstructUnroundedScores } from './reconstruct-published-scores.ts';

const noStandard = { kind: 'ranked', case: 'no-standard' } as const;

test('recovers a small ranked set exactly', () => {
  const result = reconstructUnroundedScores(Object.freeze([1, 1.75, 2.5, 3.25, 4]), noStandard, 3);
  assert.equal(result?.rankedSetSize, 5);
  assert.deepEqual(result?.ranks, [1, 2, 3, 4, 5]);
});

test('round trip: rounded scores of a sample of a ranked set give back its size and unrounded scores (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 60, max: 260 }), fc.integer({ min: 0, max: 2 ** 31 }), (size, seed) => {
      // Every rank present (as a full 205-trust set is), shuffled, then held for a sample.
      const ranks = Array.from({ length: size }, (_, index) => index + 1);
      const sample = ranks.filter(
        (rank) => (rank * 2654435761 + seed) % 3 !== 0 || rank === 1 || rank === size,
      );
      const unrounded = sample.map((rank) => 1 + (3 * (rank - 1)) / (size - 1));
      const published = unrounded.map((score) => roundHalfUp(score, 2));
      const result = reconstructUnroundedScores(published, noStandard);
      if (result === null) return; // an ambiguous fit is reported as null, never as a wrong size
      if (result.rankedSetSize === size) {
        result.scores.forEach((score, index) => {
          assert.ok(Math.abs(score - unrounded[index]) < 1e-12);
        });
      } else {
        // A smaller size can only be reported if it reproduces every published score.
        assert.ok(result.rankedSetSize < size);
        result.scores.forEach((score, index) => {
          assert.equal(roundHalfUp(score, 2), published[index]);
        });
      }
    }),
    { numRuns: 60 },
  );
});

test('floors and standards: fixed scores are left as they are', () => {
  const floor = reconstructUnroundedScores(
    Object.freeze([4, 4, 1, 2, 3]),
    { kind: 'ranked', case: 'floor', floor: 70 },
    3,
  );
  assert.equal(floor?.rankedSetSize, 3);
  assert.deepEqual(floor?.ranks, [null, null, 1, 2, 3]);
  const standard = reconstructUnroundedScores(
    Object.freeze([1, 2, 3, 4]),
    { kind: 'ranked', case: 'standard', standard: 80 },
    3,
  );
  assert.equal(standard?.rankedSetSize, 3);
});

test('too few scores, or scores off the scale, give null', () => {
  assert.equal(reconstructUnroundedScores([1, 2.5, 4], noStandard), null);
  assert.equal(reconstructUnroundedScores([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 1.2, 1.3], noStandard), null);
});

test('official data: sickness absence (OF1082) is ranked over 205 trusts in every quarter, the number of trusts in England', (t) => {
  const rows = loadOfficialNofRows();
  for (const quarter of quarters2025) {
    const scores = rows
      .filter((row) => row.quarter === quarter && row.metricId === 'OF1082')
      .map((row) => row.value as number);
    const result = reconstructUnroundedScores(scores, noStandard);
    t.diagnostic(
      `${quarter}: ${scores.length} mental health and community scores fit a ranked set of ${result?.rankedSetSize}`,
    );
    assert.equal(result?.rankedSetSize, 205);
  }
});

test('official data: the staff-survey scores (OF1061, OF1084) fit a ranked set of exactly the 61 peer-group trusts', () => {
  const rows = loadOfficialNofRows();
  for (const quarter of quarters2025) {
    for (const metricId of ['OF1061', 'OF1084']) {
      const scores = rows
        .filter((row) => row.quarter === quarter && row.metricId === metricId)
        .map((row) => row.value as number);
      assert.equal(
        reconstructUnroundedScores(scores, noStandard)?.rankedSetSize,
        61,
        `${quarter} ${metricId}`,
      );
    }
  }
});
