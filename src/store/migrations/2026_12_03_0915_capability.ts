import { type Kysely, sql } from 'kysely';

/**
 * NHS IMPACT capability self-assessments: an organisation rates itself on each of the five
 * components (1 to 5), with its evidence and the support it asks for. Every assessment is kept: a new
 * one never overwrites the last. Nothing here feeds the Oversight Framework segment.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table capability_assessment (
      id serial primary key,
      org_code text not null references organisation(code),
      assessed_on date not null,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      is_example boolean not null default false
    )`.execute(db);
  await sql`create index capability_assessment_org on capability_assessment (org_code, assessed_on)`.execute(
    db,
  );

  await sql`
    create table capability_rating (
      id serial primary key,
      assessment_id integer not null references capability_assessment(id),
      component text not null check (component in ('shared_purpose','people_and_culture','leadership','capability_and_capacity','management_systems')),
      level integer not null check (level between 1 and 5),
      evidence text not null,
      support_asked text,
      unique (assessment_id, component)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table capability_rating`.execute(db);
  await sql`drop table capability_assessment`.execute(db);
}
