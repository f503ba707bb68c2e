import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTrust, deepFreeze, observation } from '../../../test/helpers/nof-fixtures.ts';
import { loadOfficialNofRows, quarters2025 } from '../../../test/helpers/nof-official.ts';
import { getFramework } from './frameworks.ts';
import { longRowsToQuarterInput } from './long-rows.ts';
import { type NofOptions, resolveNofOptions } from './options.ts';
import { scoreQuarterMetrics } from './score-metrics.ts';
import type { MetricScore, QuarterInput } from './types.ts';

const framework = getFramework('nof-2025-26');

function scoreOfficial(quarter: string, options: NofOptions = {}) {
  const { input } = longRowsToQuarterInput(framework, quarter, loadOfficialNofRows());
  const resolved = resolveNofOptions(framework, options, ['mental-health-and-community']);
  return { input, ...scoreQuarterMetrics(framework, input, resolved) };
}

function scoreOf(
  scores: ReadonlyMap<string, readonly MetricScore[]>,
  trustCode: string,
  metricId: string,
): MetricScore | undefined {
  return scores.get(trustCode)?.find((score) => score.metricId === metricId);
}

test('official: OF1061 and OF1084, ranked within the peer group, recomputed from their values match every published score', (t) => {
  for (const metricId of ['OF0061', 'OF0084']) {
    let matches = 0;
    let valueOnlyMatches = 0;
    let total = 0;
    for (const quarter of quarters2025) {
      const { input, byTrust } = scoreOfficial(quarter);
      const valueOnly = scoreOfficial(quarter, { tieBreak: 'none' }).byTrust;
      for (const trust of input.trusts) {
        const published = trust.observations[metricId]?.publishedScore;
        if (published === null || published === undefined) continue;
        total++;
        const score = scoreOf(byTrust, trust.code, metricId);
        assert.equal(score?.basis, 'recomputed');
        if (score?.displayScore === published) matches++;
        if (scoreOf(valueOnly, trust.code, metricId)?.displayScore === published) valueOnlyMatches++;
      }
    }
    t.diagnostic(
      `${metricId}: ${matches} of ${total} recomputed scores match the published ones (${valueOnlyMatches} when values that tie at 2 d.p. are left tied instead of ordered by the published peer rank)`,
    );
    assert.equal(total, 244);
    assert.equal(matches, total);
  }
});

test('official: finance scores recomputed from their values, and combined finance derived from them, match every published score', (t) => {
  for (const metricId of ['OF0079', 'OF0081', 'OF0080']) {
    let matches = 0;
    let total = 0;
    for (const quarter of quarters2025) {
      const { input, byTrust } = scoreOfficial(quarter);
      for (const trust of input.trusts) {
        const published = trust.observations[metricId]?.publishedScore ?? null;
        if (published === null) continue;
        total++;
        const score = scoreOf(byTrust, trust.code, metricId);
        assert.ok(score?.basis === 'recomputed' || score?.basis === 'derived', `${metricId} ${trust.code}`);
        if (score?.displayScore === published) matches++;
      }
    }
    t.diagnostic(`${metricId}: ${matches} of ${total} match`);
    assert.equal(total, 244);
    assert.equal(matches, total);
  }
});

test('official: the other ranked metrics cannot be recomputed from this file, because their ranked set is wider than it', (t) => {
  const ranked = ['OF0005', 'OF0016', 'OF0041', 'OF0057', 'OF0063', 'OF0082', 'OF0086'];
  t.diagnostic(
    'metric: recomputed within the 61 held trusts and matching the published score / scored; ranked-set size the published scores imply',
  );
  for (const metricId of ranked) {
    let matches = 0;
    let total = 0;
    const sizes: string[] = [];
    for (const quarter of quarters2025) {
      // Forcing a peer-group ranking over the held trusts shows what recomputation from this file alone would give.
      const forced = scoreOfficial(quarter, {
        rankedAgainst: { [metricId]: 'peer-group' },
        scoreSource: 'recompute-where-possible',
      });
      // Uniform precision, so the ranked-set size is inferred in Q1 too (where three of these
      // metrics otherwise enter the average at their published 2 d.p. score).
      const defaults = scoreOfficial(quarter, { quarterPrecision: 'uniform' });
      let held = 0;
      for (const trust of forced.input.trusts) {
        const published = trust.observations[metricId]?.publishedScore ?? null;
        if (published === null) continue;
        total++;
        held++;
        if (scoreOf(forced.byTrust, trust.code, metricId)?.displayScore === published) matches++;
        assert.equal(scoreOf(defaults.byTrust, trust.code, metricId)?.basis, 'as-published');
      }
      const status = defaults.statuses.find((entry) => entry.metricId === metricId);
      sizes.push(
        `${quarter.slice(0, 2)} ${held} held, ranked set ${status?.inferredRankedSetSize ?? 'not inferred'}`,
      );
      assert.ok(
        (status?.inferredRankedSetSize ?? 0) > held,
        `${metricId} ${quarter}: the ranked set should be wider than the file`,
      );
    }
    t.diagnostic(`${metricId}: ${matches}/${total} match; ${sizes.join('; ')}`);
  }
  t.diagnostic('OF1035 and OF1067: no values are published, only scores, so none can be recomputed.');
});

test('official: published scores follow the value order of every ranked metric (direction and ranking on values)', () => {
  const rows = loadOfficialNofRows();
  for (const metric of framework.metrics.filter((entry) => entry.scoring.kind === 'ranked')) {
    for (const quarter of quarters2025) {
      const pairs = new Map<string, { value?: number; score?: number }>();
      for (const row of rows) {
        if (row.quarter !== quarter || (row.metricId !== metric.id && row.metricId !== metric.scoreId))
          continue;
        const entry = pairs.get(row.trustCode) ?? {};
        if (row.metricId === metric.id) entry.value = row.value as number;
        else entry.score = row.value as number;
        pairs.set(row.trustCode, entry);
      }
      const held = [...pairs.values()].filter(
        (entry) => entry.value !== undefined && entry.score !== undefined,
      ) as { value: number; score: number }[];
      for (const a of held) {
        for (const b of held) {
          const aBetter = metric.direction === 'higher-is-better' ? a.value > b.value : a.value < b.value;
          if (aBetter)
            assert.ok(
              a.score <= b.score,
              `${metric.id} ${quarter}: ${a.value} scores ${a.score}, ${b.value} scores ${b.score}`,
            );
        }
      }
    }
  }
});

test('official: competition ranks of the values within the peer group equal the published Rank wherever values do not tie at 2 d.p.', (t) => {
  let compared = 0;
  for (const quarter of quarters2025) {
    const { input } = scoreOfficial(quarter);
    for (const metric of framework.metrics.filter(
      (entry) => entry.scoring.kind === 'ranked' && entry.direction,
    )) {
      const held = input.trusts
        .map((trust) => trust.observations[metric.id])
        .filter((entry) => typeof entry?.value === 'number' && entry.publishedRank !== null);
      for (const entry of held) {
        const value = entry.value as number;
        if (held.filter((other) => other.value === value).length > 1) continue;
        const better = held.filter((other) =>
          metric.direction === 'higher-is-better'
            ? (other.value as number) > value
            : (other.value as number) < value,
        );
        assert.equal(better.length + 1, entry.publishedRank, `${quarter} ${metric.id} ${value}`);
        compared++;
      }
    }
  }
  t.diagnostic(`${compared} published ranks reproduced`);
  assert.ok(compared >= 1000, 'too few ranks compared for the check to mean anything');
});

test('official: the UCR floor — every value below 70% scores 4.00 and every value at or above it 3.00 or better', () => {
  const rows = loadOfficialNofRows();
  const scores = new Map(
    rows
      .filter((row) => row.metricId === 'OF1057')
      .map((row) => [`${row.quarter}|${row.trustCode}`, row.value as number]),
  );
  const values = rows.filter((row) => row.metricId === 'OF0057');
  assert.ok(values.length > 100);
  for (const row of values) {
    const score = scores.get(`${row.quarter}|${row.trustCode}`);
    if ((row.value as number) < 70) assert.equal(score, 4);
    else assert.ok((score as number) <= 3, `${row.trustCode} ${row.value} scored ${score}`);
  }
});

test('a metric ranked nationally is recomputed when every organisation type it applies to is held', () => {
  const input: QuarterInput = deepFreeze({
    quarter: 'Q4 2025/26',
    trusts: [
      buildTrust('A1', [observation('OF0082', 4.1, 1.5)], {
        organisationType: 'acute',
        organisationTypeLabel: 'Acute trust',
      }),
      buildTrust('M1', [observation('OF0082', 5.2, 3.1)]),
      buildTrust('B1', [observation('OF0082', 6.0, 3.9)], {
        organisationType: 'ambulance',
        organisationTypeLabel: 'Ambulance trust',
      }),
    ],
  });
  const held = resolveNofOptions(framework, {}, ['acute', 'mental-health-and-community', 'ambulance']);
  const { byTrust } = scoreQuarterMetrics(framework, input, held);
  assert.deepEqual(
    ['A1', 'M1', 'B1'].map((code) => byTrust.get(code)?.[0].score),
    [1, 2.5, 4],
  );
  assert.equal(byTrust.get('M1')?.[0].basis, 'recomputed');

  const partial = resolveNofOptions(
    framework,
    { heldOrganisationTypes: ['mental-health-and-community'] },
    [],
  );
  const asPublished = scoreQuarterMetrics(framework, input, partial).byTrust.get('M1')?.[0];
  assert.equal(asPublished?.basis, 'as-published');
  assert.equal(asPublished?.score, 3.1);
  assert.match(
    asPublished?.basisReason ?? '',
    /ranked against all acute trusts, mental health and community trusts and ambulance trusts in England/,
  );
});

test('missing and suppressed values are left out; an unlisted metric is used as published with weight 1', () => {
  const input: QuarterInput = deepFreeze({
    quarter: 'Q4 2025/26',
    trusts: [
      buildTrust('M1', [observation('OF0061', null), observation('OF0999', null, 2.5)]),
      buildTrust('M2', [observation('OF0061', 7.1)]),
    ],
  });
  const { byTrust, statuses } = scoreQuarterMetrics(
    framework,
    input,
    resolveNofOptions(framework, {}, ['mental-health-and-community']),
  );
  assert.deepEqual(
    byTrust.get('M1')?.map((score) => [score.metricId, score.score, score.weight, score.basis]),
    [['OF0999', 2.5, 1, 'as-published']],
  );
  assert.equal(byTrust.get('M2')?.[0].score, 1);
  assert.ok(statuses.some((status) => status.metricId === 'OF0999'));
});

test("finance scored separately (the manual's worked example) puts both finance scores in the average instead of combined finance", () => {
  const input: QuarterInput = deepFreeze({
    quarter: 'Q4 2025/26',
    trusts: [buildTrust('M1', [observation('OF0079', -1.5), observation('OF0081', 0.2)])],
  });
  const separate = scoreQuarterMetrics(
    framework,
    input,
    resolveNofOptions(framework, { financeScoring: 'separate' }, ['mental-health-and-community']),
  );
  const combined = scoreQuarterMetrics(
    framework,
    input,
    resolveNofOptions(framework, {}, ['mental-health-and-community']),
  );
  const entering = (scores: readonly MetricScore[] | undefined) =>
    scores?.filter((score) => score.entersAverage).map((score) => [score.metricId, score.score]);
  assert.deepEqual(entering(separate.byTrust.get('M1')), [
    ['OF0079', 3],
    ['OF0081', 1],
  ]);
  assert.deepEqual(entering(combined.byTrust.get('M1')), [['OF0080', 2]]);
});
