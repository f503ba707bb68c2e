import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildRow, buildTrust, deepFreeze, observation } from '../../../test/helpers/nof-fixtures.ts';
import {
  loadOfficialLeagueTable,
  loadOfficialNofRows,
  officialSummaries,
  quarters2025,
} from '../../../test/helpers/nof-official.ts';
import { assessQuarter, assessQuarterInput } from './assess.ts';
import type { QuarterInput } from './types.ts';

const leagueColumns = [
  'Quarter',
  'Region',
  'Trust_type',
  'Trust_subtype',
  'Trust_code',
  'Trust_name',
  'Average_score',
  'Likely_range_of_average_score',
  'Segment',
  'Unadjusted_segment',
  'Trust_in_financial_deficit',
  'Rank',
  'Likely_range_of_rank',
];

test('official, end to end from long rows: averages, segments, override and ranks against the published ones, all four quarters', (t) => {
  const rows = deepFreeze(loadOfficialNofRows());
  const summaries = new Map(
    officialSummaries().map((summary) => [`${summary.quarter}|${summary.trustCode}`, summary]),
  );
  const counts = { trusts: 0, averageExact: 0, unadjusted: 0, adjusted: 0, ranks: 0 };
  for (const quarter of quarters2025) {
    const assessment = assessQuarter('nof-2025-26', quarter, rows, { replicates: 0 });
    assert.equal(assessment.trusts.length, 61);
    assert.deepEqual(Object.keys(assessment.trusts[0]), leagueColumns);
    const averagesAllExact = assessment.details.every(
      (detail) => detail.average?.average === summaries.get(`${quarter}|${detail.code}`)?.averageMetricScore,
    );
    for (const detail of assessment.details) {
      const published = summaries.get(`${quarter}|${detail.code}`);
      assert.ok(published && detail.average);
      counts.trusts++;
      assert.ok(Math.abs(detail.average.average - published.averageMetricScore) <= 0.01 + 1e-9);
      if (detail.average.average === published.averageMetricScore) counts.averageExact++;
      if (detail.unadjustedSegment === published.unadjustedSegment) counts.unadjusted++;
      if (detail.adjustedSegment === published.adjustedSegment) counts.adjusted++;
      if (detail.rank === published.rank) counts.ranks++;
      else {
        t.diagnostic(`${quarter} ${detail.code}: rank ${detail.rank}, published ${published.rank}`);
        // A rank can only differ where some average in the table differs from the published one by 0.01.
        assert.ok(
          !averagesAllExact,
          `${quarter} ${detail.code}: rank differs although every average is exact`,
        );
      }
    }
  }
  t.diagnostic(
    `${counts.trusts} trust-quarters: averages exact ${counts.averageExact}, unadjusted segments ${counts.unadjusted}, adjusted segments ${counts.adjusted}, ranks ${counts.ranks}`,
  );
  assert.equal(counts.unadjusted, 244);
  assert.equal(counts.adjusted, 244);
  assert.equal(counts.averageExact, 244);
  assert.equal(counts.ranks, 244);
});

test("official Q1 2025/26: taking every score unrounded instead misses RWX, RXT and RY2 by 0.01, and so RWK's rank", () => {
  const summaries = new Map(
    officialSummaries()
      .filter((summary) => summary.quarter === 'Q1 2025/26')
      .map((summary) => [summary.trustCode, summary]),
  );
  const uniform = assessQuarter('nof-2025-26', 'Q1 2025/26', loadOfficialNofRows(), {
    replicates: 0,
    quarterPrecision: 'uniform',
  });
  const differing = uniform.details
    .filter((detail) => detail.average?.average !== summaries.get(detail.code)?.averageMetricScore)
    .map((detail) => `${detail.code} ${detail.average?.average}`);
  assert.deepEqual(differing, ['RWX 1.78', 'RXT 2.91', 'RY2 2.52']);
  assert.equal(uniform.details.find((detail) => detail.code === 'RWK')?.rank, 40);
});

test('official Q4 2025/26: the league table rows match the published league table', () => {
  const assessment = assessQuarter('nof-2025-26', 'Q4 2025/26', loadOfficialNofRows(), { replicates: 0 });
  const published = loadOfficialLeagueTable();
  const byCode = (rows: (string | number | null)[][]) =>
    rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  assert.equal(published.length, 61);
  assert.deepEqual(
    byCode(
      assessment.trusts.map((row) => [
        row.Trust_code,
        row.Average_score,
        row.Segment,
        row.Trust_in_financial_deficit,
        row.Rank,
      ]),
    ),
    byCode(
      published.map((row) => [
        row.trustCode,
        row.averageScore,
        row.segment,
        row.deficit ? 'Yes' : 'No',
        row.rank,
      ]),
    ),
  );
  // Rows come in rank order, as in the published table.
  const ranks = assessment.trusts.map((row) => row.Rank as number);
  assert.deepEqual(
    ranks,
    [...ranks].sort((a, b) => a - b),
  );
});

test('league rows carry likely ranges written "a to b"', () => {
  const assessment = assessQuarter('nof-2025-26', 'Q4 2025/26', loadOfficialNofRows(), { replicates: 200 });
  for (const row of assessment.trusts) {
    assert.match(row.Likely_range_of_average_score ?? '', /^\d(\.\d{1,2})? to \d(\.\d{1,2})?$/);
    assert.match(row.Likely_range_of_rank ?? '', /^\d+ to \d+$/);
  }
});

test('the same input and options give the same result, and the input is not changed', () => {
  const rows = deepFreeze(loadOfficialNofRows().filter((row) => row.quarter === 'Q2 2025/26'));
  const first = assessQuarter('nof-2025-26', 'Q2 2025/26', rows, { replicates: 300, seed: 11 });
  const second = assessQuarter('nof-2025-26', 'Q2 2025/26', [...rows].reverse(), {
    replicates: 300,
    seed: 11,
  });
  assert.deepEqual(second.trusts, first.trusts);
});

test('cut points: framework, computed over the input, or supplied', () => {
  const rows = loadOfficialNofRows();
  const framework = assessQuarter('nof-2025-26', 'Q4 2025/26', rows, { replicates: 0 });
  assert.equal(framework.cutPoints.source, 'framework');
  const computed = assessQuarter('nof-2025-26', 'Q4 2025/26', rows, { replicates: 0, cutPoints: 'computed' });
  assert.equal(computed.cutPoints.source, 'computed-quartiles');
  assert.match(computed.cutPoints.note, /Quartiles of the 61 averages held/);
  const supplied = assessQuarter('nof-2025-26', 'Q4 2025/26', rows, { replicates: 0, cutPoints: [1, 2, 3] });
  assert.equal(supplied.cutPoints.source, 'supplied');
  for (const row of supplied.trusts) {
    const average = row.Average_score as number;
    assert.equal(row.Unadjusted_segment, average <= 1 ? 1 : average <= 2 ? 2 : average <= 3 ? 3 : 4);
  }
});

test('2026/27 (provisional): fixed thresholds, ICBs segmented', () => {
  const rows = deepFreeze([
    buildRow('QWE', 'OF1061', 1.4, { quarter: 'Q1 2026/27', trustType: 'Integrated care board' }),
    buildRow('RYY', 'OF1061', 2.6, { quarter: 'Q1 2026/27' }),
    buildRow('RYY', 'OF5004', 1, { quarter: 'Q1 2026/27' }),
  ]);
  const assessment = assessQuarter('nof-2026-27', 'Q1 2026/27', rows, { replicates: 0 });
  assert.equal(assessment.cutPoints.source, 'fixed-thresholds');
  const byCode = new Map(assessment.trusts.map((row) => [row.Trust_code, row]));
  assert.equal(byCode.get('QWE')?.Segment, 1);
  assert.equal(byCode.get('RYY')?.Unadjusted_segment, 3);
  assert.throws(() => assessQuarter('nof-2025-26', 'Q1 2026/27', rows), /invalid quarter: Q1 2026\/27/);
});

test('no rows for the quarter is a value, not an error', () => {
  const assessment = assessQuarter('nof-2025-26', 'Q1 2025/26', []);
  assert.equal(assessment.status, 'no-data');
  assert.deepEqual(assessment.trusts, []);
});

test('engine level: a trust whose published scores all improve never gets a worse unadjusted segment (property)', () => {
  const metricIds = ['OF0901', 'OF0902', 'OF0903', 'OF0904', 'OF0905'];
  const trustScores = fc.array(fc.option(fc.integer({ min: 100, max: 400 }), { nil: null }), {
    minLength: metricIds.length,
    maxLength: metricIds.length,
  });
  fc.assert(
    fc.property(
      fc.array(trustScores, { minLength: 4, maxLength: 16 }),
      fc.nat(),
      fc.integer({ min: 1, max: 150 }),
      (population, pick, gain) => {
        const index = pick % population.length;
        const inputFor = (scores: readonly (readonly (number | null)[])[]): QuarterInput => ({
          quarter: 'Q3 2025/26',
          trusts: scores.map((row, position) =>
            buildTrust(
              `T${String(position).padStart(3, '0')}`,
              metricIds.flatMap((metricId, column) =>
                row[column] === null ? [] : [observation(metricId, null, (row[column] as number) / 100)],
              ),
            ),
          ),
        });
        const improved = population.map((row, position) =>
          position === index
            ? row.map((cents) => (cents === null ? null : Math.max(100, cents - gain)))
            : row,
        );
        for (const cutPoints of ['computed', 'framework'] as const) {
          const before = assessQuarterInput('nof-2025-26', inputFor(population), {
            replicates: 0,
            cutPoints,
          });
          const after = assessQuarterInput('nof-2025-26', inputFor(improved), { replicates: 0, cutPoints });
          const segmentBefore = before.details[index].unadjustedSegment;
          const segmentAfter = after.details[index].unadjustedSegment;
          if (segmentBefore === null) return;
          assert.ok(
            segmentAfter !== null && segmentAfter <= segmentBefore,
            `${cutPoints}: ${segmentBefore} → ${segmentAfter}`,
          );
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('a partial peer group is not ranked on its own: staff-survey scores stay as published, and say why', () => {
  const some = new Set(['RYY', 'RV3', 'RXG', 'RYX', 'RV9', 'RKL', 'RDR', 'RY3']);
  const rows = loadOfficialNofRows().filter((row) => some.has(row.trustCode));
  const assessment = assessQuarter('nof-2025-26', 'Q4 2025/26', rows, { replicates: 0 });
  assert.deepEqual(assessment.options.heldOrganisationTypes, []);
  const staffSurvey = assessment.details[0].metricScores.find((score) => score.metricId === 'OF0061');
  assert.equal(staffSurvey?.basis, 'as-published');
  assert.equal(
    staffSurvey?.basisReason,
    'ranked within the peer group, and the input does not hold all mental health and community trusts',
  );
  // Averages still agree with the published ones to ±0.01.
  const published = new Map(
    officialSummaries()
      .filter((summary) => summary.quarter === 'Q4 2025/26')
      .map((summary) => [summary.trustCode, summary.averageMetricScore]),
  );
  for (const detail of assessment.details) {
    assert.ok(
      Math.abs((detail.average?.average as number) - (published.get(detail.code) as number)) <= 0.01 + 1e-9,
    );
  }
});
