import type { Kysely } from 'kysely';
import type { Database } from '../tables.ts';

/** Marking made-up content as examples (`is_example`), as the demo does for what it writes. */

/** `markNarrativesAsExamples`: sets `is_example` on the narratives; returns how many. */
export async function markNarrativesAsExamples(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('narrative')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** `markAnnotationsAsExamples`: sets `is_example` on the annotations; returns how many. */
export async function markAnnotationsAsExamples(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('annotation')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** `markInquiriesAsExamples`: sets `is_example` on the inquiries; returns how many. */
export async function markInquiriesAsExamples(db: Kysely<Database>, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('inquiry')
    .set({ is_example: true })
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
