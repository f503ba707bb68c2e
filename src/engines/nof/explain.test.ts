import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOfficialNofRows } from '../../../test/helpers/nof-official.ts';
import { assessQuarter } from './assess.ts';
import { explainAssessedTrust, explainTrust, ordinal } from './explain.ts';
import type { NofLongRow } from './long-rows.ts';
import type { NofOptions } from './options.ts';

const rows = loadOfficialNofRows();

function withValue(
  source: readonly NofLongRow[],
  quarter: string,
  trustCode: string,
  metricId: string,
  value: number,
): NofLongRow[] {
  return source.map((row) =>
    row.quarter === quarter && row.trustCode === trustCode && row.metricId === metricId
      ? { ...row, value, rank: null }
      : row,
  );
}

function unadjustedSegment(
  source: readonly NofLongRow[],
  quarter: string,
  trustCode: string,
  options: NofOptions = {},
) {
  return assessQuarter('nof-2025-26', quarter, source, { ...options, replicates: 0 }).details.find(
    (detail) => detail.code === trustCode,
  )?.unadjustedSegment;
}

test('ordinals', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal), [
    '1st',
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '101st',
    '111th',
  ]);
});

test('official: a deficit-capped trust (RWR, Q4 2025/26) — the override, the boundaries, and what is as published', () => {
  const explanation = explainTrust('nof-2025-26', 'Q4 2025/26', rows, 'RWR');
  assert.ok(explanation);
  assert.equal(explanation.financialOverride.applied, true);
  assert.equal(explanation.unadjustedSegment, 2);
  assert.equal(explanation.adjustedSegment, 3);
  assert.match(explanation.sentences.join(' '), /financial override moves it to segment 3/);
  for (const boundary of explanation.boundaries) {
    assert.ok(
      Math.abs(boundary.distance - ((explanation.averageMetricScore as number) - boundary.cutPoint)) < 1e-12,
    );
  }
  // Each metric's pull: leaving it out changes the average by exactly that much.
  const entering = explanation.metrics.filter((metric) => metric.entersAverage);
  for (const metric of entering) {
    const others = entering.filter((other) => other !== metric);
    const without = others.reduce((sum, other) => sum + other.unroundedScore, 0) / others.length;
    assert.ok(Math.abs((explanation.unroundedAverage as number) - without - (metric.pull as number)) < 1e-12);
  }
  const sickness = explanation.metrics.find((metric) => metric.metricId === 'OF0082');
  assert.equal(sickness?.basis, 'as-published');
  assert.match(
    explanation.sentences.join(' '),
    /Sickness absence rate \(ranked against all acute trusts, mental health and community trusts and ambulance trusts in England, but the input holds only mental health and community trusts\)/,
  );
  assert.ok(explanation.asPublished.includes('OF0082'));
});

test('official: every value move, applied to the data and re-assessed, changes the segment; half of it does not', (t) => {
  let checked = 0;
  for (const [quarter, trustCode] of [
    ['Q4 2025/26', 'RWR'],
    ['Q4 2025/26', 'RY6'],
    ['Q2 2025/26', 'RQY'],
    ['Q3 2025/26', 'RXE'],
  ] as const) {
    const explanation = explainTrust('nof-2025-26', quarter, rows, trustCode, { replicates: 0 });
    assert.ok(explanation);
    for (const move of explanation.moves) {
      if (!move.possible || typeof move.valueNeeded !== 'number' || typeof move.currentValue !== 'number')
        continue;
      const step = move.comparison === 'below' ? -0.001 : move.comparison === 'above' ? 0.001 : 0;
      const reached = unadjustedSegment(
        withValue(rows, quarter, trustCode, move.metricId, move.valueNeeded + step),
        quarter,
        trustCode,
      );
      assert.equal(reached, move.targetSegment, `${quarter} ${trustCode} ${move.metricId} ${move.towards}`);
      const halfway = (move.currentValue + move.valueNeeded) / 2;
      const notYet = unadjustedSegment(
        withValue(rows, quarter, trustCode, move.metricId, halfway),
        quarter,
        trustCode,
      );
      assert.equal(notYet, explanation.unadjustedSegment, `${quarter} ${trustCode} ${move.metricId} halfway`);
      checked++;
    }
  }
  t.diagnostic(`${checked} value moves checked`);
  assert.ok(checked >= 8);
});

test('official: score moves for metrics scored as published, applied to the published score, change the segment at the score given', (t) => {
  const options = { publishedScorePrecision: 'as-published', replicates: 0 } as const;
  let checked = 0;
  for (const [quarter, trustCode] of [
    ['Q4 2025/26', 'RY6'],
    ['Q1 2025/26', 'RW1'],
  ] as const) {
    const assessment = assessQuarter('nof-2025-26', quarter, rows, options);
    const explanation = explainAssessedTrust(assessment, trustCode);
    assert.ok(explanation);
    for (const move of explanation.moves) {
      const metric = explanation.metrics.find((entry) => entry.metricId === move.metricId);
      if (!move.possible || metric?.basis !== 'as-published' || move.scoreNeeded === null) continue;
      const scoreId = `OF1${move.metricId.slice(3)}`;
      assert.equal(
        unadjustedSegment(
          withValue(rows, quarter, trustCode, scoreId, move.scoreNeeded),
          quarter,
          trustCode,
          options,
        ),
        move.targetSegment,
      );
      const shortOf = move.towards === 'better' ? move.scoreNeeded + 0.01 : move.scoreNeeded - 0.01;
      assert.equal(
        unadjustedSegment(withValue(rows, quarter, trustCode, scoreId, shortOf), quarter, trustCode, options),
        explanation.unadjustedSegment,
      );
      assert.match(move.note ?? '', /cannot be worked out: the score is as published/);
      checked++;
    }
  }
  t.diagnostic(`${checked} score moves checked`);
  assert.ok(checked >= 5);
});

test("official: change since the previous quarter is a signal exactly when the previous average lies outside this quarter's likely range", (t) => {
  const current = assessQuarter('nof-2025-26', 'Q4 2025/26', rows);
  const previous = assessQuarter('nof-2025-26', 'Q3 2025/26', rows);
  let signals = 0;
  for (const detail of current.details) {
    const explanation = explainAssessedTrust(current, detail.code, previous);
    const change = explanation?.change;
    assert.ok(change && detail.likelyRange);
    const outside =
      change.previousAverage < detail.likelyRange.average[0] ||
      change.previousAverage > detail.likelyRange.average[1];
    assert.equal(change.verdict, outside ? 'signal' : 'noise');
    if (outside) signals++;
    assert.match(explanation.sentences.at(-1) ?? '', /^Since Q3 2025\/26/);
  }
  t.diagnostic(
    `${signals} of ${current.details.length} changes from Q3 to Q4 2025/26 are signals by this test`,
  );

  const overlapping = assessQuarter('nof-2025-26', 'Q4 2025/26', rows, {
    changeTest: 'likely-ranges-do-not-overlap',
  });
  const stricter = overlapping.details.map(
    (detail) => explainAssessedTrust(overlapping, detail.code, previous)?.change?.verdict,
  );
  assert.ok(stricter.filter((verdict) => verdict === 'signal').length <= signals);
});

test('segment 5, no previous quarter, and an unknown trust', () => {
  const inProgramme = explainTrust('nof-2025-26', 'Q1 2025/26', rows, 'RW1', { replicates: 200 });
  assert.equal(inProgramme?.finalSegment, 5);
  assert.equal(inProgramme?.change, null);
  assert.match(inProgramme?.sentences.join(' ') ?? '', /Recovery Support Programme/);
  assert.equal(explainTrust('nof-2025-26', 'Q4 2025/26', rows, 'ZZZ', { replicates: 0 }), null);
});
