import { type Kysely, sql } from 'kysely';
import type { Database } from '../tables.ts';

/**
 * The observation table's indexes that only serve reads: a bulk load of an empty table sets them
 * aside and builds them again once it is done.
 */

/** An index as the catalogue defines it: its name and its `create index` statement. */
export interface IndexDefinition {
  name: string;
  definition: string;
}

/** Whether the observation table holds any row. */
export async function observationsExist(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('observation').select(sql<number>`1`.as('one')).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * observationReadIndexes: the observation table's indexes that back no constraint (not its primary
 * key, nor any unique index), each with `pg_get_indexdef`'s statement for building it again.
 */
export async function observationReadIndexes(db: Kysely<Database>): Promise<IndexDefinition[]> {
  const result = await sql<IndexDefinition>`
    select i.relname as name, pg_get_indexdef(x.indexrelid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = 'observation'::regclass and not x.indisprimary and not x.indisunique
    order by i.relname`.execute(db);
  return result.rows;
}

/** Drops one of the indexes `observationReadIndexes` named. */
export async function dropIndex(db: Kysely<Database>, index: IndexDefinition): Promise<void> {
  await sql`drop index ${sql.id(index.name)}`.execute(db);
}

/** Builds an index again from the statement `observationReadIndexes` read from the catalogue (never from input). */
export async function createIndex(db: Kysely<Database>, index: IndexDefinition): Promise<void> {
  await sql.raw(index.definition).execute(db);
}
