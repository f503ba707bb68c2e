import { type Kysely, sql } from 'kysely';

/**
 * `store_meta`: small facts about the store itself, one text value per key. `tend demo` keeps there
 * what it built its store from (the bundled files' fingerprint), written only once everything was
 * loaded, so that its next start can reuse the store instead of loading it again.
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table store_meta (key text primary key, value text not null)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table store_meta`.execute(db);
}
