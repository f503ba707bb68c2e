import assert from 'node:assert/strict';
import { test } from 'node:test';
import { competitionRanks } from './competition-rank.ts';

const ascending = (a: number, b: number) => a - b;

test('ranks distinct values in order', () => {
  assert.deepEqual(competitionRanks(Object.freeze([3, 1, 2]), ascending), [3, 1, 2]);
});

test('ties share the lowest rank and the next rank is skipped (SQL RANK())', () => {
  // R: rank(c(30, 10, 20, 10), ties.method = "min") gives 4 1 3 1.
  assert.deepEqual(competitionRanks(Object.freeze([30, 10, 20, 10]), ascending), [4, 1, 3, 1]);
  assert.deepEqual(competitionRanks(Object.freeze([5, 5, 5]), ascending), [1, 1, 1]);
});

test('ranks by a composite key', () => {
  const items = Object.freeze([
    { segment: 3, score: 2.12 },
    { segment: 1, score: 1.79 },
    { segment: 1, score: 1.79 },
    { segment: 1, score: 1.88 },
  ]);
  const ranks = competitionRanks(items, (a, b) => a.segment - b.segment || a.score - b.score);
  assert.deepEqual(ranks, [4, 1, 1, 3]);
});

test('empty input gives no ranks', () => {
  assert.deepEqual(competitionRanks([], ascending), []);
});
