import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageBandOf, calendarDaysBetween, isWorkingDay, workingDaysBetween } from './working-days.ts';

const at = (iso: string) => new Date(iso);

describe('working days', () => {
  it('counts the weekdays after the first day up to and including the last', () => {
    // Monday 30 November 2026 to Friday 4 December 2026.
    assert.equal(workingDaysBetween(at('2026-11-30T09:00:00Z'), at('2026-12-04T17:00:00Z')), 4);
    assert.equal(workingDaysBetween(at('2026-11-30T09:00:00Z'), at('2026-11-30T17:00:00Z')), 0);
    // Friday to Monday: one working day, three calendar days.
    assert.equal(workingDaysBetween(at('2026-12-04T09:00:00Z'), at('2026-12-07T09:00:00Z')), 1);
    assert.equal(calendarDaysBetween(at('2026-12-04T09:00:00Z'), at('2026-12-07T09:00:00Z')), 3);
  });

  it('leaves out bank holidays in England, substitute days included', () => {
    assert.equal(isWorkingDay('2026-12-25'), false);
    // Boxing Day 2026 is a Saturday: Monday the 28th is the substitute.
    assert.equal(isWorkingDay('2026-12-28'), false);
    assert.equal(isWorkingDay('2026-12-29'), true);
    // Thursday 24 December to Tuesday 29 December 2026: only the 29th counts.
    assert.equal(workingDaysBetween(at('2026-12-24T12:00:00Z'), at('2026-12-29T12:00:00Z')), 1);
    // Easter 2027: Good Friday 26 March and Easter Monday 29 March.
    assert.equal(workingDaysBetween(at('2027-03-25T12:00:00Z'), at('2027-03-30T12:00:00Z')), 1);
  });

  it('never runs backwards', () => {
    assert.equal(workingDaysBetween(at('2026-12-10T00:00:00Z'), at('2026-12-01T00:00:00Z')), 0);
    assert.equal(calendarDaysBetween(at('2026-12-10T00:00:00Z'), at('2026-12-01T00:00:00Z')), 0);
  });

  it('puts an age in its band', () => {
    assert.equal(ageBandOf(0).key, 'up_to_5');
    assert.equal(ageBandOf(5).key, 'up_to_5');
    assert.equal(ageBandOf(6).key, 'six_to_10');
    assert.equal(ageBandOf(20).key, 'eleven_to_20');
    assert.equal(ageBandOf(21).key, 'over_20');
  });
});
