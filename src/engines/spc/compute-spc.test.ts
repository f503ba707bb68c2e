import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeSpc } from './compute-spc.ts';
import type { SpcPointInput } from './types.ts';

function daily(values: readonly (number | null)[], start = '2024-01-01'): SpcPointInput[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return values.map((value, index) => ({
    date: new Date(first + index * 86_400_000).toISOString().slice(0, 10),
    value,
  }));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const baseline = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 9];

test('points are sorted by date, and the input is not modified', () => {
  const points = deepFreeze(daily([...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 11]).reverse());
  const result = computeSpc(deepFreeze([{ points }]));
  const series = result.series[0];
  assert.equal(series.dates[0], '2024-01-01');
  assert.equal(series.dates.at(-1), '2024-01-19');
  assert.deepEqual(series.specialCause.slice(12), Array(7).fill('shift_above'));
  assert.equal(series.variationIcon, 'improvement_high');
  assert.equal(series.summary.improvement, 7);
  assert.equal(series.summary.commonCause, 12);
  assert.equal(series.summary.latestPointType, 'special_cause_improvement');
});

test('a missing value inside a would-be trend: Tend returns a result where NHSRplotthedots stops with an error', () => {
  // The conformance case syn-missing-value-inside-trend-errors: 1..15 with the 6th value missing.
  const values = [1, 2, 3, 4, 5, null, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const series = computeSpc([{ points: daily(values) }]).series[0];
  // Mean and AMR ignore the missing value and the two moving ranges beside it.
  assert.equal(series.groups[0].centreLine, 114 / 14);
  assert.equal(series.groups[0].averageMovingRange, 1);
  assert.deepEqual(series.specialCause, [
    ...Array(5).fill('below_lower_limit'),
    'common_cause',
    ...Array(4).fill('trend_increasing'),
    ...Array(5).fill('above_upper_limit'),
  ]);
  // The missing point is never flagged and has no flags of its own.
  assert.equal(series.values[5], null);
  assert.equal(series.pointType[5], 'common_cause');
  assert.equal(series.relativeToMean[5], null);
  assert.equal(series.outsideLimits[5], null);
  // 1..5 is too short a trend on its own: the window never bridges the gap.
  assert.ok(series.specialCause.slice(0, 5).every((kind) => !kind.startsWith('trend')));
  assert.deepEqual(
    series.warnings.map((warning) => warning.code),
    ['missing-values'],
  );
});

test('NaN and ±Infinity are treated as missing, with a warning', () => {
  const series = computeSpc([
    { points: daily([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5, undefined as never]) },
  ]).series[0];
  assert.deepEqual(series.values, [1, null, 3, null, 5, null]);
  assert.deepEqual(
    series.warnings.map((warning) => warning.code),
    // No two consecutive values, so no moving range and no limits.
    ['missing-values', 'non-finite-values', 'short-group', 'limits-undefined'],
  );
});

test('fewer values than the minimum: values and a median run chart, a warning, no icons', () => {
  const one = computeSpc([{ points: daily([7]), target: 5 }]).series[0];
  assert.equal(one.groups[0].chart, 'run');
  assert.equal(one.groups[0].centreLine, 7);
  assert.equal(one.groups[0].upperProcessLimit, null);
  assert.equal(one.variationIcon, null);
  assert.equal(one.assuranceIcon, null);
  assert.deepEqual(one.values, [7]);
  assert.ok(one.warnings.some((warning) => warning.code === 'too-few-points'));

  const mdc = computeSpc([{ points: daily(baseline) }], { minimumPoints: 15 }).series[0];
  assert.equal(mdc.groups[0].chart, 'run');
  assert.equal(mdc.groups[0].centreLine, 10.5);
  assert.ok(mdc.specialCause.every((kind) => kind === 'common_cause'));
  assert.equal(mdc.variationIcon, null);
});

test('an empty series returns no groups and a no-data warning', () => {
  const series = computeSpc([{ facet: 'empty', points: [] }]).series[0];
  assert.equal(series.groups.length, 0);
  assert.equal(series.variationIcon, null);
  assert.equal(series.summary.latestDate, null);
  assert.deepEqual(
    series.warnings.map((warning) => [warning.code, warning.facet]),
    [['no-data', 'empty']],
  );
});

test('short groups and undefined limits are reported as warnings', () => {
  const short = computeSpc([{ points: daily(baseline) }]).series[0];
  assert.equal(short.groups[0].shortGroupWarning, true);
  assert.deepEqual(
    short.warnings.map((warning) => warning.code),
    ['short-group'],
  );
  const constant = computeSpc([{ points: daily(Array(15).fill(5)) }]).series[0];
  assert.equal(constant.groups[0].lowerProcessLimit, null);
  assert.deepEqual(
    constant.warnings.map((warning) => warning.code),
    ['limits-undefined'],
  );
});

test('rebases carry their reason; odd rebase dates become warnings', () => {
  const values = [...baseline, 20, 21, 19, 20, 21, 20, 19, 21, 20, 21, 19, 20, 21];
  const result = computeSpc([
    {
      facet: 'A',
      points: daily(values),
      rebase: [
        { date: '2024-01-13', reason: 'New triage model' },
        { date: '2024-01-01', reason: 'at the start' },
        { date: '2023-06-01', reason: 'no such point' },
      ],
    },
    { facet: 'B', points: daily(values), rebase: [{ date: '2024-01-13', reason: '  ' }] },
  ]);
  const [a, b] = result.series;
  assert.equal(a.groups.length, 2);
  assert.equal(a.groups[1].rebaseReason, 'New triage model');
  assert.equal(a.groups[1].startDate, '2024-01-13');
  assert.equal(a.groups[1].centreLine, 262 / 13);
  assert.equal(a.groupIndex[12], 1);
  assert.deepEqual(
    result.warnings.map((warning) => [warning.facet, warning.code]),
    [
      ['A', 'rebase-at-first-point'],
      ['A', 'rebase-date-not-found'],
      ['A', 'short-group'],
      ['B', 'rebase-without-reason'],
      ['B', 'short-group'],
    ],
  );
  assert.equal(b.groups[1].rebaseReason, '');
});

test('targets: per series, overridden per point; assurance reads the latest point', () => {
  const points = daily(baseline).map((point, index) => (index === 11 ? { ...point, target: 20 } : point));
  const series = computeSpc([{ points, target: 5 }]).series[0];
  assert.equal(series.targets[0], 5);
  assert.equal(series.target, 20);
  assert.equal(series.assuranceIcon, 'fail');
});

test('facets are charted separately, each with its own direction if given', () => {
  const result = computeSpc(
    [
      { facet: 'up', points: daily([...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 11]) },
      {
        facet: 'down',
        points: daily([...baseline, 11, 11.5, 11, 11.5, 11, 11.5, 11]),
        improvementDirection: 'decrease',
      },
    ],
    { improvementDirection: 'increase' },
  );
  assert.deepEqual(
    result.series.map((series) => [series.facet, series.variationIcon]),
    [
      ['up', 'improvement_high'],
      ['down', 'concern_high'],
    ],
  );
  assert.equal(result.columns.seriesCount, 2);
});

test('duplicate dates are kept in a fixed order, with a warning', () => {
  const points = [
    { date: '2024-01-02', value: 5 },
    { date: '2024-01-01', value: 1 },
    { date: '2024-01-02', value: 3 },
  ];
  const forward = computeSpc([{ points }]).series[0];
  const backward = computeSpc([{ points: [...points].reverse() }]).series[0];
  assert.deepEqual(forward.values, [1, 3, 5]);
  assert.deepEqual(backward, forward);
  assert.equal(forward.warnings[0].code, 'duplicate-dates');
});

test('fixing limits on fewer than 12 points is allowed, with a warning', () => {
  const result = computeSpc([{ points: daily([1, 2, 3, 4, 5, 6, 7, 8]) }], { fixAfterPoints: 3 });
  assert.equal(result.series[0].groups[0].centreLine, 2);
  assert.equal(result.series[0].groups[0].baselineRowCount, 3);
  assert.equal(result.warnings[0].code, 'fix-after-too-few');
});

test('programmer errors throw "invalid <name>: <value>"', () => {
  assert.throws(() => computeSpc([{ points: [{ date: '2024-13-01', value: 1 }] }]), {
    message: 'invalid date: "2024-13-01"',
  });
  assert.throws(() => computeSpc([{ points: [{ date: '1/2/2024', value: 1 }] }]), /invalid date/);
  assert.throws(() => computeSpc([{ points: [{ date: '2024-01-01', value: '3' as never }] }]), {
    message: 'invalid value: "3"',
  });
  assert.throws(
    () => computeSpc([{ points: daily([1]), rebase: [{ date: '2024-01-01' } as never] }]),
    /invalid rebase reason/,
  );
  assert.throws(() => computeSpc('x' as never), /invalid series/);
  assert.throws(() => computeSpc([], { shiftPoints: 0 }), { message: 'invalid shiftPoints: 0' });
});
