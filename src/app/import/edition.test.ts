import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runTend } from '../../../test/helpers/cli.ts';
import { seedFile, seedTrusts } from '../../../test/helpers/import-steps.ts';
import { openTestStore, resetTestStore, tendStoreArgs } from '../../../test/helpers/test-store.ts';
import { isAppError } from '../../errors.ts';
import type { Store } from '../../store/db.ts';
import { importFile } from '../import-file.ts';

const ORIGINAL = 'org_code,metric_id,period,value\nRYY,ae-dta-12hr,2024-06,10\nRYY,ae-dta-12hr,2024-07,12\n';
const REVISED = 'org_code,metric_id,period,value\nRYY,ae-dta-12hr,2024-06,10\nRYY,ae-dta-12hr,2024-07,14\n';

describe('editions on purpose', () => {
  let store: Store;
  let scratch: string;
  let original: string;
  let revised: string;
  before(async () => {
    store = await openTestStore();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-editions-'));
    original = path.join(scratch, 'ae-2024.csv');
    revised = path.join(scratch, 'ae-2024-revised.csv');
    fs.writeFileSync(original, ORIGINAL);
    fs.writeFileSync(revised, REVISED);
  });
  after(async () => {
    await store?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetTestStore(store);
    await seedTrusts(store);
  });

  const july = async () =>
    await store.db
      .selectFrom('observation')
      .select(['value', 'batch_id'])
      .where('period_start', '=', '2024-07-01')
      .executeTakeFirstOrThrow();

  it('re-asserts an earlier edition after a revision, keeping the revision in the history', async () => {
    const first = await importFile(store.db, original);
    const second = await importFile(store.db, revised);
    assert.equal(second.updated, 1);
    // Without saying so, the original is the same file again: nothing changes.
    const again = await importFile(store.db, original);
    assert.equal(again.outcome, 'unchanged');
    assert.deepEqual(await july(), { value: 14, batch_id: second.batchId });

    const reasserted = await importFile(store.db, original, { editionOf: first.batchId });
    assert.equal(reasserted.outcome, 'imported');
    assert.equal(reasserted.editionOf, first.batchId);
    assert.deepEqual([reasserted.inserted, reasserted.updated, reasserted.unchanged], [0, 1, 1]);
    assert.deepEqual(await july(), { value: 12, batch_id: reasserted.batchId });
    const history = await store.db
      .selectFrom('observation_history')
      .select(['value', 'batch_id', 'superseded_by_batch'])
      .orderBy('superseded_by_batch')
      .execute();
    assert.deepEqual(history, [
      { value: 12, batch_id: first.batchId, superseded_by_batch: second.batchId },
      { value: 14, batch_id: second.batchId, superseded_by_batch: reasserted.batchId },
    ]);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_id', '=', String(reasserted.batchId))
      .executeTakeFirstOrThrow();
    assert.equal(audit.action, 'import.file');
    assert.equal((audit.after as { editionOf?: number }).editionOf, first.batchId);
  });

  it('refuses a batch that does not hold the file, naming the one that does', async () => {
    const first = await importFile(store.db, original);
    const second = await importFile(store.db, revised);
    await assert.rejects(
      importFile(store.db, original, { editionOf: second.batchId }),
      (error) =>
        isAppError(error) &&
        error.code === 'INVALID_ARGUMENT' &&
        error.message ===
          `${original} is not the file of batch ${second.batchId} (ae-2024-revised.csv): its content differs; it was imported as batch ${first.batchId}, so use --edition-of ${first.batchId}`,
    );
    await assert.rejects(
      importFile(store.db, original, { editionOf: 999 }),
      (error) => isAppError(error) && error.code === 'NOT_FOUND',
    );
    assert.deepEqual(await july(), { value: 14, batch_id: second.batchId });
  });

  it('is `tend import --edition-of BATCH FILE` on the command line', { timeout: 120_000 }, async () => {
    const target = await tendStoreArgs(path.join(scratch, 'store'));
    try {
      const seeded = await runTend([...target.args, 'import', seedFile, original, revised]);
      assert.equal(seeded.code, 0, seeded.stderr);
      const batch = /ae-2024\.csv: imported as batch (\d+)/.exec(seeded.stderr)?.[1];
      assert.ok(batch, seeded.stderr);
      const run = await runTend([...target.args, 'import', '--edition-of', batch, original]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(
          `ae-2024\\.csv: imported as batch \\d+ \\(Tend tidy template\\), re-asserting the edition of batch ${batch}: 2 rows, 2 observations — 0 new, 1 revised, 1 unchanged`,
        ),
      );
      const wrong = await runTend([...target.args, 'import', '--edition-of', 'two', original]);
      assert.equal(wrong.code, 2, wrong.stderr);
      assert.match(wrong.stderr, /invalid --edition-of: two \(a batch number\)/);
    } finally {
      await target.drop();
    }
  });
});
