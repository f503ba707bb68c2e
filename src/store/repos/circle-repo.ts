import type { Insertable, Kysely, Selectable } from 'kysely';
import type { CircleScope } from '../../policies/circle.ts';
import type { CircleMeetingTable, CircleTable, JournalEntryTable } from '../circle-tables.ts';
import type { Database } from '../tables.ts';
import { circleScopeFilter, journalScopeFilter } from './scope-filter.ts';

/**
 * Confidential peer circles, their members and meetings, and reflective journal entries. Every read
 * takes the reader's circle scope and filters with `circleScopeFilter` or `journalScopeFilter`, so a
 * query answers nothing to anyone outside the circle (or, for a private entry, but its author).
 */

export type CircleRow = Selectable<CircleTable>;
export type CircleMeetingRow = Selectable<CircleMeetingTable>;
export type JournalEntryRow = Selectable<JournalEntryTable>;

/** A current member of a circle, named. */
export interface CircleMemberRow {
  user_id: number;
  display_name: string;
  email: string;
  joined_at: Date;
}

/** One circle the scope reads (`findCircle`); undefined otherwise. */
export async function findCircle(
  db: Kysely<Database>,
  scope: CircleScope,
  id: number,
): Promise<CircleRow | undefined> {
  return db
    .selectFrom('circle')
    .selectAll()
    .where('circle.id', '=', id)
    .where(circleScopeFilter(scope))
    .executeTakeFirst();
}

/** The circles the scope reads, by name (`listCircles`). */
export async function listCircles(db: Kysely<Database>, scope: CircleScope): Promise<CircleRow[]> {
  return db
    .selectFrom('circle')
    .selectAll()
    .where(circleScopeFilter(scope))
    .orderBy('circle.name')
    .orderBy('circle.id')
    .execute();
}

/** The current members of a circle the scope reads, by name (`listCircleMembers`). */
export async function listCircleMembers(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
): Promise<CircleMemberRow[]> {
  return db
    .selectFrom('circle_member')
    .innerJoin('app_user', 'app_user.id', 'circle_member.user_id')
    .select(['circle_member.user_id', 'app_user.display_name', 'app_user.email', 'circle_member.joined_at'])
    .where('circle_member.circle_id', '=', circleId)
    .where('circle_member.left_at', 'is', null)
    .where(circleScopeFilter(scope, 'circle_member.circle_id'))
    .orderBy('app_user.display_name')
    .execute();
}

/** The meetings of a circle the scope reads, latest first (`listCircleMeetings`). */
export async function listCircleMeetings(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
): Promise<CircleMeetingRow[]> {
  return db
    .selectFrom('circle_meeting')
    .selectAll()
    .where('circle_meeting.circle_id', '=', circleId)
    .where(circleScopeFilter(scope, 'circle_meeting.circle_id'))
    .orderBy('circle_meeting.met_on', 'desc')
    .orderBy('circle_meeting.id', 'desc')
    .execute();
}

/** Adds a circle (`insertCircle`). */
export async function insertCircle(db: Kysely<Database>, row: Insertable<CircleTable>): Promise<CircleRow> {
  return db.insertInto('circle').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Makes a user a current member of a circle, re-joining if they had left (`joinCircle`). */
export async function joinCircle(
  db: Kysely<Database>,
  circleId: number,
  userId: number,
  at: Date,
): Promise<void> {
  await db
    .insertInto('circle_member')
    .values({ circle_id: circleId, user_id: userId, joined_at: at, left_at: null })
    .onConflict((conflict) =>
      conflict.columns(['circle_id', 'user_id']).doUpdateSet({ joined_at: at, left_at: null }),
    )
    .execute();
}

/** Marks a current member as having left (`leaveCircle`); whether they were a current member. */
export async function leaveCircle(
  db: Kysely<Database>,
  circleId: number,
  userId: number,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('circle_member')
    .set({ left_at: at })
    .where('circle_id', '=', circleId)
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Adds a meeting to a circle (`insertCircleMeeting`). */
export async function insertCircleMeeting(
  db: Kysely<Database>,
  row: Insertable<CircleMeetingTable>,
): Promise<CircleMeetingRow> {
  return db.insertInto('circle_meeting').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One journal entry the scope reads (`findJournalEntry`); undefined otherwise. */
export async function findJournalEntry(
  db: Kysely<Database>,
  scope: CircleScope,
  id: number,
): Promise<JournalEntryRow | undefined> {
  return db
    .selectFrom('journal_entry')
    .selectAll()
    .where('journal_entry.id', '=', id)
    .where(journalScopeFilter(scope))
    .executeTakeFirst();
}

/** The journal entries a user wrote, latest first (`listOwnJournalEntries`). */
export async function listOwnJournalEntries(
  db: Kysely<Database>,
  scope: CircleScope,
): Promise<JournalEntryRow[]> {
  if (scope.userId === null) return [];
  return db
    .selectFrom('journal_entry')
    .selectAll()
    .where('journal_entry.author_user_id', '=', scope.userId)
    .where(journalScopeFilter(scope))
    .orderBy('journal_entry.written_at', 'desc')
    .orderBy('journal_entry.id', 'desc')
    .execute();
}

/** The journal entries shared into a circle the scope reads, with their authors' names (`listSharedEntries`). */
export async function listSharedEntries(
  db: Kysely<Database>,
  scope: CircleScope,
  circleId: number,
): Promise<(JournalEntryRow & { author_name: string })[]> {
  return db
    .selectFrom('journal_entry')
    .innerJoin('app_user', 'app_user.id', 'journal_entry.author_user_id')
    .selectAll('journal_entry')
    .select('app_user.display_name as author_name')
    .where('journal_entry.shared_to_circle_id', '=', circleId)
    .where(journalScopeFilter(scope))
    .orderBy('journal_entry.shared_at', 'desc')
    .execute();
}

/** Adds a journal entry (`insertJournalEntry`). */
export async function insertJournalEntry(
  db: Kysely<Database>,
  row: Insertable<JournalEntryTable>,
): Promise<JournalEntryRow> {
  return db.insertInto('journal_entry').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Shares an entry into a circle (`shareJournalEntry`); undefined if it was already shared. */
export async function shareJournalEntry(
  db: Kysely<Database>,
  id: number,
  circleId: number,
  at: Date,
): Promise<JournalEntryRow | undefined> {
  return db
    .updateTable('journal_entry')
    .set({ shared_to_circle_id: circleId, shared_at: at })
    .where('id', '=', id)
    .where('shared_to_circle_id', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Every circle's creator and current members, for checking the policy row by row (`circleMembership`). */
export async function circleMembership(
  db: Kysely<Database>,
): Promise<{ circle_id: number; created_by: number; user_id: number | null }[]> {
  return db
    .selectFrom('circle')
    .leftJoin('circle_member', (join) =>
      join.onRef('circle_member.circle_id', '=', 'circle.id').on('circle_member.left_at', 'is', null),
    )
    .select(['circle.id as circle_id', 'circle.created_by', 'circle_member.user_id'])
    .execute();
}
