import { type Kysely, sql } from 'kysely';

/**
 * The improvement directory, review conversations, follow-ups, the inbox and outbox, and
 * escalations to a regulator.
 *
 * - A directory entry records who improved what: its metrics, the organisation or team, the period,
 *   the chart frozen at publication, what they did and what did not work (immutable versions), effort
 *   and resources, contacts with recorded consent and a review-by date, and the organisations that
 *   adopted the idea since. States: candidate → invited → published → stale → withdrawn. Change
 *   ideas are short named tactics per metric, linked to the entries that used them.
 * - A review is a quarterly conversation between an overseer (an NHS England region or an ICB) and
 *   an organisation: who attended, notes, the offers of help made and accepted, agreed actions (an
 *   owner on either side, a due date, the support offered and by whom) and a follow-up date.
 * - A follow-up asks, on its due date, how an agreed action went; its answer is an outcome (helped,
 *   partly, not yet, did not) and, when a change was made, the date the chart should show it from.
 * - The inbox holds messages for one signed-in person; the outbox every email Tend sent or would
 *   have sent (without SMTP configured, messages go to the inbox only and the outbox says so).
 * - An escalation is a concern a provider raises directly with its NHS England region or its ICB:
 *   raised → acknowledged → responded → closed, each step dated.
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table change_idea (
      id serial primary key,
      metric_id text not null references metric(id),
      name text not null,
      summary text not null default '',
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      is_example boolean not null default false,
      unique (metric_id, name)
    )`.execute(db);

  await sql`
    create table directory_entry (
      id serial primary key,
      org_code text not null references organisation(code),
      title text not null,
      state text not null check (state in ('candidate','invited','published','stale','withdrawn')),
      source text not null check (source in ('facilitator','nomination','learning_review')),
      inquiry_id integer references inquiry(id),
      period_start date,
      period_end date,
      effort text not null default '',
      resources text not null default '',
      evidence jsonb,
      withdrawn_reason text,
      published_at timestamptz,
      withdrawn_at timestamptz,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1,
      is_example boolean not null default false,
      check ((state = 'withdrawn') = (withdrawn_at is not null)),
      check (state not in ('published','stale') or published_at is not null)
    )`.execute(db);
  await sql`create index directory_entry_org on directory_entry (org_code)`.execute(db);

  await sql`
    create table directory_entry_metric (
      entry_id integer not null references directory_entry(id),
      metric_id text not null references metric(id),
      primary key (entry_id, metric_id)
    )`.execute(db);
  await sql`create index directory_entry_metric_metric on directory_entry_metric (metric_id)`.execute(db);

  await sql`
    create table directory_entry_version (
      id serial primary key,
      entry_id integer not null references directory_entry(id),
      version integer not null,
      what_they_did text not null,
      what_did_not_work text not null default '',
      written_by integer references app_user(id),
      written_by_label text not null,
      written_at timestamptz not null,
      unique (entry_id, version)
    )`.execute(db);

  await sql`
    create table directory_contact (
      id serial primary key,
      entry_id integer not null references directory_entry(id),
      name text not null,
      role text not null,
      email text not null,
      consent_scope text not null check (consent_scope in ('public','signed_in')),
      consent_recorded_on date not null,
      consent_recorded_by_label text not null,
      review_by date not null,
      removed_at timestamptz
    )`.execute(db);
  await sql`create index directory_contact_entry on directory_contact (entry_id)`.execute(db);

  await sql`
    create table directory_entry_change_idea (
      entry_id integer not null references directory_entry(id),
      change_idea_id integer not null references change_idea(id),
      primary key (entry_id, change_idea_id)
    )`.execute(db);

  await sql`
    create table directory_adoption (
      id serial primary key,
      entry_id integer not null references directory_entry(id),
      org_code text not null references organisation(code),
      adopted_on date not null,
      how_it_went text not null default '',
      outcome text check (outcome in ('helped','partly','not_yet','did_not')),
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null
    )`.execute(db);

  await sql`
    create table review (
      id serial primary key,
      org_code text not null references organisation(code),
      overseer_org_code text not null references organisation(code),
      quarter text not null,
      state text not null check (state in ('planned','held')),
      held_on date,
      notes text not null default '',
      follow_up_on date,
      agreed_by integer references app_user(id),
      agreed_by_label text,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1,
      is_example boolean not null default false,
      check ((state = 'held') = (held_on is not null))
    )`.execute(db);
  await sql`create index review_org on review (org_code, quarter)`.execute(db);
  await sql`create index review_overseer on review (overseer_org_code)`.execute(db);

  await sql`
    create table review_attendee (
      id serial primary key,
      review_id integer not null references review(id),
      name text not null,
      role text not null,
      side text not null check (side in ('organisation','overseer','other'))
    )`.execute(db);
  await sql`create index review_attendee_review on review_attendee (review_id)`.execute(db);

  await sql`
    create table review_offer (
      id serial primary key,
      review_id integer not null references review(id),
      metric_id text not null references metric(id),
      entry_id integer references directory_entry(id),
      from_org_code text not null references organisation(code),
      state text not null check (state in ('made','accepted','declined')),
      note text not null default '',
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index review_offer_review on review_offer (review_id)`.execute(db);

  await sql`
    create table review_action (
      id serial primary key,
      review_id integer not null references review(id),
      description text not null,
      owner_side text not null check (owner_side in ('organisation','overseer')),
      owner_user_id integer references app_user(id),
      owner_name text not null,
      due_on date not null,
      support_offered text not null default '',
      support_by_org_code text references organisation(code),
      offer_id integer references review_offer(id),
      status text not null check (status in ('open','done','dropped')),
      completed_on date,
      created_by integer references app_user(id),
      created_at timestamptz not null,
      check ((status = 'done') = (completed_on is not null))
    )`.execute(db);
  await sql`create index review_action_review on review_action (review_id)`.execute(db);

  await sql`
    create table follow_up (
      id serial primary key,
      review_id integer not null references review(id),
      review_action_id integer references review_action(id),
      due_on date not null,
      state text not null check (state in ('scheduled','asked','answered')),
      asked_at timestamptz,
      outcome text check (outcome in ('helped','partly','not_yet','did_not')),
      answer text not null default '',
      change_made boolean not null default false,
      change_made_on date,
      answered_by integer references app_user(id),
      answered_by_label text,
      answered_at timestamptz,
      created_at timestamptz not null,
      check ((state = 'answered') = (outcome is not null)),
      check ((state = 'scheduled') = (asked_at is null))
    )`.execute(db);
  await sql`create index follow_up_due on follow_up (state, due_on)`.execute(db);
  await sql`create index follow_up_review on follow_up (review_id)`.execute(db);

  await sql`
    create table inbox_message (
      id serial primary key,
      user_id integer not null references app_user(id),
      follow_up_id integer references follow_up(id),
      subject text not null,
      body text not null,
      href text,
      created_at timestamptz not null,
      read_at timestamptz
    )`.execute(db);
  await sql`create index inbox_message_user on inbox_message (user_id, created_at)`.execute(db);

  await sql`
    create table outbox_message (
      id serial primary key,
      to_address text not null,
      to_user_id integer references app_user(id),
      follow_up_id integer references follow_up(id),
      subject text not null,
      text_body text not null,
      transport text not null check (transport in ('smtp','notify','inbox_only')),
      sent_at timestamptz,
      error text,
      created_at timestamptz not null
    )`.execute(db);

  await sql`
    create table escalation (
      id serial primary key,
      raiser_org_code text not null references organisation(code),
      recipient_org_code text not null references organisation(code),
      recipient_kind text not null check (recipient_kind in ('region','icb')),
      topic text not null check (topic in ('performance','finance','quality')),
      title text not null,
      body text not null,
      state text not null check (state in ('raised','acknowledged','responded','closed')),
      response text,
      would_raise_again text check (would_raise_again in ('yes','no','not_sure')),
      closing_comment text,
      raised_by integer references app_user(id),
      raised_by_label text not null,
      raised_at timestamptz not null,
      acknowledged_at timestamptz,
      responded_at timestamptz,
      closed_at timestamptz,
      version integer not null default 1,
      is_example boolean not null default false,
      check ((state = 'closed') = (closed_at is not null))
    )`.execute(db);
  await sql`create index escalation_raiser on escalation (raiser_org_code)`.execute(db);
  await sql`create index escalation_recipient on escalation (recipient_org_code, state)`.execute(db);

  await sql`
    create table escalation_event (
      id serial primary key,
      escalation_id integer not null references escalation(id),
      state text not null check (state in ('raised','acknowledged','responded','closed')),
      note text not null default '',
      by_user integer references app_user(id),
      by_label text not null,
      at timestamptz not null
    )`.execute(db);
  await sql`create index escalation_event_escalation on escalation_event (escalation_id, at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'escalation_event',
    'escalation',
    'outbox_message',
    'inbox_message',
    'follow_up',
    'review_action',
    'review_offer',
    'review_attendee',
    'review',
    'directory_adoption',
    'directory_entry_change_idea',
    'directory_contact',
    'directory_entry_version',
    'directory_entry_metric',
    'directory_entry',
    'change_idea',
  ])
    await sql`drop table ${sql.table(table)}`.execute(db);
}
