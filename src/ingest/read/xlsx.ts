import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { columnLetter, issueFactory, quote } from '../cells.ts';
import type { IngestIssue, IngestIssueCode } from '../types.ts';
import { type FileRecord, readCsvRecords } from './records.ts';

/** Bytes of a file read by range: what a workbook is read from (its directory is at the end). */
export interface ByteSource {
  readonly size: number;
  /** The bytes from `start` (inclusive) to `end` (exclusive). */
  read(start: number, end: number): AsyncIterable<Buffer>;
}

/** How much of a workbook Tend reads before refusing it. */
export interface WorkbookLimits {
  /** Bytes the parts Tend reads may unpack to, together. */
  readonly maxUncompressedBytes: number;
  /** Rows of the sheet (Excel's own limit). */
  readonly maxRows: number;
  /** The last column a row may have a value in (IV, as in Excel 2003; Tend's formats use fewer than 30). */
  readonly maxColumns: number;
  /** Characters in one cell (Excel's own limit). */
  readonly maxCellLength: number;
}

export const defaultWorkbookLimits: WorkbookLimits = Object.freeze({
  maxUncompressedBytes: 64 * 1024 * 1024,
  maxRows: 1_048_576,
  maxColumns: 256,
  maxCellLength: 32_767,
});

/** A problem that stops the workbook being read, said as the user is to see it. */
class WorkbookProblem extends Error {
  readonly code: IngestIssueCode;
  readonly row: number | null;
  readonly column: number | null;
  constructor(
    code: IngestIssueCode,
    message: string,
    row: number | null = null,
    column: number | null = null,
  ) {
    super(message);
    this.code = code;
    this.row = row;
    this.column = column;
  }
}

const damaged = (why: string) =>
  new WorkbookProblem(
    'BINARY_FILE',
    `the workbook could not be opened: ${why}; open it in Excel, save it as .xlsx and import it again`,
  );

const EOCD_SIGNATURE = 0x06054b50;
const DIRECTORY_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_PARTS = 10_000;

interface ZipEntry {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly compressedSize: number;
  /** What the directory says the part unpacks to (a hostile file can lie; unpacking counts again). */
  readonly declaredSize: number;
  readonly localOffset: number;
}

async function readRange(source: ByteSource, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of source.read(start, end)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The archive's directory: every part's name, compression and where its data is. */
async function zipDirectory(source: ByteSource): Promise<Map<string, ZipEntry>> {
  const tailStart = Math.max(0, source.size - (22 + 65535));
  const tail = await readRange(source, tailStart, source.size);
  let end = -1;
  for (let at = tail.length - 22; at >= 0; at--) {
    if (tail.readUInt32LE(at) === EOCD_SIGNATURE) {
      end = at;
      break;
    }
  }
  if (end === -1) throw damaged('it is not a complete .xlsx file (its archive directory is missing)');
  const count = tail.readUInt16LE(end + 10);
  const size = tail.readUInt32LE(end + 12);
  const offset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    throw new WorkbookProblem(
      'TOO_LARGE',
      'the workbook is a ZIP64 archive, a form only workbooks far larger than Tend reads take; save it as CSV',
    );
  if (count > MAX_PARTS)
    throw new WorkbookProblem('TOO_LARGE', `the workbook has more than ${MAX_PARTS} parts; save it as CSV`);
  if (offset + size > source.size) throw damaged('its archive directory points past the end of the file');
  const directory = await readRange(source, offset, offset + size);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== DIRECTORY_SIGNATURE)
      throw damaged('its archive directory is damaged');
    const nameLength = directory.readUInt16LE(at + 28);
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(name, {
      name,
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      declaredSize: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
  return entries;
}

const mebibytes = (bytes: number) => Math.round(bytes / (1024 * 1024));

/**
 * One part of the archive as bytes, unpacked as it is read. Every byte unpacked counts against the
 * budget, and refuses the file past it (a "zip bomb" unpacks a few hundred kilobytes to gigabytes).
 */
async function* partBytes(
  source: ByteSource,
  entry: ZipEntry,
  budget: { left: number },
  limits: WorkbookLimits,
  tooLarge = `the workbook unpacks to more than ${mebibytes(limits.maxUncompressedBytes)} MiB, more than Tend reads; save the sheet as CSV and import that`,
): AsyncGenerator<Buffer> {
  if (entry.flags & 1)
    throw new WorkbookProblem(
      'BINARY_FILE',
      'the workbook is password-protected; save it without a password and import it again',
    );
  if (entry.method !== 0 && entry.method !== 8)
    throw damaged(`its part ${entry.name} is compressed in an unknown way`);
  const header = await readRange(source, entry.localOffset, entry.localOffset + 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE)
    throw damaged('its archive is damaged');
  const dataStart = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > source.size) throw damaged('its archive is cut short');
  if (entry.compressedSize === 0) return;
  const input = Readable.from(source.read(dataStart, dataEnd));
  const output = entry.method === 8 ? input.pipe(zlib.createInflateRaw()) : input;
  input.on('error', (error) => output.destroy(error));
  try {
    for await (const chunk of output as AsyncIterable<Buffer>) {
      budget.left -= chunk.length;
      if (budget.left < 0) throw new WorkbookProblem('TOO_LARGE', tooLarge);
      yield chunk;
    }
  } finally {
    input.destroy();
    output.destroy();
  }
}

/**
 * One part of the archive as text, unpacked as it is read (`partBytes`). Text is decoded as one
 * stream, so a character split between chunks stays whole. A run of text with no markup longer
 * than any cell can hold is refused before it is gathered.
 */
async function* partText(
  source: ByteSource,
  entry: ZipEntry,
  budget: { left: number },
  limits: WorkbookLimits,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Encoded, one character of a cell takes at most 10 (`&#1114111;`): more than that between two
  // tags is a cell longer than a workbook may hold.
  const longestRun = limits.maxCellLength * 10 + 1024;
  let run = 0;
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw damaged(`the text of its part ${entry.name} is not UTF-8`);
    }
  };
  for await (const chunk of partBytes(source, entry, budget, limits)) {
    const text = decode(chunk);
    let from = 0;
    let next = text.indexOf('<');
    while (next !== -1 && run + (next - from) <= longestRun) {
      run = 0;
      from = next;
      next = text.indexOf('<', next + 1);
    }
    run += (next === -1 ? text.length : next) - from;
    if (run > longestRun)
      throw new WorkbookProblem(
        'TOO_LARGE',
        `a cell of the workbook holds more than ${limits.maxCellLength.toLocaleString('en-GB')} characters, more than a cell can hold`,
      );
    yield text;
  }
  const rest = decode();
  if (rest) yield rest;
}

/**
 * The records of the one CSV file a ZIP archive holds (NHS England publishes some extracts so, such
 * as DM01's full extract), read as any CSV is, unpacked as they are read within the same budget.
 */
async function* zippedCsvRecords(
  source: ByteSource,
  entry: ZipEntry,
  file: string,
  onIssue: (issue: IngestIssue) => void,
  limits: WorkbookLimits,
): AsyncGenerator<FileRecord> {
  const tooLarge = `the CSV file in the archive unpacks to more than ${mebibytes(limits.maxUncompressedBytes)} MiB, more than Tend reads from an archive; unzip it and import the CSV`;
  if (entry.declaredSize > limits.maxUncompressedBytes) throw new WorkbookProblem('TOO_LARGE', tooLarge);
  let problem: unknown;
  const bytes = async function* () {
    try {
      yield* partBytes(source, entry, { left: limits.maxUncompressedBytes }, limits, tooLarge);
    } catch (error) {
      problem = error; // said once the records read so far are through, as the file's reason
    }
  };
  yield* readCsvRecords(bytes(), file, onIssue);
  if (problem) throw problem;
}

/** The parts of exceljs's streaming reader Tend drives itself (it opens the archive itself; see below). */
interface StreamingReader {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<string>,
    sheetNo: string,
  ): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
  model?: { sheets?: { name: string; state?: string; rId: string }[] };
  workbookRels?: { Id: string; Target: string; Type: string }[];
}

interface SheetChoice {
  name: string;
  state: string;
  path: string;
}

/** The first visible worksheet, or the one named (any state). */
function chooseSheet(sheets: readonly SheetChoice[], wanted: string | undefined): SheetChoice {
  if (sheets.length === 0) throw new WorkbookProblem('EMPTY_FILE', 'the workbook has no worksheets');
  const listed = sheets
    .map((sheet) => `${quote(sheet.name)}${sheet.state === 'visible' ? '' : ` (${sheet.state})`}`)
    .join(', ');
  if (wanted !== undefined) {
    const found =
      sheets.find((sheet) => sheet.name === wanted) ??
      sheets.find((sheet) => sheet.name.toLowerCase() === wanted.trim().toLowerCase());
    if (!found)
      throw new WorkbookProblem(
        'NO_SUCH_SHEET',
        `the workbook has no sheet named ${quote(wanted)}; its sheets are ${listed}`,
      );
    return found;
  }
  const visible = sheets.find((sheet) => sheet.state === 'visible');
  if (!visible)
    throw new WorkbookProblem(
      'NO_SUCH_SHEET',
      `every sheet of the workbook is hidden (${listed}); name the one to import with --sheet`,
    );
  return visible;
}

/** A relationship's target as a path in the archive (targets are relative to `xl/`, or absolute). */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : path.posix.normalize(`xl/${target}`);
}

/** A cell's text as a CSV would hold it; a formula without a saved value is a problem at its address. */
function cellText(cell: ExcelJS.Cell, rowNumber: number, column: number): string {
  const value = cell.value as unknown;
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString().slice(0, 10);
    return /d/i.test(cell.numFmt ?? '') ? iso : iso.slice(0, 7); // a month-formatted date means the month
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('formula' in record || 'sharedFormula' in record) {
      const result = record.result;
      if (result === undefined || result === null || (typeof result === 'number' && Number.isNaN(result)))
        throw new WorkbookProblem(
          'FORMULA_WITHOUT_VALUE',
          `cell ${columnLetter(column - 1)}${rowNumber} holds a formula with no saved value; open the workbook in Excel, let it calculate, save it and import it again`,
          rowNumber,
          column - 1,
        );
      return result instanceof Date ? result.toISOString().slice(0, 10) : String(result);
    }
    if (Array.isArray(record.richText))
      return (record.richText as { text?: unknown }[]).map((part) => String(part.text ?? '')).join('');
    if ('error' in record) return String(record.error);
    if ('text' in record) return String(record.text);
    throw damaged(`cell ${columnLetter(column - 1)}${rowNumber} refers to text the workbook does not hold`);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

/**
 * Reads one worksheet of an .xlsx workbook as records, streaming: the first visible sheet (hidden
 * and very hidden sheets are passed over), or the one named. Every cell is read as the text a CSV
 * would hold; a formula by its saved value, and a formula with none is refused with its address.
 *
 * Bounded: the parts read may unpack to `maxUncompressedBytes` together, the sheet may have
 * `maxRows` rows, values up to column `maxColumns`, and `maxCellLength` characters a cell; past any
 * of them the workbook is refused with a plain message (never the library's own).
 *
 * The sheet is parsed by exceljs's streaming reader. Tend opens the archive itself, reading only the
 * parts it needs, counting every byte it unpacks, and decoding each part's text as one stream:
 * exceljs's own unpacking decodes each chunk apart, which garbles a character split between two.
 *
 * An archive that is no workbook but holds exactly one CSV file (a zipped extract) is read as that
 * CSV, within the same budget.
 */
export async function* readXlsxRecords(
  source: ByteSource,
  file: string,
  onIssue: (issue: IngestIssue) => void,
  options: { sheet?: string; limits?: Partial<WorkbookLimits> } = {},
): AsyncGenerator<FileRecord> {
  const issue = issueFactory(file);
  const limits: WorkbookLimits = { ...defaultWorkbookLimits, ...options.limits };
  try {
    const entries = await zipDirectory(source);
    if (!entries.has('xl/workbook.xml')) {
      const csvs = [...entries.values()].filter(
        (entry) => /\.csv$/i.test(entry.name) && !entry.name.startsWith('__MACOSX/'),
      );
      if (csvs.length === 1) {
        if (options.sheet !== undefined)
          throw new WorkbookProblem(
            'NO_SUCH_SHEET',
            `the archive holds one CSV file, ${quote(csvs[0].name)}, which has no sheets; import it without naming a sheet`,
          );
        yield* zippedCsvRecords(source, csvs[0], file, onIssue, limits);
        return;
      }
    }
    const budget = { left: limits.maxUncompressedBytes };
    const part = (name: string): Readable | undefined => {
      const entry = entries.get(name);
      return entry ? Readable.from(partText(source, entry, budget, limits)) : undefined;
    };
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    }) as unknown as StreamingReader;
    const relations = part('xl/_rels/workbook.xml.rels');
    const workbook = part('xl/workbook.xml');
    if (!relations || !workbook) throw damaged('it is not an .xlsx workbook (it has no xl/workbook.xml)');
    await reader._parseRels(relations);
    await reader._parseWorkbook(workbook);
    const related = reader.workbookRels ?? [];
    const sheets: SheetChoice[] = [];
    for (const sheet of reader.model?.sheets ?? []) {
      const relation = related.find((candidate) => candidate.Id === sheet.rId);
      if (!relation || !/\/worksheet$/.test(relation.Type)) continue; // chart sheets hold no cells
      sheets.push({ name: sheet.name, state: sheet.state ?? 'visible', path: partPath(relation.Target) });
    }
    const chosen = chooseSheet(sheets, options.sheet);
    const sheetEntry = entries.get(chosen.path);
    if (!sheetEntry) throw damaged(`its sheet ${quote(chosen.name)} is listed but missing`);
    const partOfType = (type: string, fallback: string) =>
      partPath(related.find((relation) => relation.Type.endsWith(`/${type}`))?.Target ?? fallback);
    const sharedPath = partOfType('sharedStrings', 'sharedStrings.xml');
    const stylesPath = partOfType('styles', 'styles.xml');
    // What the parts say they unpack to is checked first, so an honest bomb is refused before any unpacking.
    const declared = [sharedPath, stylesPath, chosen.path].reduce(
      (total, name) => total + (entries.get(name)?.declaredSize ?? 0),
      0,
    );
    if (declared > budget.left)
      throw new WorkbookProblem(
        'TOO_LARGE',
        `the workbook unpacks to more than ${mebibytes(limits.maxUncompressedBytes)} MiB, more than Tend reads; save the sheet as CSV and import that`,
      );
    const sharedStrings = part(sharedPath);
    if (sharedStrings) for await (const _ of reader._parseSharedStrings(sharedStrings));
    const styles = part(stylesPath);
    if (styles) await reader._parseStyles(styles);

    const [event] = [...reader._parseWorksheet(partText(source, sheetEntry, budget, limits), '1')];
    let rows = 0;
    for await (const row of event.value) {
      rows++;
      const rowNumber = row.number;
      if (!Number.isInteger(rowNumber) || rowNumber < 1) throw damaged('a row of the sheet has no number');
      if (rows > limits.maxRows || rowNumber > limits.maxRows)
        throw new WorkbookProblem(
          'TOO_LARGE',
          `the sheet has more than ${limits.maxRows.toLocaleString('en-GB')} rows, more than Tend reads from a workbook; save it as CSV`,
          rowNumber,
        );
      const texts: [number, string][] = [];
      let problem: WorkbookProblem | undefined;
      row.eachCell((cell, column) => {
        if (problem) return;
        try {
          const text = cellText(cell, rowNumber, column);
          if (text === '') return;
          if (column > limits.maxColumns)
            throw new WorkbookProblem(
              'TOO_LARGE',
              `a value in column ${columnLetter(column - 1)}, beyond column ${columnLetter(limits.maxColumns - 1)}, the last Tend reads`,
              rowNumber,
              column - 1,
            );
          if (text.length > limits.maxCellLength)
            throw new WorkbookProblem(
              'TOO_LARGE',
              `the cell holds ${text.length.toLocaleString('en-GB')} characters; a cell holds at most ${limits.maxCellLength.toLocaleString('en-GB')}`,
              rowNumber,
              column - 1,
            );
          texts.push([column, text]);
        } catch (error) {
          problem = error as WorkbookProblem;
        }
      });
      if (problem) {
        if (problem.code !== 'FORMULA_WITHOUT_VALUE') throw problem;
        // Every formula without a value is named; the row is not read.
        onIssue(issue(problem.code, problem.row, problem.column, problem.message));
        continue;
      }
      if (texts.length === 0 || texts.every(([, text]) => text.trim() === '')) continue;
      const cells: string[] = new Array(texts[texts.length - 1][0]).fill('');
      for (const [column, text] of texts) cells[column - 1] = text;
      yield { cells, rowNumber };
    }
  } catch (error) {
    if (error instanceof WorkbookProblem) onIssue(issue(error.code, error.row, error.column, error.message));
    else
      onIssue(
        issue(
          'BINARY_FILE',
          null,
          null,
          'the workbook could not be opened: it is damaged, or not an .xlsx workbook; open it in Excel, save it as .xlsx and import it again',
        ),
      );
  }
}
