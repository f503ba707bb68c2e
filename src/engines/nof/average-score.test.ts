import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOfficialNofRows, officialSummaries, quarters2025 } from '../../../test/helpers/nof-official.ts';
import { averageMetricScore, averageOfScores, domainScores, scoresEnteringAverage } from './average-score.ts';
import { getFramework } from './frameworks.ts';
import { longRowsToQuarterInput } from './long-rows.ts';
import { type NofOptions, resolveNofOptions } from './options.ts';
import { scoreQuarterMetrics } from './score-metrics.ts';
import type { MetricScore } from './types.ts';

const framework = getFramework('nof-2025-26');

test('weighted mean, rounded half up to 2 d.p.', () => {
  assert.deepEqual(
    averageOfScores(
      Object.freeze([
        { score: 1, weight: 1 },
        { score: 2.27, weight: 1 },
      ]),
    ),
    {
      average: 1.64,
      unrounded: 1.635,
      weightTotal: 2,
      metricCount: 2,
    },
  );
  // The three infection metrics count one third each: together they weigh as one metric.
  const withInfections = averageOfScores([
    { score: 2, weight: 1 },
    { score: 1, weight: 1 / 3 },
    { score: 4, weight: 1 / 3 },
    { score: 4, weight: 1 / 3 },
  ]);
  assert.equal(withInfections?.average, 2.5);
  assert.equal(averageOfScores([]), null);
});

test('infection metrics present in part: one third each, or sharing one (option)', () => {
  const scores = Object.freeze([
    { metricId: 'OF0023', score: 2, weight: 1, entersAverage: true },
    { metricId: 'OF0020', score: 4, weight: 1 / 3, entersAverage: true },
  ]) as unknown as MetricScore[];
  assert.equal(averageMetricScore(scores, { partialInfectionWeight: 'one-third-each' })?.average, 2.5);
  assert.equal(averageMetricScore(scores, { partialInfectionWeight: 'share-one' })?.average, 3);
  assert.deepEqual(
    scoresEnteringAverage(scores, { partialInfectionWeight: 'share-one' }).map((entry) => entry.weight),
    [1, 1],
  );
});

function officialAverages(options: NofOptions) {
  const summaries = new Map(
    officialSummaries().map((summary) => [`${summary.quarter}|${summary.trustCode}`, summary]),
  );
  const results: { key: string; computed: number; published: number }[] = [];
  const domains: { computed: number; published: number }[] = [];
  for (const quarter of quarters2025) {
    const { input } = longRowsToQuarterInput(framework, quarter, loadOfficialNofRows());
    const resolved = resolveNofOptions(framework, options, ['mental-health-and-community']);
    const { byTrust } = scoreQuarterMetrics(framework, input, resolved);
    for (const trust of input.trusts) {
      const scores = byTrust.get(trust.code) ?? [];
      const average = averageMetricScore(scores, resolved);
      const key = `${quarter}|${trust.code}`;
      results.push({
        key,
        computed: average?.average as number,
        published: summaries.get(key)?.averageMetricScore as number,
      });
      const computedDomains = domainScores(scores, framework.domains, resolved);
      for (const domain of framework.domains) {
        const published = trust.published?.domainScores[domain.id];
        if (published === undefined) continue;
        domains.push({ computed: computedDomains[domain.id]?.average as number, published });
      }
    }
  }
  return { results, domains };
}

const cents = (value: number) => Math.round(value * 100);

test('official: the average of the published metric scores equals OF5002 to ±0.01 everywhere, and exactly in at least 230 of 244', (t) => {
  // Published scores as they stand, 2 d.p.
  const { results } = officialAverages({
    scoreSource: 'published-where-available',
    publishedScorePrecision: 'as-published',
  });
  assert.equal(results.length, 244);
  const exact = results.filter((result) => cents(result.computed) === cents(result.published)).length;
  const off = results.filter((result) => Math.abs(cents(result.computed) - cents(result.published)) > 1);
  t.diagnostic(
    `published 2 d.p. scores: ${exact} of 244 exact, ${244 - exact - off.length} off by 0.01, ${off.length} further`,
  );
  assert.deepEqual(off, []);
  assert.ok(exact >= 230, `${exact} exact`);
});

test('official: with unrounded scores (recomputed, or reconstructed from the published ones) more averages are exact', (t) => {
  const rounded = officialAverages({
    scoreSource: 'published-where-available',
    publishedScorePrecision: 'as-published',
  }).results;
  const { results, domains } = officialAverages({});
  const exact = results.filter((result) => cents(result.computed) === cents(result.published));
  const roundedExact = rounded.filter((result) => cents(result.computed) === cents(result.published)).length;
  t.diagnostic(
    `default options: ${exact.length} of 244 exact (against ${roundedExact} from 2 d.p. scores); not exact: ${results
      .filter((result) => cents(result.computed) !== cents(result.published))
      .map((result) => `${result.key} ${result.computed} vs ${result.published}`)
      .join(', ')}`,
  );
  assert.ok(results.every((result) => Math.abs(cents(result.computed) - cents(result.published)) <= 1));
  assert.ok(exact.length > roundedExact);
  const domainsOff = domains.filter(
    (domain) => Math.abs(cents(domain.computed) - cents(domain.published)) > 1,
  );
  t.diagnostic(
    `domain scores: ${domains.length} compared, ${domains.filter((domain) => cents(domain.computed) === cents(domain.published)).length} exact, ${domainsOff.length} beyond ±0.01`,
  );
  assert.ok(domains.length > 1000);
  assert.deepEqual(domainsOff, []);
});
