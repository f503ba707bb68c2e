import { type Kysely, sql } from 'kysely';
import type { Database } from '../tables.ts';

/** The tables in the database's current schema, by name: none in a database nothing was put in yet. */
export async function listTables(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  return result.rows.map((row) => row.table_name);
}
