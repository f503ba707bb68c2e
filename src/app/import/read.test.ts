import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileRecord } from '../../ingest/read/records.ts';
import type { IngestIssue } from '../../ingest/types.ts';
import { examineFile, fileKind, openRecords } from './read.ts';

describe('import step: read', () => {
  let scratch: string;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-read-step-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('refuses a path that is missing or not a regular file, as a whole-file problem', async () => {
    for (const target of [path.join(scratch, 'missing.csv'), scratch]) {
      const facts = await examineFile(target, 'shown.csv');
      assert.ok('issue' in facts);
      assert.equal(facts.issue.code, 'EMPTY_FILE');
      assert.equal(facts.issue.file, 'shown.csv');
      assert.equal(facts.issue.row, null);
    }
  });

  it('hashes the whole file and keeps its first 64 KiB', async () => {
    const content = Buffer.from(
      `org_code,metric_id,period,value\n${'RGT,ae-dta-12hr,2024-06,1\n'.repeat(4000)}`,
    );
    const file = path.join(scratch, 'big.csv');
    fs.writeFileSync(file, content);
    const facts = await examineFile(file, 'big.csv');
    assert.ok(!('issue' in facts));
    assert.equal(facts.size, content.length);
    assert.equal(facts.hash, createHash('sha256').update(content).digest('hex'));
    assert.deepEqual(facts.head, content.subarray(0, 65536));
    assert.deepEqual(fileKind('big.csv', facts), { kind: 'csv' });
  });

  it('tells a workbook from text, and refuses an old .xls by its signature', async () => {
    const xlsx = path.join(scratch, 'book.xlsx');
    fs.writeFileSync(xlsx, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    const xlsxFacts = await examineFile(xlsx, 'book.xlsx');
    assert.ok(!('issue' in xlsxFacts));
    assert.deepEqual(fileKind('book.xlsx', xlsxFacts), { kind: 'xlsx' });
    const xls = path.join(scratch, 'old.xls');
    fs.writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]));
    const xlsFacts = await examineFile(xls, 'old.xls');
    assert.ok(!('issue' in xlsFacts));
    const kind = fileKind('old.xls', xlsFacts);
    assert.ok('issue' in kind);
    assert.equal(kind.issue.code, 'BINARY_FILE');
  });

  it('streams a CSV file as records with spreadsheet rows, reporting progress up to its size', async () => {
    const file = path.join(scratch, 'small.csv');
    fs.writeFileSync(file, 'a,b\n\n1,2\n');
    const progress: number[] = [];
    const issues: IngestIssue[] = [];
    const found: FileRecord[] = [];
    for await (const record of await openRecords(file, 'small.csv', 'csv', 9, (issue) => issues.push(issue), {
      onProgress: (bytes) => progress.push(bytes),
    }))
      found.push(record);
    assert.deepEqual(found, [
      { cells: ['a', 'b'], rowNumber: 1 },
      { cells: ['1', '2'], rowNumber: 3 },
    ]);
    assert.deepEqual(issues, []);
    assert.equal(progress.at(-1), 9);
  });
});
