import { type Kysely, sql } from 'kysely';

/**
 * Ethical reflection boards: a board for an organisation or a system (an ICB), its members (staff,
 * patients and lay people, each with a term, one or more of them chairing), the commentary members
 * write on how the organisation is living its values (draft → in moderation by the chair →
 * published, or restricted with the reason shown), and the organisation's right of reply beside a
 * published commentary, which may say what it changed.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table board (
      id serial primary key,
      org_code text not null references organisation(code),
      name text not null,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      is_example boolean not null default false
    )`.execute(db);
  await sql`create index board_org on board (org_code)`.execute(db);

  await sql`
    create table board_member (
      id serial primary key,
      board_id integer not null references board(id),
      name text not null,
      name_public boolean not null default false,
      role text not null check (role in ('staff','patient','lay')),
      user_id integer references app_user(id),
      is_chair boolean not null default false,
      term_from date not null,
      term_to date,
      check (term_to is null or term_to >= term_from)
    )`.execute(db);
  await sql`create index board_member_board on board_member (board_id)`.execute(db);
  await sql`create index board_member_user on board_member (user_id) where user_id is not null`.execute(db);

  await sql`
    create table board_commentary (
      id serial primary key,
      board_id integer not null references board(id),
      author_user_id integer references app_user(id),
      author_label text not null,
      subject text not null,
      state text not null check (state in ('draft','in_moderation','published','restricted')),
      restricted_reason text,
      title text not null,
      body text not null,
      created_at timestamptz not null,
      submitted_at timestamptz,
      moderated_at timestamptz,
      moderated_by integer references app_user(id),
      is_example boolean not null default false,
      check ((state = 'restricted') = (restricted_reason is not null))
    )`.execute(db);
  await sql`create index board_commentary_board on board_commentary (board_id, state)`.execute(db);

  await sql`
    create table board_reply (
      id serial primary key,
      commentary_id integer not null references board_commentary(id),
      org_code text not null references organisation(code),
      body text not null,
      what_we_changed text,
      written_by integer references app_user(id),
      written_by_label text not null,
      written_at timestamptz not null
    )`.execute(db);
  await sql`create index board_reply_commentary on board_reply (commentary_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table board_reply`.execute(db);
  await sql`drop table board_commentary`.execute(db);
  await sql`drop table board_member`.execute(db);
  await sql`drop table board`.execute(db);
}
