import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSeededRandom, randomIndex } from './seeded-random.ts';

test('the same seed gives the same sequence', () => {
  const first = createSeededRandom(42);
  const second = createSeededRandom(42);
  for (let draw = 0; draw < 100; draw++) assert.equal(first(), second());
});

test('different seeds give different sequences', () => {
  const first = createSeededRandom(1);
  const second = createSeededRandom(2);
  const firstValues = Array.from({ length: 10 }, first);
  const secondValues = Array.from({ length: 10 }, second);
  assert.notDeepEqual(firstValues, secondValues);
});

test('outputs lie in [0, 1) and look uniform', () => {
  const random = createSeededRandom(2025);
  const bins = new Array<number>(10).fill(0);
  const draws = 100_000;
  for (let draw = 0; draw < draws; draw++) {
    const value = random();
    assert.ok(value >= 0 && value < 1);
    bins[Math.floor(value * 10)]++;
  }
  // Each bin expects 10,000; a chi-squared statistic on 9 degrees of freedom above 27.9 has
  // probability 0.001 for a uniform generator.
  const chiSquared = bins.reduce((sum, count) => sum + (count - draws / 10) ** 2 / (draws / 10), 0);
  assert.ok(chiSquared < 27.9, `chi-squared ${chiSquared}`);
});

test('randomIndex covers every outcome', () => {
  const random = createSeededRandom(3);
  const seen = new Set<number>();
  for (let draw = 0; draw < 1000; draw++) seen.add(randomIndex(random, 6));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5]);
});

test('a seed that is not an integer is a programmer error', () => {
  assert.throws(() => createSeededRandom(1.5), /invalid seed: 1.5/);
});
