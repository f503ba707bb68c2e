/**
 * Files that must import: edge cases of the tidy template (byte-order mark and CRLF, formula-like text,
 * XLSX, blank rows, repeats) and what importing the same or a revised file again does to the store.
 * Fixtures are in `test/fixtures/good-input/`; expected rows are written out by hand from them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { observationSeries } from '../src/app/catalogue.ts';
import { toCsv } from '../src/app/csv.ts';
import { importFile } from '../src/app/import-file.ts';
import { loadSeries } from '../src/app/series.ts';
import { formatIssue } from '../src/ingest/cells.ts';
import type { Store } from '../src/store/db.ts';
import { issueText } from './helpers/issues.ts';
import { repoRoot } from './helpers/paths.ts';
import { openTestStore, resetTestStore } from './helpers/test-store.ts';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'good-input');
const seedFile = path.join(repoRoot, 'test', 'fixtures', 'seed-etr.csv');
const fixture = (name: string) => path.join(fixtures, name);

/** The columns of an observation that come from the file (not when or by which batch it was written). */
const figureColumns = [
  'org_code',
  'metric_id',
  'period_start',
  'period_end',
  'granularity',
  'value',
  'numerator',
  'denominator',
  'status',
  'note',
  'detail',
] as const;

type Figures = {
  org_code: string;
  metric_id: string;
  period_start: string;
  period_end: string;
  granularity: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  status: string;
  note: string | null;
  detail: unknown;
};

const figures = (
  org: string,
  metric: string,
  start: string,
  end: string,
  granularity: string,
  value: number | null,
  numerator: number | null,
  denominator: number | null,
  status: string,
  note: string | null,
): Figures => ({
  org_code: org,
  metric_id: metric,
  period_start: start,
  period_end: end,
  granularity,
  value,
  numerator,
  denominator,
  status,
  note,
  detail: null,
});

/** `tidy.csv`, as it should be stored. */
const tidyRows: Figures[] = [
  figures(
    'R0A',
    'ae-4hr-type1',
    '2024-06-01',
    '2024-06-30',
    'month',
    null,
    null,
    null,
    'suppressed',
    'small numbers',
  ),
  figures('RGT', 'ae-4hr-type1', '2024-06-01', '2024-06-30', 'month', 51.17, 5457, 10664, 'reported', null),
  figures('RGT', 'ae-4hr-type1', '2024-07-01', '2024-07-31', 'month', 53.4, 5800, 10861, 'reported', null),
  figures('RJ1', 'ae-4hr-type1', '2024-06-01', '2024-06-30', 'month', 61.44, 6379, 10382, 'reported', null),
  figures(
    'RJ1',
    'ae-attendances-type1',
    '2024-06-01',
    '2024-06-30',
    'month',
    10382,
    null,
    null,
    'reported',
    null,
  ),
  figures('RYY', 'ae-dta-12hr', '2024-06-03', '2024-06-03', 'day', 0, null, null, 'reported', 'daily count'),
];

async function storedFigures(store: Store): Promise<Figures[]> {
  const rows = await store.db
    .selectFrom('observation')
    .select(figureColumns)
    .orderBy('org_code')
    .orderBy('metric_id')
    .orderBy('period_start')
    .execute();
  return rows as Figures[];
}

async function tableCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [
    'organisation',
    'membership',
    'metric',
    'observation',
    'observation_history',
    'import_batch',
  ] as const) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.count);
  }
  return counts;
}

async function importClean(store: Store, file: string, name = path.basename(file)) {
  const result = await importFile(store.db, file, { displayName: name });
  assert.equal(result.outcome, 'imported', result.issues.map(formatIssue).join('\n'));
  return result;
}

describe('good input', () => {
  let store: Store;
  let scratch: string;

  before(async () => {
    store = await openTestStore();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-good-input-'));
  });
  after(async () => {
    await store?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await importClean(store, seedFile);
  });

  it('imports the tidy template as written', async () => {
    const result = await importClean(store, fixture('tidy.csv'));
    assert.equal(result.format, 'tend-tidy');
    assert.deepEqual(result.issues, []);
    assert.equal(result.rows, 6);
    assert.equal(result.inserted, 6);
    assert.deepEqual(await storedFigures(store), tidyRows);
  });

  it('reads a tidy file with a byte-order mark and CRLF line ends', async () => {
    const result = await importClean(store, fixture('tidy-bom-crlf.csv'));
    assert.deepEqual(result.issues, []);
    assert.deepEqual(await storedFigures(store), [
      figures(
        'RGT',
        'ae-4hr-type1',
        '2024-06-01',
        '2024-06-30',
        'month',
        51.17,
        5457,
        10664,
        'reported',
        null,
      ),
      figures(
        'RJ1',
        'ae-4hr-type1',
        '2024-06-01',
        '2024-06-30',
        'month',
        61.44,
        6379,
        10382,
        'reported',
        'checked',
      ),
    ]);
  });

  it('skips the blank and ",,,," rows a spreadsheet writes, and keeps a note spanning lines', async () => {
    const result = await importClean(store, fixture('tidy-blank-rows.csv'));
    assert.deepEqual(result.issues, []);
    assert.equal(result.rows, 2);
    assert.deepEqual(await storedFigures(store), [
      figures(
        'RGT',
        'ae-4hr-type1',
        '2024-06-01',
        '2024-06-30',
        'month',
        51.17,
        null,
        null,
        'reported',
        'line one\nline two',
      ),
      figures(
        'RJ1',
        'ae-4hr-type1',
        '2024-06-01',
        '2024-06-30',
        'month',
        61.44,
        null,
        null,
        'reported',
        null,
      ),
    ]);
  });

  it('stores formula-like text as typed and neutralises it on export', async () => {
    const result = await importClean(store, fixture('tidy-formula-note.csv'));
    assert.deepEqual(result.issues, []);
    const series = await observationSeries(store.db, 'RGT', 'ae-4hr-type1');
    assert.equal(series.observations.length, 1);
    assert.equal(series.observations[0].note, '=HYPERLINK("http://x","y")');
    const exported = toCsv(
      ['org_code', 'value', 'note'],
      series.observations.map((row) => [row.org_code, row.value, row.note]),
    );
    assert.equal(exported, 'org_code,value,note\r\nRGT,51.17,"\'=HYPERLINK(""http://x"",""y"")"\r\n');
  });

  it('imports a tidy XLSX with the same result as the equivalent CSV', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['org_code', 'metric_id', 'period', 'value', 'numerator', 'denominator', 'status', 'note']);
    // As a spreadsheet user would type it: months as dates shown as months, a day as a date, figures as numbers.
    sheet.addRow(['RGT', 'ae-4hr-type1', new Date(Date.UTC(2024, 5, 1)), 51.17, 5457, 10664]);
    sheet.getCell('C2').numFmt = 'mmm-yy';
    sheet.addRow(['RGT', 'ae-4hr-type1', '2024-07', 53.4, 5800, 10861]);
    sheet.addRow(['RJ1', 'ae-4hr-type1', '2024-06', 61.44, 6379, 10382]);
    sheet.addRow(['RJ1', 'ae-attendances-type1', '2024-06', 10382]);
    sheet.getCell('D5').numFmt = '#,##0';
    sheet.addRow(['R0A', 'ae-4hr-type1', '2024-06', null, null, null, 'suppressed', 'small numbers']);
    sheet.addRow(['RYY', 'ae-dta-12hr', new Date(Date.UTC(2024, 5, 3)), 0, null, null, null, 'daily count']);
    sheet.getCell('C7').numFmt = 'dd/mm/yyyy';
    const xlsx = path.join(scratch, 'tidy.xlsx');
    await workbook.xlsx.writeFile(xlsx);

    const fromXlsx = await importClean(store, xlsx);
    const xlsxRows = await storedFigures(store);
    await resetTestStore(store);
    await importClean(store, seedFile);
    const fromCsv = await importClean(store, fixture('tidy.csv'));
    const csvRows = await storedFigures(store);

    assert.equal(fromXlsx.format, 'tend-tidy');
    assert.deepEqual(xlsxRows, tidyRows);
    assert.deepEqual(xlsxRows, csvRows);
    for (const key of [
      'rows',
      'observations',
      'inserted',
      'updated',
      'unchanged',
      'errorCount',
      'warningCount',
    ] as const) {
      assert.equal(fromXlsx[key], fromCsv[key], key);
    }
  });

  it('changes nothing when the identical file is imported again', async () => {
    const first = await importClean(store, fixture('tidy.csv'));
    const countsBefore = await tableCounts(store);
    const rowsBefore = await store.db
      .selectFrom('observation')
      .selectAll()
      .orderBy('org_code')
      .orderBy('metric_id')
      .orderBy('period_start')
      .execute();

    const again = await importFile(store.db, fixture('tidy.csv'), { displayName: 'tidy.csv' });
    assert.equal(again.outcome, 'unchanged');
    assert.equal(again.previousBatchId, first.batchId);
    assert.equal(again.batchId, undefined);
    assert.deepEqual(again.issues, []);
    assert.deepEqual(await tableCounts(store), countsBefore);
    const rowsAfter = await store.db
      .selectFrom('observation')
      .selectAll()
      .orderBy('org_code')
      .orderBy('metric_id')
      .orderBy('period_start')
      .execute();
    assert.deepEqual(rowsAfter, rowsBefore);
  });

  it('updates the one changed value of a revised file and keeps the earlier value in the history', async () => {
    const first = await importClean(store, fixture('tidy.csv'));
    const revised = await importClean(store, fixture('tidy-revised.csv'));
    assert.notEqual(revised.batchId, first.batchId);
    assert.equal(revised.inserted, 0);
    assert.equal(revised.updated, 1);
    assert.equal(revised.unchanged, 5);

    const expected = tidyRows.map((row) =>
      row.org_code === 'RGT' && row.period_start === '2024-07-01'
        ? { ...row, value: 54.1, numerator: 5876 }
        : row,
    );
    assert.deepEqual(await storedFigures(store), expected);

    const batches = await store.db
      .selectFrom('observation')
      .select(['org_code', 'period_start', 'metric_id', 'batch_id'])
      .execute();
    for (const row of batches) {
      const changed =
        row.org_code === 'RGT' && row.metric_id === 'ae-4hr-type1' && row.period_start === '2024-07-01';
      assert.equal(
        row.batch_id,
        changed ? revised.batchId : first.batchId,
        `${row.org_code} ${row.metric_id} ${row.period_start}`,
      );
    }

    const history = await store.db.selectFrom('observation_history').selectAll().execute();
    assert.equal(history.length, 1);
    assert.equal(history[0].org_code, 'RGT');
    assert.equal(history[0].metric_id, 'ae-4hr-type1');
    assert.equal(history[0].period_start, '2024-07-01');
    assert.equal(history[0].value, 53.4);
    assert.equal(history[0].numerator, 5800);
    assert.equal(history[0].denominator, 10861);
    assert.equal(history[0].batch_id, first.batchId);
    assert.equal(history[0].superseded_by_batch, revised.batchId);
  });

  it('imports a file with an exact repeat of a row, with a warning, and stores the row once', async () => {
    const result = await importClean(store, fixture('tidy-identical-duplicates.csv'));
    assert.equal(result.errorCount, 0);
    assert.equal(result.warningCount, 1);
    assert.deepEqual(
      result.issues.map((issue) => issueText('tidy-identical-duplicates.csv', issue)),
      ['4: warning: row repeats row 2 exactly (RGT × ae-4hr-type1 × 2024-06-01); the repeat is ignored'],
    );
    assert.equal(result.inserted, 2);
    assert.deepEqual(await storedFigures(store), [
      figures(
        'RGT',
        'ae-4hr-type1',
        '2024-06-01',
        '2024-06-30',
        'month',
        51.17,
        null,
        null,
        'reported',
        null,
      ),
      figures(
        'RJ1',
        'ae-4hr-type1',
        '2024-06-01',
        '2024-06-30',
        'month',
        61.44,
        null,
        null,
        'reported',
        null,
      ),
    ]);
  });

  it("keeps the A&E table's known quirks as data questions, with warnings, never charted", async () => {
    const result = await importClean(store, fixture('ae-provider-quirks.csv'));
    assert.deepEqual(
      result.issues.map((issue) => issueText('ae-provider-quirks.csv', issue)),
      [
        '2:H: warning: over4h_type1: 120 attendances over 4 hours is more than the 100 type 1 attendances; kept as a data question, no 4-hour percentage',
        '3:F: warning: att_type2: "954.42857143" is not a whole number; kept as a data question, not charted',
      ],
    );
    const questions = await store.db
      .selectFrom('observation')
      .select(['org_code', 'metric_id', 'value', 'status', 'note', 'detail'])
      .where('note', 'like', 'Data question:%')
      .orderBy('org_code')
      .orderBy('metric_id')
      .execute();
    assert.deepEqual(
      questions.map((row) => [row.org_code, row.metric_id, row.value, row.status]),
      [
        ['RGT', 'ae-4hr-type1', null, 'missing'],
        ['RJ1', 'ae-4hr-all', null, 'missing'],
        ['RJ1', 'ae-4hr-type2', null, 'missing'],
        ['RJ1', 'ae-attendances-type2', null, 'missing'],
      ],
    );
    assert.deepEqual(questions[0].detail, {
      dataQuestion: 'the published over-4-hour count (120) exceeds the attendances (100)',
      published: { attendances: 100, over4Hours: 120 },
    });
    assert.equal(
      questions[3].note,
      'Data question: att_type2 was published as 954.42857143, not a whole number',
    );
    // What charts and SPC are given: a gap, not a figure.
    const series = await loadSeries(store.db, 'RJ1', 'ae-attendances-type2');
    assert.deepEqual(series.points, [{ date: '2024-06-01', value: null }]);
    // The other figures of those rows are stored as published.
    const type1 = await loadSeries(store.db, 'RJ1', 'ae-attendances-type1');
    assert.deepEqual(type1.points, [{ date: '2024-06-01', value: 10382 }]);
  });
});
