import path from 'node:path';
import type { Kysely } from 'kysely';
import { type Actor, actorLabel, actorUserId } from '../../policies/actor.ts';
import { insertAuditEntry } from '../../store/repos/audit-repo.ts';
import { findRejectedBatchByHash, insertBatch } from '../../store/repos/batch-repo.ts';
import { bumpStoreVersion } from '../../store/repos/version-repo.ts';
import type { Database } from '../../store/tables.ts';
import type { ImportResult } from './report.ts';

/** Who is importing which file, and when: what the batch row and the audit entry record. */
export interface BatchIdentity {
  /** The file's name as the user gave it. */
  file: string;
  hash: string;
  startedAt: Date;
  actor: Actor;
}

/**
 * Opens the batch the file's rows will carry, inside the import's transaction (so a refused file
 * leaves no batch behind). Its counts are filled in when the merge ends.
 */
export async function openBatch(trx: Kysely<Database>, batch: BatchIdentity): Promise<number> {
  return insertBatch(trx, {
    file_name: path.basename(batch.file),
    content_hash: batch.hash,
    format: null,
    publication: null,
    edition: path.basename(batch.file),
    row_count: 0,
    observation_count: 0,
    inserted_count: 0,
    updated_count: 0,
    unchanged_count: 0,
    issues: [],
    outcome: 'imported',
    started_at: batch.startedAt,
    finished_at: batch.startedAt,
    imported_by: actorLabel(batch.actor),
  });
}

/**
 * Notes a refused file in `import_batch` (its issues and outcome) with an `import.refused` audit
 * entry, once per distinct content, in its own transaction.
 */
export async function recordRejection(
  db: Kysely<Database>,
  result: ImportResult,
  batch: BatchIdentity,
  finishedAt: Date,
): Promise<void> {
  if (await findRejectedBatchByHash(db, batch.hash)) return;
  await db.transaction().execute(async (trx) => {
    const batchId = await insertBatch(trx, {
      file_name: path.basename(result.file),
      content_hash: batch.hash,
      format: result.format ?? null,
      publication: null,
      edition: null,
      row_count: result.rows,
      observation_count: 0,
      inserted_count: 0,
      updated_count: 0,
      unchanged_count: 0,
      issues: result.issues,
      outcome: 'rejected',
      started_at: batch.startedAt,
      finished_at: finishedAt,
      imported_by: actorLabel(batch.actor),
    });
    await insertAuditEntry(trx, {
      at: batch.startedAt,
      actorUserId: actorUserId(batch.actor),
      actorLabel: actorLabel(batch.actor),
      action: 'import.refused',
      entityType: 'import_batch',
      entityId: String(batchId),
      orgCode: null,
      before: null,
      after: { file: path.basename(result.file), contentHash: batch.hash, errors: result.errorCount },
    });
    await bumpStoreVersion(trx, { data: false });
  });
}
