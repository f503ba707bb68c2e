import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Actor } from '../policies/actor.ts';
import { requestBackup } from '../store/backup-channel.ts';
import { openStore, type StoreKind } from '../store/db.ts';
import {
  folderIsEmpty,
  holdsEmbeddedDatabase,
  looksLikeEmbeddedBackup,
  restoreEmbeddedFolder,
} from '../store/embedded-backup.ts';
import { acquireStoreLock, describeHolder, readStoreLock, realFolder, storeInUse } from '../store/lock.ts';
import { looksLikePgDump, pgDump, pgRestore } from '../store/pg-tools.ts';
import { listTables } from '../store/repos/schema-repo.ts';
import { auditedWrite } from './context.ts';
import { type StoreStatus, storeStatus } from './status.ts';

type StoreConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

export interface BackupResult {
  readonly kind: StoreKind;
  readonly file: string;
  readonly bytes: number;
  /** Who took the snapshot: the process holding the embedded database (named), this one, or pg_dump. */
  readonly takenBy: string;
}

/**
 * Writes a backup of the store to `file`: for PostgreSQL a `pg_dump` archive (custom format), for
 * an embedded database a gzipped tarball of its folder taken between transactions. When another
 * process holds the embedded database (`tend serve`, a long import), the snapshot is taken by that
 * process, through its backup channel, so the server keeps serving; otherwise this process opens
 * the folder, takes it and closes. The file appears only once complete; an existing file is kept
 * unless `overwrite`.
 */
export async function backupStore(
  config: StoreConfig,
  file: string,
  options: { overwrite?: boolean } = {},
): Promise<BackupResult> {
  const target = path.resolve(file);
  if (fs.existsSync(target) && !options.overwrite)
    throw new AppError(
      'INVALID_ARGUMENT',
      `${file} already exists; choose another name, or add --force to overwrite it.`,
    );
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { force: true });
  try {
    let takenBy: string;
    if (config.databaseUrl) {
      await pgDump(config.databaseUrl, partial);
      takenBy = 'pg_dump';
    } else {
      takenBy = await backupEmbedded(config, partial);
    }
    const head = readHead(partial);
    if (!(config.databaseUrl ? looksLikePgDump(head) : looksLikeEmbeddedBackup(head)))
      throw new AppError('BACKUP_FAILED', `The backup written to ${file} is not in the expected format.`);
    const bytes = fs.statSync(partial).size;
    fs.renameSync(partial, target);
    return { kind: config.databaseUrl ? 'postgres' : 'pglite', file, bytes, takenBy };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

async function backupEmbedded(config: StoreConfig, partial: string): Promise<string> {
  if (config.dataDir === 'memory://')
    throw new AppError(
      'INVALID_ARGUMENT',
      'An in-memory database lives only in its own process: there is nothing to back up.',
    );
  for (let attempt = 0; attempt < 2; attempt++) {
    const lock = readStoreLock(config.dataDir);
    if (lock.state === 'held') {
      if (!lock.holder.backupSocket) throw storeInUse(realFolder(config.dataDir), lock.holder);
      await requestBackup(lock.holder.backupSocket, partial);
      return describeHolder(lock.holder);
    }
    if (!holdsEmbeddedDatabase(config.dataDir))
      throw new AppError('NOT_FOUND', `There is no embedded database in ${config.dataDir} to back up.`);
    try {
      const store = await openStore(config, { migrate: false });
      try {
        const tarball = await (store.snapshot as () => Promise<Blob>)();
        fs.writeFileSync(partial, new Uint8Array(await tarball.arrayBuffer()), { mode: 0o600 });
      } finally {
        await store.close();
      }
      return 'this process';
    } catch (error) {
      // Opened by another process in the meantime: ask that one.
      if (isAppError(error) && error.code === 'STORE_IN_USE' && attempt === 0) continue;
      throw error;
    }
  }
  throw new AppError('STORE_IN_USE', `The embedded database in ${config.dataDir} is busy; try again.`);
}

export interface RestoreResult {
  readonly kind: StoreKind;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Whether the target held a database that the restore replaced. */
  readonly replaced: boolean;
  readonly status: StoreStatus;
}

/**
 * Restores a backup written by `backupStore` into the configured store: a `pg_dump` archive into
 * the PostgreSQL database (with `pg_restore`, in one transaction), or an embedded backup into the
 * folder (unpacked beside it, checked, then swapped in). A target that already holds anything is
 * refused unless `replace`. The restored store is migrated to this version of Tend, and the restore
 * is recorded in its audit log as the actor's, with the file's name, size and SHA-256.
 */
export async function restoreStore(
  config: StoreConfig,
  file: string,
  context: { actor: Actor; clock: () => Date; replace?: boolean; onNote?: (line: string) => void },
): Promise<RestoreResult> {
  let head: Buffer;
  try {
    head = readHead(file);
  } catch (error) {
    throw new AppError('FILE_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const bytes = fs.statSync(file).size;
  const sha256 = await hashFile(file);
  const replace = context.replace ?? false;
  let replaced: boolean;
  let lock: ReturnType<typeof acquireStoreLock> | undefined;
  if (config.databaseUrl) {
    if (!looksLikePgDump(head))
      throw new AppError(
        'BACKUP_FAILED',
        looksLikeEmbeddedBackup(head)
          ? `${file} is a backup of an embedded database; restore it into a folder with --data-dir (and no DATABASE_URL).`
          : `${file} is not a backup written by \`tend backup\` (a pg_dump archive for PostgreSQL).`,
      );
    const probe = await openStore(config, { migrate: false });
    let tables: string[];
    try {
      tables = await listTables(probe.db);
    } finally {
      await probe.close();
    }
    replaced = tables.length > 0;
    if (replaced && !replace)
      throw new AppError(
        'STORE_NOT_EMPTY',
        `The database at ${probe.location} already holds ${tables.length} table(s); restore into an empty database, or add --force to replace what the backup holds.`,
      );
    await pgRestore(config.databaseUrl, file, { replace });
  } else {
    if (config.dataDir === 'memory://')
      throw new AppError(
        'INVALID_ARGUMENT',
        'Restore into a folder (--data-dir), not an in-memory database.',
      );
    if (!looksLikeEmbeddedBackup(head))
      throw new AppError(
        'BACKUP_FAILED',
        looksLikePgDump(head)
          ? `${file} is a PostgreSQL backup (pg_dump); restore it with --database-url.`
          : `${file} is not a backup written by \`tend backup\` (a gzipped tarball for an embedded database).`,
      );
    fs.mkdirSync(config.dataDir, { recursive: true });
    lock = acquireStoreLock(config.dataDir, {
      onTakeover: context.onNote ?? ((line) => process.stderr.write(`${line}\n`)),
    });
    try {
      replaced = !folderIsEmpty(lock.folder);
      if (replaced && !replace)
        throw new AppError(
          'STORE_NOT_EMPTY',
          `${config.dataDir} already holds an embedded database; restore into an empty folder, or add --force to replace it.`,
        );
      await restoreEmbeddedFolder(fs.readFileSync(file), lock.folder);
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  const store = await openStore(config, lock ? { lock } : {});
  try {
    await auditedWrite(
      { db: store.db, actor: context.actor, clock: context.clock },
      { changesData: true },
      async () => ({
        result: undefined,
        audit: {
          action: 'store.restore',
          entityType: 'store',
          entityId: null,
          orgCode: null,
          after: { file: path.basename(file), bytes, sha256, replaced },
        },
      }),
    );
    return {
      kind: store.kind,
      file,
      bytes,
      sha256,
      replaced,
      status: await storeStatus(store.db),
    };
  } finally {
    await store.close();
  }
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
