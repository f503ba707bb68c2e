import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatQuarterLabel, parseQuarterLabel, previousQuarterLabel } from './quarter.ts';

test('parses quarter labels as NHS England writes them', () => {
  assert.deepEqual(parseQuarterLabel('Q4 2025/26'), { quarter: 4, startYear: 2025, year: '2025/26' });
  assert.deepEqual(parseQuarterLabel(' Q1 2026/27 '), { quarter: 1, startYear: 2026, year: '2026/27' });
  assert.equal(parseQuarterLabel('Q5 2025/26'), undefined);
  assert.equal(parseQuarterLabel('Q1 2025/27'), undefined);
  assert.equal(parseQuarterLabel('2025 Q1'), undefined);
});

test('formats and steps back a quarter', () => {
  assert.equal(formatQuarterLabel(1, 2099), 'Q1 2099/00');
  assert.equal(previousQuarterLabel('Q2 2025/26'), 'Q1 2025/26');
  assert.equal(previousQuarterLabel('Q1 2026/27'), 'Q4 2025/26');
  assert.throws(() => previousQuarterLabel('nonsense'), /invalid quarter: nonsense/);
});
