import { type Kysely, sql } from 'kysely';

/**
 * Example circles: `circle.is_example` marks a circle the demo invented, shown "Example" on its pages.
 * Its creator marks it (the only change to a circle row row security admits besides the
 * maintenance setting). Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table circle add column is_example boolean not null default false`.execute(db);
  await sql`
    create policy circle_mark_example on circle for update
      using (created_by = tend_viewer_user_id() and tend_is_circle_member(id))
      with check (created_by = tend_viewer_user_id())`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop policy circle_mark_example on circle`.execute(db);
  await sql`alter table circle drop column is_example`.execute(db);
}
