import { type Kysely, sql } from 'kysely';

/**
 * Teams and their own indicators. A team is an `organisation` row of kind `team`, tied to the
 * organisation it belongs to by a `team_of` membership (so `membership.relation` takes a new value).
 * Its people are role grants on the team's code. A team indicator is a `metric` row (not built in)
 * with an id `team.<TEAMCODE>.<slug>` and one `team_indicator` row saying whose it is, why it
 * matters, its optional target and who may read it (public, or the organisation only); its values
 * are `observation` rows with the team's code, so charts, annotations and signals need no special case.
 *
 * Frozen: never edit a migration once it has landed; add a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table membership drop constraint membership_relation_check`.execute(db);
  await sql`
    alter table membership add constraint membership_relation_check
      check (relation in ('icb_ods','icb_nhse','region','group','team_of'))`.execute(db);

  await sql`
    create table team_indicator (
      metric_id text primary key references metric(id),
      team_code text not null references organisation(code),
      slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      why_it_matters text not null,
      target double precision,
      visibility text not null check (visibility in ('public','organisation')),
      created_by integer references app_user(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      is_example boolean not null default false,
      unique (team_code, slug),
      check (metric_id = 'team.' || team_code || '.' || slug)
    )`.execute(db);
  await sql`create index team_indicator_team on team_indicator (team_code)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table team_indicator`.execute(db);
  await sql`delete from membership where relation = 'team_of'`.execute(db);
  await sql`alter table membership drop constraint membership_relation_check`.execute(db);
  await sql`
    alter table membership add constraint membership_relation_check
      check (relation in ('icb_ods','icb_nhse','region','group'))`.execute(db);
}
