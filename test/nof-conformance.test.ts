import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assessFromStore } from '../src/app/assessment.ts';
import { importFile } from '../src/app/import-file.ts';
import { nof202526 } from '../src/engines/nof/nof-2025-26.ts';
import { quartileCutPoints } from '../src/engines/nof/segment.ts';
import type { CutPoints } from '../src/engines/nof/types.ts';
import type { Store } from '../src/store/db.ts';
import {
  conformanceSkipReason,
  loadAcuteQ3Subset,
  officialSummaries,
  quarters2025,
} from './helpers/nof-official.ts';
import { dataDir } from './helpers/paths.ts';
import { openTestStore } from './helpers/test-store.ts';

/**
 * The Oversight Framework end to end from the store: NHS England's official mental health and
 * community data file and league table imported as a user would, then every quarter assessed
 * from what the store holds and compared with the published figures read straight from the file
 * (not through Tend's importer or engine).
 */
const nofDir = path.join(dataDir, 'nhse-nof-2025-26-mh-community');
const published = new Map(officialSummaries().map((row) => [`${row.quarter}|${row.trustCode}`, row]));

describe('NHS Oversight Framework 2025/26 from the store, against every published figure', () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
    for (const file of [
      'nhs-oversight-framework-mental-health-and-community-trust-data.csv',
      'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv',
    ]) {
      const result = await importFile(store.db, path.join(nofDir, file));
      assert.equal(result.outcome, 'imported', file);
    }
  });
  after(() => store.close());

  it('every published average metric score to 2 d.p. and every published rank, in all four quarters (244 trust-quarters)', async (t) => {
    let compared = 0;
    for (const quarter of quarters2025) {
      const assessment = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter });
      assert.equal(assessment.trusts.length, 61, quarter);
      for (const row of assessment.trusts) {
        const official = published.get(`${quarter}|${row.Trust_code}`);
        assert.ok(official, `${quarter} ${row.Trust_code} is not in the published file`);
        // Both to 2 d.p.: compare as text so that no tolerance can hide a 0.01 difference.
        assert.equal(
          row.Average_score?.toFixed(2),
          official.averageMetricScore.toFixed(2),
          `${quarter} ${row.Trust_code} average`,
        );
        assert.equal(row.Rank, official.rank, `${quarter} ${row.Trust_code} rank`);
        compared++;
      }
    }
    assert.equal(compared, 244);
    t.diagnostic('244 of 244 averages and ranks as published');
  });

  it('RY2 in Q1 2025/26 is 2.53 as published, and RWK ranks 39th', async () => {
    const assessment = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter: 'Q1 2025/26' });
    const row = (code: string) => assessment.trusts.find((trust) => trust.Trust_code === code);
    assert.equal(row('RY2')?.Average_score, 2.53);
    assert.equal(row('RWK')?.Rank, 39);
  });

  it("segments match by construction: each quarter's cut points sit inside the intervals that quarter's published segments imply", async () => {
    // This agreement says only that the averages are right: the cut points were chosen from the
    // same quarter's published segments, so given the published averages they cannot disagree.
    for (const quarter of quarters2025) {
      const assessment = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter });
      for (const detail of assessment.details)
        assert.equal(
          detail.unadjustedSegment,
          published.get(`${quarter}|${detail.code}`)?.unadjustedSegment,
          `${quarter} ${detail.code}`,
        );
    }
  });

  it("not by construction: the previous quarter's cut points give nearly every segment of the next", async (t) => {
    // Cut points move from quarter to quarter (they are quartiles of that quarter's averages), so
    // a few trusts near a boundary are expected to differ; most must not.
    const minimum: Record<string, number> = { 'Q2 2025/26': 57, 'Q3 2025/26': 57, 'Q4 2025/26': 53 };
    for (let index = 1; index < quarters2025.length; index++) {
      const quarter = quarters2025[index];
      const previous = quarters2025[index - 1];
      const cutPoints = nof202526.publishedCutPoints[previous].values;
      const assessment = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter, cutPoints });
      const agreeing = assessment.details.filter(
        (detail) =>
          detail.unadjustedSegment === published.get(`${quarter}|${detail.code}`)?.unadjustedSegment,
      ).length;
      t.diagnostic(`${quarter} with ${previous}'s cut points: ${agreeing} of 61 segments as published`);
      assert.ok(agreeing >= minimum[quarter], `${quarter}: ${agreeing} of 61`);
    }
  });

  it("not by construction: Q3 cut points from the documented rule (quartiles of every provider's average) give 59 of the 61 published segments", {
    skip: conformanceSkipReason(),
  }, async (t) => {
    // The documented rule: quartiles of the averages of every provider in England. Tend holds 61
    // mental health and community averages (its own) and 129 of the 134 acute averages
    // (published); the 10 ambulance trusts and 5 acute trusts are missing.
    const q3 = await assessFromStore(store.db, { framework: 'nof-2025-26', quarter: 'Q3 2025/26' });
    const pooled = [
      ...q3.details.map((detail) => detail.average?.average as number),
      ...loadAcuteQ3Subset().map((trust) => trust.averageScore),
    ];
    assert.equal(pooled.length, 190);
    const cutPoints = quartileCutPoints(pooled, 'linear') as CutPoints;
    const frameworkCutPoints = nof202526.publishedCutPoints['Q3 2025/26'].values;
    assert.notDeepEqual(cutPoints, frameworkCutPoints);
    const assessment = await assessFromStore(store.db, {
      framework: 'nof-2025-26',
      quarter: 'Q3 2025/26',
      cutPoints,
    });
    const differing = assessment.details
      .filter(
        (detail) =>
          detail.unadjustedSegment !== published.get(`Q3 2025/26|${detail.code}`)?.unadjustedSegment,
      )
      .map((detail) => `${detail.code} ${detail.average?.average}`);
    t.diagnostic(`cut points ${cutPoints.join(', ')}: differing ${differing.join(', ') || 'none'}`);
    assert.ok(differing.length <= 2, differing.join(', '));
  });
});
