import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { issueFactory } from '../cells.ts';
import type { IngestIssue } from '../types.ts';

/** One record of a file: its cells as text and the row a spreadsheet would show it on. */
export interface FileRecord {
  readonly cells: string[];
  readonly rowNumber: number;
}

export type FileKind = 'csv' | 'xlsx';

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLD_EXCEL_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * Looks at the first bytes of a file and says what it is, or which problem stops it being read:
 * empty, binary (other than .xlsx), an old .xls workbook, or text that is not UTF-8.
 */
export function sniffFile(file: string, head: Buffer): { kind: FileKind } | { issue: IngestIssue } {
  const issue = issueFactory(file);
  if (head.length === 0) return { issue: issue('EMPTY_FILE', null, null, 'the file is empty') };
  if (head.subarray(0, 4).equals(XLSX_MAGIC)) return { kind: 'xlsx' };
  if (head.subarray(0, 4).equals(OLD_EXCEL_MAGIC)) {
    return {
      issue: issue(
        'BINARY_FILE',
        null,
        null,
        'this is an Excel 97–2003 workbook (.xls); save it as .xlsx or CSV (UTF-8) and import that',
      ),
    };
  }
  // Cut at a line break so a multi-byte character split at the end of the sample is not mistaken for bad UTF-8.
  const lastBreak = head.lastIndexOf(0x0a);
  const sample = head.length >= 65536 && lastBreak > 0 ? head.subarray(0, lastBreak) : head;
  if (sample.includes(0))
    return {
      issue: issue('BINARY_FILE', null, null, 'the file is binary, not CSV text or an .xlsx workbook'),
    };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
  } catch {
    return {
      issue: issue(
        'BINARY_FILE',
        null,
        null,
        'the file is not UTF-8 text; save it as "CSV UTF-8" and import it again',
      ),
    };
  }
  return { kind: 'csv' };
}

/**
 * Streams a CSV file's records (RFC 4180: quoted fields with commas and line breaks; byte-order mark
 * and CRLF line ends accepted). Blank lines, and records whose every cell is blank (the `,,,,` lines a
 * spreadsheet writes for cleared rows), are skipped but still counted, so row numbers stay those a
 * spreadsheet shows even after a quoted field spanning lines. A malformed quote stops the read with an issue.
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<Buffer | string>,
  file: string,
  onIssue: (issue: IngestIssue) => void,
): AsyncGenerator<FileRecord> {
  // A spreadsheet shows each record on one row and each blank line as an empty row.
  const spreadsheetRow = (info: { records: number; empty_lines: number }) => info.records + info.empty_lines;
  // Records as parsed, with their rows, in order; the stream yields the same records. An error destroys
  // the stream and drops what it buffered, so what was parsed before the error is still read from here.
  const unread: FileRecord[] = [];
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: false,
    on_record: (cells, info) => {
      unread.push({ cells, rowNumber: spreadsheetRow(info) });
      return cells;
    },
  });
  // Resolves when the parser can take more input, or when it has stopped (an error destroys it and no 'drain' follows).
  const writable = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done);
        parser.off('close', done);
        resolve();
      };
      parser.on('drain', done);
      parser.on('close', done);
    });
  const feeding = (async () => {
    try {
      for await (const chunk of chunks) {
        if (parser.destroyed) break;
        if (!parser.write(chunk) && !parser.destroyed) await writable();
      }
      if (!parser.destroyed) parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  const isBlank = (record: FileRecord) => record.cells.every((cell) => cell.trim() === '');
  try {
    for await (const _cells of parser as AsyncIterable<string[]>) {
      const record = unread.shift();
      if (record && !isBlank(record)) yield record;
    }
  } catch (error) {
    for (const record of unread.splice(0)) if (!isBlank(record)) yield record;
    const csvError = error as Error & {
      code?: string;
      records?: number;
      empty_lines?: number;
      index?: number;
    };
    const row =
      csvError.records === undefined
        ? null
        : spreadsheetRow({ records: csvError.records + 1, empty_lines: csvError.empty_lines ?? 0 });
    onIssue(
      issueFactory(file)(
        'UNREADABLE_CSV',
        row,
        csvError.index ?? null,
        `the CSV could not be read: ${csvProblem(csvError)}`,
      ),
    );
  }
  await feeding;
}

/** Says in plain words what is wrong with a CSV that cannot be parsed. */
function csvProblem(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field starting on this row is never closed';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote (") inside an unquoted field; put the whole field in quotes and double the quote ("")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows the closing quote of a quoted field; put the whole field in quotes and double any quote inside it ("")';
    default:
      return error.message;
  }
}

function excelCellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString().slice(0, 10);
    return /d/i.test(cell.numFmt ?? '') ? iso : iso.slice(0, 7); // a month-formatted date means the month
  }
  if (typeof value === 'object') {
    if ('result' in value)
      return value.result === undefined || value.result === null
        ? ''
        : String(value.result instanceof Date ? value.result.toISOString().slice(0, 10) : value.result);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
  }
  return String(value);
}

/** Reads the first worksheet of an .xlsx workbook as records (the file is read whole: workbooks are small). */
export async function readXlsxRecords(
  content: Buffer,
  file: string,
  onIssue: (issue: IngestIssue) => void,
): Promise<FileRecord[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    onIssue(
      issueFactory(file)(
        'BINARY_FILE',
        null,
        null,
        `the workbook could not be opened: ${(error as Error).message}`,
      ),
    );
    return [];
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) {
    onIssue(issueFactory(file)('EMPTY_FILE', null, null, 'the workbook has no worksheets'));
    return [];
  }
  const records: FileRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) cells.push(excelCellText(row.getCell(column)));
    if (cells.some((cell) => cell.trim() !== '')) records.push({ cells, rowNumber });
  });
  return records;
}
