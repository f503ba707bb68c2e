import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactBootstrapMean } from '../../../test/helpers/nof-exact-bootstrap.ts';
import { deepFreeze } from '../../../test/helpers/nof-fixtures.ts';
import { loadOfficialLeagueTable, loadOfficialNofRows } from '../../../test/helpers/nof-official.ts';
import { assessQuarter } from './assess.ts';
import { scoresEnteringAverage } from './average-score.ts';
import { type BootstrapTrust, likelyRanges } from './likely-ranges.ts';
import type { CutPoints } from './types.ts';

const cutPoints: CutPoints = [2.065, 2.3, 2.585];
const settings = { replicates: 2000, seed: 7, coverage: 0.95, onCutPoint: 'better-segment', cap: 3 } as const;
const trust = (scores: number[], group = 'mental-health-and-community', deficit = false): BootstrapTrust => ({
  scores,
  weights: scores.map(() => 1),
  deficit,
  group,
  cutPoints,
});

const population = deepFreeze([
  trust([1, 1.2, 1.5, 2, 1.1]),
  trust([2, 2.1, 2.4, 2.2, 1.9, 2.6]),
  trust([3, 3.5, 2.8, 3.9]),
  trust([2.5, 2.5, 2.5]),
  trust([1.5, 2.5, 3.5], 'mental-health-and-community', true),
  trust([2, 3], 'ambulance'),
  trust([]),
]);

test('repeatable: the same seed gives the same ranges; another seed may differ', () => {
  const first = likelyRanges(population, settings);
  assert.deepEqual(likelyRanges(population, settings), first);
  const others = [8, 9, 10].map((seed) => likelyRanges(population, { ...settings, seed }));
  assert.ok(others.some((other) => JSON.stringify(other) !== JSON.stringify(first)));
});

test('ranges are sensible: identical scores give a point; ranks stay within the league table', () => {
  const ranges = likelyRanges(population, settings);
  assert.deepEqual(ranges[3]?.average, [2.5, 2.5]);
  for (const range of ranges.slice(0, 5)) {
    assert.ok(
      range &&
        range.average[0] <= range.average[1] &&
        range.rank[0] >= 1 &&
        range.rank[1] <= 5 &&
        range.rank[0] <= range.rank[1],
    );
  }
  assert.deepEqual(ranges[5]?.rank, [1, 1]);
  assert.equal(ranges[6], null);
  // The trust in deficit can never rank above a trust whose whole range keeps it in segment 1.
  assert.ok((ranges[4]?.rank[0] as number) > 1);
});

test('wider coverage never narrows a range', () => {
  const narrow = likelyRanges(population, { ...settings, coverage: 0.8 });
  const wide = likelyRanges(population, { ...settings, coverage: 0.99 });
  narrow.forEach((range, index) => {
    if (!range) return;
    assert.ok(
      (wide[index]?.average[0] as number) <= range.average[0] &&
        (wide[index]?.average[1] as number) >= range.average[1],
    );
  });
});

test('weighted scores (the infection metrics) are resampled with their weights', () => {
  const weighted: BootstrapTrust = { ...trust([2, 4, 4, 4]), weights: [1, 1 / 3, 1 / 3, 1 / 3] };
  const [range] = likelyRanges([weighted], settings);
  assert.ok(range && range.average[0] >= 2 && range.average[1] <= 4);
  assert.throws(() => likelyRanges(population, { ...settings, replicates: 1 }), /invalid replicates: 1/);
});

test('official Q4 2025/26: rank limits within ±3 places of the published ones; average limits within ±0.03, or else both at the same bootstrap percentile give or take Monte Carlo error', (t) => {
  const assessment = assessQuarter('nof-2025-26', 'Q4 2025/26', loadOfficialNofRows());
  const published = new Map(loadOfficialLeagueTable().map((row) => [row.trustCode, row]));
  assert.equal(assessment.options.replicates, 4000);
  let averageWithin = 0;
  let rankWithin = 0;
  let largestAverageGap = 0;
  let largestRankGap = 0;
  for (const detail of assessment.details) {
    const row = published.get(detail.code);
    const range = detail.likelyRange;
    assert.ok(row && range, detail.code);
    const rankGap = Math.max(
      Math.abs(range.rank[0] - row.rankRange[0]),
      Math.abs(range.rank[1] - row.rankRange[1]),
    );
    const averageGap = Math.max(
      Math.abs(range.average[0] - row.averageRange[0]),
      Math.abs(range.average[1] - row.averageRange[1]),
    );
    largestAverageGap = Math.max(largestAverageGap, averageGap);
    largestRankGap = Math.max(largestRankGap, rankGap);
    if (rankGap <= 3) rankWithin++;
    if (averageGap <= 0.03 + 1e-9) {
      averageWithin++;
      continue;
    }
    // Outside ±0.03: both NHS England's limits and Tend's are Monte Carlo estimates of the same
    // percentiles. Check with the exact bootstrap distribution that each published limit sits at
    // a tail probability of 2.5% give or take Monte Carlo error (±1.25 points, five standard
    // errors at 4,000 replicates), and so does Tend's.
    const scores = scoresEnteringAverage(detail.metricScores, assessment.options).map((entry) => entry.score);
    const exact = exactBootstrapMean(scores);
    const consistent = (lower: number, upper: number) => {
      const lowerTail: [number, number] = [exact.atMost(lower - 0.005 - 1e-6), exact.atMost(lower + 0.005)];
      const upperTail: [number, number] = [exact.atLeast(upper + 0.005 + 1e-6), exact.atLeast(upper - 0.005)];
      const near = ([low, high]: [number, number]) => high >= 0.0125 && low <= 0.0375;
      return near(lowerTail) && near(upperTail);
    };
    t.diagnostic(
      `${detail.code}: Tend ${range.average[0]} to ${range.average[1]}, published ${row.averageRange[0]} to ${row.averageRange[1]} (${detail.metricScores.length} scores); both consistent with the exact bootstrap percentiles: ${consistent(...row.averageRange) && consistent(...range.average)}`,
    );
    assert.ok(
      consistent(...row.averageRange),
      `${detail.code}: published range is not a 95% bootstrap range`,
    );
    assert.ok(consistent(...range.average), `${detail.code}: Tend's range is not a 95% bootstrap range`);
  }
  t.diagnostic(`rank limits within ±3: ${rankWithin} of 61 (largest gap ${largestRankGap})`);
  t.diagnostic(
    `average limits within ±0.03: ${averageWithin} of 61 (largest gap ${largestAverageGap.toFixed(2)})`,
  );
  assert.equal(rankWithin, 61);
});
