import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse';
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

/** NULs and control bytes other than tab, line feed, form feed and carriage return, counting up to 2. */
function controlBytes(sample: Buffer): number {
  let found = 0;
  for (let at = sample.indexOf(0); at !== -1 && found < 2; at = sample.indexOf(0, at + 1)) found++;
  if (found === 0) return 0;
  for (const byte of sample) {
    if (found >= 2) break;
    if (byte > 0 && byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) found++;
  }
  return found;
}

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
  // Binary files are full of NULs and control bytes; a single stray NUL in text is left for the
  // reader, which names its row and cell.
  if (controlBytes(sample) >= 2)
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

/** The longest CSV record Tend reads (characters); a longer one is a damaged or hostile file. */
export const MAX_CSV_RECORD_LENGTH = 1 << 20;

/** Where decoding a CSV's bytes stopped, and why: a NUL, or bytes that are not UTF-8. */
interface DecodeProblem {
  kind: 'nul' | 'encoding';
  byte: number;
}

/** Stands in the text for the first byte that is not CSV text; decoding stops after it. */
const MARKER = '\u0000';

/** Length of the complete UTF-8 sequences in `bytes`: an incomplete one at the end waits for more. */
function completeLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Offset of the first byte in `bytes` that does not begin or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = bytes.length;
  // The longest valid prefix, by halving: a prefix cut inside a character counts as invalid, so
  // the search settles on a character boundary just before the bad byte.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    try {
      decoder.decode(bytes.subarray(0, middle));
      low = middle;
    } catch {
      high = middle - 1;
    }
  }
  return low;
}

/**
 * Decodes a byte stream as UTF-8 text, checking every byte (not only the first 64 KiB). At the first
 * NUL or byte that is not UTF-8, it reports what it found, yields the text before it, one marker
 * (`\0`) and the rest of that line, and stops.
 */
async function* decodeUtf8(
  chunks: AsyncIterable<Buffer | string>,
  onProblem: (problem: DecodeProblem) => void,
): AsyncGenerator<string> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, Buffer.from(chunk)]) : Buffer.from(chunk);
    const cut = completeLength(bytes);
    const complete = bytes.subarray(0, cut);
    carry = Buffer.from(bytes.subarray(cut));
    const nul = complete.indexOf(0);
    const valid = isUtf8(complete);
    if (valid && nul === -1) {
      yield complete.toString('utf8');
      continue;
    }
    const invalid = valid ? complete.length : firstInvalidUtf8(complete);
    const at = nul === -1 ? invalid : Math.min(nul, invalid);
    onProblem({ kind: at === nul ? 'nul' : 'encoding', byte: complete[at] });
    // The rest of the line goes too (any further bad byte made harmless), so a quoted field closes
    // and the problem is named by its cell.
    const lineEnd = complete.indexOf(0x0a, at + 1);
    const rest =
      lineEnd === -1
        ? ''
        : complete
            .subarray(at + 1, lineEnd + 1)
            .toString('utf8')
            .replaceAll(MARKER, ' ');
    yield complete.subarray(0, at).toString('utf8') + MARKER + rest;
    return;
  }
  if (carry.length > 0) {
    onProblem({ kind: 'encoding', byte: carry[0] });
    yield MARKER;
  }
}

function decodeProblemMessage(problem: DecodeProblem, where: 'cell' | 'row'): string {
  const place = where === 'cell' ? 'in this cell' : 'on this row';
  return problem.kind === 'nul'
    ? `a NUL byte is ${place}: the file is binary or damaged, not CSV text`
    : `byte 0x${problem.byte.toString(16).toUpperCase().padStart(2, '0')} ${place} is not UTF-8 text; save the file as "CSV UTF-8" and import it again`;
}

/**
 * Streams a CSV file's records (RFC 4180: quoted fields with commas and line breaks; byte-order mark
 * accepted; CRLF, LF and CR line ends, mixed or not). Blank lines, and records whose every cell is blank (the `,,,,` lines a
 * spreadsheet writes for cleared rows), are skipped but still counted, so row numbers stay those a
 * spreadsheet shows even after a quoted field spanning lines. A malformed quote, a record longer
 * than 1 MiB, a NUL or a byte that is not UTF-8 anywhere in the file stops the read with an issue
 * naming its row (and, for a byte, its column). Stopping early (a `break` by the consumer) closes the source.
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<Buffer | string>,
  file: string,
  onIssue: (issue: IngestIssue) => void,
): AsyncGenerator<FileRecord> {
  const issue = issueFactory(file);
  // A spreadsheet shows each record on one row and each blank line as an empty row.
  const spreadsheetRow = (info: { records: number; empty_lines: number }) => info.records + info.empty_lines;
  // Records as parsed, with their rows, in order; the stream yields the same records. An error destroys
  // the stream and drops what it buffered, so what was parsed before the error is still read from here.
  const unread: FileRecord[] = [];
  let decodeProblem: DecodeProblem | undefined;
  let lastRow = 0;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: false,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_CSV_RECORD_LENGTH,
    on_record: (cells, info) => {
      lastRow = spreadsheetRow(info);
      unread.push({ cells, rowNumber: lastRow });
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
  const text = decodeUtf8(chunks, (problem) => {
    decodeProblem = problem;
  });
  const feeding = (async () => {
    try {
      for await (const piece of text) {
        if (parser.destroyed) break;
        if (!parser.write(piece) && !parser.destroyed) await writable();
      }
      if (!parser.destroyed) parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  const isBlank = (record: FileRecord) => record.cells.every((cell) => cell.trim() === '');
  /** The record holding the marker ends the read: its issue names the cell. */
  const stopsAt = (record: FileRecord): boolean => {
    if (!decodeProblem) return false;
    const column = record.cells.findIndex((cell) => cell.includes(MARKER));
    if (column === -1) return false;
    onIssue(issue('BINARY_FILE', record.rowNumber, column, decodeProblemMessage(decodeProblem, 'cell')));
    decodeProblem = undefined;
    return true;
  };
  let finished = false;
  try {
    try {
      for await (const _cells of parser as AsyncIterable<string[]>) {
        const record = unread.shift();
        if (!record || isBlank(record)) continue;
        if (stopsAt(record)) {
          finished = true;
          return;
        }
        yield record;
      }
    } catch (error) {
      for (const record of unread.splice(0)) {
        if (isBlank(record)) continue;
        if (stopsAt(record)) {
          finished = true;
          return;
        }
        yield record;
      }
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
      if (decodeProblem) {
        // The bad byte cut the text inside a quoted field: the byte, not the quote, is the problem.
        onIssue(issue('BINARY_FILE', row, null, decodeProblemMessage(decodeProblem, 'row')));
      } else {
        onIssue(
          issue(
            csvError.code === 'CSV_MAX_RECORD_SIZE' ? 'TOO_LARGE' : 'UNREADABLE_CSV',
            row,
            csvError.index ?? null,
            `the CSV could not be read: ${csvProblem(csvError)}`,
          ),
        );
      }
      finished = true;
      return;
    }
    if (decodeProblem) {
      onIssue(issue('BINARY_FILE', lastRow + 1, null, decodeProblemMessage(decodeProblem, 'row')));
    }
    finished = true;
  } finally {
    if (!finished || !parser.destroyed) parser.destroy();
    await feeding;
  }
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
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${MAX_CSV_RECORD_LENGTH.toLocaleString('en-GB')} characters, more than Tend reads in one row`;
    default:
      // Other parser codes all mean malformed text; anything else is the file failing to read.
      return error.code?.startsWith('CSV_')
        ? 'the text is not valid CSV'
        : 'the file could not be read to its end';
  }
}
