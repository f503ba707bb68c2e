import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  daysInMonth,
  financialQuarterLabel,
  monthPeriod,
  parseFinancialQuarter,
  parseSitrepPeriod,
  parseTidyPeriod,
  periodLabel,
} from './period.ts';

describe('daysInMonth and monthPeriod', () => {
  it('knows month lengths and the Gregorian leap years', () => {
    assert.equal(daysInMonth(2024, 1), 31);
    assert.equal(daysInMonth(2024, 4), 30);
    assert.equal(daysInMonth(2024, 2), 29);
    assert.equal(daysInMonth(2023, 2), 28);
    assert.equal(daysInMonth(2000, 2), 29);
    assert.equal(daysInMonth(1900, 2), 28);
    assert.equal(daysInMonth(2100, 2), 28);
  });

  it('spans a calendar month', () => {
    assert.deepEqual(monthPeriod(2024, 12), { start: '2024-12-01', end: '2024-12-31', granularity: 'month' });
  });
});

describe('parseTidyPeriod', () => {
  it('reads YYYY-MM as a calendar month', () => {
    assert.deepEqual(parseTidyPeriod('2024-06'), {
      start: '2024-06-01',
      end: '2024-06-30',
      granularity: 'month',
    });
    assert.deepEqual(parseTidyPeriod(' 2024-01 '), {
      start: '2024-01-01',
      end: '2024-01-31',
      granularity: 'month',
    });
    assert.deepEqual(parseTidyPeriod('2024-02'), {
      start: '2024-02-01',
      end: '2024-02-29',
      granularity: 'month',
    });
    assert.deepEqual(parseTidyPeriod('2023-02'), {
      start: '2023-02-01',
      end: '2023-02-28',
      granularity: 'month',
    });
    assert.deepEqual(parseTidyPeriod('1900-02'), {
      start: '1900-02-01',
      end: '1900-02-28',
      granularity: 'month',
    });
    assert.deepEqual(parseTidyPeriod('2000-02'), {
      start: '2000-02-01',
      end: '2000-02-29',
      granularity: 'month',
    });
  });

  it('reads YYYY-MM-DD as a single day, 29 February only in leap years', () => {
    assert.deepEqual(parseTidyPeriod('2024-06-03'), {
      start: '2024-06-03',
      end: '2024-06-03',
      granularity: 'day',
    });
    assert.deepEqual(parseTidyPeriod('2024-02-29'), {
      start: '2024-02-29',
      end: '2024-02-29',
      granularity: 'day',
    });
    assert.deepEqual(parseTidyPeriod('2000-02-29'), {
      start: '2000-02-29',
      end: '2000-02-29',
      granularity: 'day',
    });
    assert.equal(parseTidyPeriod('2023-02-29'), undefined);
    assert.equal(parseTidyPeriod('1900-02-29'), undefined);
    assert.equal(parseTidyPeriod('2100-02-29'), undefined);
  });

  it('refuses months and days that do not exist, and other spellings', () => {
    for (const text of [
      '2024-13',
      '2024-00',
      '2024-02-30',
      '2024-04-31',
      '2024-06-00',
      '2024-06-32',
      'June 2024',
      'Jun-24',
      '2024-6',
      '2024/06',
      '01/06/2024',
      '2024-06-1',
      '202406',
      '',
      'Q1 2025/26',
    ]) {
      assert.equal(parseTidyPeriod(text), undefined, text);
    }
  });
});

describe('parseFinancialQuarter', () => {
  it('maps Q1 to Q4 onto April–June, July–September, October–December and January–March', () => {
    assert.deepEqual(parseFinancialQuarter('Q1 2025/26'), {
      start: '2025-04-01',
      end: '2025-06-30',
      granularity: 'quarter',
    });
    assert.deepEqual(parseFinancialQuarter('Q2 2025/26'), {
      start: '2025-07-01',
      end: '2025-09-30',
      granularity: 'quarter',
    });
    assert.deepEqual(parseFinancialQuarter('Q3 2025/26'), {
      start: '2025-10-01',
      end: '2025-12-31',
      granularity: 'quarter',
    });
    assert.deepEqual(parseFinancialQuarter('Q4 2025/26'), {
      start: '2026-01-01',
      end: '2026-03-31',
      granularity: 'quarter',
    });
  });

  it('crosses a century and trims spaces', () => {
    assert.deepEqual(parseFinancialQuarter('Q4 1999/00'), {
      start: '2000-01-01',
      end: '2000-03-31',
      granularity: 'quarter',
    });
    assert.deepEqual(parseFinancialQuarter('  Q2 2024/25 '), {
      start: '2024-07-01',
      end: '2024-09-30',
      granularity: 'quarter',
    });
  });

  it('refuses bad labels', () => {
    for (const label of [
      'Q5 2025/26',
      'Q0 2025/26',
      'Q1 2025/27',
      'Q1 2025/25',
      'Q1 2025-26',
      'Q1 2025/2026',
      'Q1 25/26',
      'Q12025/26',
      '2025/26 Q1',
      'Q1',
      '',
    ]) {
      assert.equal(parseFinancialQuarter(label), undefined, label);
    }
  });
});

describe('financialQuarterLabel', () => {
  it('labels the quarter a start date falls in', () => {
    assert.equal(financialQuarterLabel('2025-04-01'), 'Q1 2025/26');
    assert.equal(financialQuarterLabel('2025-07-01'), 'Q2 2025/26');
    assert.equal(financialQuarterLabel('2025-10-01'), 'Q3 2025/26');
    assert.equal(financialQuarterLabel('2026-01-01'), 'Q4 2025/26');
    assert.equal(financialQuarterLabel('2026-03-31'), 'Q4 2025/26');
    assert.equal(financialQuarterLabel('2000-01-01'), 'Q4 1999/00');
  });

  it('round-trips with parseFinancialQuarter', () => {
    for (let year = 1998; year <= 2031; year++) {
      for (let quarter = 1; quarter <= 4; quarter++) {
        const label = `Q${quarter} ${year}/${String((year + 1) % 100).padStart(2, '0')}`;
        const period = parseFinancialQuarter(label);
        assert.ok(period, label);
        assert.equal(financialQuarterLabel(period.start), label);
      }
    }
  });
});

describe('parseSitrepPeriod', () => {
  it('reads the monthly A&E period code', () => {
    assert.deepEqual(parseSitrepPeriod('MSitAE-APRIL-2025'), {
      start: '2025-04-01',
      end: '2025-04-30',
      granularity: 'month',
    });
    assert.deepEqual(parseSitrepPeriod('MSitAE-FEBRUARY-2024'), {
      start: '2024-02-01',
      end: '2024-02-29',
      granularity: 'month',
    });
    assert.deepEqual(parseSitrepPeriod(' msitae-december-2024 '), {
      start: '2024-12-01',
      end: '2024-12-31',
      granularity: 'month',
    });
  });

  it('refuses other text', () => {
    for (const text of [
      'MSitAE-JUNO-2024',
      'MSitAE-06-2024',
      'MSitAE-JUN-2024',
      'MSitAE-JUNE-24',
      'June 2024',
      'TOTAL',
      '',
    ]) {
      assert.equal(parseSitrepPeriod(text), undefined, text);
    }
  });
});

describe('periodLabel', () => {
  it('labels months, quarters, years and days', () => {
    assert.equal(periodLabel({ start: '2024-06-01', granularity: 'month' }), 'June 2024');
    assert.equal(periodLabel({ start: '2025-10-01', granularity: 'quarter' }), 'Q3 2025/26');
    assert.equal(periodLabel({ start: '2024-01-01', granularity: 'year' }), '2024');
    assert.equal(periodLabel({ start: '2025-04-01', granularity: 'year' }), '2025/26');
    assert.equal(periodLabel({ start: '2099-04-01', granularity: 'year' }), '2099/00');
    assert.equal(periodLabel({ start: '2024-06-03', granularity: 'day' }), '2024-06-03');
  });
});
