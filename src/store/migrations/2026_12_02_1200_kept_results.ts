import { type Kysely, sql } from 'kysely';

/**
 * `kept_result`: results computed from the stored data that are worth keeping across restarts (an
 * Oversight Framework assessment runs a 4,000-replicate bootstrap), one row per key holding the
 * latest: the versions of the data it was computed from (`token`), the code that computed it
 * (`engine`), and the result in V8's serialisation format. Derived data, like a cache: a row is
 * used only while both its token and its engine match, and a later result replaces it.
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table kept_result (
      key text primary key,
      token text not null,
      engine text not null,
      value bytea not null,
      computed_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table kept_result`.execute(db);
}
