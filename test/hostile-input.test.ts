/**
 * The hostile-input suite: over a hundred files generated from a seed (`test/helpers/hostile-files.ts`)
 * across every format Tend imports — the ODS extract, the lookup, the monthly A&E CSV, the A&E
 * provider-month table, the NOF data file and league table, the tidy template as CSV and XLSX, and
 * NHS England's other publications (the cancer extract and headlines, DM01 by provider and its full
 * extract, AmbSYS, the staff survey, KH03 beds both ways, the ICB allocation practices).
 * Each must be refused (`outcome` rejected) with every problem as `file:row:column: message` (or a
 * whole-file reason), naming the row it was spoiled on; nothing written but the note of the refusal;
 * no stack trace or library message; and in bounded time. A sample goes through `tend import`, which
 * must exit 1. First, every base file is shown to import cleanly, so it is the spoiling that is refused.
 *
 * Set HOSTILE_SEED to draw other cells.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importFile } from '../src/app/import-file.ts';
import { formatIssue } from '../src/ingest/cells.ts';
import type { Store } from '../src/store/db.ts';
import { readStoreVersion } from '../src/store/repos/version-repo.ts';
import { runTend } from './helpers/cli.ts';
import { baseContent, baseFiles, hostileFiles } from './helpers/hostile-files.ts';
import { seedFile, seedTrusts } from './helpers/import-steps.ts';
import { openTestStore, resetTestStore, tendStoreArgs } from './helpers/test-store.ts';

const seed = Number(process.env.HOSTILE_SEED ?? 14);
const files = hostileFiles(seed);

/** Problems that concern the whole file, so name no row. */
const WHOLE_FILE_CODES = new Set(['EMPTY_FILE', 'BINARY_FILE', 'TOO_LARGE', 'NO_SUCH_SHEET', 'NO_DATA_ROWS']);
/** What must never reach a person: a stack trace, a library's wording, an object printed as text. */
const LEAKS =
  /\n\s+at |\bat .+:\d+:\d+|Error:|TypeError|RangeError|Cannot read|undefined|\[object Object\]|NaN\b(?!")/;

async function counts(store: Store): Promise<Record<string, number>> {
  const counted: Record<string, number> = {};
  for (const table of [
    'organisation',
    'membership',
    'metric',
    'observation',
    'observation_history',
    'series_config',
  ] as const) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counted[table] = Number(row.count);
  }
  for (const outcome of ['imported', 'rejected'] as const) {
    const row = await store.db
      .selectFrom('import_batch')
      .where('outcome', '=', outcome)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    counted[`${outcome} batches`] = Number(row.count);
  }
  const written = await store.db
    .selectFrom('audit_log')
    .where('action', '=', 'import.file')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  counted['import.file entries'] = Number(written.count);
  counted['data version'] = (await readStoreVersion(store.db)).data;
  return counted;
}

describe(`hostile input (seed ${seed})`, () => {
  let store: Store;
  let scratch: string;
  before(async () => {
    store = await openTestStore();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-hostile-'));
  });
  after(async () => {
    await store?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('generates over a hundred files, from every format', () => {
    assert.ok(files.length >= 100, `only ${files.length} files`);
    assert.equal(new Set(files.map((file) => file.name)).size, files.length, 'file names repeat');
    for (const base of baseFiles) {
      const ofFormat = files.filter((file) => file.format === base.format).length;
      assert.ok(ofFormat >= 8, `${base.format}: only ${ofFormat} files`);
    }
  });

  it('imports every base file cleanly: what is refused below is the spoiling', async () => {
    await resetTestStore(store);
    await seedTrusts(store);
    for (const base of baseFiles) {
      const name = `${base.format}-base.${base.format === 'tidy-xlsx' ? 'xlsx' : 'csv'}`;
      const file = path.join(scratch, name);
      fs.writeFileSync(file, baseContent(base));
      const result = await importFile(store.db, file, { displayName: name });
      assert.equal(result.outcome, 'imported', `${name}: ${result.issues.map(formatIssue).join('\n')}`);
      assert.equal(result.errorCount, 0);
    }
  });

  describe('each file refused, nothing written, told where', () => {
    before(async () => {
      await resetTestStore(store);
      await seedTrusts(store);
    });

    for (const hostile of files) {
      it(`${hostile.name}: ${hostile.mutation}`, { timeout: 30_000 }, async () => {
        const file = path.join(scratch, hostile.name);
        fs.writeFileSync(file, hostile.content);
        const before = await counts(store);
        const started = performance.now();
        const result = await importFile(store.db, file, { displayName: hostile.name });
        const seconds = (performance.now() - started) / 1000;
        const report = `\n    ${result.issues.map(formatIssue).join('\n    ')}`;

        assert.equal(result.outcome, 'rejected', report);
        assert.ok(result.errorCount > 0, report);
        assert.equal(result.batchId, undefined);
        const errors = result.issues.filter((issue) => issue.severity === 'error');
        for (const issue of result.issues) {
          const text = formatIssue(issue);
          assert.ok(text.startsWith(`${hostile.name}:`), text);
          assert.doesNotMatch(text, LEAKS, 'a message leaks a stack, a library message or a stray value');
          if (issue.severity === 'error' && issue.row === null)
            assert.ok(WHOLE_FILE_CODES.has(issue.code), `no row for ${issue.code}: ${text}`);
        }
        if (hostile.row === null) {
          assert.ok(
            errors.some((issue) => issue.row === null),
            `expected a whole-file reason${report}`,
          );
        } else {
          assert.ok(
            errors.some(
              (issue) =>
                issue.row === hostile.row && (hostile.column === null || issue.column === hostile.column),
            ),
            `expected an error at ${hostile.row}${hostile.column ? `:${hostile.column}` : ''}${report}`,
          );
        }

        const after = await counts(store);
        assert.ok(
          after['rejected batches'] - before['rejected batches'] <= 1,
          'more than the refusal was recorded',
        );
        assert.deepEqual(
          { ...after, 'rejected batches': 0 },
          { ...before, 'rejected batches': 0 },
          'a refused file changed the store',
        );
        assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
      });
    }
  });

  it('refuses a sample through `tend import`, exit code 1, each file said, no stack trace', {
    timeout: 180_000,
  }, async () => {
    const sample = baseFiles.map((base) => {
      const ofFormat = files.filter((file) => file.format === base.format);
      return ofFormat[seed % ofFormat.length];
    });
    const target = await tendStoreArgs(path.join(scratch, 'cli-store'));
    try {
      const paths = sample.map((hostile) => {
        const file = path.join(scratch, 'cli', hostile.name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, hostile.content);
        return file;
      });
      const run = await runTend([...target.args, 'import', seedFile, ...paths]);
      assert.equal(run.code, 1, run.stderr);
      for (const file of paths)
        assert.match(
          run.stderr,
          new RegExp(
            `${path.basename(file).replaceAll('.', '\\.')}: refused — \\d+ problem\\(s\\); nothing from this file was saved`,
          ),
        );
      assert.match(run.stderr, new RegExp(`${sample.length} of ${sample.length + 1} file\\(s\\) refused`));
      assert.doesNotMatch(run.stderr, /\n\s+at |Error:|unexpected error/);
      const status = await runTend([...target.args, 'status', '--format', 'json']);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(JSON.parse(status.stdout).observations, 0);
    } finally {
      await target.drop();
    }
  });
});
