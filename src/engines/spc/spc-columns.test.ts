import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assuranceIcons, noIcon, pointTypes, ruleBit, specialCauseKinds, variationIcons } from './codes.ts';
import { resolveSpcOptions, type SpcOptions } from './options.ts';
import { computeSpcColumns, type SpcColumns } from './spc-columns.ts';

/** One series through the column engine; missing values as null. */
function xmr(
  values: readonly (number | null)[],
  options: SpcOptions = {},
  extra: { rebaseAt?: number[]; target?: number } = {},
) {
  const input = Float64Array.from(values, (value) => value ?? Number.NaN);
  const rebaseStarts = new Uint8Array(values.length);
  for (const index of extra.rebaseAt ?? []) rebaseStarts[index] = 1;
  const columns = computeSpcColumns(
    {
      values: input,
      seriesOffsets: Int32Array.from([0, values.length]),
      rebaseStarts,
      targets: Float64Array.from([extra.target ?? Number.NaN]),
    },
    resolveSpcOptions(options),
  );
  return { columns, ...readable(columns) };
}

function readable(columns: SpcColumns) {
  return {
    kinds: Array.from(columns.specialCause, (code) => specialCauseKinds[code]),
    types: Array.from(columns.pointType, (code) => pointTypes[code]),
    variation: columns.variationIcon[0] === noIcon ? null : variationIcons[columns.variationIcon[0]],
    assurance: columns.assuranceIcon[0] === noIcon ? null : assuranceIcons[columns.assuranceIcon[0]],
  };
}

const baseline = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 9];

test('centre line is the mean, limits are mean ± 2.66 × AMR, the 2σ and 1σ lines ⅔ and ⅓ of that', () => {
  const { columns } = xmr([10, 12, 9, 11, 10, 12, 9, 11]);
  const averageMovingRange = 15 / 7; // ranges 2, 3, 2, 1, 2, 3, 2
  assert.equal(columns.centreLine[0], 10.5);
  assert.equal(columns.averageMovingRange[0], averageMovingRange);
  assert.equal(columns.upperProcessLimit[0], 10.5 + 2.66 * averageMovingRange);
  assert.equal(columns.lowerProcessLimit[0], 10.5 - 2.66 * averageMovingRange);
  assert.equal(columns.upperTwoSigma[0], 10.5 + 2 * (2.66 / 3) * averageMovingRange);
  assert.equal(columns.lowerOneSigma[0], 10.5 - (2.66 / 3) * averageMovingRange);
});

test('the sigma constant is an option (3/1.128 for PowerBI-SPC parity)', () => {
  const { columns } = xmr([10, 12, 9, 11, 10, 12, 9, 11], { sigmaConstant: 3 / 1.128 });
  assert.equal(columns.upperProcessLimit[0], 10.5 + (3 / 1.128) * (15 / 7));
});

test('screening drops moving ranges of 3.267 × AMR or more, once (NHSRplotthedots default)', () => {
  // 1,1,1,1,2: the only non-zero range is screened out, the AMR is 0 and every point is outside.
  const screened = xmr([1, 1, 1, 1, 2]);
  assert.equal(screened.columns.averageMovingRange[0], 0);
  assert.equal(screened.columns.upperProcessLimit[0], 1.2);
  assert.deepEqual(screened.kinds, [
    'below_lower_limit',
    'below_lower_limit',
    'below_lower_limit',
    'below_lower_limit',
    'above_upper_limit',
  ]);
  const unscreened = xmr([1, 1, 1, 1, 2], { screenMovingRanges: false });
  assert.equal(unscreened.columns.averageMovingRange[0], 0.25);
});

test('with recomputeMeanWhenScreening the point after a screened jump leaves the mean (MDC SQL)', () => {
  const values = [10, 11, 10, 11, 10, 11, 10, 40, 10, 11];
  const plain = xmr(values);
  const recomputed = xmr(values, { recomputeMeanWhenScreening: true });
  assert.equal(plain.columns.centreLine[0], 13.4);
  // 40 (range 30) and the 10 after it (range 30) are left out.
  assert.equal(recomputed.columns.centreLine[0], (10 + 11 + 10 + 11 + 10 + 11 + 10 + 11) / 8);
  assert.equal(recomputed.columns.averageMovingRange[0], plain.columns.averageMovingRange[0]);
});

test('a constant series with screening has no limits and no signals', () => {
  const { columns, kinds, variation } = xmr([5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
  assert.equal(columns.centreLine[0], 5);
  assert.ok(Number.isNaN(columns.upperProcessLimit[0]));
  assert.ok(kinds.every((kind) => kind === 'common_cause'));
  assert.equal(variation, 'common_cause');
});

test('shift: 7 points on one side flag all 7; 6 do not', () => {
  const seven = xmr([...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 11]);
  assert.deepEqual(seven.kinds.slice(12), Array(7).fill('shift_above'));
  assert.ok(seven.kinds.slice(0, 12).every((kind) => kind === 'common_cause'));
  const six = xmr([...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 9]);
  assert.ok(six.kinds.every((kind) => kind === 'common_cause'));
});

test('shift: a point exactly on the mean breaks the run', () => {
  // Mean exactly 4; without the 4 in the middle the seven 5s would be a shift.
  const values = [3, 3, 3, 3, 3, 3, 5, 5, 5, 4, 5, 5, 5, 4, 4, 4];
  const { columns } = xmr(values);
  assert.equal(columns.centreLine[0], 4);
  const shiftBits = ruleBit.shiftAbove | ruleBit.shiftBelow;
  assert.ok(columns.ruleMask.every((mask) => (mask & shiftBits) === 0));
  const unbroken = xmr([3, 3, 3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 3, 3, 3]);
  assert.ok((unbroken.columns.ruleMask[9] & shiftBits) !== 0);
});

test('shiftPoints is an option', () => {
  const { kinds } = xmr([...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 9], { shiftPoints: 6 });
  assert.deepEqual(kinds.slice(12, 18), Array(6).fill('shift_above'));
});

test('trend: 7 points each higher than the one before are flagged, across the mean', () => {
  const { kinds } = xmr([...baseline, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 9]);
  assert.deepEqual(kinds.slice(12, 19), Array(7).fill('trend_increasing'));
  assert.equal(kinds[19], 'common_cause');
});

test('trend: 6 points are not a trend, and a tie breaks one', () => {
  assert.ok(xmr([...baseline, 9, 9.5, 10, 10.5, 11, 11.5, 9]).kinds.every((kind) => kind === 'common_cause'));
  assert.ok(
    xmr([...baseline, 9, 9.5, 10, 10, 10.5, 11, 11.5, 9]).kinds.every((kind) => kind === 'common_cause'),
  );
});

test('trend: decreasing trends are labelled decreasing, and trendPoints is an option', () => {
  const { kinds } = xmr([...baseline, 11.5, 11, 10.5, 10, 9.5, 11], { trendPoints: 5 });
  assert.deepEqual(kinds.slice(12, 17), Array(5).fill('trend_decreasing'));
});

test('two in three: two of three beyond 2σ on one side flag those two, not the third', () => {
  // Limits fixed on the baseline: mean 10.5, AMR 21/11, 2σ above ≈ 13.89, limit ≈ 15.58.
  const { columns, kinds } = xmr([...baseline, 14, 11, 14.5, 10], { fixAfterPoints: 12 });
  assert.ok(columns.upperTwoSigma[0] < 14 && columns.upperProcessLimit[0] > 14.5);
  assert.deepEqual(kinds.slice(12), [
    'two_in_three_above',
    'common_cause',
    'two_in_three_above',
    'common_cause',
  ]);
});

test('two in three: points on opposite sides of the mean do not signal', () => {
  const { kinds } = xmr([...baseline, 14, 7, 14.5, 10], { fixAfterPoints: 12 });
  assert.ok(kinds.every((kind) => kind === 'common_cause'));
});

test('two in three: a point beyond the limit counts only with twoInThreeIncludeBeyondLimits (MDC since 2023)', () => {
  const values = [...baseline, 14, 11, 25, 10];
  const reference = xmr(values, { fixAfterPoints: 12 });
  assert.deepEqual(reference.kinds.slice(12), [
    'common_cause',
    'common_cause',
    'above_upper_limit',
    'common_cause',
  ]);
  const mdc = xmr(values, { fixAfterPoints: 12, twoInThreeIncludeBeyondLimits: true });
  assert.deepEqual(mdc.kinds.slice(12), [
    'two_in_three_above',
    'common_cause',
    'above_upper_limit',
    'common_cause',
  ]);
});

test('precedence: beyond the limits, then trend, then two in three, then shift', () => {
  // A rising trend above the mean whose last point is beyond the upper limit.
  const { kinds } = xmr([...baseline, 10.6, 10.8, 11, 11.2, 11.4, 11.6, 30]);
  assert.deepEqual(kinds.slice(12), [...Array(6).fill('trend_increasing'), 'above_upper_limit']);
});

test('conflict resolution: precedence (default), or MDC preferring improvement or concern', () => {
  // Seven points above the mean, the last six falling: the falling trend outranks the shift.
  const values = [...baseline, 11.8, 11.7, 11.6, 11.5, 11.4, 11.3, 11.2];
  const precedence = xmr(values);
  assert.equal(precedence.kinds[13], 'trend_decreasing');
  assert.equal(precedence.types[13], 'special_cause_concern');
  const improvement = xmr(values, { conflictResolution: 'improvement' });
  assert.equal(improvement.kinds[13], 'shift_above');
  assert.equal(improvement.types[13], 'special_cause_improvement');
  const concern = xmr(values, { conflictResolution: 'concern' });
  assert.equal(concern.kinds[13], 'trend_decreasing');
  // A point flagged on one side only is unaffected.
  assert.equal(improvement.kinds[12], 'shift_above');
});

test('point types follow the improvement direction', () => {
  const values = [...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 11];
  assert.equal(xmr(values).types[18], 'special_cause_improvement');
  assert.equal(xmr(values, { improvementDirection: 'decrease' }).types[18], 'special_cause_concern');
  assert.equal(xmr(values, { improvementDirection: 'neutral' }).types[18], 'special_cause_neutral_high');
});

test('variation icon shows the last point; assurance compares the target with the limits', () => {
  const high = [...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 11];
  assert.equal(xmr(high).variation, 'improvement_high');
  assert.equal(xmr(high, { improvementDirection: 'decrease' }).variation, 'concern_high');
  assert.equal(xmr(high, { improvementDirection: 'neutral' }).variation, 'neutral_high');
  const low = [...baseline, 10, 9.5, 10, 9.5, 10, 9.5, 10];
  assert.equal(xmr(low).variation, 'concern_low');
  assert.equal(xmr(low, { improvementDirection: 'decrease' }).variation, 'improvement_low');
  assert.equal(xmr(low, { improvementDirection: 'neutral' }).variation, 'neutral_low');

  assert.equal(xmr(baseline, {}, { target: 5 }).assurance, 'pass');
  assert.equal(xmr(baseline, {}, { target: 20 }).assurance, 'fail');
  assert.equal(xmr(baseline, {}, { target: 11 }).assurance, 'inconsistent');
  assert.equal(xmr(baseline, { improvementDirection: 'decrease' }, { target: 5 }).assurance, 'fail');
  assert.equal(xmr(baseline, { improvementDirection: 'neutral' }, { target: 5 }).assurance, null);
  assert.equal(xmr(baseline).assurance, null);
});

test('assurance: strict comparisons by default, inclusive (MDC SQL) as an option', () => {
  // Limits collapse onto the mean (1.2) when the AMR is 0; a target of exactly 1.2.
  assert.equal(xmr([1, 1, 1, 1, 2], {}, { target: 1.2 }).assurance, 'inconsistent');
  assert.equal(xmr([1, 1, 1, 1, 2], { assuranceInclusive: true }, { target: 1.2 }).assurance, 'pass');
});

test('rebasing: each group has its own limits, and rules restart', () => {
  const values = [...baseline, 20, 21, 19, 20, 21, 20, 19, 21];
  const rebased = xmr(values, {}, { rebaseAt: [12] });
  assert.equal(rebased.columns.groupCount, 2);
  assert.equal(rebased.columns.centreLine[0], 10.5);
  assert.equal(rebased.columns.centreLine[1], 20.125);
  assert.ok(rebased.kinds.every((kind) => kind === 'common_cause'));
  const single = xmr(values);
  assert.ok(single.kinds.slice(12).every((kind) => kind !== 'common_cause'));
});

test('fixing the limits: only the first N rows feed the mean and AMR; the rules run on every row', () => {
  const values = [...baseline, 13, 13, 13, 13, 13, 13, 13, 13];
  const { columns, kinds } = xmr(values, { fixAfterPoints: 12 });
  assert.equal(columns.centreLine[0], 10.5);
  assert.deepEqual(kinds.slice(12), Array(8).fill('shift_above'));
});

test('trends restart at a rebase unless trendAcrossRebase (MDC SQL)', () => {
  // 9 (the baseline's last value) rises for nine points, four before the rebase and four after.
  const values = [...baseline, 9.6, 9.8, 10, 10.2, 10.4, 10.6, 10.8, 10.9];
  const perGroup = xmr(values, {}, { rebaseAt: [16] });
  assert.ok(perGroup.kinds.every((kind) => kind === 'common_cause'));
  const across = xmr(values, { trendAcrossRebase: true }, { rebaseAt: [16] });
  assert.deepEqual(across.kinds.slice(11), Array(9).fill('trend_increasing'));
});

test('missing values: never flagged, and no shift, trend or two-in-three spans one', () => {
  const shift = xmr([...baseline, 11, 11.5, 11, null, 11.5, 11, 11.5, 11], { fixAfterPoints: 12 });
  assert.ok(shift.kinds.every((kind) => kind === 'common_cause'));
  const trend = xmr([...baseline, 8.5, 9, 9.5, null, 10, 10.5, 11, 11.5]);
  assert.ok(trend.kinds.every((kind) => kind === 'common_cause'));
  const twoInThree = xmr([...baseline, 14, null, 14.5, 10], { fixAfterPoints: 12 });
  assert.ok(twoInThree.kinds.every((kind) => kind === 'common_cause'));
});

test('fewer values than minimumPoints: a run chart around the median, no signals, no icons', () => {
  const { columns, kinds, variation, assurance } = xmr([3, null, 10, 1], { minimumPoints: 4 }, { target: 0 });
  assert.equal(columns.groupChart[0], 1);
  assert.equal(columns.centreLine[0], 3);
  assert.ok(Number.isNaN(columns.upperProcessLimit[0]));
  assert.ok(kinds.every((kind) => kind === 'common_cause'));
  assert.equal(variation, null);
  assert.equal(assurance, null);
});

test('values near the largest double do not overflow into false signals', () => {
  const huge = Number.MAX_VALUE / 2;
  const { columns, kinds } = xmr([huge, -huge, huge, -huge, huge, -huge, huge, -huge]);
  assert.equal(columns.centreLine[0], 0);
  assert.equal(columns.upperProcessLimit[0], Number.POSITIVE_INFINITY);
  assert.ok(kinds.every((kind) => kind === 'common_cause'));
  const same = xmr(Array(10).fill(Number.MAX_VALUE));
  assert.equal(same.columns.centreLine[0], Number.MAX_VALUE);
  assert.ok(same.kinds.every((kind) => kind === 'common_cause'));
});

test('many series in one call, with empty series and per-series directions; input not modified', () => {
  const values = Float64Array.from([...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 11, 1, 2]);
  const copy = values.slice();
  const columns = computeSpcColumns(
    {
      values,
      seriesOffsets: Int32Array.from([0, 19, 19, 21]),
      directions: Int8Array.from([-1, 1, 0]),
    },
    resolveSpcOptions(),
  );
  assert.deepEqual(values, copy);
  assert.equal(columns.groupCount, 2);
  assert.deepEqual(Array.from(columns.seriesGroupOffsets), [0, 1, 1, 2]);
  assert.equal(variationIcons[columns.variationIcon[0]], 'concern_high');
  assert.equal(columns.variationIcon[1], noIcon);
  assert.equal(variationIcons[columns.variationIcon[2]], 'common_cause');
});

test('malformed column input is a programmer error', () => {
  const options = resolveSpcOptions();
  assert.throws(
    () => computeSpcColumns({ values: new Float64Array(3), seriesOffsets: Int32Array.from([0, 2]) }, options),
    /invalid seriesOffsets/,
  );
  assert.throws(
    () =>
      computeSpcColumns(
        {
          values: new Float64Array(3),
          seriesOffsets: Int32Array.from([0, 3]),
          rebaseStarts: new Uint8Array(2),
        },
        options,
      ),
    /invalid rebaseStarts/,
  );
});
