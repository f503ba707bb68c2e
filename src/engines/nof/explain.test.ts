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

test('official: where no single metric can change the segment, the smallest combination that can, checked by hand', () => {
  let checked = 0;
  const quarter = 'Q1 2025/26';
  const assessment = assessQuarter('nof-2025-26', quarter, rows, { replicates: 0 });
  for (const trust of assessment.details) {
    const explanation = explainAssessedTrust(assessment, trust.code);
    assert.ok(explanation && trust.cutPoints && trust.unadjustedSegment);
    const cutPoints = trust.cutPoints;
    // Independent arithmetic: the weighted mean of the entering scores, rounded half up to 2 d.p.
    const segmentOf = (replaced: ReadonlyMap<string, number>) => {
      const entering = trust.metricScores.filter((metric) => metric.entersAverage);
      const total = entering.reduce(
        (sum, metric) => sum + (replaced.get(metric.metricId) ?? metric.score),
        0,
      );
      const average = Math.floor((total / entering.length) * 100 + 0.5 + 1e-9) / 100;
      return 1 + cutPoints.filter((cut) => average > cut).length;
    };
    for (const combined of explanation.combinedMoves) {
      assert.equal(
        explanation.moves.some((move) => move.towards === combined.towards && move.possible),
        false,
        `${trust.code}: a combination only where no single metric can`,
      );
      assert.ok(combined.possible);
      const extreme = combined.towards === 'better' ? 1 : 4;
      const reaches = (segment: number) =>
        combined.towards === 'better' ? segment <= combined.targetSegment : segment >= combined.targetSegment;
      const all = new Map(combined.metrics.map((metric) => [metric.metricId, metric.scoreNeeded]));
      assert.ok(
        reaches(segmentOf(all)),
        `${trust.code} ${combined.towards}: the combination reaches the segment`,
      );
      // No set of one fewer metrics, even at the extreme, does (every subset tried).
      const entering = trust.metricScores.filter((metric) => metric.entersAverage).map((m) => m.metricId);
      const subsets = (size: number, from: number): string[][] =>
        size === 0
          ? [[]]
          : entering
              .slice(from)
              .flatMap((id, index) => subsets(size - 1, from + index + 1).map((rest) => [id, ...rest]));
      for (const subset of subsets(combined.metrics.length - 1, 0))
        assert.equal(
          reaches(segmentOf(new Map(subset.map((id) => [id, extreme])))),
          false,
          `${trust.code} ${combined.towards}: ${subset.join(', ')} alone would reach segment ${combined.targetSegment}`,
        );
      checked++;
    }
  }
  assert.ok(checked >= 5, `only ${checked} combinations in ${quarter}`);
});

test('official: the explanation names the combination, and what the financial override does or would do', () => {
  const assessment = assessQuarter('nof-2025-26', 'Q1 2025/26', rows, { replicates: 0 });
  const rdy = explainAssessedTrust(assessment, 'RDY');
  assert.ok(rdy);
  const text = rdy.sentences.join(' ');
  assert.match(
    text,
    /No change in a single metric would take its average to segment 1; the fewest that would are 2, moving together/,
  );
  // RDY is in segment 2 and not in deficit: deficit would cap it at 3.
  assert.equal(rdy.overrideEffect?.ifInDeficit, 3);
  assert.match(
    text,
    /If it went into deficit or received deficit support, the financial override would cap it at segment 3/,
  );
  // A trust the override holds down: its own average's segment is kept, and no "if in deficit" is said.
  const capped = assessment.details.find((trust) => trust.financialOverrideApplied);
  assert.ok(capped);
  const cappedExplanation = explainAssessedTrust(assessment, capped.code);
  assert.equal(cappedExplanation?.overrideEffect?.withoutDeficit, capped.unadjustedSegment);
  assert.equal(cappedExplanation?.overrideEffect?.ifInDeficit, null);
  // A trust already in segment 3 or 4 is unaffected either way.
  const low = assessment.details.find((trust) => trust.unadjustedSegment === 4);
  assert.equal(explainAssessedTrust(assessment, low?.code as string)?.overrideEffect?.ifInDeficit, null);
});
