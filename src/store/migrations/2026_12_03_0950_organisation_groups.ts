import { type Kysely, sql } from 'kysely';

/**
 * Groups and shared leadership: a group of organisations (one board controlling two or more trusts)
 * and its dated memberships. A trust belongs to a group from `from_date` up to and including
 * `to_date` (open-ended while null); the same organisation's stretches in one group never overlap,
 * which a trigger holds — locking the group's row, so two writers cannot both add an overlapping
 * stretch — beside the use cases' own check.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table organisation_group (
      id serial primary key,
      name text not null,
      description text,
      is_example boolean not null default false,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null
    )`.execute(db);

  await sql`
    create table organisation_group_member (
      id serial primary key,
      group_id integer not null references organisation_group(id),
      org_code text not null references organisation(code),
      from_date date not null,
      to_date date,
      added_by integer references app_user(id),
      added_by_label text not null,
      added_at timestamptz not null,
      ended_by integer references app_user(id),
      ended_by_label text,
      ended_at timestamptz,
      check (to_date is null or to_date >= from_date)
    )`.execute(db);
  await sql`create index organisation_group_member_group on organisation_group_member (group_id)`.execute(db);
  await sql`create index organisation_group_member_org on organisation_group_member (org_code)`.execute(db);

  await sql`
    create function tend_group_member_no_overlap() returns trigger language plpgsql as $$
    begin
      perform 1 from organisation_group where id = new.group_id for update;
      if exists (
        select 1 from organisation_group_member other
        where other.group_id = new.group_id
          and other.org_code = new.org_code
          and other.id <> new.id
          and daterange(other.from_date, other.to_date, '[]') && daterange(new.from_date, new.to_date, '[]')
      ) then
        raise exception 'organisation % already belongs to group % for part of that time', new.org_code, new.group_id
          using errcode = 'exclusion_violation';
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger organisation_group_member_no_overlap
    before insert or update on organisation_group_member
    for each row execute function tend_group_member_no_overlap()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table organisation_group_member`.execute(db);
  await sql`drop function tend_group_member_no_overlap()`.execute(db);
  await sql`drop table organisation_group`.execute(db);
}
