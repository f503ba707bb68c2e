import { type Kysely, sql } from 'kysely';

/**
 * People, permissions, audit and the first dialogue: users with dated role grants, links to single
 * sign-on identities and the mapping from a provider's role claims to Tend roles, server-side web
 * sessions, API tokens, the append-only audit log, narratives with immutable versions, annotations
 * (a rebase is one) with the series' SPC configuration they drive, and the store's version counters.
 *
 * The audit log and narrative versions refuse UPDATE, DELETE and TRUNCATE by trigger: append-only is
 * enforced by the database, not by convention.
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table app_user (
      id serial primary key,
      email text not null unique check (email = lower(email) and position('@' in email) > 1),
      display_name text not null,
      password_hash text,
      disabled_at timestamptz,
      failed_sign_ins integer not null default 0,
      locked_until timestamptz,
      last_sign_in_at timestamptz,
      is_demo boolean not null default false,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table role_grant (
      id serial primary key,
      user_id integer not null references app_user(id),
      role text not null check (role in ('member','contributor','admin','system-lead','oversight','facilitator')),
      scope_kind text not null check (scope_kind in ('organisation','system','region','england','none')),
      scope_code text references organisation(code),
      valid_from date not null,
      valid_to date,
      granted_by text not null,
      created_at timestamptz not null default now(),
      check ((scope_kind in ('england','none')) = (scope_code is null)),
      check (valid_to is null or valid_to >= valid_from)
    )`.execute(db);
  await sql`create index role_grant_user on role_grant (user_id)`.execute(db);

  await sql`
    create table identity_link (
      provider text not null,
      subject text not null,
      user_id integer not null references app_user(id),
      created_at timestamptz not null default now(),
      primary key (provider, subject)
    )`.execute(db);

  await sql`
    create table sso_role_mapping (
      provider text not null,
      claim_role text not null,
      tend_role text not null check (tend_role in ('member','contributor','admin')),
      primary key (provider, claim_role)
    )`.execute(db);

  await sql`
    create table web_session (
      sid text primary key,
      user_id integer references app_user(id),
      data jsonb not null,
      expires_at timestamptz not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index web_session_user on web_session (user_id)`.execute(db);
  await sql`create index web_session_expiry on web_session (expires_at)`.execute(db);

  await sql`
    create table api_token (
      id serial primary key,
      user_id integer not null references app_user(id),
      name text not null,
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      unique (user_id, name)
    )`.execute(db);

  await sql`
    create table audit_log (
      id bigserial primary key,
      at timestamptz not null,
      actor_user_id integer references app_user(id),
      actor_label text not null,
      action text not null,
      entity_type text not null,
      entity_id text,
      org_code text,
      before jsonb,
      after jsonb
    )`.execute(db);
  await sql`create index audit_log_org on audit_log (org_code, at)`.execute(db);

  await sql`
    create function tend_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'The % table is append-only: rows can be added, never changed or removed', TG_TABLE_NAME
        using errcode = 'P0001';
    end $$`.execute(db);

  await sql`
    create table narrative (
      id serial primary key,
      org_code text not null references organisation(code),
      metric_id text references metric(id),
      period_from date,
      period_to date,
      kind text not null check (kind in ('metric_commentary','financial_stewardship','team_story','patient_story','listening_walk')),
      title text not null,
      visibility text not null check (visibility in ('public','organisation','named')),
      status text not null check (status in ('draft','published','withdrawn')),
      current_version integer not null,
      created_by integer references app_user(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      published_at timestamptz,
      is_example boolean not null default false
    )`.execute(db);
  await sql`create index narrative_org on narrative (org_code, metric_id)`.execute(db);

  await sql`
    create table narrative_version (
      narrative_id integer not null references narrative(id),
      version integer not null,
      title text not null,
      body text not null,
      kind text not null,
      visibility text not null,
      status text not null,
      metric_id text,
      period_from date,
      period_to date,
      written_by integer references app_user(id),
      written_at timestamptz not null,
      primary key (narrative_id, version)
    )`.execute(db);

  await sql`
    create table narrative_reader (
      narrative_id integer not null references narrative(id),
      user_id integer not null references app_user(id),
      primary key (narrative_id, user_id)
    )`.execute(db);

  await sql`
    create table annotation (
      id serial primary key,
      org_code text not null references organisation(code),
      metric_id text not null references metric(id),
      on_date date not null,
      kind text not null check (kind in ('event','change_idea','data_issue','rebase')),
      text text not null,
      visibility text not null check (visibility in ('public','organisation')),
      status text not null check (status in ('draft','published','withdrawn')),
      rebase_reason text,
      created_by integer references app_user(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      is_example boolean not null default false,
      check ((kind = 'rebase') = (rebase_reason is not null)),
      check (kind <> 'rebase' or visibility = 'public')
    )`.execute(db);
  await sql`create index annotation_series on annotation (org_code, metric_id, on_date)`.execute(db);

  await sql`
    create table series_config (
      org_code text not null references organisation(code),
      metric_id text not null references metric(id),
      rebase_dates date[] not null default '{}',
      updated_by text not null,
      updated_at timestamptz not null,
      primary key (org_code, metric_id)
    )`.execute(db);

  await sql`
    create table store_version (
      id integer primary key check (id = 1),
      data_version bigint not null,
      dialogue_version bigint not null
    )`.execute(db);
  await sql`insert into store_version (id, data_version, dialogue_version) values (1, 1, 1)`.execute(db);

  await sql`alter table import_batch add column imported_by text`.execute(db);

  for (const table of ['audit_log', 'narrative_version']) {
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function tend_refuse_change()`.execute(db);
    await sql`
      create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function tend_refuse_change()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table import_batch drop column imported_by`.execute(db);
  for (const table of [
    'store_version',
    'series_config',
    'annotation',
    'narrative_reader',
    'narrative_version',
    'narrative',
    'audit_log',
    'api_token',
    'web_session',
    'sso_role_mapping',
    'identity_link',
    'role_grant',
    'app_user',
  ])
    await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`drop function tend_refuse_change()`.execute(db);
}
