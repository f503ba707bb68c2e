import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipArchive } from '../../../test/helpers/zip.ts';
import type { IngestIssue } from '../types.ts';
import { type ByteSource, readXlsxRecords, type WorkbookLimits } from './xlsx.ts';

/** A ZIP archive holding one CSV file (how NHS England publishes DM01's full extract), read as that CSV. */
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
    'extract.zip',
    (found) => issues.push(found),
    options,
  ))
    rows.push(record);
  return {
    rows,
    issues: issues.map((found) => `${found.code} ${found.row}:${found.column} ${found.message}`),
  };
}

const csv =
  'Period,Provider Org Code,Total WL\r\n"DM01-MARCH-2026","RGT",14\r\n\r\n"DM01-MARCH-2026","RJ1","1,028"\r\n';

describe('a ZIP archive holding one CSV file', () => {
  it('is read as the CSV: records, spreadsheet row numbers (blank lines counted), quotes and separators', async () => {
    const { rows, issues } = await read(
      zipArchive([{ name: 'DM01-MARCH-2026-full-extract.csv', content: csv }]),
    );
    assert.deepEqual(issues, []);
    assert.deepEqual(rows, [
      { cells: ['Period', 'Provider Org Code', 'Total WL'], rowNumber: 1 },
      { cells: ['DM01-MARCH-2026', 'RGT', '14'], rowNumber: 2 },
      { cells: ['DM01-MARCH-2026', 'RJ1', '1,028'], rowNumber: 4 },
    ]);
  });

  it('is refused past the budget, whether the archive says so or lies about it', async () => {
    const big = `${'x,'.repeat(600_000)}\n`;
    const honest = await read(zipArchive([{ name: 'a.csv', content: big }]), {
      limits: { maxUncompressedBytes: 1_000_000 },
    });
    assert.equal(honest.rows.length, 0);
    assert.match(
      honest.issues.join('\n'),
      /^TOO_LARGE null:null the CSV file in the archive unpacks to more than 1 MiB/,
    );
    const lying = await read(zipArchive([{ name: 'a.csv', content: big }], { declaredSize: 10 }), {
      limits: { maxUncompressedBytes: 1_000_000 },
    });
    assert.ok(
      lying.issues.some((text) => text.startsWith('TOO_LARGE null:null the CSV file in the archive unpacks')),
      lying.issues.join('\n'),
    );
  });

  it('names bytes that are not UTF-8 by their cell, as any CSV', async () => {
    const latin1 = Buffer.concat([Buffer.from('a,b\n1,R'), Buffer.from([0xe9]), Buffer.from('G\n')]);
    const { issues } = await read(zipArchive([{ name: 'a.csv', content: latin1 }]));
    assert.equal(issues.length, 1);
    assert.match(issues[0], /^BINARY_FILE 2:B byte 0xE9 in this cell is not UTF-8 text/);
  });

  it('has no sheets to name, and two CSV files are not one', async () => {
    const named = await read(zipArchive([{ name: 'a.csv', content: csv }]), { sheet: 'Provider' });
    assert.deepEqual(named.issues, [
      'NO_SUCH_SHEET null:null the archive holds one CSV file, "a.csv", which has no sheets; import it without naming a sheet',
    ]);
    const two = await read(
      zipArchive([
        { name: 'a.csv', content: csv },
        { name: 'b.csv', content: csv },
      ]),
    );
    assert.equal(two.rows.length, 0);
    assert.match(two.issues[0], /it is not an \.xlsx workbook \(it has no xl\/workbook\.xml\)/);
  });
});
