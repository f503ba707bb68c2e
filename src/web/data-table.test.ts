import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cell, type DataTable, dataTableCsv, sortKeys, tablesIn } from './data-table.ts';
import { downloadHref, safeFileName } from './render.ts';

const table: DataTable = {
  id: 'example',
  caption: 'Example',
  fileName: 'tend-example',
  columns: [
    { label: 'Organisation', sort: true },
    { label: 'ODS code', csvOnly: true },
    { label: 'Value', hint: 'ae-4hr', numeric: true },
  ],
  rows: [
    {
      cells: [
        cell('Kent, "Community"', { href: '/organisations/RYY' }),
        cell('RYY'),
        cell('85.2%', { csv: 85.2 }),
      ],
    },
    { cells: [cell('=HYPERLINK("x")'), cell('R1A'), cell('Not held', { csv: null })] },
  ],
};

describe('data tables', () => {
  it('write CSV with every column, the raw values, and formula-like text neutralised', () => {
    assert.equal(
      dataTableCsv(table),
      'Organisation,ODS code,Value (ae-4hr)\r\n' +
        '"Kent, ""Community""",RYY,85.2\r\n' +
        `"'=HYPERLINK(""x"")",R1A,\r\n`,
    );
  });

  it('are found anywhere in a page model, however nested', () => {
    const model = {
      title: 'x',
      nested: { list: [{ table }, { other: 1 }] },
      another: { ...table, id: 'second' },
    };
    assert.deepEqual(
      tablesIn(model).map((found) => found.id),
      ['example', 'second'],
    );
    assert.deepEqual(tablesIn(null), []);
    assert.deepEqual(tablesIn('text'), []);
  });

  it('link to their download from the page address, keeping its query', () => {
    assert.equal(downloadHref('/metrics', 'metrics-1'), '/metrics?download=metrics-1');
    assert.equal(
      downloadHref('/league-tables/acute?quarter=Q4%202025%2F26', 'league-acute'),
      '/league-tables/acute?quarter=Q4+2025%2F26&download=league-acute',
    );
    assert.equal(downloadHref('/?download=old', 'new'), '/?download=new');
  });

  it('give sort keys the design system orders as numbers: places, not decimals or signs', () => {
    const numbers: DataTable = {
      ...table,
      columns: [
        { label: 'Value', numeric: true, sort: true },
        { label: 'Period', sort: true },
      ],
      rows: [1.9, 1.53, -5, 10, 1.53].map((value, index) => ({
        cells: [
          cell(String(value), { sortValue: value }),
          cell('x', index === 0 ? {} : { sortValue: '2025-06-01' }),
        ],
      })),
    };
    assert.deepEqual(sortKeys(numbers), [
      ['3', undefined],
      ['2', '2025-06-01'],
      ['1', '2025-06-01'],
      ['4', '2025-06-01'],
      ['2', '2025-06-01'],
    ]);
    assert.equal(sortKeys(numbers), sortKeys(numbers), 'computed once per table');
  });

  it('name their downloads safely', () => {
    assert.equal(safeFileName('tend-segments-Q4 2025/26'), 'tend-segments-Q4-2025-26');
    assert.equal(safeFileName('"\r\n'), '-');
    assert.equal(safeFileName(''), 'tend');
  });
});
