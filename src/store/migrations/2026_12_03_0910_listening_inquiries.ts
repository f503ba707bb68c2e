import { type Kysely, sql } from 'kysely';

/**
 * Listening inquiries: an organisation, place or ICB (a system's seasonal listening assembly is one
 * with kind 'assembly') asks a question, records who took part (by group, with counts and roles),
 * the themes heard, quotes (public only with consent recorded), the organisations and metrics it
 * concerns, what will change and when it will report back (draft → published → reported back). The
 * convenor's raw notes sit in their own table, which only the convenor's writers read.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table listening_inquiry (
      id serial primary key,
      convenor_org_code text not null references organisation(code),
      kind text not null check (kind in ('inquiry','assembly')),
      question text not null,
      state text not null check (state in ('draft','published','reported_back')),
      what_will_change text,
      report_back_by date,
      report_back_text text,
      reported_back_at timestamptz,
      published_at timestamptz,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      is_example boolean not null default false,
      check (state = 'draft' or report_back_by is not null),
      check ((state = 'reported_back') = (report_back_text is not null))
    )`.execute(db);
  await sql`create index listening_inquiry_convenor on listening_inquiry (convenor_org_code, state)`.execute(
    db,
  );

  await sql`
    create table listening_participant (
      id serial primary key,
      inquiry_id integer not null references listening_inquiry(id),
      participant_group text not null check (participant_group in ('staff','patients','families','community')),
      head_count integer not null check (head_count >= 0),
      roles text,
      names text
    )`.execute(db);
  await sql`create index listening_participant_inquiry on listening_participant (inquiry_id)`.execute(db);

  await sql`
    create table listening_theme (
      id serial primary key,
      inquiry_id integer not null references listening_inquiry(id),
      position integer not null,
      theme text not null
    )`.execute(db);
  await sql`create index listening_theme_inquiry on listening_theme (inquiry_id, position)`.execute(db);

  await sql`
    create table listening_quote (
      id serial primary key,
      inquiry_id integer not null references listening_inquiry(id),
      position integer not null,
      quote text not null,
      speaker text,
      consent_recorded boolean not null default false
    )`.execute(db);
  await sql`create index listening_quote_inquiry on listening_quote (inquiry_id, position)`.execute(db);

  await sql`
    create table listening_concern (
      id serial primary key,
      inquiry_id integer not null references listening_inquiry(id),
      org_code text references organisation(code),
      metric_id text,
      check ((org_code is null) <> (metric_id is null))
    )`.execute(db);
  await sql`create index listening_concern_inquiry on listening_concern (inquiry_id)`.execute(db);
  await sql`create index listening_concern_org on listening_concern (org_code) where org_code is not null`.execute(
    db,
  );
  await sql`create index listening_concern_metric on listening_concern (metric_id) where metric_id is not null`.execute(
    db,
  );

  await sql`
    create table listening_raw_notes (
      inquiry_id integer primary key references listening_inquiry(id),
      notes text not null
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table listening_raw_notes`.execute(db);
  await sql`drop table listening_concern`.execute(db);
  await sql`drop table listening_quote`.execute(db);
  await sql`drop table listening_theme`.execute(db);
  await sql`drop table listening_participant`.execute(db);
  await sql`drop table listening_inquiry`.execute(db);
}
