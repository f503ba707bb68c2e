import type { Kysely } from 'kysely';
import {
  createIndex,
  dropIndex,
  observationReadIndexes,
  observationsExist,
} from '../store/repos/bulk-load-repo.ts';
import type { Database } from '../store/tables.ts';

/**
 * Runs `load` — the first imports into a new store — with the observation table's read indexes set
 * aside, and builds them again once at the end, whether `load` succeeded or not. PostgreSQL's own
 * advice for populating a database (PostgreSQL documentation, Performance Tips, "Remove Indexes"):
 * building an index over the rows already there is quicker than updating it row by row. The primary
 * key stays, as every merge needs it. Only when the table is empty, so no one reads it yet; on a
 * table that holds rows, `load` runs with its indexes in place. Returns what `load` returns and how
 * long the indexes took to build.
 */
export async function withObservationIndexesSetAside<T>(
  db: Kysely<Database>,
  load: () => Promise<T>,
): Promise<{ result: T; indexesBuilt: number; indexMilliseconds: number }> {
  if (await observationsExist(db)) return { result: await load(), indexesBuilt: 0, indexMilliseconds: 0 };
  const indexes = await observationReadIndexes(db);
  await db.transaction().execute(async (trx) => {
    for (const index of indexes) await dropIndex(trx, index);
  });
  let result: T;
  let indexMilliseconds = 0;
  try {
    result = await load();
  } finally {
    const started = performance.now();
    await db.transaction().execute(async (trx) => {
      for (const index of indexes) await createIndex(trx, index);
    });
    indexMilliseconds = performance.now() - started;
  }
  return { result, indexesBuilt: indexes.length, indexMilliseconds };
}
