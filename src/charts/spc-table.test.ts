import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeSpc } from '../engines/spc/compute-spc.ts';
import { renderSpcTable, spcTable } from './spc-table.ts';
import { escapeMarkup } from './svg.ts';

const values = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 9, 30, null, 20, 21];
const points = values.map((value, index) => ({
  date: new Date(Date.UTC(2024, index, 1)).toISOString().slice(0, 10),
  value,
}));
const series = computeSpc([
  {
    facet: 'R&D <1>',
    points,
    target: 12,
    rebase: [{ date: '2025-03-01', reason: 'Service moved <site B>' }],
  },
]).series[0];

test('the table has one row per point with the lines, type and rule in words', () => {
  const table = spcTable(series, {
    metricName: 'Referrals',
    unit: '%',
    annotations: [{ date: '2024-02-01', label: 'Audit' }],
  });
  assert.equal(table.caption, 'Referrals (R&D <1>): data behind the chart');
  assert.deepEqual(table.head, [
    'Date',
    'Value',
    'Mean',
    'Lower process limit',
    'Upper process limit',
    'Target',
    'Variation',
    'Rule',
    'Notes',
  ]);
  assert.equal(table.rows.length, values.length);
  assert.deepEqual(table.rows[0], [
    '2024-01-01',
    '10%',
    '12%',
    '6.92%',
    '17.1%',
    '12%',
    'Common cause',
    '',
    '',
  ]);
  assert.deepEqual(table.rows[1].slice(-1), ['Audit']);
  assert.deepEqual(table.rows[12].slice(6, 8), [
    'Special cause: improvement',
    'Above the upper process limit',
  ]);
  assert.deepEqual(table.rows[13].slice(1, 2), ['No value']);
  assert.deepEqual(table.rows[14].slice(-1), ['Limits recalculated: Service moved <site B>']);
});

test('the HTML table escapes every piece of text', () => {
  const html = renderSpcTable(series, { metricName: 'Referrals "all"' });
  assert.match(
    html,
    /^<table class="nhsuk-table spc-table"><caption class="nhsuk-table__caption">Referrals &quot;all&quot; \(R&amp;D &lt;1&gt;\): data behind the chart<\/caption>/,
  );
  assert.match(html, /Limits recalculated: Service moved &lt;site B&gt;/);
  assert.doesNotMatch(html, /<site B>|<1>/);
  assert.equal(html.match(/<tr /g)?.length, values.length + 1);
  assert.match(html, /<th scope="row" class="nhsuk-table__cell">2024-01-01<\/th>/);
});

test('markup escaping covers the five special characters', () => {
  assert.equal(escapeMarkup(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('numbered annotations are named in an Annotations column, on the row of the period holding their date', () => {
  const table = spcTable(series, {
    annotations: [
      { number: 1, date: '2024-03-15', kind: 'Event', label: 'Mid-March event' },
      { number: 2, date: '2024-03-01', kind: 'Data issue', label: 'On the first' },
      { number: 3, date: '2023-12-31', kind: 'Event', label: 'Before the chart' },
      { number: 4, date: '2025-04-30', kind: 'Event', label: 'In the last month' },
      { number: 5, date: '2025-05-01', kind: 'Event', label: 'After the last month' },
    ],
  });
  assert.equal(table.head.at(-1), 'Annotations');
  const annotated = table.rows.map((row) => [row[0], row.at(-1)]).filter(([, numbers]) => numbers !== '');
  assert.deepEqual(annotated, [
    ['2024-03-01', '1, 2'],
    ['2025-04-01', '4'],
  ]);
  assert.ok(
    table.rows.every((row) => !/Mid-March|On the first/.test(row[8])),
    'numbered notes are not repeated in Notes',
  );
  assert.equal(spcTable(series).head.includes('Annotations'), false, 'no column without numbered notes');
});
