import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IngestIssue } from '../types.ts';
import { MAX_CSV_RECORD_LENGTH, readCsvRecords } from './records.ts';

/** Reads `bytes` in chunks of `size` bytes: rows as `a|b`, and issues as `row:column: message`. */
async function read(bytes: Buffer, size = 5) {
  const issues: string[] = [];
  const rows: string[] = [];
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  for await (const record of readCsvRecords(chunks(), 'f.csv', (issue: IngestIssue) =>
    issues.push(`${issue.row}:${issue.column}: ${issue.message}`),
  ))
    rows.push(`${record.rowNumber} ${record.cells.join('|')}`);
  return { rows, issues };
}

describe('reading CSV text', () => {
  it('keeps characters whole across chunks, whatever the chunk size', async () => {
    const text = 'name,value\r\nGuy’s,€5\r\nCafé,"a\r\nb"\r\n';
    for (const size of [1, 2, 3, 7, 64]) {
      const { rows, issues } = await read(Buffer.from(text), size);
      assert.deepEqual(rows, ['1 name|value', '2 Guy’s|€5', '3 Café|a\r\nb'], `chunks of ${size}`);
      assert.deepEqual(issues, []);
    }
  });

  it('reads mixed CRLF, LF and CR line ends as the rows they end', async () => {
    const { rows, issues } = await read(Buffer.from('a,b\r\n1,2\n3,4\r5,6\r\n'));
    assert.deepEqual(rows, ['1 a|b', '2 1|2', '3 3|4', '4 5|6']);
    assert.deepEqual(issues, []);
  });

  it('stops at a byte that is not UTF-8, anywhere, naming its row and cell', async () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,2\n3,Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n4,5\n'),
    ]);
    const { rows, issues } = await read(bytes);
    assert.deepEqual(rows, ['1 a|b', '2 1|2']);
    assert.deepEqual(issues, [
      '3:B: byte 0xE9 in this cell is not UTF-8 text; save the file as "CSV UTF-8" and import it again',
    ]);
    const cutShort = await read(Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe2, 0x82])]));
    assert.deepEqual(cutShort.issues, [
      '2:B: byte 0xE2 in this cell is not UTF-8 text; save the file as "CSV UTF-8" and import it again',
    ]);
  });

  it('stops at a NUL, naming its row and cell (or its row, inside an unclosed quote)', async () => {
    assert.deepEqual((await read(Buffer.from('a,b\n1,2\n3,x\u0000y\n4,5\n'))).issues, [
      '3:B: a NUL byte is in this cell: the file is binary or damaged, not CSV text',
    ]);
    assert.deepEqual((await read(Buffer.from('a,b\n1,"x\u0000y\n4,5\n'))).issues, [
      '2:null: a NUL byte is on this row: the file is binary or damaged, not CSV text',
    ]);
  });

  it('refuses a record longer than it reads, in plain words', async () => {
    const bytes = Buffer.from(`a,b\n1,${'x'.repeat(MAX_CSV_RECORD_LENGTH + 10)}\n`);
    const { rows, issues } = await read(bytes, 65536);
    assert.deepEqual(rows, ['1 a|b']);
    assert.equal(issues.length, 1);
    assert.match(issues[0], /^2:B: the CSV could not be read: a record is longer than 1,048,576 characters/);
  });

  it('closes its source when the reader stops early', async () => {
    let closed = false;
    async function* chunks() {
      try {
        for (let row = 0; row < 100_000; row++) yield Buffer.from(`${row},x\n`);
      } finally {
        closed = true;
      }
    }
    for await (const record of readCsvRecords(chunks(), 'f.csv', () => {})) if (record.rowNumber === 3) break;
    assert.equal(closed, true);
  });
});
