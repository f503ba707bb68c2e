import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { scoreRanked } from './ranked-score.ts';

const entries = (values: readonly number[]) =>
  Object.freeze(values.map((value) => Object.freeze({ value, tieBreak: null })));
const noStandard = { kind: 'ranked', case: 'no-standard' } as const;

test('case A: bookends 1.00 and 4.00, evenly spread by percent rank', () => {
  const scores = scoreRanked(entries([7.4, 6.9, 7.1, 7.0]), 'higher-is-better', noStandard).map(
    (result) => result.score,
  );
  assert.deepEqual(scores, [1, 4, 2, 3]);
});

test('lower-is-better reverses the order', () => {
  const scores = scoreRanked(entries([3.2, 5.1, 4.0]), 'lower-is-better', noStandard).map(
    (result) => result.score,
  );
  assert.deepEqual(scores, [1, 4, 2.5]);
});

test('ties take the best score of their group (manual: "every organisation in a tied cluster gets the best score")', () => {
  const results = scoreRanked(entries([0, 0, 0.5, 1, 1]), 'lower-is-better', noStandard);
  assert.deepEqual(
    results.map((result) => result.rank),
    [1, 1, 3, 4, 4],
  );
  assert.deepEqual(
    results.map((result) => result.score),
    [1, 1, 2.5, 3.25, 3.25],
  );
});

test('the tie-break orders values that tie as published', () => {
  const tied = Object.freeze([
    { value: 7.02, tieBreak: 11 },
    { value: 7.02, tieBreak: 10 },
    { value: 7.05, tieBreak: 9 },
  ]);
  assert.deepEqual(
    scoreRanked(tied, 'higher-is-better', noStandard).map((result) => result.rank),
    [3, 2, 1],
  );
  const partlyKnown = Object.freeze([
    { value: 7.02, tieBreak: 11 },
    { value: 7.02, tieBreak: null },
  ]);
  assert.deepEqual(
    scoreRanked(partlyKnown, 'higher-is-better', noStandard).map((result) => result.rank),
    [1, 1],
  );
});

test('case B: meeting the standard scores 1.00; the rest rank 2.00 to 4.00', () => {
  const results = scoreRanked(entries([82, 80, 70, 75, 60]), 'higher-is-better', {
    kind: 'ranked',
    case: 'standard',
    standard: 80,
  });
  assert.deepEqual(
    results.map((result) => result.score),
    [1, 1, 3, 2, 4],
  );
  assert.deepEqual(
    results.map((result) => result.fixed),
    ['meets-standard', 'meets-standard', null, null, null],
  );
});

test('case C: failing the floor scores 4.00; the rest rank 1.00 to 3.00 (the UCR 70% floor)', () => {
  const results = scoreRanked(entries([69.9, 70, 95, 82.5]), 'higher-is-better', {
    kind: 'ranked',
    case: 'floor',
    floor: 70,
  });
  assert.deepEqual(
    results.map((result) => result.score),
    [4, 3, 1, 2],
  );
});

test('a single ranked organisation gets the best bookend', () => {
  assert.equal(scoreRanked(entries([5]), 'lower-is-better', noStandard)[0].score, 1);
  assert.equal(
    scoreRanked(entries([50, 85]), 'higher-is-better', { kind: 'ranked', case: 'standard', standard: 80 })[0]
      .score,
    2,
  );
});

test('scores stay within the bookends and never worsen as a value improves (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }),
      fc.nat(),
      fc.integer({ min: 1, max: 200 }),
      (values, pick, improvement) => {
        const index = pick % values.length;
        const before = scoreRanked(entries(values), 'higher-is-better', noStandard);
        const improved = values.map((value, position) => (position === index ? value + improvement : value));
        const after = scoreRanked(entries(improved), 'higher-is-better', noStandard);
        for (const result of before) assert.ok(result.score >= 1 && result.score <= 4);
        assert.ok(after[index].score <= before[index].score);
      },
    ),
  );
});
