import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { bigCellBomb, manyRowsBomb, oneSheetWorkbook } from '../../../test/helpers/zip.ts';
import type { IngestIssue } from '../types.ts';
import { type ByteSource, readXlsxRecords, type WorkbookLimits } from './xlsx.ts';

const inMemory = (bytes: Buffer): ByteSource => ({
  size: bytes.length,
  async *read(start, end) {
    for (let at = start; at < end; at += 65536) yield bytes.subarray(at, Math.min(end, at + 65536));
  },
});

async function read(bytes: Buffer, options: { sheet?: string; limits?: Partial<WorkbookLimits> } = {}) {
  const issues: IngestIssue[] = [];
  const rows: { cells: string[]; rowNumber: number }[] = [];
  for await (const record of readXlsxRecords(
    inMemory(bytes),
    'book.xlsx',
    (found) => issues.push(found),
    options,
  ))
    rows.push(record);
  return {
    rows,
    issues: issues.map((found) => `${found.code} ${found.row}:${found.column} ${found.message}`),
  };
}

/** The workbook with the compressed data of one part overwritten. */
function damagedPart(bytes: Buffer, name: string): Buffer {
  const copy = Buffer.from(bytes);
  const at = copy.indexOf(name) + name.length; // the part's local header, then its data
  copy.fill(0xff, at + 10, at + 60);
  return copy;
}

async function workbook(build: (book: ExcelJS.Workbook) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  build(book);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('reading workbooks, streamed and bounded', () => {
  it('reads the first visible sheet, passing over hidden and very hidden ones', async () => {
    const bytes = await workbook((book) => {
      const secret = book.addWorksheet('Secret');
      secret.state = 'hidden';
      secret.addRow(['hidden', 'sheet']);
      const deeper = book.addWorksheet('Deeper');
      deeper.state = 'veryHidden';
      deeper.addRow(['very', 'hidden']);
      book.addWorksheet('Data').addRow(['org_code', 'value']);
    });
    assert.deepEqual((await read(bytes)).rows, [{ cells: ['org_code', 'value'], rowNumber: 1 }]);
    // Named, a hidden sheet is read: the person asked for it.
    assert.deepEqual((await read(bytes, { sheet: 'secret' })).rows, [
      { cells: ['hidden', 'sheet'], rowNumber: 1 },
    ]);
    const missing = await read(bytes, { sheet: 'Nope' });
    assert.deepEqual(missing.issues, [
      'NO_SUCH_SHEET null:null the workbook has no sheet named "Nope"; its sheets are "Secret" (hidden), "Deeper" (veryHidden), "Data"',
    ]);
  });

  it('refuses a workbook whose every sheet is hidden, saying how to choose one', async () => {
    const bytes = await workbook((book) => {
      book.addWorksheet('Only').state = 'hidden';
    });
    assert.deepEqual((await read(bytes)).issues, [
      'NO_SUCH_SHEET null:null every sheet of the workbook is hidden ("Only" (hidden)); name the one to import with --sheet',
    ]);
  });

  it('reads formulas by their saved value and refuses one without, naming its cell', async () => {
    const bytes = await workbook((book) => {
      const sheet = book.addWorksheet('Data');
      sheet.addRow(['a', 'b']);
      sheet.addRow([2, { formula: 'A2*2', result: 4 }]);
      sheet.addRow([3, { formula: 'A3*2' }]);
      sheet.addRow(['text', { formula: 'A4&"!"', result: 'text!' }]);
    });
    const { rows, issues } = await read(bytes);
    assert.deepEqual(rows, [
      { cells: ['a', 'b'], rowNumber: 1 },
      { cells: ['2', '4'], rowNumber: 2 },
      { cells: ['text', 'text!'], rowNumber: 4 },
    ]);
    assert.deepEqual(issues, [
      'FORMULA_WITHOUT_VALUE 3:B cell B3 holds a formula with no saved value; open the workbook in Excel, let it calculate, save it and import it again',
    ]);
    assert.ok(!JSON.stringify(rows).includes('[object Object]'));
  });

  it('keeps every character whole, however the text falls across chunks', async () => {
    const texts = Array.from(
      { length: 3000 },
      (_, index) => `Guy’s é ${index} ${'ééé’€'.repeat(index % 13)}`,
    );
    const bytes = await workbook((book) => {
      const sheet = book.addWorksheet('Data');
      for (const text of texts) sheet.addRow([text]);
    });
    const { rows } = await read(bytes);
    assert.deepEqual(
      rows.map((row) => row.cells[0]),
      texts,
    );
  });

  it("never passes on the library's own message for a damaged workbook", async () => {
    const good = await workbook((book) => {
      book.addWorksheet('Data').addRow(['a']);
    });
    for (const bytes of [
      Buffer.from('PK\u0003\u0004 not really a zip'),
      good.subarray(0, good.length - 200),
      damagedPart(good, 'xl/worksheets/sheet1.xml'),
      oneSheetWorkbook(function* () {
        yield '<row><c><v>1</v></c></row>'; // no row or cell references
      }),
      oneSheetWorkbook(function* () {
        yield '<row r="1"><c r="A1" t="s"><v>5</v></c></row>'; // a shared string the workbook lacks
      }),
    ]) {
      const { issues } = await read(bytes);
      assert.equal(issues.length, 1, issues.join('\n'));
      assert.match(issues[0], /^BINARY_FILE null:null the workbook could not be opened: /);
      assert.doesNotMatch(issues[0], /Cannot read|undefined|TypeError|Error:|\bat /);
    }
  });

  it('refuses a sheet past its rows, columns or cell length, with the row', async () => {
    const rows = await read(manyRowsBomb(50), { limits: { maxRows: 20 } });
    assert.equal(rows.rows.length, 20);
    assert.deepEqual(rows.issues, [
      'TOO_LARGE 21:null the sheet has more than 20 rows, more than Tend reads from a workbook; save it as CSV',
    ]);
    const wide = oneSheetWorkbook(function* () {
      yield '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c><c r="IW2"><v>2</v></c></row>';
    });
    assert.deepEqual((await read(wide)).issues, [
      'TOO_LARGE 2:IW a value in column IW, beyond column IV, the last Tend reads',
    ]);
    const long = oneSheetWorkbook(function* () {
      yield `<row r="3"><c r="B3" t="inlineStr"><is><t>${'x'.repeat(101)}</t></is></c></row>`;
    });
    assert.deepEqual((await read(long, { limits: { maxCellLength: 100 } })).issues, [
      'TOO_LARGE 3:B the cell holds 101 characters; a cell holds at most 100',
    ]);
  });

  it('refuses a workbook that unpacks past its budget, whatever its directory says', async () => {
    const honest = await read(bigCellBomb(80));
    assert.deepEqual(honest.issues, [
      'TOO_LARGE null:null the workbook unpacks to more than 64 MiB, more than Tend reads; save the sheet as CSV and import that',
    ]);
    // A directory that understates the size: the unpacking itself counts.
    const lying = await read(manyRowsBomb(200_000, { declaredSize: 100 }), {
      limits: { maxUncompressedBytes: 1024 * 1024 },
    });
    assert.deepEqual(lying.issues, [
      'TOO_LARGE null:null the workbook unpacks to more than 1 MiB, more than Tend reads; save the sheet as CSV and import that',
    ]);
    // One cell far longer than any cell can be is refused before it is gathered.
    const cell = await read(
      oneSheetWorkbook(
        function* () {
          yield '<row r="1"><c r="A1" t="inlineStr"><is><t>';
          for (let index = 0; index < 20; index++) yield 'y'.repeat(1 << 20);
          yield '</t></is></c></row>';
        },
        { declaredSize: 100 },
      ),
    );
    assert.deepEqual(cell.issues, [
      'TOO_LARGE null:null a cell of the workbook holds more than 32,767 characters, more than a cell can hold',
    ]);
  });
});
