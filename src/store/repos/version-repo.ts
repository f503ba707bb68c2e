import type { Kysely } from 'kysely';
import type { Database } from '../tables.ts';

/**
 * The store's versions: `data` changes with every commit that changes what the engines compute
 * (an import, a rebase); `dialogue` with every audited write. Every such transaction increments them,
 * so a cache keyed on them sees every commit, whatever order concurrent transactions commit in.
 */
export interface StoreVersion {
  readonly data: number;
  readonly dialogue: number;
}

export async function readStoreVersion(db: Kysely<Database>): Promise<StoreVersion> {
  const row = await db
    .selectFrom('store_version')
    .select(['data_version', 'dialogue_version'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return { data: Number(row?.data_version ?? 0), dialogue: Number(row?.dialogue_version ?? 0) };
}

/** Increments the dialogue version, and the data version when `data` is true, inside the caller's transaction. */
export async function bumpStoreVersion(db: Kysely<Database>, options: { data: boolean }): Promise<void> {
  await db
    .updateTable('store_version')
    .set((eb) => ({
      dialogue_version: eb('dialogue_version', '+', 1),
      ...(options.data ? { data_version: eb('data_version', '+', 1) } : {}),
    }))
    .where('id', '=', 1)
    .execute();
}
