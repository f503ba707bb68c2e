import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { bundled, openLoadedStore } from '../../test/helpers/loaded-store.ts';
import { testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { withObservationIndexesSetAside } from './bulk-load.ts';
import { importFile } from './import-file.ts';

/**
 * A new store's first imports run with the observation table's read indexes set aside, which are
 * built again afterwards exactly as the migrations made them — read back from PostgreSQL's own view
 * of the indexes (`pg_indexes`), not from the code under test.
 */
describe(`a new store's first imports set the read indexes aside (${testBackend})`, () => {
  let store: Store;
  let asMigrated: { indexname: string; indexdef: string }[];
  const indexes = async () =>
    (
      await sql<{ indexname: string; indexdef: string }>`
        select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = 'observation' order by indexname`.execute(
        store.db,
      )
    ).rows;

  before(async () => {
    store = await openLoadedStore([bundled.odsTrusts, bundled.trustLookup], { computeSignals: false });
    asMigrated = await indexes();
    assert.ok(asMigrated.length >= 3, 'the migrations index observation beyond its primary key');
  });
  after(async () => {
    await store?.close();
  });

  it('imports into an empty table with only the primary key, then builds the indexes the migrations made', async () => {
    const { result, indexesBuilt } = await withObservationIndexesSetAside(store.db, async () => {
      const during = await indexes();
      assert.deepEqual(
        during.map((index) => index.indexname),
        ['observation_pkey'],
      );
      return importFile(store, bundled.aeMonthly[0], { computeSignals: false });
    });
    assert.equal(result.outcome, 'imported');
    assert.ok(result.inserted > 0);
    assert.equal(indexesBuilt, asMigrated.length - 1);
    assert.deepEqual(await indexes(), asMigrated);
  });

  it('leaves the indexes in place on a table that holds rows', async () => {
    const { indexesBuilt } = await withObservationIndexesSetAside(store.db, async () => {
      assert.deepEqual(await indexes(), asMigrated);
      return importFile(store, bundled.aeMonthly[1], { computeSignals: false });
    });
    assert.equal(indexesBuilt, 0);
    assert.deepEqual(await indexes(), asMigrated);
  });

  it('builds the indexes again when the load fails, and passes its error on', async () => {
    await sql`truncate observation, observation_history`.execute(store.db);
    await assert.rejects(
      withObservationIndexesSetAside(store.db, async () => {
        assert.equal((await indexes()).length, 1);
        throw new Error('the load failed');
      }),
      /the load failed/,
    );
    assert.deepEqual(await indexes(), asMigrated);
  });
});
