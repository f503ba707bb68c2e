import { type Kysely, sql } from 'kysely';

/**
 * Versions of the parts of the stored data, so a result kept in memory is recomputed only when
 * the data it reads change: `metric:<id>` (that metric's observations and series settings, bumped by
 * an import that changed its values and by a rebase of one of its series), `reference` (the
 * organisations, memberships and metric definitions, bumped by an import that changed them) and
 * `all` (everything, bumped by a restore and by any write that cannot say what it changed). Every
 * such transaction still increments `store_version.data_version` as well.
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table data_part_version (
      part text primary key,
      version bigint not null
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table data_part_version`.execute(db);
}
