import fs from 'node:fs';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Config } from '../config/config.ts';
import { builtinMetrics } from '../domain/metric-catalogue.ts';
import { AppError } from '../errors.ts';
import type { BackupChannel } from './backup-channel.ts';
import { acquireStoreLock, type StoreLock } from './lock.ts';
import { migrationProvider } from './migrations/index.ts';
import { upsertMetrics } from './repos/metric-repo.ts';
import type { Database } from './tables.ts';

export type StoreKind = 'pglite' | 'postgres';

/** A `COPY … FROM STDIN` in progress on a session's connection: text lines in, then end. */
export interface CopyIn {
  write(text: string): Promise<void>;
  end(): Promise<void>;
}

/** Starts a `COPY … FROM STDIN` (text format) on the session's connection. */
export type StartCopy = (statement: string) => CopyIn;

/** An open store: the Kysely handle plus what it runs on. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: StoreKind;
  /** Where the data lives, for messages (a folder, `memory://`, or the server with the password hidden). */
  readonly location: string;
  /**
   * Runs `work` on one connection, with `COPY FROM STDIN` available where the backend has it (the
   * PostgreSQL server); bulk imports use it to stage rows.
   */
  session<T>(work: (db: Kysely<Database>, startCopy: StartCopy | undefined) => Promise<T>): Promise<T>;
  /**
   * An embedded database in a folder: the lock this process holds on it (see `lock.ts`), and a
   * consistent snapshot of the folder as a gzipped tarball, taken between transactions.
   */
  readonly lock?: StoreLock;
  /** The embedded database itself (PGlite only): the one connection a job queue on it must share. */
  readonly pglite?: import('@electric-sql/pglite').PGlite;
  snapshot?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Migrate to the latest schema and add the built-in metrics (default true). */
  migrate?: boolean;
  /** A lock this process already holds on the folder (a restore takes it before the folder exists). */
  lock?: StoreLock;
  /** Where a note about a stale lock taken over goes (default: standard error). */
  onNote?: (line: string) => void;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Dates stay ISO strings; 64-bit counts become numbers (Tend's counts are far below 2^53). */
const parseAsText = (value: string): string => value;
const parseAsNumber = (value: string): number => Number(value);

pg.types.setTypeParser(DATE_OID, parseAsText);
pg.types.setTypeParser(INT8_OID, parseAsNumber);
pg.types.setTypeParser(NUMERIC_OID, parseAsNumber);

/**
 * Opens the store: PGlite (embedded PostgreSQL) in `config.dataDir` when `DATABASE_URL` is
 * unset, otherwise a PostgreSQL server through `pg`. Migrates to the latest schema and adds the
 * built-in metrics.
 *
 * An embedded database in a folder is one process's: this process takes the folder's lock first,
 * and a second process is refused with `STORE_IN_USE` (see `lock.ts`). While it holds the folder, it
 * answers backup requests on the channel named in the lock file (see `backup-channel.ts`).
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: OpenOptions = {},
): Promise<Store> {
  const store = config.databaseUrl
    ? await openPostgres(config.databaseUrl)
    : await openPglite(config.dataDir, options);
  if (options.migrate === false) return store;
  try {
    await migrateToLatest(store.db);
    await upsertMetrics(store.db, builtinMetrics);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

async function openPglite(dataDir: string, options: OpenOptions): Promise<Store> {
  const inMemory = dataDir === 'memory://';
  let lock: StoreLock | undefined;
  if (!inMemory) {
    fs.mkdirSync(dataDir, { recursive: true });
    lock =
      options.lock ??
      acquireStoreLock(dataDir, {
        onTakeover: options.onNote ?? ((line) => process.stderr.write(`${line}\n`)),
      });
  }
  // Loaded here: a command on PostgreSQL, or one that opens no store, never loads the embedded database.
  const { PGlite, types: pgliteTypes } = await import('@electric-sql/pglite');
  const pglite = new PGlite({
    ...(inMemory ? {} : { dataDir }),
    parsers: { [pgliteTypes.DATE]: parseAsText, [INT8_OID]: parseAsNumber, [NUMERIC_OID]: parseAsNumber },
  });
  try {
    await pglite.waitReady;
  } catch (error) {
    lock?.release();
    throw new AppError('DATABASE_UNAVAILABLE', `The embedded database in ${dataDir} could not be opened.`, {
      cause: error,
    });
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  // Between transactions (PGlite runs one at a time), after a checkpoint: a folder that opens as is.
  const snapshot = () =>
    pglite.transaction(async (tx) => {
      await tx.exec('checkpoint');
      return pglite.dumpDataDir('gzip');
    });
  let channel: BackupChannel | undefined;
  if (lock) {
    try {
      const { openBackupChannel } = await import('./backup-channel.ts');
      channel = await openBackupChannel(snapshot);
      lock.announce({ backupSocket: channel.socketPath });
    } catch (error) {
      // Backups then need the process stopped; the store itself is fine.
      process.emitWarning(`No backup channel for ${dataDir}: ${(error as Error).message}`);
    }
  }
  return {
    db,
    kind: 'pglite',
    location: dataDir,
    session: (work) => work(db, undefined),
    pglite,
    ...(lock ? { lock } : {}),
    snapshot,
    async close() {
      try {
        await channel?.close();
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function openPostgres(databaseUrl: string): Promise<Store> {
  // JIT compilation off for Tend's own connections (an `options` in the URL still wins): PostgreSQL
  // compiles a query whose cost estimate is large, and a page's aggregate over a national store took
  // 1.8 s with it against 0.3 s without (docs/performance.md).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, options: '-c jit=off' });
  // An idle connection can be closed by the server (restart, administrator); the pool replaces it.
  pool.on('error', (error) => process.emitWarning(`PostgreSQL connection lost: ${error.message}`));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new AppError(
      'DATABASE_UNAVAILABLE',
      `Could not connect to PostgreSQL at ${redact(databaseUrl)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    location: redact(databaseUrl),
    async session(work) {
      const client = await pool.connect();
      // A Kysely bound to this one connection, so a transaction and a COPY share it.
      const single = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: {
            connect: async () => ({ query: client.query.bind(client), release: () => {} }),
            end: async () => {},
          } as never,
        }),
      });
      try {
        return await work(single, (statement) => startCopy(client, statement));
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

function startCopy(client: pg.PoolClient, statement: string): CopyIn {
  const stream = client.query(copyFrom(statement));
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure = error;
  });
  return {
    write(text) {
      if (failure) return Promise.reject(failure);
      if (stream.write(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        stream.once('error', onError);
        stream.once('drain', () => {
          stream.off('error', onError);
          resolve();
        });
      });
    },
    end() {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        stream.once('error', reject);
        stream.once('finish', () => resolve());
        stream.end();
      });
    },
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  // Most opens find the schema current: one query says so, without the migrator's reads of the
  // catalogue and its lock (a fifth of a second on the embedded database).
  if (await schemaIsCurrent(db)) return;
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: 'tend_migration',
    migrationLockTableName: 'tend_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new AppError(
      'DATABASE_UNAVAILABLE',
      `Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Whether the store has applied exactly the migrations Tend knows (false when it has none, or the
 * table is missing). Anything else goes through the migrator, which applies what is missing or
 * reports a store from another version.
 */
async function schemaIsCurrent(db: Kysely<Database>): Promise<boolean> {
  const known = Object.keys(await migrationProvider.getMigrations());
  try {
    const { rows } = await sql<{ name: string }>`select name from tend_migration`.execute(db);
    const applied = new Set(rows.map((row) => row.name));
    return applied.size === known.length && known.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'the configured server';
  }
}
