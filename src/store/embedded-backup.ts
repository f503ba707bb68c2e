import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { AppError } from '../errors.ts';

/** The first bytes of a gzip stream: an embedded database's backup (a gzipped tarball of its folder). */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** Whether a file starts as an embedded database's backup does. */
export function looksLikeEmbeddedBackup(head: Buffer): boolean {
  return head.subarray(0, 2).equals(GZIP_MAGIC);
}

/** Whether a folder holds an embedded database (PostgreSQL's `PG_VERSION` at its top). */
export function holdsEmbeddedDatabase(folder: string): boolean {
  return fs.existsSync(path.join(folder, 'PG_VERSION'));
}

/** Whether a folder is missing or empty. */
export function folderIsEmpty(folder: string): boolean {
  try {
    return fs.readdirSync(folder).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Puts the database in `backup` (a gzipped tarball from a snapshot) into `folder`, which the caller
 * has locked. It is unpacked and opened in a folder beside the target first, so a damaged backup
 * leaves the target as it was; then the two are swapped by renaming, and the replaced folder is
 * removed.
 */
export async function restoreEmbeddedFolder(backup: Uint8Array, folder: string): Promise<void> {
  const staging = `${folder}.restoring-${process.pid}`;
  const replaced = `${folder}.replaced-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    const pglite = new PGlite({
      dataDir: staging,
      loadDataDir: new File([backup as Uint8Array<ArrayBuffer>], 'backup.tar.gz', {
        type: 'application/x-gzip',
      }),
    });
    try {
      await pglite.waitReady;
      await pglite.query('select 1');
    } finally {
      if (!pglite.closed) await pglite.close();
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new AppError(
      'BACKUP_FAILED',
      `The backup could not be unpacked into an embedded database: ${(error as Error).message}`,
      { cause: error },
    );
  }
  fs.mkdirSync(folder, { recursive: true });
  fs.renameSync(folder, replaced);
  try {
    fs.renameSync(staging, folder);
  } catch (error) {
    fs.renameSync(replaced, folder);
    throw error;
  }
  fs.rmSync(replaced, { recursive: true, force: true });
}
