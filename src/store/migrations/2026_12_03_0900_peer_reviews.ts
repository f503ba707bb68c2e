import { type Kysely, sql } from 'kysely';

/**
 * Peer review between organisations: a review a host organisation invites (its focus, the questions
 * it wants answered, the stage dates and what it made public), the peer team (Tend users of other
 * organisations who accept, and named people without an account, each with a role), findings and
 * recommendations per theme, the action plan's agreed actions, and the reminders sent about stage
 * dates (each once). Follow-ups now belong to a review conversation or to a peer review's action.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table peer_review (
      id serial primary key,
      host_org_code text not null references organisation(code),
      focus text not null check (focus in ('culture','service')),
      title text not null,
      questions text not null,
      stage text not null check (stage in ('scoping','team','on_site','findings','report_published','progress_published')),
      scoping_by date not null,
      on_site_from date not null,
      on_site_to date not null,
      report_due date not null,
      progress_due date,
      report_summary text,
      report_published_on date,
      progress_summary text,
      progress_published_on date,
      public_report boolean not null default false,
      public_action_plan boolean not null default false,
      public_progress boolean not null default false,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      is_example boolean not null default false,
      check (on_site_to >= on_site_from),
      check (report_due >= on_site_to)
    )`.execute(db);
  await sql`create index peer_review_host on peer_review (host_org_code)`.execute(db);

  await sql`
    create table peer_review_member (
      id serial primary key,
      peer_review_id integer not null references peer_review(id),
      name text not null,
      role text not null check (role in ('lead','clinician','manager','patient','lay')),
      org_code text references organisation(code),
      user_id integer references app_user(id),
      state text not null check (state in ('invited','accepted','declined','named')),
      check ((state = 'named') = (user_id is null))
    )`.execute(db);
  await sql`create index peer_review_member_review on peer_review_member (peer_review_id)`.execute(db);
  await sql`create index peer_review_member_user on peer_review_member (user_id) where user_id is not null`.execute(
    db,
  );

  await sql`
    create table peer_review_finding (
      id serial primary key,
      peer_review_id integer not null references peer_review(id),
      theme text not null,
      kind text not null check (kind in ('finding','recommendation')),
      body text not null,
      author_user_id integer references app_user(id),
      author_label text not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index peer_review_finding_review on peer_review_finding (peer_review_id)`.execute(db);

  await sql`
    create table peer_review_action (
      id serial primary key,
      peer_review_id integer not null references peer_review(id),
      description text not null,
      owner_user_id integer references app_user(id),
      owner_name text not null,
      due_on date not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index peer_review_action_review on peer_review_action (peer_review_id)`.execute(db);

  await sql`
    create table peer_review_reminder (
      id serial primary key,
      peer_review_id integer not null references peer_review(id),
      deadline text not null,
      due_on date not null,
      kind text not null check (kind in ('approaching','passed')),
      sent_at timestamptz not null,
      unique (peer_review_id, deadline, due_on, kind)
    )`.execute(db);

  await sql`alter table follow_up alter column review_id drop not null`.execute(db);
  await sql`alter table follow_up add column peer_review_id integer references peer_review(id)`.execute(db);
  await sql`alter table follow_up add column peer_review_action_id integer references peer_review_action(id)`.execute(
    db,
  );
  await sql`alter table follow_up add constraint follow_up_one_origin
    check ((review_id is null) <> (peer_review_id is null))`.execute(db);
  await sql`create index follow_up_peer_review on follow_up (peer_review_id) where peer_review_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table follow_up drop constraint follow_up_one_origin`.execute(db);
  await sql`delete from inbox_message where follow_up_id in (select id from follow_up where peer_review_id is not null)`.execute(
    db,
  );
  await sql`delete from outbox_message where follow_up_id in (select id from follow_up where peer_review_id is not null)`.execute(
    db,
  );
  await sql`delete from follow_up where peer_review_id is not null`.execute(db);
  await sql`alter table follow_up drop column peer_review_action_id`.execute(db);
  await sql`alter table follow_up drop column peer_review_id`.execute(db);
  await sql`alter table follow_up alter column review_id set not null`.execute(db);
  await sql`drop table peer_review_reminder`.execute(db);
  await sql`drop table peer_review_action`.execute(db);
  await sql`drop table peer_review_finding`.execute(db);
  await sql`drop table peer_review_member`.execute(db);
  await sql`drop table peer_review`.execute(db);
}
