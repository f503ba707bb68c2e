import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundled } from '../../test/helpers/loaded-store.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { importFile } from './import-file.ts';

/**
 * Imports at the same time on one store. On PostgreSQL they run concurrently, each in its own
 * transaction; on the embedded database one after the other. Either way each file lands whole,
 * with its own batch row, hash and observations.
 */
describe(`two imports at once (${testBackend})`, () => {
  let store: Store;
  before(async () => {
    store = await openTestStore();
    for (const file of [bundled.odsTrusts, bundled.trustLookup])
      assert.equal((await importFile(store, file)).outcome, 'imported');
  });
  after(() => store.close());

  it('lands every file, each with its own batch row, hash and observations', async () => {
    const files = bundled.aeMonthly.slice(0, 4);
    const results = await Promise.all(files.map((file) => importFile(store, file)));
    assert.deepEqual(
      results.map((result) => result.outcome),
      files.map(() => 'imported'),
    );
    const ids = results.map((result) => result.batchId);
    assert.equal(new Set(ids).size, files.length, `distinct batch numbers: ${ids.join(', ')}`);
    for (const [index, result] of results.entries()) {
      const batch = await store.db
        .selectFrom('import_batch')
        .selectAll()
        .where('id', '=', result.batchId as number)
        .executeTakeFirstOrThrow();
      assert.equal(path.basename(batch.file_name), path.basename(files[index]));
      assert.equal(
        batch.content_hash,
        crypto.createHash('sha256').update(fs.readFileSync(files[index])).digest('hex'),
      );
      assert.equal(Number(batch.observation_count), result.observations);
      const stored = await store.db
        .selectFrom('observation')
        .select(store.db.fn.countAll<number>().as('n'))
        .where('batch_id', '=', result.batchId as number)
        .executeTakeFirstOrThrow();
      assert.equal(Number(stored.n), result.inserted, `observations of ${path.basename(files[index])}`);
    }
  });
});
