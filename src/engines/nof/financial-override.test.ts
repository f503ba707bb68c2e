import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOfficialLeagueTable, officialSummaries } from '../../../test/helpers/nof-official.ts';
import { applyFinancialOverride, finalSegment } from './financial-override.ts';
import type { Segment } from './types.ts';

test('a provider in deficit cannot sit above segment 3; segments 3 and 4 are unaffected', () => {
  assert.deepEqual(applyFinancialOverride(1, true), { adjusted: 3, applied: true });
  assert.deepEqual(applyFinancialOverride(2, true), { adjusted: 3, applied: true });
  assert.deepEqual(applyFinancialOverride(3, true), { adjusted: 3, applied: false });
  assert.deepEqual(applyFinancialOverride(4, true), { adjusted: 4, applied: false });
  assert.deepEqual(applyFinancialOverride(1, false), { adjusted: 1, applied: false });
  assert.deepEqual(applyFinancialOverride(1, null), { adjusted: 1, applied: false });
});

test('segment 5 from the Recovery Support Programme flag, where given', () => {
  assert.equal(finalSegment(3, true), 5);
  assert.equal(finalSegment(3, false), 3);
  assert.equal(finalSegment(3, null), 3);
  assert.equal(finalSegment(3, true, 'never'), 3);
});

test('official: the adjusted segment (OF5000) follows from OF5003 and the override flag OF5004 in all 244 trust-quarters', (t) => {
  const summaries = officialSummaries();
  let matches = 0;
  let applied = 0;
  for (const summary of summaries) {
    const result = applyFinancialOverride(summary.unadjustedSegment as Segment, summary.financialOverride);
    if (result.adjusted === summary.adjustedSegment) matches++;
    if (result.applied) applied++;
  }
  t.diagnostic(`${matches} of ${summaries.length} match; the override moved ${applied} trust-quarters`);
  assert.equal(matches, 244);
});

test('official: segment 5 (OF5005) follows from the RSP flag (OF5007) in Q1 and Q2, even from unadjusted segment 3', () => {
  const withRsp = officialSummaries().filter((summary) => summary.finalSegment !== null);
  assert.equal(withRsp.length, 122);
  for (const summary of withRsp) {
    assert.equal(
      finalSegment(summary.adjustedSegment as Segment, summary.recoverySupportProgramme),
      summary.finalSegment,
      `${summary.quarter} ${summary.trustCode}`,
    );
  }
});

test('official: the league table\'s "Trust in financial deficit" is the override flag', () => {
  const flags = new Map(
    officialSummaries()
      .filter((summary) => summary.quarter === 'Q4 2025/26')
      .map((summary) => [summary.trustCode, summary.financialOverride]),
  );
  const league = loadOfficialLeagueTable();
  assert.equal(league.length, 61);
  for (const row of league) assert.equal(row.deficit, flags.get(row.trustCode));
});
