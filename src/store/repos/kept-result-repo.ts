import type { Kysely } from 'kysely';
import type { Database } from '../tables.ts';

/** Results computed from the stored data and kept across restarts (`kept_result`), one row per key. */

/** The value kept under `key` when it was computed from data at `token` by the code `engine`; else undefined. */
export async function readKeptResult(
  db: Kysely<Database>,
  key: string,
  token: string,
  engine: string,
): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('kept_result')
    .select('value')
    .where('key', '=', key)
    .where('token', '=', token)
    .where('engine', '=', engine)
    .executeTakeFirst();
  return row?.value;
}

/** Keeps `value` under `key`, replacing whatever was kept there before. */
export async function writeKeptResult(
  db: Kysely<Database>,
  row: { key: string; token: string; engine: string; value: Uint8Array; computedAt: Date },
): Promise<void> {
  await db
    .insertInto('kept_result')
    .values({
      key: row.key,
      token: row.token,
      engine: row.engine,
      value: row.value,
      computed_at: row.computedAt,
    })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        token: row.token,
        engine: row.engine,
        value: row.value,
        computed_at: row.computedAt,
      }),
    )
    .execute();
}
