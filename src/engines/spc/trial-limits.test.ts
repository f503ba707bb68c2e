import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeSpc } from './compute-spc.ts';
import { onTrialLimits, withoutTrialVerdict } from './trial-limits.ts';

const chart = (values: readonly number[]) =>
  computeSpc([
    {
      points: values.map((value, index) => ({
        date: new Date(Date.UTC(2024, index, 1)).toISOString().slice(0, 10),
        value,
      })),
      target: 50,
    },
  ]).series[0];

test('fewer points than the settled minimum: trial limits, no icons; the points and limits stay', () => {
  const short = chart([40, 42, 41, 60]);
  assert.equal(onTrialLimits(short), true);
  assert.notEqual(short.variationIcon, null, 'the engine itself still gives an icon');
  const shown = withoutTrialVerdict(short);
  assert.equal(shown.variationIcon, null);
  assert.equal(shown.assuranceIcon, null);
  assert.equal(shown.summary.variationIcon, null);
  assert.deepEqual(shown.values, short.values);
  assert.deepEqual(shown.groups, short.groups);
  assert.deepEqual(shown.pointType, short.pointType);
});

test('settled limits keep their verdict; a run chart has none to remove', () => {
  const long = chart([40, 42, 41, 43, 40, 42, 41, 43, 40, 42, 41, 43, 40, 60]);
  assert.equal(onTrialLimits(long), false);
  assert.equal(withoutTrialVerdict(long), long);
  const single = chart([40]);
  assert.equal(onTrialLimits(single), false);
  assert.equal(withoutTrialVerdict(single).variationIcon, null);
});
