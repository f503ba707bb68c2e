import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { dataQuestions, isFlatOrAllZero, reachesZeroInOneStep } from './data-quality.ts';

function monthly(values: readonly number[]): { date: string; value: number }[] {
  return values.map((value, index) => ({
    date: new Date(Date.UTC(2024, index, 1)).toISOString().slice(0, 10),
    value,
  }));
}

test('a series of one repeated value, or of zeros, is flat; any variation is not', () => {
  assert.equal(isFlatOrAllZero([0, 0, 0, 0]), true);
  assert.equal(isFlatOrAllZero([7, 7, 7]), true);
  assert.equal(isFlatOrAllZero([]), true);
  assert.equal(isFlatOrAllZero([0, 0, 1, 0]), false);
  assert.equal(isFlatOrAllZero([3, 4]), false);
});

test('reaching zero in one step needs a sustained run of non-zero values straight before the zero', () => {
  assert.equal(reachesZeroInOneStep([12, 9, 11, 10, 13, 12, 0]), true);
  assert.equal(reachesZeroInOneStep([12, 9, 11, 10, 13, 0]), false, 'five non-zero values are not six');
  assert.equal(reachesZeroInOneStep([12, 9, 11, 10, 13, 0], { sustainedRun: 5 }), true);
  assert.equal(reachesZeroInOneStep([0, 0, 0, 0, 0, 0, 0]), false);
  assert.equal(reachesZeroInOneStep([5, 5, 5, 5, 5, 5, 5]), false);
  assert.equal(
    reachesZeroInOneStep([50, 52, 48, 30, 20, 10, 5, 2, 0]),
    false,
    'dwindling to zero is gradual',
  );
  assert.throws(() => reachesZeroInOneStep([1, 0], { sustainedRun: 0 }), /invalid sustainedRun: 0/);
});

test('a drop to zero after a sustained run is one question, dated at the first zero', () => {
  const questions = dataQuestions(monthly([40, 38, 41, 44, 39, 42, 0, 0, 0]));
  assert.deepEqual(
    questions.map(({ kind, date }) => ({ kind, date })),
    [{ kind: 'drop_to_zero', date: '2024-07-01' }],
  );
  assert.match(
    questions[0].detail,
    /fell to 0 in one step after 6 non-zero values in a row \(the last was 42\)/,
  );
});

test('a single step to ten times the usual level is a question; the points after it at the new level are not', () => {
  const questions = dataQuestions(monthly([20, 22, 19, 21, 20, 23, 230, 240, 235]));
  assert.deepEqual(
    questions.map(({ kind, date }) => ({ kind, date })),
    [{ kind: 'implausible_jump', date: '2024-07-01' }],
  );
  assert.match(questions[0].detail, /larger/);
  const fall = dataQuestions(monthly([500, 520, 480, 510, 495, 505, 40]));
  assert.deepEqual(
    fall.map(({ kind }) => kind),
    ['implausible_jump'],
  );
  assert.match(fall[0].detail, /smaller/);
  assert.deepEqual(
    dataQuestions(monthly([20, 22, 19, 21, 20, 23, 150])),
    [],
    'a sevenfold step is left alone',
  );
});

test('values outside the bounds are questioned at each date', () => {
  const questions = dataQuestions(monthly([50, 101, 99, -1]), { min: 0, max: 100 });
  assert.deepEqual(
    questions.map(({ kind, date }) => ({ kind, date })),
    [
      { kind: 'out_of_range', date: '2024-02-01' },
      { kind: 'out_of_range', date: '2024-04-01' },
    ],
  );
  assert.match(questions[0].detail, /above the highest value this measure can take \(100\)/);
  assert.match(questions[1].detail, /below the lowest/);
});

test('points are read in date order whatever order they come in', () => {
  const points = monthly([40, 38, 41, 44, 39, 42, 0]);
  assert.deepEqual(dataQuestions([...points].reverse()), dataQuestions(points));
});

test('property: a flat series never raises a jump or a drop to zero', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 40 }), (value, length) => {
      const questions = dataQuestions(monthly(Array.from({ length }, () => value)));
      assert.deepEqual(questions, []);
    }),
  );
});

test('property: reachesZeroInOneStep agrees with the drop-to-zero questions', () => {
  fc.assert(
    // non-zero values within a factor of two of each other, so every step to zero is from the run's level
    fc.property(
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 10, max: 19 })), { maxLength: 30 }),
      (values) => {
        const dropped = dataQuestions(monthly(values)).some((question) => question.kind === 'drop_to_zero');
        assert.equal(dropped, reachesZeroInOneStep(values));
        // a drop to zero needs six non-zero values straight before a zero
        const expected = values.some(
          (value, index) => value === 0 && index >= 6 && values.slice(index - 6, index).every((v) => v !== 0),
        );
        assert.equal(dropped, expected);
      },
    ),
  );
});

test('property: every question is dated at one of the points, and out-of-range only outside the bounds', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -50, max: 150 }), { maxLength: 30 }), (values) => {
      const points = monthly(values);
      for (const question of dataQuestions(points, { min: 0, max: 100 })) {
        const point = points.find((candidate) => candidate.date === question.date);
        assert.ok(point);
        if (question.kind === 'out_of_range') assert.ok(point.value < 0 || point.value > 100);
      }
    }),
  );
});

test('small numbers that reach zero or move tenfold raise no question; the level is an option', () => {
  const small = monthly([3, 2, 4, 3, 2, 3, 0]);
  assert.equal(
    reachesZeroInOneStep(small.map((point) => point.value)),
    true,
    'it still reached zero in one step',
  );
  assert.deepEqual(dataQuestions(small), []);
  assert.deepEqual(
    dataQuestions(small, undefined, { minimumLevel: 2 }).map(({ kind }) => kind),
    ['drop_to_zero'],
  );
  assert.deepEqual(dataQuestions(monthly([2, 2, 3, 2, 2, 3, 0.2])), []);
  assert.throws(() => dataQuestions(small, undefined, { minimumLevel: -1 }), /invalid minimumLevel: -1/);
});
