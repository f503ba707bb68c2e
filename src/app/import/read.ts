import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { issueFactory } from '../../ingest/cells.ts';
import { type FileKind, type FileRecord, readCsvRecords, sniffFile } from '../../ingest/read/records.ts';
import { type ByteSource, readXlsxRecords, type WorkbookLimits } from '../../ingest/read/xlsx.ts';
import type { IngestIssue } from '../../ingest/types.ts';

const HEAD_BYTES = 65536;

/** What reading a file before importing it tells: its size, content hash and kind. */
export interface FileFacts {
  size: number;
  /** SHA-256 of the content, hex: the same bytes are the same edition. */
  hash: string;
  /** The first 64 KiB. */
  head: Buffer;
}

/**
 * The read step's first half: checks the path names a regular file, and hashes it. Returns the
 * file's facts, or the whole-file problem that stops the import before anything is written.
 */
export async function examineFile(
  filePath: string,
  file: string,
): Promise<FileFacts | { issue: IngestIssue }> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(filePath);
    if (!stat.isFile()) throw new Error('not a file');
  } catch {
    return {
      issue: issueFactory(file)('EMPTY_FILE', null, null, 'the file does not exist or is not a regular file'),
    };
  }
  const { hash, head } = await hashFile(filePath);
  return { size: stat.size, hash, head };
}

/** What kind of file the head says it is (CSV text or an .xlsx workbook), or why it cannot be read. */
export function fileKind(file: string, facts: FileFacts): { kind: FileKind } | { issue: IngestIssue } {
  return sniffFile(file, facts.head);
}

async function hashFile(filePath: string): Promise<{ hash: string; head: Buffer }> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLength = 0;
  for await (const chunk of fs.createReadStream(filePath, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (headLength < HEAD_BYTES) {
      headChunks.push(chunk.subarray(0, HEAD_BYTES - headLength));
      headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
    }
  }
  return { hash: hash.digest('hex'), head: Buffer.concat(headChunks) };
}

/** How a file is read: which sheet of a workbook, and a workbook's bounds (Tend's defaults otherwise). */
export interface ReadOptions {
  /** The sheet of a workbook to import (default: the first visible one). */
  sheet?: string;
  workbookLimits?: Partial<WorkbookLimits>;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * The read step's second half: the file's records, streamed. Problems reading it (a malformed CSV,
 * an unreadable workbook, bytes that are not text) go to `onIssue`.
 */
export async function openRecords(
  filePath: string,
  file: string,
  kind: FileKind,
  totalBytes: number,
  onIssue: (issue: IngestIssue) => void,
  options: ReadOptions = {},
): Promise<AsyncIterable<FileRecord>> {
  const { onProgress } = options;
  let bytesRead = 0;
  const counted = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      bytesRead += chunk.length;
      onProgress?.(Math.min(bytesRead, totalBytes), totalBytes);
      yield chunk;
    }
  };
  if (kind === 'xlsx') {
    const source: ByteSource = {
      size: totalBytes,
      read: (start, end) =>
        counted(fs.createReadStream(filePath, { start, end: end - 1, highWaterMark: 1 << 16 })),
    };
    return readXlsxRecords(source, file, onIssue, { sheet: options.sheet, limits: options.workbookLimits });
  }
  if (options.sheet !== undefined) {
    onIssue(
      issueFactory(file)(
        'NO_SUCH_SHEET',
        null,
        null,
        'the file is CSV, which has no sheets; import it without naming a sheet',
      ),
    );
    return (async function* () {})();
  }
  return readCsvRecords(counted(fs.createReadStream(filePath, { highWaterMark: 1 << 18 })), file, onIssue);
}
