import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseSeriesText, seriesFromText } from './series-text.ts';

/** The same reading written out plainly: a split per line, grouped, counted and sorted. */
function readPlainly(metricId: string, text: string) {
  if (text === '') return { granularity: '', series: [] };
  const lines = text.split('\n').map((line) => line.split('|'));
  const counts = new Map<string, number>();
  for (const [, granularity] of lines) counts.set(granularity, (counts.get(granularity) ?? 0) + 1);
  const [granularity] = [...counts].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  )[0];
  const byOrg = new Map<string, [string, number | null][]>();
  for (const [org, lineGranularity, date, value] of lines)
    if (lineGranularity === granularity)
      byOrg.set(org, [...(byOrg.get(org) ?? []), [date, value === '' ? null : Number(value)]]);
  const series = [...byOrg.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((org) => {
      const points = (byOrg.get(org) ?? []).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return {
        metric_id: metricId,
        org_code: org,
        dates: points.map(([date]) => date),
        values: points.map(([, value]) => value),
      };
    });
  return { granularity, series };
}

describe('seriesFromText', () => {
  it('reads each organisation’s series at the most common granularity, oldest first, a gap as null', () => {
    // Lines as string_agg returns them: in no particular order, a quarter mixed in, a gap, a negative value.
    const text = [
      'RYY|month|2025-03-01|7.5',
      'RJ1|month|2025-02-01|',
      'RJ1|quarter|2025-01-01|99',
      'RJ1|month|2025-01-01|12',
      'RYY|month|2025-01-01|-0.25',
      'RJ1|month|2025-03-01|14.5',
      'RYY|month|2025-02-01|8',
    ].join('\n');
    assert.deepEqual(seriesFromText('ae-4hr-type1', text), [
      {
        metric_id: 'ae-4hr-type1',
        org_code: 'RJ1',
        dates: ['2025-01-01', '2025-02-01', '2025-03-01'],
        values: [12, null, 14.5],
      },
      {
        metric_id: 'ae-4hr-type1',
        org_code: 'RYY',
        dates: ['2025-01-01', '2025-02-01', '2025-03-01'],
        values: [-0.25, 8, 7.5],
      },
    ]);
  });

  it('picks the first granularity in name order on a tie, and reads nothing from empty text', () => {
    const text =
      'RJ1|quarter|2025-04-01|3\nRJ1|month|2025-04-01|1\nRJ1|quarter|2025-01-01|2\nRJ1|month|2025-05-01|0';
    assert.deepEqual(seriesFromText('m', text), [
      { metric_id: 'm', org_code: 'RJ1', dates: ['2025-04-01', '2025-05-01'], values: [1, 0] },
    ]);
    assert.deepEqual(seriesFromText('m', ''), []);
  });

  it('reads any order of lines as the plain reading does: period by period, organisation by organisation, or shuffled', () => {
    const org = fc.constantFrom('RJ1', 'RYY', 'R1', 'RYY01', 'SYN00001', 'SYN00010', 'Q');
    const line = fc.record({
      org,
      granularity: fc.constantFrom('month', 'quarter', 'year'),
      date: fc.constantFrom('2024-01-01', '2024-02-01', '2024-10-01', '2025-01-01', '2025-12-01'),
      value: fc.option(
        fc.oneof(
          fc.integer({ min: -1000, max: 100000 }),
          fc.integer().map((hundredths) => hundredths / 100),
          fc.constantFrom(-0, 0.1, 1e-7, 123456789012345.6, 2 ** 53, 2 ** 53 + 2),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        {
          nil: null,
        },
      ),
    });
    const key = (each: { org: string; granularity: string; date: string }) =>
      `${each.org}|${each.granularity}|${each.date}`;
    fc.assert(
      fc.property(
        fc.uniqueArray(line, { selector: key, maxLength: 80 }),
        fc.constantFrom('period', 'organisation', 'as drawn'),
        (lines, order) => {
          const ordered =
            order === 'as drawn'
              ? lines
              : [...lines].sort((a, b) => {
                  const [first, second] = order === 'period' ? [a.date, b.date] : [a.org, b.org];
                  return first < second ? -1 : first > second ? 1 : 0;
                });
          const text = ordered
            .map(
              (each) =>
                `${each.org}|${each.granularity}|${each.date}|${each.value === null ? '' : String(each.value)}`,
            )
            .join('\n');
          assert.deepEqual(parseSeriesText('m', text), readPlainly('m', text));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads numbers as Number does, the sign of zero, exponents and long mantissas included', () => {
    const written = [
      '-0',
      '0.1',
      '-12.50',
      '1e-7',
      '1.2345678901234567e+20',
      '9007199254740993',
      '.5',
      '7.',
      'NaN',
    ];
    const text = written
      .map((value, index) => `RJ1|month|2024-${String(index + 1).padStart(2, '0')}-01|${value}`)
      .join('\n');
    const [series] = seriesFromText('m', text);
    assert.deepEqual(series.values, written.map(Number));
  });
});
