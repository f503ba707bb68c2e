import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  conformanceSkipReason,
  loadAcuteQ3Subset,
  officialSummaries,
  quarters2025,
} from '../../../test/helpers/nof-official.ts';
import { applyFinancialOverride } from './financial-override.ts';
import { getFramework } from './frameworks.ts';
import { leagueRanks } from './league-rank.ts';
import { segmentFromAverage } from './segment.ts';

test('ranked on (segment, average) with competition ranking', () => {
  const entries = Object.freeze([
    { segment: 1, average: 1.79 },
    { segment: 1, average: 1.53 },
    { segment: 1, average: 1.79 },
    { segment: 3, average: 2.12 },
    { segment: 2, average: 2.21 },
  ]);
  assert.deepEqual(leagueRanks(entries), [2, 1, 2, 5, 4]);
});

test('ranks are a permutation, with ties only where (segment, average) tie (property)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          segment: fc.integer({ min: 1, max: 4 }),
          average: fc.integer({ min: 150, max: 160 }).map((cents) => cents / 100),
        }),
        {
          minLength: 1,
          maxLength: 60,
        },
      ),
      (entries) => {
        const ranks = leagueRanks(entries);
        const order = entries.map((_, index) => index).sort((a, b) => ranks[a] - ranks[b] || a - b);
        order.forEach((index, position) => {
          if (position === 0) {
            assert.equal(ranks[index], 1);
            return;
          }
          const previous = order[position - 1];
          const tied =
            entries[previous].segment === entries[index].segment &&
            entries[previous].average === entries[index].average;
          // A tie keeps the rank; anything else takes its position (so the ranks, ties broken, are 1..n).
          assert.equal(ranks[index], tied ? ranks[previous] : position + 1);
          const key = (entry: { segment: number; average: number }) =>
            entry.segment * 1000 + Math.round(entry.average * 100);
          assert.ok(key(entries[previous]) <= key(entries[index]));
        });
      },
    ),
  );
});

test('official: league ranks from the published adjusted segment and average reproduce every published rank, ties included', (t) => {
  const summaries = officialSummaries();
  let matches = 0;
  let tied = 0;
  for (const quarter of quarters2025) {
    const inQuarter = summaries.filter((summary) => summary.quarter === quarter);
    const ranks = leagueRanks(
      inQuarter.map((summary) => ({ segment: summary.adjustedSegment, average: summary.averageMetricScore })),
    );
    inQuarter.forEach((summary, index) => {
      if (ranks[index] === summary.rank) matches++;
      if (ranks.filter((rank) => rank === ranks[index]).length > 1) tied++;
    });
  }
  t.diagnostic(`${matches} of ${summaries.length} ranks match, ${tied} of them in ties`);
  assert.equal(summaries.length, 244);
  assert.equal(matches, 244);
  assert.ok(tied > 0);
});

test('acute Q3 2025/26 (129 of 134 trusts): segments and rank order follow from average, deficit flag and the cut points', {
  skip: conformanceSkipReason(),
}, (t) => {
  const acute = loadAcuteQ3Subset();
  const cutPoints = getFramework('nof-2025-26').publishedCutPoints['Q3 2025/26'].values;
  assert.equal(acute.length, 129);
  let segmentMatches = 0;
  for (const trust of acute) {
    const { adjusted } = applyFinancialOverride(
      segmentFromAverage(trust.averageScore, cutPoints),
      trust.deficit,
    );
    if (adjusted === trust.segment) segmentMatches++;
    else
      t.diagnostic(
        `${trust.trustCode}: average ${trust.averageScore}, deficit ${trust.deficit}: ${adjusted}, published ${trust.segment}`,
      );
  }
  t.diagnostic(`${segmentMatches} of ${acute.length} acute segments reproduced`);
  assert.equal(segmentMatches, acute.length);

  // Ranks within the subset, compared with the published ranks: the same order, ties in the same places,
  // and never more than the 5 missing trusts apart.
  const ranks = leagueRanks(acute.map((trust) => ({ segment: trust.segment, average: trust.averageScore })));
  acute.forEach((trust, index) => {
    assert.ok(
      trust.rank >= ranks[index] && trust.rank - ranks[index] <= 134 - acute.length,
      `${trust.trustCode}`,
    );
    acute.forEach((other, otherIndex) => {
      assert.equal(
        Math.sign(ranks[index] - ranks[otherIndex]),
        Math.sign(trust.rank - other.rank),
        `${trust.trustCode} vs ${other.trustCode}`,
      );
    });
  });
});
