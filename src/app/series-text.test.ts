import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seriesFromText } from './series-text.ts';

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
});
