import { type Kysely, sql } from 'kysely';

/**
 * Confidential peer circles and the personal reflective journal. A circle is a closed group of named
 * Tend users (within or across organisations) that keeps what it chose to keep of its meetings:
 * dates only, themes, or notes — enforced here by check constraints on each meeting row. A journal
 * entry is its author's alone until they share it into one circle they belong to.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table circle (
      id serial primary key,
      name text not null,
      what_is_kept text not null check (what_is_kept in ('dates','themes','notes')),
      created_by integer not null references app_user(id),
      created_at timestamptz not null
    )`.execute(db);

  await sql`
    create table circle_member (
      circle_id integer not null references circle(id),
      user_id integer not null references app_user(id),
      joined_at timestamptz not null,
      left_at timestamptz,
      primary key (circle_id, user_id)
    )`.execute(db);
  await sql`create index circle_member_user on circle_member (user_id) where left_at is null`.execute(db);

  await sql`
    create table circle_meeting (
      id serial primary key,
      circle_id integer not null references circle(id),
      met_on date not null,
      kept text not null check (kept in ('dates','themes','notes')),
      themes text,
      notes text,
      check (kept <> 'dates' or (themes is null and notes is null)),
      check (kept <> 'themes' or notes is null)
    )`.execute(db);
  await sql`create index circle_meeting_circle on circle_meeting (circle_id, met_on)`.execute(db);

  await sql`
    create table journal_entry (
      id serial primary key,
      author_user_id integer not null references app_user(id),
      written_at timestamptz not null,
      title text not null,
      body text not null,
      shared_to_circle_id integer references circle(id),
      shared_at timestamptz,
      check ((shared_to_circle_id is null) = (shared_at is null))
    )`.execute(db);
  await sql`create index journal_entry_author on journal_entry (author_user_id)`.execute(db);
  await sql`create index journal_entry_circle on journal_entry (shared_to_circle_id) where shared_to_circle_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table journal_entry`.execute(db);
  await sql`drop table circle_meeting`.execute(db);
  await sql`drop table circle_member`.execute(db);
  await sql`drop table circle`.execute(db);
}
