import { type Kysely, sql } from 'kysely';

/**
 * Signals: one row per episode — an organisation × metric × kind × stretch of consecutive signalling
 * points — so a run of twelve concern points is one signal, updated as it goes on. Recomputing finds
 * an episode by (org_code, metric_id, kind, first_date) and updates it; an episode no longer found is
 * closed. `status` is the lifecycle people move it through: new → acknowledged → inquiry opened |
 * understood (with a written reason) | data question (with a note) → closed.
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table signal (
      id serial primary key,
      org_code text not null references organisation(code),
      metric_id text not null references metric(id),
      kind text not null check (kind in ('concern','improvement','assurance','segment_change','data_question')),
      status text not null default 'new'
        check (status in ('new','acknowledged','inquiry_opened','understood','data_question','closed')),
      status_note text,
      detail text not null,
      first_date date not null,
      latest_date date not null,
      points integer not null default 1 check (points >= 1),
      latest_value double precision,
      opened_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz,
      closed_reason text check (closed_reason in ('common_cause','inquiry_closed','by_hand')),
      status_changed_at timestamptz,
      status_changed_by text,
      version integer not null default 1,
      check (latest_date >= first_date),
      check ((status = 'closed') = (closed_at is not null)),
      check (status not in ('understood','data_question') or status_note is not null),
      unique (org_code, metric_id, kind, first_date)
    )`.execute(db);
  await sql`create index signal_open on signal (status, kind) where closed_at is null`.execute(db);
  await sql`create index signal_series on signal (org_code, metric_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table signal`.execute(db);
}
