import type { Kysely } from 'kysely';
import { type StoreCounts, storeCounts } from '../store/repos/series-repo.ts';
import type { Database } from '../store/tables.ts';

export type StoreStatus = StoreCounts;

/** Counts of what the store holds. */
export async function storeStatus(db: Kysely<Database>): Promise<StoreStatus> {
  return storeCounts(db);
}
