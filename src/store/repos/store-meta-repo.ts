import type { Kysely } from 'kysely';
import type { Database } from '../tables.ts';

/** Small facts about the store itself (`store_meta`), one text value per key. */

/** The value kept under `key`, or undefined when there is none. */
export async function readStoreMeta(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('store_meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Keeps `value` under `key`, replacing what was there, inside the caller's transaction. */
export async function writeStoreMeta(db: Kysely<Database>, key: string, value: string): Promise<void> {
  await db
    .insertInto('store_meta')
    .values({ key, value })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
    .execute();
}
