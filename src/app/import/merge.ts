import path from 'node:path';
import type { Kysely } from 'kysely';
import type { ImportFormat } from '../../ingest/types.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import { insertAuditEntry } from '../../store/repos/audit-repo.ts';
import { updateBatch } from '../../store/repos/batch-repo.ts';
import { mergeStage, removeStagedRepeats } from '../../store/repos/stage-repo.ts';
import { bumpStoreVersion, metricPart } from '../../store/repos/version-repo.ts';
import type { Database } from '../../store/tables.ts';
import type { BatchIdentity } from './batch.ts';
import type { ImportResult } from './report.ts';

export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** The metrics whose values the merge inserted or changed. */
  changedMetricIds: string[];
}

/**
 * The merge step: drops exact repeats, merges the stage into `observation` (a changed value moves
 * the earlier one to `observation_history`), completes the batch row, writes the `import.file`
 * audit entry (naming the batch it re-asserts, for `--edition-of`) and bumps the data version and
 * the versions of the parts it changed (each changed metric, and the reference data when the file
 * changed organisations, memberships or metrics) — all in the import's transaction.
 */
export async function mergeBatch(
  trx: Kysely<Database>,
  batch: BatchIdentity & {
    batchId: number;
    format: ImportFormat | undefined;
    finishedAt: () => Date;
    /** The earlier batch whose edition this import re-asserts. */
    editionOf?: number;
    /** Whether the import added or changed organisations, memberships or metric definitions. */
    referencesChanged?: boolean;
  },
  result: ImportResult,
  options: { repeats: boolean },
): Promise<MergeCounts> {
  if (options.repeats) await removeStagedRepeats(trx);
  const edition = path.basename(batch.file);
  const counts = await mergeStage(trx, {
    batchId: batch.batchId,
    publication: batch.format?.publication ?? 'unknown',
    edition,
  });
  await updateBatch(trx, batch.batchId, {
    format: batch.format?.id ?? null,
    publication: batch.format?.publication ?? null,
    row_count: result.rows,
    observation_count: result.observations,
    inserted_count: counts.inserted,
    updated_count: counts.updated,
    unchanged_count: counts.unchanged,
    issues: result.issues,
    finished_at: batch.finishedAt(),
  });
  await insertAuditEntry(trx, {
    at: batch.startedAt,
    actorUserId: actorUserId(batch.actor),
    actorLabel: actorLabel(batch.actor),
    action: 'import.file',
    entityType: 'import_batch',
    entityId: String(batch.batchId),
    orgCode: null,
    before: null,
    after: {
      file: path.basename(batch.file),
      format: batch.format?.id ?? null,
      contentHash: batch.hash,
      observations: result.observations,
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      ...(batch.editionOf === undefined ? {} : { editionOf: batch.editionOf }),
    },
  });
  await bumpStoreVersion(trx, {
    data: {
      parts: [
        ...counts.changedMetricIds.map(metricPart),
        ...(batch.referencesChanged === false ? [] : ['reference']),
      ],
    },
  });
  return counts;
}
