import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import { findBatch, findImportedBatchByHash } from '../../store/repos/batch-repo.ts';
import type { Database } from '../../store/tables.ts';

/**
 * Checks that `batchId` is an imported batch holding exactly this content, before the file is
 * imported again to re-assert that edition (after a revised one replaced its values). Refuses a
 * batch that does not exist, was refused, or holds another file — naming the batch that does hold
 * this one, when there is one.
 */
export async function checkEditionOf(
  db: Kysely<Database>,
  batchId: number,
  file: string,
  contentHash: string,
): Promise<void> {
  const batch = await findBatch(db, batchId);
  if (batch?.outcome !== 'imported')
    throw new AppError(
      'NOT_FOUND',
      `there is no imported batch ${batchId}; --edition-of takes the batch number \`tend import\` printed when the file was first imported`,
    );
  if (batch.content_hash === contentHash) return;
  const holder = await findImportedBatchByHash(db, contentHash);
  throw new AppError(
    'INVALID_ARGUMENT',
    `${file} is not the file of batch ${batchId} (${batch.file_name}): its content differs${holder ? `; it was imported as batch ${holder.id}, so use --edition-of ${holder.id}` : ''}`,
  );
}
