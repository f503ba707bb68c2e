import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeSpc } from './compute-spc.ts';
import { describeSpc } from './describe-spc.ts';
import { formatValue } from './format-value.ts';
import type { SpcOptions } from './options.ts';

function series(values: readonly (number | null)[], options: SpcOptions = {}, target: number | null = null) {
  const points = values.map((value, index) => ({
    date: new Date(Date.UTC(2023, index, 1)).toISOString().slice(0, 10),
    value,
  }));
  // The readings of each rule are tested on short series: limits count as settled from 2 points
  // unless a test says otherwise (trial limits have a test of their own).
  return computeSpc([{ points, target }], { minimumPointsWarning: 2, ...options }).series[0];
}

const baseline = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 9];

test('a run of points below the mean reads as the rule and its length', () => {
  const endsAbove = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11];
  const reading = describeSpc(series([...endsAbove, 10, 9.5, 10, 9.5, 10, 9.5, 10]));
  assert.equal(
    reading.variation,
    'The latest point shows special-cause concern: 7 points in a row below the mean.',
  );
  assert.equal(reading.assurance, null);
  assert.equal(reading.text, reading.variation);
});

test('the metric name and unit are used', () => {
  const reading = describeSpc(series([...baseline, 30], { improvementDirection: 'decrease' }), {
    metricName: 'median wait',
    unit: 'days',
  });
  assert.equal(
    reading.variation,
    'For median wait, the latest point shows special-cause concern: its value (30 days) is above the upper process limit (17.1 days).',
  );
});

test('trends, two-in-three, neutral and common cause', () => {
  assert.equal(
    describeSpc(series([...baseline, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 12])).variation,
    'The latest point shows special-cause improvement: 8 points in a row, each higher than the one before.',
  );
  assert.equal(
    describeSpc(series([...baseline, 14, 11, 14.5], { fixAfterPoints: 12 })).variation,
    'The latest point shows special-cause improvement: 2 of the latest 3 points are close to the upper process limit.',
  );
  assert.equal(
    describeSpc(series([...baseline, 2], { improvementDirection: 'neutral' })).variation,
    'The latest point shows special-cause variation, low (neither improvement nor concern): its value (2) is below the lower process limit (3.64).',
  );
  assert.equal(
    describeSpc(series(baseline)).variation,
    'The latest point shows common-cause variation: it is within the process limits and part of no run, trend or two-in-three pattern.',
  );
});

test('assurance readings for pass, fail and hit-or-miss, in either direction', () => {
  assert.equal(
    describeSpc(series(baseline, {}, 5), { unit: '%' }).assurance,
    'The target of 5% lies below the lower process limit (5.42%), so it will be met consistently if nothing changes.',
  );
  assert.equal(
    describeSpc(series(baseline, {}, 20)).assurance,
    'The target of 20 lies above the upper process limit (15.6), so it will be missed consistently unless the process changes.',
  );
  assert.equal(
    describeSpc(series(baseline, { improvementDirection: 'decrease' }, 20)).assurance,
    'The target of 20 lies above the upper process limit (15.6), so it will be met consistently if nothing changes.',
  );
  assert.equal(
    describeSpc(series(baseline, {}, 11)).assurance,
    'The target of 11 lies within the process limits (5.42 to 15.6), so it will be met in some periods and missed in others.',
  );
});

test('no data, too few points, a missing latest value and undefined limits are said plainly', () => {
  assert.equal(describeSpc(series([])).variation, 'There is no data to chart.');
  assert.equal(
    describeSpc(series([4])).variation,
    'The chart has too few points for process limits (1 value since 2023-01-01), so it is a run chart around the median, with no reading of variation or assurance.',
  );
  assert.equal(
    describeSpc(series([...baseline, null])).variation,
    'The latest point (2024-01-01) has no value, so there is no reading of its variation.',
  );
  assert.equal(
    describeSpc(series(Array(14).fill(3), {}, 4)).text,
    'The latest point shows common-cause variation; the process limits cannot be calculated because consecutive values do not vary. The process limits cannot be calculated, so there is no telling whether the target of 4 will be met.',
  );
});

test('numbers are formatted with fewer decimals the larger they are', () => {
  assert.equal(formatValue(94.234, '%'), '94.2%');
  assert.equal(formatValue(1234.5), '1,235');
  assert.equal(formatValue(0.95231), '0.952');
  assert.equal(formatValue(3.456, 'days'), '3.46 days');
  assert.equal(formatValue(-12.34), '-12.3');
});

test('a chart on trial limits (fewer points than the settled minimum) gives no reading of variation or assurance', () => {
  const short = series([10, 10.5, 10, 10.5, 10, 30], { minimumPointsWarning: 13 }, 11);
  // The rule still fires on the points (the chart shows them), but nothing is read from it.
  assert.equal(short.pointType.at(-1), 'special_cause_improvement');
  const reading = describeSpc(short);
  assert.equal(
    reading.variation,
    'The chart has only 6 points since 2023-01-01: its limits are trial limits, so it gives no reading of variation or assurance until more points arrive.',
  );
  assert.equal(reading.assurance, null);
  const settled = describeSpc(series([...baseline, 30], { minimumPointsWarning: 13 }, 11));
  assert.match(settled.variation, /special-cause improvement/);
});
