import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { OrganisationGroupMemberTable, OrganisationGroupTable } from '../group-tables.ts';
import type { Database } from '../tables.ts';

/**
 * Groups of organisations under shared leadership and their dated memberships. Public facts: no
 * read scope. A membership runs from `from_date` up to and including `to_date` (open while null).
 */

export type GroupRow = Selectable<OrganisationGroupTable>;
export type GroupMemberRow = Selectable<OrganisationGroupMemberTable>;

/** A membership with its organisation's name, kind and closing date. */
export interface GroupMemberWithOrganisation extends GroupMemberRow {
  org_name: string;
  org_kind: string;
  org_closed_on: string | null;
}

/** An organisation as a group's checks see it: its kind, whether it closed, and its regions. */
export interface GroupCandidate {
  code: string;
  name: string;
  kind: string;
  closed_on: string | null;
  region_codes: string[];
}

/** Adds a group (`insertGroup`). */
export async function insertGroup(
  db: Kysely<Database>,
  row: Insertable<OrganisationGroupTable>,
): Promise<GroupRow> {
  return db.insertInto('organisation_group').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Adds memberships (`insertGroupMembers`), in the order given. */
export async function insertGroupMembers(
  db: Kysely<Database>,
  rows: readonly Insertable<OrganisationGroupMemberTable>[],
): Promise<GroupMemberRow[]> {
  return db
    .insertInto('organisation_group_member')
    .values([...rows])
    .returningAll()
    .execute();
}

/** One group (`findGroup`). */
export async function findGroup(db: Kysely<Database>, id: number): Promise<GroupRow | undefined> {
  return db.selectFrom('organisation_group').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every group, by name (`listGroups`). */
export async function listGroups(db: Kysely<Database>): Promise<GroupRow[]> {
  return db.selectFrom('organisation_group').selectAll().orderBy('name').orderBy('id').limit(1000).execute();
}

/**
 * Memberships with their organisations (`listGroupMembers`): one group's, or every group's when no
 * group is given; by group, then organisation name, then from date.
 */
export async function listGroupMembers(
  db: Kysely<Database>,
  groupId?: number,
): Promise<GroupMemberWithOrganisation[]> {
  let query = db
    .selectFrom('organisation_group_member as member')
    .innerJoin('organisation', 'organisation.code', 'member.org_code')
    .selectAll('member')
    .select([
      'organisation.name as org_name',
      'organisation.kind as org_kind',
      'organisation.closed_on as org_closed_on',
    ]);
  if (groupId !== undefined) query = query.where('member.group_id', '=', groupId);
  return query
    .orderBy('member.group_id')
    .orderBy('organisation.name')
    .orderBy('member.from_date')
    .orderBy('member.id')
    .execute();
}

/** The groups an organisation is a member of on `day` (`currentGroupsOf`), by name. */
export async function currentGroupsOf(
  db: Kysely<Database>,
  orgCode: string,
  day: string,
): Promise<{ id: number; name: string; is_example: boolean }[]> {
  return db
    .selectFrom('organisation_group_member as member')
    .innerJoin('organisation_group as grp', 'grp.id', 'member.group_id')
    .select(['grp.id', 'grp.name', 'grp.is_example'])
    .distinct()
    .where('member.org_code', '=', orgCode)
    .where('member.from_date', '<=', day)
    .where((eb) => eb.or([eb('member.to_date', 'is', null), eb('member.to_date', '>=', day)]))
    .orderBy('grp.name')
    .orderBy('grp.id')
    .execute();
}

/**
 * The organisations with these codes, each with its regions (`groupCandidates`): what the checks of
 * a membership need — whether it exists, is a trust, has closed, and which regions oversee it.
 */
export async function groupCandidates(
  db: Kysely<Database>,
  codes: readonly string[],
): Promise<GroupCandidate[]> {
  if (codes.length === 0) return [];
  const result = await sql<GroupCandidate>`
    select o.code, o.name, o.kind, o.closed_on::text as closed_on,
      coalesce(array_agg(m.parent_code order by m.parent_code) filter (where m.parent_code is not null), '{}') as region_codes
    from organisation o
    left join membership m on m.member_code = o.code and m.relation = 'region'
    where o.code in (${sql.join([...codes])})
    group by o.code, o.name, o.kind, o.closed_on
    order by o.code`.execute(db);
  return result.rows;
}

/** Ends a membership still open (`endGroupMember`); undefined when the group has no such open membership. */
export async function endGroupMember(
  db: Kysely<Database>,
  groupId: number,
  memberId: number,
  end: { toDate: string; endedBy: number | null; endedByLabel: string; at: Date },
): Promise<GroupMemberRow | undefined> {
  return db
    .updateTable('organisation_group_member')
    .set({ to_date: end.toDate, ended_by: end.endedBy, ended_by_label: end.endedByLabel, ended_at: end.at })
    .where('group_id', '=', groupId)
    .where('id', '=', memberId)
    .where('to_date', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Sets a group's description (`updateGroupDescription`); undefined when there is no such group. */
export async function updateGroupDescription(
  db: Kysely<Database>,
  id: number,
  description: string | null,
): Promise<GroupRow | undefined> {
  return db
    .updateTable('organisation_group')
    .set({ description })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Marks a group as an invented example (`markGroupAsExample`). */
export async function markGroupAsExample(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable('organisation_group').set({ is_example: true }).where('id', '=', id).execute();
}
