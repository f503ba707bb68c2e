/**
 * Two writes whose transactions commit in the other order than they began (possible only on a
 * PostgreSQL server: PGlite runs one transaction at a time). Pages are cached on the store's
 * versions, which every commit increments, so the next request after each commit sees it. A cache
 * keyed on the highest batch id (as once) never sees the batch that began first and committed last.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { insertBatch } from '../store/repos/batch-repo.ts';
import { upsertOrganisations } from '../store/repos/organisation-repo.ts';
import { bumpStoreVersion } from '../store/repos/version-repo.ts';
import type { Database } from '../store/tables.ts';
import { buildApp } from './app.ts';

/** What an import writes first: its batch row and an organisation. */
async function beginImport(db: Kysely<Database>, code: string, name: string): Promise<number> {
  const now = new Date();
  const id = await insertBatch(db, {
    file_name: `${code}.csv`,
    content_hash: `hash-${code}`,
    format: 'ods-etr',
    publication: null,
    edition: null,
    row_count: 1,
    observation_count: 0,
    inserted_count: 0,
    updated_count: 0,
    unchanged_count: 0,
    issues: [],
    outcome: 'imported',
    started_at: now,
    finished_at: now,
  });
  await upsertOrganisations(db, [{ code, name, kind: 'trust', authority: 'replace' }], `${code}.csv`);
  return id;
}

const needsServer =
  testBackend !== 'postgres' && 'needs PostgreSQL (set DATABASE_URL): PGlite runs one transaction at a time';

// Registered only on PostgreSQL (CI's second run): PGlite runs one transaction at a time, so commits
// cannot come out of order there.
if (!needsServer)
  describe(`out-of-order commits (${testBackend})`, () => {
    let store: Store;
    let app: FastifyInstance;
    before(async () => {
      store = await openTestStore();
      app = await buildApp({ store, config: { logLevel: 'silent' } });
    });
    after(async () => {
      await app?.close();
      await store?.close();
    });

    it('shows each of two imports on the next request after it commits, whichever commits first', async () => {
      const names = async () => {
        const response = await app.inject('/organisations?search=Lantern');
        assert.equal(response.statusCode, 200);
        return ['Lantern Early Trust', 'Lantern Late Trust'].filter((name) => response.body.includes(name));
      };
      assert.deepEqual(await names(), []);

      let commitEarly: () => void = () => {};
      let earlyBegun: () => void = () => {};
      const begun = new Promise<void>((resolve) => (earlyBegun = resolve));
      const released = new Promise<void>((resolve) => (commitEarly = resolve));
      let earlyBatch = 0;
      // Begins first (the lower batch id) and commits last.
      const early = store.db.transaction().execute(async (trx) => {
        earlyBatch = await beginImport(trx, 'ZZE01', 'Lantern Early Trust');
        earlyBegun();
        await released;
        await bumpStoreVersion(trx, { data: true });
      });
      await begun;
      const lateBatch = await store.db.transaction().execute(async (trx) => {
        const id = await beginImport(trx, 'ZZL01', 'Lantern Late Trust');
        await bumpStoreVersion(trx, { data: true });
        return id;
      });
      assert.ok(earlyBatch < lateBatch, 'the batch that began first has the lower id');
      assert.deepEqual(await names(), ['Lantern Late Trust'], 'the later commit is seen at once');

      commitEarly();
      await early;
      assert.deepEqual(
        await names(),
        ['Lantern Early Trust', 'Lantern Late Trust'],
        'the earlier batch, committed last, is seen by the next request',
      );
    });
  });
