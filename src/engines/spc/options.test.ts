import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSpcOptions, resolveSpcOptions } from './options.ts';

test('defaults are NHSRplotthedots 0.2.2', () => {
  assert.deepEqual(resolveSpcOptions(), {
    improvementDirection: 'increase',
    fixAfterPoints: null,
    sigmaConstant: 2.66,
    screenMovingRanges: true,
    screenInclusive: false,
    recomputeMeanWhenScreening: false,
    shiftPoints: 7,
    trendPoints: 7,
    trendAcrossRebase: false,
    twoInThreeIncludeBeyondLimits: false,
    conflictResolution: 'precedence',
    assuranceInclusive: false,
    minimumPointsWarning: 13,
    minimumPoints: 2,
  });
  assert.ok(Object.isFrozen(defaultSpcOptions));
});

test('given options replace the defaults', () => {
  const options = resolveSpcOptions(
    Object.freeze({
      improvementDirection: 'decrease',
      sigmaConstant: 3 / 1.128,
      shiftPoints: 6,
      fixAfterPoints: 12,
    }),
  );
  assert.equal(options.improvementDirection, 'decrease');
  assert.equal(options.sigmaConstant, 3 / 1.128);
  assert.equal(options.shiftPoints, 6);
  assert.equal(options.fixAfterPoints, 12);
  assert.ok(Object.isFrozen(options));
});

test('invalid options throw "invalid <option>: <value>"', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ improvementDirection: 'up' }, 'invalid improvementDirection: up'],
    [{ fixAfterPoints: 0 }, 'invalid fixAfterPoints: 0'],
    [{ fixAfterPoints: 12.5 }, 'invalid fixAfterPoints: 12.5'],
    [{ sigmaConstant: -1 }, 'invalid sigmaConstant: -1'],
    [{ sigmaConstant: Number.NaN }, 'invalid sigmaConstant: NaN'],
    [{ screenMovingRanges: 'yes' }, 'invalid screenMovingRanges: yes'],
    [{ shiftPoints: 1 }, 'invalid shiftPoints: 1'],
    [{ trendPoints: 'seven' }, 'invalid trendPoints: seven'],
    [{ conflictResolution: 'mdc' }, 'invalid conflictResolution: mdc'],
    [{ minimumPoints: 1 }, 'invalid minimumPoints: 1'],
    [{ minimumPointsWarning: -1 }, 'invalid minimumPointsWarning: -1'],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => resolveSpcOptions(options as never), { message });
  }
});
