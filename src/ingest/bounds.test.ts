import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundsForUnit, builtinMetricBounds, metricBounds } from '../domain/metric-catalogue.ts';
import { addDays, checkObservation, defaultPeriodLimits } from './bounds.ts';
import { issueFactory, readNumberCell } from './cells.ts';
import type { ObservationRecord } from './types.ts';

const record = (fields: Partial<ObservationRecord>): ObservationRecord => ({
  orgCode: 'RGT',
  metricId: 'ae-4hr-type1',
  periodStart: '2024-06-01',
  periodEnd: '2024-06-30',
  granularity: 'month',
  value: null,
  numerator: null,
  denominator: null,
  status: 'reported',
  note: null,
  detail: null,
  rowNumber: 7,
  columns: { period: 2, value: 3, numerator: 4, denominator: 5 },
  ...fields,
});

const check = (fields: Partial<ObservationRecord>, today = '2026-01-15') =>
  checkObservation(
    record(fields),
    metricBounds(fields.metricId ?? 'ae-4hr-type1', undefined),
    defaultPeriodLimits,
    today,
    issueFactory('f.csv'),
  ).map((issue) => `${issue.code} ${issue.row}:${issue.column}`);

describe('numbers Tend can hold', () => {
  it('reads a number cell, refusing what a double cannot hold', () => {
    assert.deepEqual(readNumberCell('1,234.5', 'value'), { value: 1234.5 });
    assert.deepEqual(readNumberCell(' ', 'value'), { value: null });
    assert.deepEqual(readNumberCell('1e15', 'value'), { value: 1e15 });
    for (const text of ['1e309', '-1e400', '1e16', '1e-400']) {
      const reading = readNumberCell(text, 'value');
      assert.ok('problem' in reading && reading.problem.code === 'NUMBER_OUT_OF_RANGE', text);
    }
    for (const text of ['NaN', 'Infinity', '-Infinity', '0x10']) {
      const reading = readNumberCell(text, 'value');
      assert.ok('problem' in reading && reading.problem.code === 'NOT_A_NUMBER', text);
    }
    assert.deepEqual(readNumberCell('0.000', 'value'), { value: 0 });
  });

  it('has bounds for every built-in metric, and unit bounds for imported ones', () => {
    assert.deepEqual(builtinMetricBounds['ae-4hr-all'], { min: 0, max: 100, ratioScale: 100 });
    assert.equal(builtinMetricBounds['ae-attendances-type1'].whole, true);
    assert.deepEqual(boundsForUnit('score'), { min: 1, max: 4 });
    assert.deepEqual(boundsForUnit('%'), { ratioScale: 100 }); // NOF percentages can pass 100
    assert.deepEqual(metricBounds('OF0001', 'percentage points'), {});
  });

  it('takes figures within bounds, and a percentage rounded to within half a point', () => {
    assert.deepEqual(check({ value: 51.17, numerator: 5457, denominator: 10664 }), []);
    assert.deepEqual(check({ value: 51, numerator: 5457, denominator: 10664 }), []);
    assert.deepEqual(check({ value: 0, numerator: 0, denominator: 10 }), []);
    assert.deepEqual(check({ metricId: 'ae-attendances-type1', value: 10382 }), []);
    assert.deepEqual(check({ value: null, numerator: 0, denominator: 0, status: 'missing' }), []);
  });

  it('refuses each impossible figure in its own cell', () => {
    assert.deepEqual(check({ value: 150 }), ['NUMBER_OUT_OF_RANGE 7:D']);
    assert.deepEqual(check({ value: -20 }), ['NUMBER_OUT_OF_RANGE 7:D']);
    assert.deepEqual(check({ value: Number.POSITIVE_INFINITY }), ['NUMBER_OUT_OF_RANGE 7:D']);
    assert.deepEqual(check({ value: Number.NaN }), ['NUMBER_OUT_OF_RANGE 7:D']);
    assert.deepEqual(check({ metricId: 'ae-attendances-type1', value: 12.5 }), ['NOT_A_WHOLE_NUMBER 7:D']);
    assert.deepEqual(check({ metricId: 'ae-attendances-type1', value: 6e6 }), ['NUMBER_OUT_OF_RANGE 7:D']);
    assert.deepEqual(check({ metricId: 'ae-attendances-type1', value: -1 }), ['NEGATIVE_COUNT 7:D']);
    assert.deepEqual(check({ value: 50, numerator: 5.5, denominator: 11 }), ['NOT_A_WHOLE_NUMBER 7:E']);
    assert.deepEqual(check({ value: 50, numerator: 1, denominator: -2 }), ['NEGATIVE_COUNT 7:F']);
    assert.deepEqual(check({ value: 90, numerator: 50, denominator: 100 }), [
      'VALUE_DISAGREES_WITH_RATIO 7:D',
    ]);
    assert.deepEqual(check({ value: 100, numerator: 0, denominator: 0 }), ['VALUE_DISAGREES_WITH_RATIO 7:D']);
  });

  it('refuses periods before the publication began and after today plus its lag', () => {
    assert.deepEqual(check({ periodStart: '0000-01-01', value: 1 }), ['BAD_PERIOD 7:C']);
    assert.deepEqual(check({ periodStart: '1947-12-01', value: 1 }), ['BAD_PERIOD 7:C']);
    assert.deepEqual(check({ periodStart: '2099-01-01', value: 1 }), ['BAD_PERIOD 7:C']);
    assert.deepEqual(check({ periodStart: addDays('2026-01-15', 31), value: 1 }), []);
    assert.deepEqual(check({ periodStart: addDays('2026-01-15', 32), value: 1 }), ['BAD_PERIOD 7:C']);
    assert.equal(addDays('2026-12-15', 31), '2027-01-15');
  });

  it('names no column when the format gave none, rather than a wrong one', () => {
    assert.deepEqual(check({ value: 150, columns: undefined }), ['NUMBER_OUT_OF_RANGE 7:null']);
  });
});
