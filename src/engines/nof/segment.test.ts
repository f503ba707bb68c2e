import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { officialSummaries, quarters2025 } from '../../../test/helpers/nof-official.ts';
import { averageOfScores } from './average-score.ts';
import { getFramework } from './frameworks.ts';
import { distancesToCutPoints, quartileCutPoints, segmentFromAverage } from './segment.ts';
import type { CutPoints } from './types.ts';

const framework = getFramework('nof-2025-26');

test('segments from cut points; an average on a cut point goes to the better segment unless told otherwise', () => {
  const cutPoints: CutPoints = [2.065, 2.3, 2.585];
  assert.equal(segmentFromAverage(1.53, cutPoints), 1);
  assert.equal(segmentFromAverage(2.21, cutPoints), 2);
  assert.equal(segmentFromAverage(2.57, cutPoints), 3);
  assert.equal(segmentFromAverage(2.6, cutPoints), 4);
  assert.equal(segmentFromAverage(2.3, cutPoints), 2);
  assert.equal(segmentFromAverage(2.3, cutPoints, 'worse-segment'), 3);
  assert.deepEqual(
    distancesToCutPoints(2.3, cutPoints).map((distance) => Math.round(distance * 1000)),
    [235, 0, -285],
  );
});

test('quartile cut points (R type 7 by default)', () => {
  assert.deepEqual(quartileCutPoints(Object.freeze([1.5, 2.0, 2.5, 3.0, 3.5])), [2, 2.5, 3]);
  // R: quantile(c(1, 2, 3, 4), c(.25, .5, .75), type = 6) gives 1.25 2.50 3.75
  assert.deepEqual(quartileCutPoints([4, 1, 3, 2], 'weibull'), [1.25, 2.5, 3.75]);
  assert.equal(quartileCutPoints([]), null);
});

test("official, by construction: each quarter's cut points give every published unadjusted segment (OF5003) from the published average (OF5002)", (t) => {
  // A match by construction: the cut points were chosen inside the intervals these same published
  // segments and averages imply, so this checks the framework data, not the method. The tests that
  // are not by construction (the previous quarter's cut points; quartiles of every provider's
  // average, the documented rule) are in test/nof-conformance.test.ts.
  const summaries = officialSummaries();
  let matches = 0;
  for (const summary of summaries) {
    const cutPoints = framework.publishedCutPoints[summary.quarter].values;
    if (segmentFromAverage(summary.averageMetricScore, cutPoints) === summary.unadjustedSegment) matches++;
    // With these cut points strictly inside the intervals, which way an average on a cut point goes cannot matter.
    assert.equal(
      segmentFromAverage(summary.averageMetricScore, cutPoints, 'worse-segment'),
      summary.unadjustedSegment,
    );
  }
  t.diagnostic(`${matches} of ${summaries.length} unadjusted segments reproduced`);
  assert.equal(summaries.length, 244);
  assert.equal(matches, 244);
});

test("official: the framework's cut points lie inside the intervals the published segments imply, recomputed here from the data", () => {
  const summaries = officialSummaries();
  for (const quarter of quarters2025) {
    const inQuarter = summaries.filter((summary) => summary.quarter === quarter);
    const cutPoints = framework.publishedCutPoints[quarter].values;
    for (let boundary = 1; boundary <= 3; boundary++) {
      const highestBetter = Math.max(
        ...inQuarter.filter((s) => s.unadjustedSegment <= boundary).map((s) => s.averageMetricScore),
      );
      const lowestWorse = Math.min(
        ...inQuarter.filter((s) => s.unadjustedSegment > boundary).map((s) => s.averageMetricScore),
      );
      const value = cutPoints[boundary - 1];
      assert.ok(
        highestBetter < value && value < lowestWorse,
        `${quarter} boundary ${boundary}: ${highestBetter} < ${value} < ${lowestWorse}`,
      );
    }
  }
});

test('official: quartiles of the mental health and community trusts alone contradict the published segments (cut points are national)', (t) => {
  const summaries = officialSummaries();
  let contradictions = 0;
  for (const quarter of quarters2025) {
    const inQuarter = summaries.filter((summary) => summary.quarter === quarter);
    const cutPoints = quartileCutPoints(inQuarter.map((summary) => summary.averageMetricScore)) as CutPoints;
    contradictions += inQuarter.filter(
      (summary) => segmentFromAverage(summary.averageMetricScore, cutPoints) !== summary.unadjustedSegment,
    ).length;
  }
  t.diagnostic(`peer-group quartiles misplace ${contradictions} of 244 trust-quarters`);
  assert.ok(contradictions > 0);
});

const scoreList = fc.array(
  fc.integer({ min: 100, max: 400 }).map((cents) => cents / 100),
  { minLength: 1, maxLength: 12 },
);

test('a trust whose metric scores all improve never gets a worse segment, with fixed or quartile cut points (property)', () => {
  fc.assert(
    fc.property(
      fc.array(scoreList, { minLength: 4, maxLength: 40 }),
      fc.nat(),
      fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 12, maxLength: 12 }),
      fc.constantFrom<'better-segment' | 'worse-segment'>('better-segment', 'worse-segment'),
      (population, pick, improvements, onCutPoint) => {
        const index = pick % population.length;
        const improvedScores = population[index].map((score, position) =>
          Math.max(1, score - improvements[position] / 100),
        );
        const averageOf = (scores: readonly number[]) =>
          averageOfScores(scores.map((score) => ({ score, weight: 1 })))?.average as number;
        const before = population.map(averageOf);
        const after = before.map((average, position) =>
          position === index ? averageOf(improvedScores) : average,
        );
        const fixed: CutPoints = [2.065, 2.3, 2.585];
        assert.ok(
          segmentFromAverage(after[index], fixed, onCutPoint) <=
            segmentFromAverage(before[index], fixed, onCutPoint),
        );
        const quartilesBefore = quartileCutPoints(before) as CutPoints;
        const quartilesAfter = quartileCutPoints(after) as CutPoints;
        assert.ok(
          segmentFromAverage(after[index], quartilesAfter, onCutPoint) <=
            segmentFromAverage(before[index], quartilesBefore, onCutPoint),
        );
      },
    ),
    { numRuns: 300 },
  );
});
