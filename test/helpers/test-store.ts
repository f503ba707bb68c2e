import crypto from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { builtinMetrics } from '../../src/domain/metric-catalogue.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { upsertMetrics } from '../../src/store/repos/metric-repo.ts';

/**
 * The store a database-backed test runs on: an in-memory PGlite database, or — when
 * `DATABASE_URL` is set, as in CI's second run — a fresh database created on that PostgreSQL
 * server for this store alone and dropped when it closes. So every database-backed test runs on
 * both backends, each store isolated from every other.
 */
export async function openTestStore(): Promise<Store> {
  const database = await createTestDatabase();
  if (!database) return openStore({ databaseUrl: undefined, dataDir: 'memory://' });
  let store: Store;
  try {
    store = await openStore({ databaseUrl: database.url, dataDir: 'memory://' });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    ...store,
    db: store.db,
    session: store.session.bind(store),
    async close() {
      try {
        await store.close();
      } finally {
        await database.drop();
      }
    },
  };
}

/** A throwaway database on the `DATABASE_URL` server: its connection string, and how to drop it. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * When `DATABASE_URL` is set, creates a fresh, empty database beside it (for a test that runs
 * `tend --database-url …` as a child process, say) and returns its URL; `undefined` otherwise,
 * when the test should use the embedded PGlite store. `drop` may be called more than once.
 */
export async function createTestDatabase(): Promise<TestDatabase | undefined> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `tend_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * The global options that point `tend` (run as a child process) at a fresh store: `--data-dir
 * <dataDir>` for PGlite, or — when `DATABASE_URL` is set — `--database-url` to a fresh database
 * on that server. Call `drop` when the test is done.
 */
export async function tendStoreArgs(dataDir: string): Promise<{ args: string[]; drop(): Promise<void> }> {
  const database = await createTestDatabase();
  if (!database) return { args: ['--data-dir', dataDir], drop: async () => {} };
  return { args: ['--database-url', database.url], drop: () => database.drop() };
}

/** Which backend `openTestStore` uses, for test names. */
export const testBackend: 'pglite' | 'postgres' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Empties every table and puts the built-in metrics back and the store's versions, so each test
 * starts from a new store. The append-only tables refuse TRUNCATE by trigger; the reset lifts
 * that trigger for its own statement only.
 */
export async function resetTestStore(store: Store): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_truncate`.execute(trx);
    await sql`alter table narrative_version disable trigger narrative_version_no_truncate`.execute(trx);
    await sql`truncate audit_log, narrative_version, narrative_reader, narrative, annotation, series_config,
      api_token, web_session, identity_link, sso_role_mapping, role_grant, app_user,
      observation, observation_history, import_batch, membership, metric, organisation restart identity cascade`.execute(
      trx,
    );
    await sql`alter table audit_log enable trigger audit_log_no_truncate`.execute(trx);
    await sql`alter table narrative_version enable trigger narrative_version_no_truncate`.execute(trx);
    await sql`update store_version set data_version = data_version + 1, dialogue_version = dialogue_version + 1`.execute(
      trx,
    );
  });
  await upsertMetrics(store.db, builtinMetrics);
}
