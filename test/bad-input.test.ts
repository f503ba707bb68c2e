/**
 * The bad-input corpus: every file in `test/fixtures/bad-input/` is imported through `importFile` into a
 * seeded store and must be refused with exactly the messages listed for it in `expected.json`.
 *
 * How messages are compared. Each expected string is the `formatIssue` output (`file:row:column: message`)
 * with the file name and its colon removed, and the leading space of a whole-file message trimmed:
 *   `tidy-non-numeric.csv:2:D: value: "abc" is not a number` → `2:D: value: "abc" is not a number`
 *   `empty.csv: the file is empty`                          → `the file is empty`
 * Warnings keep formatIssue's `warning: ` prefix. An expected string ending in three ASCII dots `...` matches
 * any message that starts with the text before the dots (used where the tail names other formats or comes
 * from a library). Otherwise the match is exact. The full list of issues must equal the expected list in
 * order (errors first, each severity in row order), so an unexpected error, or a missing one, fails.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { importFile } from '../src/app/import-file.ts';
import { formatIssue } from '../src/ingest/cells.ts';
import type { Store } from '../src/store/db.ts';
import { issueText, issueMatches as matches } from './helpers/issues.ts';
import { repoRoot } from './helpers/paths.ts';
import { openTestStore, resetTestStore } from './helpers/test-store.ts';

const corpusDir = path.join(repoRoot, 'test', 'fixtures', 'bad-input');
const seedFile = path.join(repoRoot, 'test', 'fixtures', 'seed-etr.csv');
const expected: Record<string, string[]> = JSON.parse(
  fs.readFileSync(path.join(corpusDir, 'expected.json'), 'utf8'),
);
const notCorpus = new Set(['expected.json', 'README.md']);

const tables = ['organisation', 'membership', 'metric', 'observation', 'observation_history'] as const;

async function tableCounts(
  store: Store,
): Promise<Record<(typeof tables)[number] | 'imported_batches', number>> {
  const counts = {} as Record<(typeof tables)[number] | 'imported_batches', number>;
  for (const table of tables) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.count);
  }
  const imported = await store.db
    .selectFrom('import_batch')
    .where('outcome', '=', 'imported')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  counts.imported_batches = Number(imported.count);
  return counts;
}

describe('bad-input corpus', () => {
  let store: Store;

  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    await resetTestStore(store);
    const seeded = await importFile(store.db, seedFile, { displayName: 'seed-etr.csv' });
    assert.equal(
      seeded.outcome,
      'imported',
      `the seed did not import: ${seeded.issues.map(formatIssue).join('; ')}`,
    );
  });

  it('has an expectation for every corpus file, and at least 30 files', () => {
    const files = fs
      .readdirSync(corpusDir)
      .filter((name) => !notCorpus.has(name))
      .sort();
    assert.deepEqual(files, Object.keys(expected).sort());
    assert.ok(files.length >= 30, `only ${files.length} corpus files`);
    for (const [file, messages] of Object.entries(expected))
      assert.ok(messages.length > 0, `${file} expects no message`);
  });

  it('seeds four trusts with their regions and ICBs from the ODS extract', async () => {
    const counts = await tableCounts(store);
    assert.equal(counts.organisation, 12); // R0A, RGT, RJ1, RYY; Y56, Y59, Y61, Y62; QKK, QKS, QOP, QUE
    assert.equal(counts.membership, 8);
    assert.equal(counts.observation, 0);
    assert.equal(counts.imported_batches, 1);
  });

  for (const [file, expectedMessages] of Object.entries(expected)) {
    it(`refuses ${file}`, { timeout: 30_000 }, async () => {
      const before = await tableCounts(store);
      const result = await importFile(store.db, path.join(corpusDir, file), { displayName: file });
      const actual = result.issues.map((issue) => issueText(file, issue));
      const report = `\n  got:\n    ${actual.join('\n    ')}`;

      assert.equal(result.outcome, 'rejected', report);
      assert.ok(result.errorCount > 0, report);
      for (const message of expectedMessages) {
        assert.ok(
          actual.some((text) => matches(message, text)),
          `missing: ${message}${report}`,
        );
      }
      assert.equal(actual.length, expectedMessages.length, `wrong number of issues${report}`);
      expectedMessages.forEach((message, index) => {
        assert.ok(matches(message, actual[index]), `issue ${index + 1}: expected ${message}${report}`);
      });
      assert.equal(
        result.errorCount,
        expectedMessages.filter((message) => !/^(\d+(:[A-Z]+)?: )?warning: /.test(message)).length,
        report,
      );

      const errorRows = result.issues
        .filter((issue) => issue.severity === 'error')
        .map((issue) => issue.row ?? 0);
      assert.deepEqual(
        errorRows,
        [...errorRows].sort((a, b) => a - b),
        'errors are not in row order',
      );

      assert.equal(result.batchId, undefined);
      assert.equal(result.inserted + result.updated + result.unchanged, 0);
      assert.deepEqual(await tableCounts(store), before, 'a refused file changed the store');
    });
  }

  it('refuses a file again, with the same messages, when it is imported a second time', async () => {
    const file = 'tidy-multiple-problems.csv';
    const first = await importFile(store.db, path.join(corpusDir, file), { displayName: file });
    const second = await importFile(store.db, path.join(corpusDir, file), { displayName: file });
    assert.equal(second.outcome, 'rejected');
    assert.deepEqual(
      second.issues.map((issue) => issueText(file, issue)),
      first.issues.map((issue) => issueText(file, issue)),
    );
    const rejected = await store.db
      .selectFrom('import_batch')
      .where('outcome', '=', 'rejected')
      .selectAll()
      .execute();
    assert.equal(rejected.length, 1, 'a refused file is recorded once per distinct content');
  });
});
