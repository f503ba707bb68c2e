import type { Kysely } from 'kysely';
import type { IngestIssue } from '../../ingest/types.ts';
import type { Database, ImportBatchRow, ImportOutcome } from '../tables.ts';

export async function findImportedBatchByHash(
  db: Kysely<Database>,
  contentHash: string,
): Promise<ImportBatchRow | undefined> {
  return db
    .selectFrom('import_batch')
    .selectAll()
    .where('content_hash', '=', contentHash)
    .where('outcome', '=', 'imported')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function findBatch(db: Kysely<Database>, id: number): Promise<ImportBatchRow | undefined> {
  return db.selectFrom('import_batch').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findRejectedBatchByHash(
  db: Kysely<Database>,
  contentHash: string,
): Promise<{ id: number } | undefined> {
  return db
    .selectFrom('import_batch')
    .select('id')
    .where('content_hash', '=', contentHash)
    .where('outcome', '=', 'rejected')
    .executeTakeFirst();
}

export interface BatchFields {
  file_name: string;
  content_hash: string;
  format: string | null;
  publication: string | null;
  edition: string | null;
  row_count: number;
  observation_count: number;
  inserted_count: number;
  updated_count: number;
  unchanged_count: number;
  issues: readonly IngestIssue[];
  outcome: ImportOutcome;
  started_at: Date;
  finished_at: Date;
  imported_by?: string | null;
}

export async function insertBatch(db: Kysely<Database>, fields: BatchFields): Promise<number> {
  const row = await db
    .insertInto('import_batch')
    .values({ ...fields, issues: JSON.stringify(fields.issues) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateBatch(
  db: Kysely<Database>,
  id: number,
  fields: Partial<BatchFields>,
): Promise<void> {
  const { issues, ...rest } = fields;
  await db
    .updateTable('import_batch')
    .set({ ...rest, ...(issues ? { issues: JSON.stringify(issues) } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function listBatches(db: Kysely<Database>, limit = 50): Promise<ImportBatchRow[]> {
  return db.selectFrom('import_batch').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
