import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FinanceFigure } from '../../domain/finance.ts';
import { systemFinancePosition } from './system-position.ts';

const figure = (
  orgCode: string,
  metricId: string,
  periodStart: string,
  value: number | null,
): FinanceFigure => ({
  orgCode,
  metricId,
  periodStart,
  value,
});

test('reads the latest quarter, sorts by name and counts each position', () => {
  const view = systemFinancePosition(
    [
      { code: 'B1', name: 'Beta' },
      { code: 'A1', name: 'Alpha' },
      { code: 'C1', name: 'Gamma' },
    ],
    [
      figure('A1', 'OF0079', '2025-04-01', -3),
      figure('A1', 'OF0079', '2025-07-01', 0.5),
      figure('A1', 'OF0081', '2025-07-01', -0.2),
      figure('B1', 'OF0079', '2025-07-01', -1.5),
      figure('B1', 'OF0081', '2025-07-01', null),
      figure('Z9', 'OF0079', '2025-10-01', -9),
    ],
  );
  assert.equal(view.quarterStart, '2025-07-01');
  assert.deepEqual(
    view.members.map((member) => [
      member.code,
      member.plannedPct,
      member.yearToDateVariancePct,
      member.underPressure,
    ]),
    [
      ['A1', 0.5, -0.2, true],
      ['B1', -1.5, null, true],
      ['C1', null, null, false],
    ],
  );
  assert.deepEqual(view.members[2]?.missing, [
    'no published planned surplus/deficit',
    'no published year-to-date variance to plan',
  ]);
  assert.deepEqual(view.totals, {
    members: 3,
    withPlannedFigure: 2,
    withYearToDateFigure: 1,
    plansDeficit: 1,
    behindPlan: 1,
    underPressure: 2,
  });
});

test('a system with no published figures has no quarter and nobody under pressure', () => {
  const view = systemFinancePosition([{ code: 'A1', name: 'Alpha' }], []);
  assert.equal(view.quarterStart, null);
  assert.equal(view.totals.underPressure, 0);
});
