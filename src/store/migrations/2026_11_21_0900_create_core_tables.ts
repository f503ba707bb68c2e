import { type Kysely, sql } from 'kysely';

/**
 * Organisations, memberships, metrics, observations (with history) and import batches.
 *
 * `observation` has no foreign keys: per-row checks made bulk imports several times slower on the
 * embedded database. The import use case checks organisation and metric codes against the store before
 * it merges (docs/decisions/0002-observation-without-foreign-keys.md).
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table organisation (
      code text primary key,
      name text not null,
      kind text not null check (kind in ('trust','icb','region','country','group','team','independent_provider','other_provider')),
      nof_trust_type text,
      nof_trust_subtype text,
      postcode text,
      opened_on date,
      closed_on date,
      successor_code text references organisation(code),
      source text not null,
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table membership (
      id serial primary key,
      member_code text not null references organisation(code),
      parent_code text not null references organisation(code),
      relation text not null check (relation in ('icb_ods','icb_nhse','region','group')),
      valid_from date not null,
      valid_to date,
      source text not null,
      unique (member_code, relation, parent_code, valid_from)
    )`.execute(db);
  await sql`create index membership_parent on membership (parent_code, relation)`.execute(db);

  await sql`
    create table metric (
      id text primary key,
      name text not null,
      description text,
      unit text not null,
      direction text not null check (direction in ('higher_is_better','lower_is_better','neutral')),
      domain text,
      subdomain text,
      source_publication text,
      numerator_definition text,
      denominator_definition text,
      builtin boolean not null default false
    )`.execute(db);

  await sql`
    create table import_batch (
      id serial primary key,
      file_name text not null,
      content_hash text not null,
      format text,
      publication text,
      edition text,
      row_count integer not null default 0,
      observation_count integer not null default 0,
      inserted_count integer not null default 0,
      updated_count integer not null default 0,
      unchanged_count integer not null default 0,
      issues jsonb not null default '[]',
      outcome text not null check (outcome in ('imported','rejected')),
      started_at timestamptz not null,
      finished_at timestamptz not null
    )`.execute(db);
  await sql`create index import_batch_hash on import_batch (content_hash)`.execute(db);

  await sql`
    create table observation (
      org_code text not null,
      metric_id text not null,
      period_start date not null,
      period_end date not null,
      granularity text not null check (granularity in ('day','month','quarter','year')),
      value double precision,
      numerator double precision,
      denominator double precision,
      status text not null check (status in ('reported','missing','suppressed','not_applicable')),
      note text,
      detail jsonb,
      batch_id integer not null,
      publication text not null,
      edition text,
      recorded_at timestamptz not null default now(),
      primary key (org_code, metric_id, granularity, period_start),
      check (status = 'reported' or value is null),
      check (period_end >= period_start)
    )`.execute(db);
  await sql`create index observation_metric_period on observation (metric_id, period_start)`.execute(db);

  await sql`
    create table observation_history (
      id serial primary key,
      org_code text not null,
      metric_id text not null,
      period_start date not null,
      period_end date not null,
      granularity text not null,
      value double precision,
      numerator double precision,
      denominator double precision,
      status text not null,
      note text,
      detail jsonb,
      batch_id integer not null,
      publication text not null,
      edition text,
      recorded_at timestamptz not null,
      superseded_at timestamptz not null default now(),
      superseded_by_batch integer not null references import_batch(id)
    )`.execute(db);
  await sql`create index observation_history_key on observation_history (org_code, metric_id, period_start)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'observation_history',
    'observation',
    'import_batch',
    'metric',
    'membership',
    'organisation',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
