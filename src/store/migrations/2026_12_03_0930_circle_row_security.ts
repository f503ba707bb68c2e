import { type Kysely, sql } from 'kysely';

/**
 * Row-level security on confidential circles and journals, so that even a query that forgets the
 * circle scope answers nothing to anyone outside the circle.
 *
 * Each row is admitted only when the transaction-local setting `tend.viewer_user_id` names a
 * current member of its circle (a journal entry: its author, or a current member of the circle it
 * was shared into). The circle repos set it with `set_config(…, true)` in the transaction of every
 * read and write. `tend.row_access = 'all'` is the deliberate maintenance setting that backup,
 * restore and the migrator use; nothing else sets it.
 *
 * The membership test is a `security definer` function that reads `circle_member` under the
 * maintenance setting, so a policy on `circle_member` never recurses into itself.
 *
 * Superusers and roles with BYPASSRLS are never subject to row security: Tend warns at start when
 * it connects as one (see docs/operations.md, "Connect Tend as its own role").
 * Frozen: never edit a migration once it has landed; add a new one.
 */

const tables = ['circle', 'circle_member', 'circle_meeting', 'journal_entry'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function tend_viewer_user_id() returns integer language sql stable as $$
      select nullif(current_setting('tend.viewer_user_id', true), '')::integer
    $$`.execute(db);
  await sql`
    create function tend_row_access_all() returns boolean language sql stable as $$
      select coalesce(current_setting('tend.row_access', true), '') = 'all'
    $$`.execute(db);
  await sql`
    create function tend_is_circle_member(target_circle integer) returns boolean
      language sql stable security definer
      set search_path from current
      set tend.row_access = 'all'
    as $$
      select exists (
        select 1 from circle_member
        where circle_id = target_circle and user_id = tend_viewer_user_id() and left_at is null
      )
    $$`.execute(db);
  await sql`
    create function tend_is_circle_creator(target_circle integer) returns boolean
      language sql stable security definer
      set search_path from current
      set tend.row_access = 'all'
    as $$
      select exists (select 1 from circle where id = target_circle and created_by = tend_viewer_user_id())
    $$`.execute(db);
  await sql`
    create function tend_circle_has_members(target_circle integer) returns boolean
      language sql stable security definer
      set search_path from current
      set tend.row_access = 'all'
    as $$
      select exists (select 1 from circle_member where circle_id = target_circle)
    $$`.execute(db);

  for (const table of tables) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
    await sql`alter table ${sql.table(table)} force row level security`.execute(db);
    await sql`
      create policy ${sql.id(`${table}_maintenance`)} on ${sql.table(table)} for all
        using (tend_row_access_all()) with check (tend_row_access_all())`.execute(db);
  }

  // A circle: its current members; its creator may see it in the moment before anyone has joined.
  await sql`
    create policy circle_read on circle for select using (
      tend_is_circle_member(id)
      or (created_by = tend_viewer_user_id() and not tend_circle_has_members(id))
    )`.execute(db);
  await sql`
    create policy circle_create on circle for insert with check (created_by = tend_viewer_user_id())`.execute(
    db,
  );

  // Members: a current member sees the circle's membership; everyone sees their own membership row;
  // the creator adds and removes members.
  await sql`
    create policy circle_member_read on circle_member for select using (
      user_id = tend_viewer_user_id() or tend_is_circle_member(circle_id)
    )`.execute(db);
  await sql`
    create policy circle_member_add on circle_member for insert
      with check (tend_is_circle_creator(circle_id))`.execute(db);
  await sql`
    create policy circle_member_change on circle_member for update
      using (tend_is_circle_creator(circle_id)) with check (tend_is_circle_creator(circle_id))`.execute(db);

  // Meetings: current members read and record them.
  await sql`
    create policy circle_meeting_read on circle_meeting for select
      using (tend_is_circle_member(circle_id))`.execute(db);
  await sql`
    create policy circle_meeting_record on circle_meeting for insert
      with check (tend_is_circle_member(circle_id))`.execute(db);

  // Journal entries: the author; once shared, the circle's current members read it too.
  await sql`
    create policy journal_entry_read on journal_entry for select using (
      author_user_id = tend_viewer_user_id()
      or (shared_to_circle_id is not null and tend_is_circle_member(shared_to_circle_id))
    )`.execute(db);
  await sql`
    create policy journal_entry_write on journal_entry for insert
      with check (author_user_id = tend_viewer_user_id() and shared_to_circle_id is null)`.execute(db);
  await sql`
    create policy journal_entry_share on journal_entry for update
      using (author_user_id = tend_viewer_user_id())
      with check (
        author_user_id = tend_viewer_user_id()
        and (shared_to_circle_id is null or tend_is_circle_member(shared_to_circle_id))
      )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of tables) {
    for (const policy of await policiesOf(db, table)) {
      await sql`drop policy ${sql.id(policy)} on ${sql.table(table)}`.execute(db);
    }
    await sql`alter table ${sql.table(table)} no force row level security`.execute(db);
    await sql`alter table ${sql.table(table)} disable row level security`.execute(db);
  }
  await sql`drop function tend_circle_has_members(integer)`.execute(db);
  await sql`drop function tend_is_circle_creator(integer)`.execute(db);
  await sql`drop function tend_is_circle_member(integer)`.execute(db);
  await sql`drop function tend_row_access_all()`.execute(db);
  await sql`drop function tend_viewer_user_id()`.execute(db);
}

async function policiesOf(db: Kysely<any>, table: string): Promise<string[]> {
  const { rows } = await sql<{ policyname: string }>`
    select policyname from pg_policies where tablename = ${table} and schemaname = current_schema()`.execute(
    db,
  );
  return rows.map((row) => row.policyname);
}
