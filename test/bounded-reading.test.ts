/**
 * Reading hostile files stays bounded: workbook bombs refused fast and small, hidden sheets passed
 * over, bytes that are not text refused where they are (after the first 64 KiB too), mixed line
 * ends read, and reading stopped after 1,000 errors. Each test would fail on a reader that loaded
 * workbooks whole, checked only the head of a CSV or read every row of a file of junk.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { type ImportResult, importFile } from '../src/app/import-file.ts';
import { formatIssue } from '../src/ingest/cells.ts';
import type { Store } from '../src/store/db.ts';
import { runTend } from './helpers/cli.ts';
import { seedTrusts } from './helpers/import-steps.ts';
import { openTestStore, resetTestStore, tendStoreArgs } from './helpers/test-store.ts';
import { bigCellBomb, manyRowsBomb, oneSheetWorkbook } from './helpers/zip.ts';

const TIDY_HEADER = 'org_code,metric_id,period,value,numerator,denominator,status,note';

async function counts(store: Store): Promise<Record<string, number>> {
  const counted: Record<string, number> = {};
  for (const table of [
    'organisation',
    'membership',
    'metric',
    'observation',
    'observation_history',
  ] as const) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counted[table] = Number(row.count);
  }
  const imported = await store.db
    .selectFrom('import_batch')
    .where('outcome', '=', 'imported')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  counted.imported_batches = Number(imported.count);
  return counted;
}

/** Runs `work`, sampling resident memory every 10 ms: its result, seconds taken and peak growth in MB. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; growthMb: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, growthMb: (peak - baseline) / 1e6 };
  } finally {
    clearInterval(sampler);
  }
}

const shown = (result: ImportResult) => result.issues.map(formatIssue).join('\n');

describe('bounded reading', () => {
  let store: Store;
  let scratch: string;
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const refused = async (file: string, options: Parameters<typeof importFile>[2] = {}) => {
    const before = await counts(store);
    const result = await importFile(store.db, file, { displayName: path.basename(file), ...options });
    assert.equal(result.outcome, 'rejected', shown(result));
    assert.deepEqual(await counts(store), before, 'a refused file changed the store');
    return result;
  };

  before(async () => {
    store = await openTestStore();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-bounded-'));
  });
  after(async () => {
    await store?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await seedTrusts(store);
  });

  it('refuses workbook bombs within 10 s and 300 MB of memory growth', { timeout: 120_000 }, async () => {
    const bombs = {
      // 300 KB on disk holding one cell of 300 MB.
      'cell-bomb.xlsx': bigCellBomb(300),
      // Two million rows, a few megabytes on disk.
      'rows-bomb.xlsx': manyRowsBomb(2_000_000),
    };
    for (const [name, bytes] of Object.entries(bombs)) {
      const file = write(name, bytes);
      const { value: result, seconds, growthMb } = await measured(() => refused(file));
      assert.deepEqual(
        result.issues.map((issue) => issue.code),
        ['TOO_LARGE'],
        shown(result),
      );
      assert.match(result.issues[0].message, /unpacks to more than 64 MiB/);
      assert.ok(seconds < 10, `${name} took ${seconds.toFixed(1)} s`);
      assert.ok(growthMb < 300, `${name} grew memory by ${growthMb.toFixed(0)} MB`);
    }
  });

  it('refuses a bomb whose directory lies about its size, by counting what it unpacks', {
    timeout: 120_000,
  }, async () => {
    const cell = (reference: string, text: string) =>
      `<c r="${reference}" t="inlineStr"><is><t>${text}</t></is></c>`;
    const header = TIDY_HEADER.split(',').slice(0, 4);
    const bytes = oneSheetWorkbook(
      function* () {
        yield `<row r="1">${header.map((name, index) => cell(`${'ABCD'[index]}1`, name)).join('')}</row>`;
        for (let row = 2; row <= 400_000; row++)
          yield `<row r="${row}">${cell(`A${row}`, 'RGT')}${cell(`B${row}`, 'ae-dta-12hr')}${cell(`C${row}`, '2024-06')}<c r="D${row}"><v>1</v></c></row>`;
      },
      { declaredSize: 100 },
    );
    const file = write('lying-bomb.xlsx', bytes);
    const {
      value: result,
      seconds,
      growthMb,
    } = await measured(() => refused(file, { workbookLimits: { maxUncompressedBytes: 8 * 1024 * 1024 } }));
    assert.deepEqual(result.issues.map(formatIssue), [
      'lying-bomb.xlsx: the workbook unpacks to more than 8 MiB, more than Tend reads; save the sheet as CSV and import that',
    ]);
    assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
    assert.ok(growthMb < 300, `grew memory by ${growthMb.toFixed(0)} MB`);
  });

  it('imports the first visible sheet, never a hidden one before it, or the sheet named', async () => {
    const book = new ExcelJS.Workbook();
    const hidden = book.addWorksheet('Old');
    hidden.state = 'hidden';
    hidden.addRows([TIDY_HEADER.split(','), ['RGT', 'ae-dta-12hr', '2024-06', 999]]);
    const visible = book.addWorksheet('Current');
    visible.addRows([TIDY_HEADER.split(','), ['RGT', 'ae-dta-12hr', '2024-06', 7]]);
    const file = path.join(scratch, 'hidden-first.xlsx');
    await book.xlsx.writeFile(file);
    const result = await importFile(store.db, file);
    assert.equal(result.outcome, 'imported', shown(result));
    const stored = await store.db.selectFrom('observation').select('value').execute();
    assert.deepEqual(stored, [{ value: 7 }]);

    // Another sheet of the same workbook is another edition, not the same file again.
    const named = await importFile(store.db, file, { sheet: 'Old' });
    assert.equal(named.outcome, 'imported', shown(named));
    assert.deepEqual(await store.db.selectFrom('observation').select('value').execute(), [{ value: 999 }]);
  });

  it('refuses a formula with no saved value by its cell, never as "[object Object]"', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Data');
    sheet.addRows([
      TIDY_HEADER.split(','),
      ['RGT', 'ae-dta-12hr', '2024-06', { formula: '3+4', result: 7 }],
      ['RJ1', 'ae-dta-12hr', '2024-06', { formula: '3+4' }],
    ]);
    const file = path.join(scratch, 'formula.xlsx');
    await book.xlsx.writeFile(file);
    const result = await refused(file);
    assert.deepEqual(result.issues.map(formatIssue), [
      'formula.xlsx:3:D: cell D3 holds a formula with no saved value; open the workbook in Excel, let it calculate, save it and import it again',
    ]);
  });

  it('refuses a NUL after the first 64 KiB of a CSV at its row and column', async () => {
    const day = (index: number) => new Date(Date.UTC(2015, 0, 1 + index)).toISOString().slice(0, 10);
    const rows = Array.from({ length: 3000 }, (_, index) => `RGT,ae-dta-12hr,${day(index)},${index},,,,`);
    rows[2500] = `RGT,ae-dta-12hr,${day(2500)},25\u000000,,,,`;
    const text = `${TIDY_HEADER}\n${rows.join('\n')}\n`;
    assert.ok(text.indexOf('\u0000') > 65536);
    const result = await refused(write('nul-late.csv', text));
    assert.deepEqual(result.issues.map(formatIssue), [
      'nul-late.csv:2502:D: a NUL byte is in this cell: the file is binary or damaged, not CSV text',
    ]);
  });

  it('names the cell of a stray NUL early in a CSV, and refuses a binary file whole', async () => {
    const stray = await refused(
      write(
        'nul-early.csv',
        `${TIDY_HEADER}\nRGT,ae-dta-12hr,2024-06,1,,,,\nRJ1,ae-dta-12hr,2024-06,2,,,,no\u0000te\n`,
      ),
    );
    assert.deepEqual(stray.issues.map(formatIssue), [
      'nul-early.csv:3:H: a NUL byte is in this cell: the file is binary or damaged, not CSV text',
    ]);
    const binary = await refused(
      write('binary.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])),
    );
    assert.deepEqual(binary.issues.map(formatIssue), [
      'binary.csv: the file is binary, not CSV text or an .xlsx workbook',
    ]);
  });

  it('refuses a Latin-1 byte after the first 64 KiB of a UTF-8 CSV at its row and column', async () => {
    const rows = Array.from(
      { length: 3000 },
      (_, index) => `RGT,ae-dta-12hr,2020-01,${index},,,,note ${index}`,
    );
    const head = Buffer.from(`${TIDY_HEADER}\n${rows.join('\n')}\n`);
    assert.ok(head.length > 65536);
    const bytes = Buffer.concat([
      head,
      Buffer.from('RJ1,ae-dta-12hr,2020-02,1,,,,Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const result = await refused(write('latin1-late.csv', bytes));
    assert.deepEqual(result.issues.map(formatIssue), [
      `latin1-late.csv:3002:H: byte 0xE9 in this cell is not UTF-8 text; save the file as "CSV UTF-8" and import it again`,
    ]);
  });

  it('reads a CSV whose line ends mix CRLF and LF as the rows it shows', async () => {
    const file = write(
      'mixed-line-ends.csv',
      `${TIDY_HEADER}\r\nRGT,ae-dta-12hr,2024-06,1,,,,\nRJ1,ae-dta-12hr,2024-06,2,,,,"two\r\nlines"\r\nRYY,ae-dta-12hr,2024-06,3,,,,\n`,
    );
    const result = await importFile(store.db, file);
    assert.equal(result.outcome, 'imported', shown(result));
    assert.equal(result.inserted, 3);
    const notes = await store.db
      .selectFrom('observation')
      .select(['org_code', 'note'])
      .orderBy('org_code')
      .execute();
    assert.deepEqual(notes, [
      { org_code: 'RGT', note: null },
      { org_code: 'RJ1', note: 'two\r\nlines' },
      { org_code: 'RYY', note: null },
    ]);
  });

  it('stops reading after 1,000 errors, and says so', { timeout: 60_000 }, async () => {
    // Two million one-column rows of junk: every one a problem.
    const file = path.join(scratch, 'junk.csv');
    const stream = fs.createWriteStream(file);
    stream.write(`${TIDY_HEADER}\n`);
    const block = 'junk\n'.repeat(100_000);
    for (let index = 0; index < 20; index++) stream.write(block);
    await new Promise((resolve) => stream.end(resolve));
    const { value: result, seconds } = await measured(() => refused(file));
    const last = result.issues.at(-1);
    assert.equal(last?.code, 'TOO_MANY_PROBLEMS', shown(result).slice(-500));
    assert.match(
      formatIssue(last as NonNullable<typeof last>),
      /^junk\.csv:\d+: stopped reading at this row after 1000 errors; fix those and import the file again$/,
    );
    assert.ok(result.errorCount <= 1010, `${result.errorCount} errors counted`);
    assert.ok(result.rows < 1000, `${result.rows} rows read`);
    assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
  });

  it('refuses through the command line with exit code 1, a plain message and no stack trace', {
    timeout: 120_000,
  }, async () => {
    const dataDir = path.join(scratch, 'store');
    const target = await tendStoreArgs(dataDir);
    try {
      const bomb = write('cli-bomb.xlsx', bigCellBomb(300));
      const run = await runTend([...target.args, 'import', bomb]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /cli-bomb\.xlsx: the workbook unpacks to more than 64 MiB/);
      assert.doesNotMatch(run.stderr, /\n\s+at |Error:/);
      const book = new ExcelJS.Workbook();
      book.addWorksheet('Visible').addRow(['x']);
      const wrongSheet = path.join(scratch, 'sheets.xlsx');
      await book.xlsx.writeFile(wrongSheet);
      const named = await runTend([...target.args, 'import', '--sheet', 'Missing', wrongSheet]);
      assert.equal(named.code, 1, named.stderr);
      assert.match(
        named.stderr,
        /sheets\.xlsx: the workbook has no sheet named "Missing"; its sheets are "Visible"/,
      );
    } finally {
      await target.drop();
    }
  });
});
