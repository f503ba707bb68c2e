import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { computeSpc } from './compute-spc.ts';
import type { SpcOptions } from './options.ts';
import type { SpcPointInput, SpcSeriesResult } from './types.ts';

const dayMilliseconds = 86_400_000;

function dated(values: readonly (number | null)[]): SpcPointInput[] {
  const first = Date.UTC(2020, 0, 1);
  return values.map((value, index) => ({
    date: new Date(first + index * dayMilliseconds).toISOString().slice(0, 10),
    value,
  }));
}

const integerValues = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 0, maxLength: 40 });

const calculationOptions: fc.Arbitrary<SpcOptions> = fc.record(
  {
    improvementDirection: fc.constantFrom('increase', 'decrease', 'neutral'),
    screenMovingRanges: fc.boolean(),
    fixAfterPoints: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    twoInThreeIncludeBeyondLimits: fc.boolean(),
    conflictResolution: fc.constantFrom('precedence', 'improvement', 'concern'),
  },
  { requiredKeys: [] },
);

/** Process lines of the group of each point, in the order centre, 1σ, 2σ and process limits. */
function thresholds(series: SpcSeriesResult, index: number): number[] {
  const group = series.groups[series.groupIndex[index]];
  return [
    group.centreLine,
    group.lowerTwoSigma,
    group.upperTwoSigma,
    group.lowerProcessLimit,
    group.upperProcessLimit,
  ].filter((value): value is number => value !== null);
}

/**
 * True when some value lies within a hair of one of its group's lines. There, rounding in
 * `mean + 2.66 × AMR` may put an exact tie on either side, so classifications are only compared
 * away from such ties.
 */
function hasNearTie(series: SpcSeriesResult): boolean {
  return series.values.some((value, index) => {
    if (value === null) return false;
    return thresholds(series, index).some(
      (line) => Math.abs(value - line) <= 1e-9 * (Math.abs(value) + Math.abs(line) + 1),
    );
  });
}

function assertLinesMap(
  original: SpcSeriesResult,
  changed: SpcSeriesResult,
  map: (value: number) => number,
  scale: number,
) {
  assert.equal(changed.groups.length, original.groups.length);
  original.groups.forEach((group, index) => {
    const other = changed.groups[index];
    for (const key of [
      'centreLine',
      'lowerProcessLimit',
      'upperProcessLimit',
      'lowerTwoSigma',
      'upperOneSigma',
    ] as const) {
      const before = group[key];
      const after = other[key];
      if (before === null) {
        assert.equal(after, null, key);
        continue;
      }
      assert.ok(after !== null, key);
      const expected = map(before);
      assert.ok(Math.abs(after - expected) <= 1e-9 * scale, `${key}: ${after} vs ${expected}`);
    }
  });
}

test('adding a constant shifts the mean and limits by it and keeps every classification', () => {
  fc.assert(
    fc.property(
      integerValues,
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      calculationOptions,
      (values, shift, options) => {
        const original = computeSpc([{ points: dated(values) }], options).series[0];
        const shifted = computeSpc([{ points: dated(values.map((value) => value + shift)) }], options)
          .series[0];
        assertLinesMap(original, shifted, (value) => value + shift, 1000 + Math.abs(shift));
        if (!hasNearTie(original) && !hasNearTie(shifted)) {
          assert.deepEqual(shifted.specialCause, original.specialCause);
          assert.deepEqual(shifted.pointType, original.pointType);
          assert.equal(shifted.variationIcon, original.variationIcon);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('scaling by a positive factor scales the mean and limits and keeps every classification', () => {
  fc.assert(
    fc.property(
      integerValues,
      fc.constantFrom(0.001, 0.25, 0.5, 2, 3, 10, 1024, 1e6),
      calculationOptions,
      (values, factor, options) => {
        const original = computeSpc([{ points: dated(values) }], options).series[0];
        const scaled = computeSpc([{ points: dated(values.map((value) => value * factor)) }], options)
          .series[0];
        assertLinesMap(original, scaled, (value) => value * factor, 1000 * factor);
        if (!hasNearTie(original) && !hasNearTie(scaled)) {
          assert.deepEqual(scaled.specialCause, original.specialCause);
          assert.deepEqual(scaled.pointType, original.pointType);
        }
      },
    ),
    { numRuns: 300 },
  );
});

const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.double() },
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -0) },
);

test('the order of the input rows does not matter', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ day: fc.integer({ min: 0, max: 30 }), value: anyValue }), { maxLength: 40 }),
      fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
      calculationOptions,
      (rows, randomness, options) => {
        const points = rows.map(({ day, value }) => ({
          date: new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10),
          value,
        }));
        const keys = randomness.take(points.length);
        const order = points.map((_, index) => index);
        const sortKeys = [...keys];
        order.sort((a, b) => sortKeys[a] - sortKeys[b] || a - b);
        const shuffled = order.map((index) => points[index]);
        const original = computeSpc([{ points }], options);
        const reordered = computeSpc([{ points: shuffled }], options);
        assert.deepEqual(reordered.series, original.series);
      },
    ),
    { numRuns: 300 },
  );
});

const anyOptions: fc.Arbitrary<SpcOptions> = fc.record(
  {
    improvementDirection: fc.constantFrom('increase', 'decrease', 'neutral'),
    fixAfterPoints: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
    sigmaConstant: fc.double({ min: 0.5, max: 4, noNaN: true }),
    screenMovingRanges: fc.boolean(),
    screenInclusive: fc.boolean(),
    recomputeMeanWhenScreening: fc.boolean(),
    shiftPoints: fc.integer({ min: 2, max: 10 }),
    trendPoints: fc.integer({ min: 2, max: 10 }),
    trendAcrossRebase: fc.boolean(),
    twoInThreeIncludeBeyondLimits: fc.boolean(),
    conflictResolution: fc.constantFrom('precedence', 'improvement', 'concern'),
    assuranceInclusive: fc.boolean(),
    minimumPoints: fc.integer({ min: 2, max: 20 }),
    minimumPointsWarning: fc.integer({ min: 0, max: 20 }),
  },
  { requiredKeys: [] },
);

test('no series, however odd, makes the engine throw, and no missing value is ever flagged', () => {
  fc.assert(
    fc.property(
      fc.array(anyValue, { maxLength: 50 }),
      anyOptions,
      fc.array(fc.nat({ max: 49 }), { maxLength: 3 }),
      fc.option(fc.oneof(fc.double(), fc.integer()), { nil: null }),
      (values, options, rebaseAt, target) => {
        const points = dated(values);
        const rebase = rebaseAt.map((index) => ({
          date: points[index]?.date ?? '2019-12-31',
          reason: 'test',
        }));
        const result = computeSpc([{ points, rebase, target }], options);
        const series = result.series[0];
        assert.equal(series.dates.length, values.length);
        series.values.forEach((value, index) => {
          if (value === null) {
            assert.equal(series.specialCause[index], 'common_cause');
            assert.equal(series.pointType[index], 'common_cause');
          } else {
            assert.ok(Number.isFinite(value));
          }
        });
        for (const group of series.groups) {
          for (const line of [
            group.centreLine,
            group.lowerProcessLimit,
            group.upperProcessLimit,
            group.averageMovingRange,
          ]) {
            assert.ok(line === null || Number.isFinite(line), 'no NaN or infinity in a result');
          }
          if (group.valueCount > 0 && (group.chart === 'run' || options.fixAfterPoints == null)) {
            assert.notEqual(group.centreLine, null, 'a group with values has a centre line');
          }
        }
        assert.doesNotThrow(() => JSON.stringify(result.series));
      },
    ),
    { numRuns: 1000 },
  );
});

test('a constant series never signals, whatever the options', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
      fc.integer({ min: 1, max: 40 }),
      anyOptions,
      (value, length, options) => {
        const series = computeSpc([{ points: dated(Array(length).fill(value)) }], options).series[0];
        assert.ok(series.specialCause.every((kind) => kind === 'common_cause'));
      },
    ),
    { numRuns: 300 },
  );
});

test('shifts and trends never span a missing value', () => {
  const withGaps = fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: null, freq: 6 }), {
    maxLength: 50,
  });
  fc.assert(
    fc.property(
      withGaps,
      fc.integer({ min: 3, max: 8 }),
      fc.integer({ min: 3, max: 8 }),
      (values, shiftPoints, trendPoints) => {
        const series = computeSpc([{ points: dated(values) }], { shiftPoints, trendPoints }).series[0];
        series.specialCause.forEach((kind, index) => {
          if (kind === 'shift_above' || kind === 'shift_below') {
            const side = series.relativeToMean[index];
            let first = index;
            while (
              first > 0 &&
              series.values[first - 1] !== null &&
              series.relativeToMean[first - 1] === side
            )
              first--;
            let last = index;
            while (
              last + 1 < values.length &&
              series.values[last + 1] !== null &&
              series.relativeToMean[last + 1] === side
            )
              last++;
            assert.ok(
              last - first + 1 >= shiftPoints,
              `shift at ${index} spans ${last - first + 1} present points`,
            );
          }
          if (kind === 'trend_increasing' || kind === 'trend_decreasing') {
            const windows = [];
            for (let start = Math.max(0, index - trendPoints + 1); start <= index; start++)
              windows.push(start);
            const inMonotoneWindow = windows.some((start) => {
              const window = series.values.slice(start, start + trendPoints);
              if (window.length < trendPoints || window.some((value) => value === null)) return false;
              const numbers = window as number[];
              const rises = numbers.every((value, at) => at === 0 || value > numbers[at - 1]);
              const falls = numbers.every((value, at) => at === 0 || value < numbers[at - 1]);
              return rises || falls;
            });
            assert.ok(inMonotoneWindow, `trend at ${index} is in no complete monotone window`);
          }
        });
      },
    ),
    { numRuns: 500 },
  );
});
